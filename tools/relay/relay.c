// SPDX-License-Identifier: GPL-2.0
/*
 * xenc-relay core: the handshake as region owner and the polling loop that
 * copies frames between each VM's rings and its TAP.  Every ring access goes
 * through the ring core (ring/xenc_ring.c, ring/xenc_ctrl.c); nothing here
 * touches ring memory by itself.  Plain C with a file descriptor per VM, so
 * the native test can drive it over a socket pair instead of a TAP.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "relay.h"

#define RELAY_VLAN_ETH_HLEN	18

static void relay_log(const struct relay_vm *vm, const char *what)
{
	fprintf(stderr, "xenc-relay: %s: %s (generation %u)\n", vm->name, what,
		vm->h.generation);
}

int relay_vm_init(struct relay_vm *vm, const char *name, void *region,
		  u64 size, int fd, u32 slots, u32 mtu, u32 first_gen)
{
	struct xenc_layout l = { .num_queues = 1,
				 .slot_size = XENC_SLOT_SIZE_DEFAULT };

	memset(vm, 0, sizeof(*vm));
	vm->name = name;
	vm->region = region;
	vm->size = size;
	vm->fd = fd;
	vm->slots = slots;
	vm->max_frame = mtu + RELAY_VLAN_ETH_HLEN;
	if (mtu < 68 || vm->max_frame > XENC_FRAME_MAX)
		return -EINVAL;
	/* The fixed layout must fit now: there is no shrinking later. */
	l.max_frame = vm->max_frame;
	l.l2p_slots = slots;
	l.p2l_slots = slots;
	if (xenc_layout_build(&l, size))
		return -ENOSPC;
	xenc_host_format(&vm->h, region, size, 0, first_gen);
	/* No doorbells either way: the peer must not ring us. */
	xenc_host_set_flags(&vm->h, XENC_LINUX_F_POLLING);
	return 0;
}

static void relay_vm_reset(struct relay_vm *vm, const char *why)
{
	if (vm->running) {
		vm->st.disconnects++;
		relay_log(vm, why);
	}
	vm->running = false;
	vm->offer_ticks = 0;
	xenc_host_set_state(&vm->h, XENC_LINUX_RESET);
}

/* Offer the one layout the relay knows: one queue pair, fixed rings. */
static void relay_vm_offer(struct relay_vm *vm)
{
	struct xenc_layout l = { .num_queues = 1,
				 .slot_size = XENC_SLOT_SIZE_DEFAULT };

	l.max_frame = vm->max_frame < vm->h.peer.max_frame ?
		      vm->max_frame : vm->h.peer.max_frame;
	l.l2p_slots = vm->slots;
	l.p2l_slots = vm->slots;
	vm->offer_ticks = 0;
	if (xenc_layout_build(&l, vm->h.size) || xenc_host_offer(&vm->h, &l))
		relay_log(vm, "peer cannot take the fixed layout");
}

static void relay_vm_up(struct relay_vm *vm)
{
	const struct xenc_layout *l = &vm->h.layout;
	u64 feat = vm->h.negotiated;

	if (xenc_ring_init(&vm->tx, xenc_region_at(&vm->h, l->q[0].l2p_off),
			   l->l2p_slots, l->slot_size, l->max_frame, feat) ||
	    xenc_ring_init(&vm->rx, xenc_region_at(&vm->h, l->q[0].p2l_off),
			   l->p2l_slots, l->slot_size, l->max_frame, feat)) {
		relay_vm_reset(vm, "ring setup failed");
		return;
	}
	/* We poll both ends: never ring us, whatever the event indices say. */
	xenc_ring_set_polling(&vm->tx, false, true);
	xenc_ring_set_polling(&vm->rx, true, true);
	vm->running = true;
	vm->st.connects++;
	relay_log(vm, "link up");
}

/* One handshake step; @heartbeat also bumps ours and checks the peer's. */
void relay_vm_ctrl(struct relay_vm *vm, bool heartbeat)
{
	struct xenc_host *h = &vm->h;
	bool stale = heartbeat && xenc_host_heartbeat(h, RELAY_STALE_TICKS);

	switch (xenc_host_poll(h)) {
	case XENC_EV_PEER_HELLO:
		relay_vm_offer(vm);
		break;
	case XENC_EV_CONNECTED:
		relay_vm_up(vm);
		break;
	case XENC_EV_DISCONNECTED:
		relay_vm_reset(vm, "peer left or reset");
		break;
	case XENC_EV_FAULT:
		vm->st.faults++;
		relay_vm_reset(vm, "peer fault");
		break;
	default:
		/* A peer that never takes the offer gets a fresh one. */
		if (h->state == XENC_LINUX_OFFER && heartbeat &&
		    ++vm->offer_ticks > RELAY_STALE_TICKS)
			relay_vm_reset(vm, "offer not taken");
		else if (h->state == XENC_LINUX_RUNNING && stale)
			relay_vm_reset(vm, "peer heartbeat stale");
		break;
	}
}

static void relay_vm_fault(struct relay_vm *vm)
{
	vm->st.faults++;
	relay_vm_reset(vm, "ring fault");
}

/* p2l ring -> TAP: one write per frame, straight from the ring. */
int relay_vm_from_vm(struct relay_vm *vm, u32 budget)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	struct iovec iov[2];
	u32 n = 0;
	ssize_t w;
	int rc;

	if (!vm->running)
		return 0;
	while (n < budget) {
		rc = xenc_ring_peek(&vm->rx, &fh, &sp);
		if (rc == XENC_EMPTY)
			break;
		if (rc != XENC_OK) {
			relay_vm_fault(vm);
			return n;
		}
		iov[0].iov_base = sp.p[0];
		iov[0].iov_len = sp.n[0];
		iov[1].iov_base = sp.p[1];
		iov[1].iov_len = sp.n[1];
		w = writev(vm->fd, iov, sp.n[1] ? 2 : 1);
		if (w == (ssize_t)fh.len) {
			vm->st.from_vm_frames++;
			vm->st.from_vm_bytes += fh.len;
		} else {
			vm->st.drop_write++;
		}
		xenc_ring_consume(&vm->rx, &fh);
		n++;
	}
	/* The peer polls for space (POLLING): no doorbell to send. */
	xenc_ring_release(&vm->rx);
	return n;
}

/* TAP -> l2p ring: one read per frame; a full ring drops it. */
int relay_vm_to_vm(struct relay_vm *vm, u32 budget, u8 *buf, u32 buf_len)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u32 n = 0;
	ssize_t len;
	int rc;

	if (!vm->running)
		return 0;
	while (n < budget) {
		len = read(vm->fd, buf, buf_len);
		if (len < 0)
			break;		/* EAGAIN: nothing waiting */
		n++;
		if (len < XENC_FRAME_MIN || (u64)len > vm->tx.max_frame) {
			vm->st.drop_bad_len++;
			continue;
		}
		memset(&fh, 0, sizeof(fh));
		fh.len = (u32)len;
		rc = xenc_ring_put(&vm->tx, &fh, &sp);
		if (rc == XENC_FULL) {
			vm->st.drop_ring_full++;
			continue;
		}
		if (rc != XENC_OK) {
			xenc_ring_publish(&vm->tx);
			relay_vm_fault(vm);
			return n;
		}
		xenc_span_from_buf(&sp, buf);
		vm->st.to_vm_frames++;
		vm->st.to_vm_bytes += (u64)len;
	}
	xenc_ring_publish(&vm->tx);
	return n;
}

void relay_vm_detach(struct relay_vm *vm)
{
	vm->running = false;
	xenc_host_set_state(&vm->h, XENC_LINUX_GONE);
}

int relay_init(struct relay *r, struct relay_vm *vms, u32 nvm, u32 budget)
{
	memset(r, 0, sizeof(*r));
	r->vms = vms;
	r->nvm = nvm;
	r->budget = budget ? budget : RELAY_BUDGET_DEFAULT;
	/* One byte more than any frame, so an oversized read is seen. */
	r->buf_len = XENC_FRAME_MAX + 1;
	r->buf = malloc(r->buf_len);
	return r->buf ? 0 : -ENOMEM;
}

void relay_free(struct relay *r)
{
	free(r->buf);
	r->buf = NULL;
}

/*
 * One pass over every VM: handshake when due, then each ring in turn.
 * Returns the number of frames moved (0: idle pass).
 */
u32 relay_pass(struct relay *r, u64 now_ns)
{
	u32 i, busy = 0;

	for (i = 0; i < r->nvm; i++) {
		struct relay_vm *vm = &r->vms[i];

		if (now_ns >= vm->next_ctrl_ns) {
			bool hb = now_ns >= vm->next_hb_ns;

			if (hb)
				vm->next_hb_ns = now_ns + RELAY_HB_NS;
			vm->next_ctrl_ns = now_ns + RELAY_CTRL_NS;
			relay_vm_ctrl(vm, hb);
		}
		busy += relay_vm_from_vm(vm, r->budget);
		busy += relay_vm_to_vm(vm, r->budget, r->buf, r->buf_len);
	}
	return busy;
}

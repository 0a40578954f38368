// SPDX-License-Identifier: GPL-2.0
/*
 * The relay baseline (tools/relay/relay.c) against the real co-kernel
 * endpoint (cokernel/xenc_ep.c), natively.  Each VM's region is a shared
 * file mapping mapped twice (the relay's view and the peer's view, as two
 * kernels would), and the relay's "TAP" is one end of a SOCK_SEQPACKET
 * socket pair, which keeps frame boundaries as a TAP does; the test plays
 * the bridge on the other end.
 *
 * Checked: the handshake with polling declared (no doorbell ever rung),
 * frames both ways with their bytes, the fixed ring dropping on full, bad
 * lengths, peer restart/detach/staleness, hostile peers, several VMs in one
 * loop, and a threaded run in which nothing is lost without being counted.
 */
#include "tst.h"		/* first: it defines _GNU_SOURCE */

#include <errno.h>
#include <sys/socket.h>

#include "xenc_ep.h"
#include "relay.h"

#define RT_REGION	(4ull << 20)
#define RT_MAX_VMS	4
#define RT_SLOTS	256
#define RT_MTU		1500
#define RT_MAXF		(RT_MTU + 18)
#define RT_MS		1000000ull

struct rt_vm {
	u8 *relay_map;		/* the relay's view of the region */
	u8 *peer_map;		/* the peer's view of the same pages */
	int sv[2];		/* [0]: the relay's "TAP", [1]: the bridge */
	struct xenc_ep ep;
	struct xenc_ep_config cfg;
	u32 kicks;		/* doorbells the peer tried to ring */
	u32 cookie;
};

struct rt {
	struct relay r;
	struct relay_vm vms[RT_MAX_VMS];
	struct rt_vm v[RT_MAX_VMS];
	u32 n;
	u64 now;
};

static void rt_notify(void *ctx, u32 vector)
{
	struct rt_vm *v = ctx;

	(void)vector;
	__atomic_add_fetch(&v->kicks, 1, __ATOMIC_RELAXED);
}

/* Frame bytes: [len][seq][vm] then a pattern derived from all three. */
static u32 rt_frame(u8 *buf, u32 len, u32 seq, u32 vm)
{
	tst_fill(buf, len, ((u64)vm << 32) ^ seq ^ ((u64)len << 48));
	memcpy(buf, &len, 4);
	memcpy(buf + 4, &seq, 4);
	memcpy(buf + 8, &vm, 4);
	return len;
}

/* True if buf is exactly rt_frame(len, seq, vm) for the seq it carries. */
static bool rt_frame_ok(const u8 *buf, u32 len, u32 vm, u32 *seq)
{
	u8 want[XENC_FRAME_MAX];
	u32 l, v;

	if (len < 12)
		return false;
	memcpy(&l, buf, 4);
	memcpy(seq, buf + 4, 4);
	memcpy(&v, buf + 8, 4);
	if (l != len || v != vm)
		return false;
	rt_frame(want, len, *seq, vm);
	return !memcmp(want, buf, len);
}

static int rt_attach(struct rt_vm *v)
{
	v->cookie++;
	return xenc_ep_attach(&v->ep, v->peer_map, RT_REGION, &v->cfg,
			      rt_notify, v, v->cookie);
}

static int rt_init(struct rt *rt, u32 n, u32 peer_flags)
{
	u32 i;

	memset(rt, 0, sizeof(*rt));
	rt->n = n;
	for (i = 0; i < n; i++) {
		struct rt_vm *v = &rt->v[i];
		char name[16];
		int fd = memfd_create("xenc-relay-test", MFD_CLOEXEC);

		TST_CHECK_I(fd >= 0);
		TST_CHECK_I(!ftruncate(fd, (off_t)RT_REGION));
		v->relay_map = mmap(NULL, RT_REGION, PROT_READ | PROT_WRITE,
				    MAP_SHARED, fd, 0);
		v->peer_map = mmap(NULL, RT_REGION, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, 0);
		close(fd);
		TST_CHECK_I(v->relay_map != MAP_FAILED);
		TST_CHECK_I(v->peer_map != MAP_FAILED);
		TST_CHECK_I(v->relay_map != v->peer_map);
		TST_CHECK_I(!socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK,
					0, v->sv));
		snprintf(name, sizeof(name), "tap%u", i);
		TST_EQ_I(relay_vm_init(&rt->vms[i], strdup(name), v->relay_map,
				       RT_REGION, v->sv[0], RT_SLOTS, RT_MTU,
				       1000 * (i + 1)), 0);
		v->cfg.features = XENC_F_MQ | XENC_F_QUIESCE;
		v->cfg.max_queues = XENC_MAX_QUEUES;
		v->cfg.max_frame = XENC_FRAME_MAX;
		v->cfg.flags = peer_flags;
		v->cfg.stale_limit = 30;
		v->cookie = 0x5eed0000 + i * 16;
		TST_EQ_I(rt_attach(v), XENC_OK);
	}
	TST_EQ_I(relay_init(&rt->r, rt->vms, n, RELAY_BUDGET_DEFAULT), 0);
	return 0;
}

static void rt_free(struct rt *rt)
{
	u32 i;

	relay_free(&rt->r);
	for (i = 0; i < rt->n; i++) {
		free((void *)rt->vms[i].name);
		munmap(rt->v[i].relay_map, RT_REGION);
		munmap(rt->v[i].peer_map, RT_REGION);
		close(rt->v[i].sv[0]);
		close(rt->v[i].sv[1]);
	}
}

/* 10 ms pass: the relay's loop once, then every peer's tick. */
static u32 rt_step(struct rt *rt, bool peers)
{
	u32 i, busy;

	rt->now += 10 * RT_MS;
	busy = relay_pass(&rt->r, rt->now);
	for (i = 0; peers && i < rt->n; i++)
		xenc_ep_tick(&rt->v[i].ep);
	return busy;
}

static bool rt_all_up(struct rt *rt)
{
	u32 i;

	for (i = 0; i < rt->n; i++)
		if (!rt->vms[i].running || !xenc_ep_connected(&rt->v[i].ep))
			return false;
	return true;
}

static int rt_connect(struct rt *rt)
{
	u32 i;

	for (i = 0; i < 20 && !rt_all_up(rt); i++)
		rt_step(rt, true);
	TST_CHECK_I(rt_all_up(rt));
	return 0;
}

/* The bridge sends one frame into VM @vm's TAP. */
static int rt_tap_send(struct rt *rt, u32 vm, u32 len, u32 seq)
{
	u8 buf[XENC_FRAME_MAX];

	rt_frame(buf, len, seq, vm);
	TST_EQ_I(write(rt->v[vm].sv[1], buf, len), (ssize_t)len);
	return 0;
}

/* The peer receives the next frame; it must be (len, seq). */
static int rt_peer_recv(struct rt *rt, u32 vm, u32 len, u32 seq)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u8 buf[XENC_FRAME_MAX];
	u32 got;

	TST_EQ_I(xenc_ep_recv(&rt->v[vm].ep, 0, &fh, &sp), XENC_OK);
	TST_EQ_I(fh.len, len);
	xenc_span_to_buf(&sp, buf);
	xenc_ep_recv_done(&rt->v[vm].ep, 0, &fh);
	TST_CHECK_I(rt_frame_ok(buf, len, vm, &got));
	TST_EQ_I(got, seq);
	return 0;
}

static int rt_peer_send(struct rt *rt, u32 vm, u32 len, u32 seq)
{
	u8 buf[XENC_FRAME_MAX];

	rt_frame(buf, len, seq, vm);
	TST_EQ_I(xenc_ep_send_buf(&rt->v[vm].ep, 0, buf, len), XENC_OK);
	return 0;
}

/* The bridge reads the next frame out of VM @vm's TAP. */
static int rt_tap_recv(struct rt *rt, u32 vm, u32 len, u32 seq)
{
	u8 buf[XENC_FRAME_MAX + 1];
	ssize_t n = read(rt->v[vm].sv[1], buf, sizeof(buf));
	u32 got;

	TST_EQ_I(n, (ssize_t)len);
	TST_CHECK_I(rt_frame_ok(buf, len, vm, &got));
	TST_EQ_I(got, seq);
	return 0;
}

static bool rt_peer_empty(struct rt *rt, u32 vm)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;

	return xenc_ep_recv(&rt->v[vm].ep, 0, &fh, &sp) == XENC_EMPTY;
}

static bool rt_tap_empty(struct rt *rt, u32 vm)
{
	u8 b[16];

	return read(rt->v[vm].sv[1], b, sizeof(b)) < 0 && errno == EAGAIN;
}

/* The relay offers its fixed layout, declares polling and is never rung. */
static void handshake_polling(void)
{
	static struct rt rt;
	struct relay_vm *vm = &rt.vms[0];
	const struct xenc_linux_info *li;
	u32 i;

	if (rt_init(&rt, 1, 0) || rt_connect(&rt))
		return;
	li = (const struct xenc_linux_info *)(rt.v[0].peer_map +
					      XENC_OFF_LINUX);
	TST_EQ(li->flags & XENC_LINUX_F_POLLING, XENC_LINUX_F_POLLING);
	TST_EQ(li->state, XENC_LINUX_RUNNING);
	TST_EQ(vm->h.layout.num_queues, 1);
	TST_EQ(vm->h.layout.l2p_slots, RT_SLOTS);
	TST_EQ(vm->h.layout.p2l_slots, RT_SLOTS);
	TST_EQ(vm->h.layout.max_frame, RT_MAXF);
	TST_EQ(vm->h.negotiated, 0);
	TST_EQ(xenc_ep_num_queues(&rt.v[0].ep), 1);
	TST_EQ(vm->tx.hdr->prod_flags & XENC_RING_F_NO_NOTIFY,
	       XENC_RING_F_NO_NOTIFY);
	TST_EQ(vm->rx.hdr->cons_flags & XENC_RING_F_NO_NOTIFY,
	       XENC_RING_F_NO_NOTIFY);
	TST_EQ(vm->st.connects, 1);
	/* Traffic both ways, with the peer asking for doorbells: none sent. */
	for (i = 0; i < 50; i++) {
		TST_CHECK(!rt_tap_send(&rt, 0, 60 + i, i));
		TST_CHECK(!rt_peer_send(&rt, 0, 60 + i, i));
		xenc_ep_flush(&rt.v[0].ep, 0);
		xenc_ep_tx_wait(&rt.v[0].ep, 0, RT_SLOTS);
		rt_step(&rt, true);
		TST_CHECK(!rt_peer_recv(&rt, 0, 60 + i, i));
		xenc_ep_recv_flush(&rt.v[0].ep, 0);
		xenc_ep_rx_rearm(&rt.v[0].ep, 0);
		TST_CHECK(!rt_tap_recv(&rt, 0, 60 + i, i));
	}
	TST_EQ(rt.v[0].kicks, 0);
	TST_EQ(vm->st.to_vm_frames, 50);
	TST_EQ(vm->st.from_vm_frames, 50);
	rt_free(&rt);
}

/* Thousands of frames of every size both ways, batch by batch. */
static void frames_both_ways(void)
{
	static struct rt rt;
	struct relay_vm *vm = &rt.vms[0];
	u64 seed = 42, bytes_in = 0, bytes_out = 0;
	u32 sent = 0, got = 0, psent = 0, tgot = 0, round, k, b;
	u32 lens[64];

	if (rt_init(&rt, 1, XENC_PEER_F_POLLING) || rt_connect(&rt))
		return;
	for (round = 0; round < 200; round++) {
		b = tst_rand_range(&seed, 1, 40);
		for (k = 0; k < b; k++) {
			lens[k] = tst_rand_range(&seed, 14, RT_MAXF);
			if (rt_tap_send(&rt, 0, lens[k], sent + k))
				return;
			bytes_in += lens[k];
		}
		for (k = 0; k < b; k++)
			if (rt_peer_send(&rt, 0, lens[b - 1 - k], psent + k))
				return;
		xenc_ep_flush(&rt.v[0].ep, 0);
		rt_step(&rt, true);
		for (k = 0; k < b; k++)
			if (rt_peer_recv(&rt, 0, lens[k], sent + k))
				return;
		xenc_ep_recv_flush(&rt.v[0].ep, 0);
		for (k = 0; k < b; k++) {
			if (rt_tap_recv(&rt, 0, lens[b - 1 - k], psent + k))
				return;
			bytes_out += lens[b - 1 - k];
		}
		sent += b;
		got += b;
		psent += b;
		tgot += b;
	}
	TST_CHECK(rt_tap_empty(&rt, 0));
	TST_EQ(vm->st.to_vm_frames, sent);
	TST_EQ(vm->st.to_vm_bytes, bytes_in);
	TST_EQ(vm->st.from_vm_frames, tgot);
	TST_EQ(vm->st.from_vm_bytes, bytes_out);
	TST_EQ(vm->st.drop_ring_full + vm->st.drop_write + vm->st.faults, 0);
	/* The indices wrapped the 256-slot rings many times. */
	TST_CHECK(vm->tx.head > 4 * RT_SLOTS);
	TST_CHECK(got == sent && psent == tgot);
	rt_free(&rt);
}

/* A full ring towards the VM drops what the TAP delivers, as lnxtapd did. */
static void drop_on_full_ring(void)
{
	static struct rt rt;
	struct relay_vm *vm = &rt.vms[0];
	u32 i, seq = 0;

	if (rt_init(&rt, 1, XENC_PEER_F_POLLING) || rt_connect(&rt))
		return;
	/* The peer consumes nothing: 300 one-slot frames, 256 fit. */
	while (seq < 300) {
		for (i = 0; i < 25 && seq < 300; i++, seq++)
			if (rt_tap_send(&rt, 0, RT_MTU, seq))
				return;
		rt_step(&rt, false);
	}
	rt_step(&rt, false);
	TST_EQ(vm->st.to_vm_frames, RT_SLOTS);
	TST_EQ(vm->st.drop_ring_full, 300 - RT_SLOTS);
	TST_CHECK(vm->running);
	/* What got in is the first 256, in order; the rest is gone. */
	for (i = 0; i < RT_SLOTS; i++)
		if (rt_peer_recv(&rt, 0, RT_MTU, i))
			return;
	xenc_ep_recv_flush(&rt.v[0].ep, 0);
	TST_CHECK(rt_peer_empty(&rt, 0));
	/* Room again: frames flow. */
	for (i = 0; i < 10; i++)
		TST_CHECK(!rt_tap_send(&rt, 0, 100, 1000 + i));
	rt_step(&rt, true);
	for (i = 0; i < 10; i++)
		TST_CHECK(!rt_peer_recv(&rt, 0, 100, 1000 + i));
	TST_EQ(vm->st.drop_ring_full, 300 - RT_SLOTS);
	rt_free(&rt);
}

/* Runts and frames above MTU + VLAN header are counted and dropped. */
static void bad_lengths(void)
{
	static struct rt rt;
	struct relay_vm *vm = &rt.vms[0];
	u8 buf[4000];

	if (rt_init(&rt, 1, XENC_PEER_F_POLLING) || rt_connect(&rt))
		return;
	memset(buf, 0xab, sizeof(buf));
	TST_EQ(write(rt.v[0].sv[1], buf, 10), 10);
	TST_EQ(write(rt.v[0].sv[1], buf, RT_MAXF + 1), RT_MAXF + 1);
	TST_EQ(write(rt.v[0].sv[1], buf, 3000), 3000);
	TST_CHECK(!rt_tap_send(&rt, 0, RT_MAXF, 7));
	TST_CHECK(!rt_tap_send(&rt, 0, XENC_FRAME_MIN, 8));
	rt_step(&rt, true);
	TST_EQ(vm->st.drop_bad_len, 3);
	TST_EQ(vm->st.to_vm_frames, 2);
	TST_CHECK(!rt_peer_recv(&rt, 0, RT_MAXF, 7));
	TST_CHECK(!rt_peer_recv(&rt, 0, XENC_FRAME_MIN, 8));
	TST_CHECK(vm->running);
	/* A frame the peer cannot send at all: the layout says max 1518. */
	TST_EQ(xenc_ep_send_buf(&rt.v[0].ep, 0, buf, RT_MAXF + 1),
	       XENC_TOOBIG);
	rt_free(&rt);
}

/* The peer leaves, comes back, restarts in place: the relay follows. */
static void peer_restart(void)
{
	static struct rt rt;
	struct relay_vm *vm = &rt.vms[0];
	u32 gen, i;

	if (rt_init(&rt, 1, XENC_PEER_F_POLLING) || rt_connect(&rt))
		return;
	gen = vm->h.generation;
	xenc_ep_detach(&rt.v[0].ep);
	rt_step(&rt, true);
	TST_CHECK(!vm->running);
	TST_EQ(vm->st.disconnects, 1);
	/* Frames for a VM that is not there stay in the TAP, not the ring. */
	TST_CHECK(!rt_tap_send(&rt, 0, 64, 1));
	rt_step(&rt, true);
	TST_EQ(vm->st.to_vm_frames, 0);
	TST_EQ(rt_attach(&rt.v[0]), XENC_OK);
	if (rt_connect(&rt))
		return;
	TST_CHECK(vm->h.generation != gen);
	TST_EQ(vm->st.connects, 2);
	/* The frame that waited in the TAP went in with the new link. */
	TST_CHECK(!rt_peer_recv(&rt, 0, 64, 1));
	xenc_ep_recv_flush(&rt.v[0].ep, 0);
	/* Restart without detaching: HELLO while RUNNING. */
	gen = vm->h.generation;
	TST_EQ(rt_attach(&rt.v[0]), XENC_OK);
	if (rt_connect(&rt))
		return;
	TST_CHECK(vm->h.generation != gen);
	TST_EQ(vm->st.connects, 3);
	TST_EQ(vm->st.disconnects, 2);
	/* New frames both ways. */
	for (i = 0; i < 5; i++) {
		TST_CHECK(!rt_tap_send(&rt, 0, 200, 10 + i));
		TST_CHECK(!rt_peer_send(&rt, 0, 300, 20 + i));
	}
	xenc_ep_flush(&rt.v[0].ep, 0);
	rt_step(&rt, true);
	for (i = 0; i < 5; i++) {
		TST_CHECK(!rt_peer_recv(&rt, 0, 200, 10 + i));
		TST_CHECK(!rt_tap_recv(&rt, 0, 300, 20 + i));
	}
	TST_EQ(vm->st.faults, 0);
	rt_free(&rt);
}

/* A peer whose heartbeat stops is dropped after 30 heartbeats (3 s). */
static void stale_peer(void)
{
	static struct rt rt;
	struct relay_vm *vm = &rt.vms[0];
	u32 i;

	if (rt_init(&rt, 1, XENC_PEER_F_POLLING) || rt_connect(&rt))
		return;
	for (i = 0; i < 500 && vm->running; i++)
		rt_step(&rt, false);
	TST_CHECK(!vm->running);
	/* 30 heartbeats of 100 ms, in steps of 10 ms. */
	TST_CHECK(i >= 290 && i <= 310);
	TST_EQ(vm->st.disconnects, 1);
	/* It wakes up: a fresh handshake. */
	if (rt_connect(&rt))
		return;
	TST_EQ(vm->st.connects, 2);
	rt_free(&rt);
}

/* Garbage from the peer: counted, link reset, relay intact, reconnect. */
static void hostile_peer(void)
{
	static struct rt rt;
	struct relay_vm *vm = &rt.vms[0];
	struct xenc_frame_hdr fh = { .len = 100 };
	struct xenc_peer_info *pi;
	struct xenc_span sp;

	if (rt_init(&rt, 1, XENC_PEER_F_POLLING) || rt_connect(&rt))
		return;
	/* prod far beyond the ring. */
	rt.v[0].ep.q[0].tx.hdr->prod += 100000;
	rt_step(&rt, false);
	TST_CHECK(!vm->running);
	TST_EQ(vm->st.faults, 1);
	if (rt_connect(&rt))
		return;
	/* A frame whose length grows after the header was written. */
	TST_EQ(xenc_ep_send(&rt.v[0].ep, 0, &fh, &sp), XENC_OK);
	((struct xenc_frame_hdr *)(sp.p[0] - XENC_FRAME_HDR_SIZE))->len =
		60000;
	xenc_ep_flush(&rt.v[0].ep, 0);
	rt_step(&rt, false);
	TST_CHECK(!vm->running);
	TST_EQ(vm->st.faults, 2);
	TST_EQ(vm->st.from_vm_frames, 0);
	if (rt_connect(&rt))
		return;
	/* A state value that does not exist. */
	pi = (struct xenc_peer_info *)(rt.v[0].peer_map + XENC_OFF_PEER);
	pi->state = 77;
	rt_step(&rt, false);
	TST_CHECK(!vm->running);
	TST_EQ(vm->st.faults, 3);
	pi->state = XENC_PEER_HELLO;
	if (rt_connect(&rt))
		return;
	TST_CHECK(!rt_peer_send(&rt, 0, 64, 5));
	xenc_ep_flush(&rt.v[0].ep, 0);
	rt_step(&rt, true);
	TST_CHECK(!rt_tap_recv(&rt, 0, 64, 5));
	rt_free(&rt);
}

/* One loop serves four VMs; every frame reaches its own VM only. */
static void four_vms_one_loop(void)
{
	static struct rt rt;
	u32 vm, i;

	if (rt_init(&rt, RT_MAX_VMS, XENC_PEER_F_POLLING) || rt_connect(&rt))
		return;
	for (vm = 0; vm < RT_MAX_VMS; vm++) {
		for (i = 0; i < 20; i++) {
			TST_CHECK(!rt_tap_send(&rt, vm, 100 + vm, i));
			TST_CHECK(!rt_peer_send(&rt, vm, 200 + vm, i));
		}
		xenc_ep_flush(&rt.v[vm].ep, 0);
	}
	/* One pass, real data for each VM. */
	TST_EQ(relay_pass(&rt.r, rt.now + 1), 4 * 40);
	for (vm = 0; vm < RT_MAX_VMS; vm++) {
		for (i = 0; i < 20; i++) {
			TST_CHECK(!rt_peer_recv(&rt, vm, 100 + vm, i));
			TST_CHECK(!rt_tap_recv(&rt, vm, 200 + vm, i));
		}
		TST_CHECK(rt_tap_empty(&rt, vm));
		TST_CHECK(rt_peer_empty(&rt, vm));
		TST_EQ(rt.vms[vm].st.to_vm_frames, 20);
		TST_EQ(rt.vms[vm].st.from_vm_frames, 20);
	}
	rt_free(&rt);
}

/*
 * Threads: the relay loop (this thread), a busy peer and the bridge run at
 * once.  Every frame either arrives intact and in order or is counted as a
 * drop by the relay.
 */
#define TH_FRAMES	20000

struct th {
	struct rt *rt;
	int stop;
	u32 peer_got, peer_bad, peer_sent, tap_got, tap_bad, tap_sent;
};

static u32 th_get(u32 *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void th_set(u32 *p, u32 v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static void *th_peer(void *arg)
{
	struct th *t = arg;
	struct xenc_ep *ep = &t->rt->v[0].ep;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u8 buf[XENC_FRAME_MAX];
	double next_tick = 0;
	u32 seq, last = 0, sent = 0;
	bool first = true;

	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		if (tst_now() >= next_tick) {
			xenc_ep_tick(ep);
			next_tick = tst_now() + 0.01;
		}
		while (xenc_ep_recv(ep, 0, &fh, &sp) == XENC_OK) {
			xenc_span_to_buf(&sp, buf);
			xenc_ep_recv_done(ep, 0, &fh);
			if (!rt_frame_ok(buf, fh.len, 0, &seq) ||
			    (!first && seq <= last))
				t->peer_bad++;
			first = false;
			last = seq;
			th_set(&t->peer_got, t->peer_got + 1);
		}
		xenc_ep_recv_flush(ep, 0);
		while (sent < TH_FRAMES) {
			u32 len = 14 + sent * 37 % (RT_MAXF - 13);

			rt_frame(buf, len, sent, 0);
			if (xenc_ep_send_buf(ep, 0, buf, len) != XENC_OK)
				break;
			sent++;
		}
		xenc_ep_flush(ep, 0);
		th_set(&t->peer_sent, sent);
		sched_yield();
	}
	return NULL;
}

static void *th_bridge(void *arg)
{
	struct th *t = arg;
	int fd = t->rt->v[0].sv[1];
	u8 buf[XENC_FRAME_MAX + 1];
	u32 seq, last = 0, sent = 0;
	bool first = true;
	ssize_t n;

	while (!__atomic_load_n(&t->stop, __ATOMIC_ACQUIRE)) {
		while ((n = read(fd, buf, sizeof(buf))) > 0) {
			if (!rt_frame_ok(buf, (u32)n, 0, &seq) ||
			    (!first && seq <= last))
				t->tap_bad++;
			first = false;
			last = seq;
			th_set(&t->tap_got, t->tap_got + 1);
		}
		while (sent < TH_FRAMES) {
			u32 len = 14 + sent * 53 % (RT_MAXF - 13);

			rt_frame(buf, len, sent, 0);
			if (write(fd, buf, len) != (ssize_t)len)
				break;
			sent++;
		}
		th_set(&t->tap_sent, sent);
		sched_yield();
	}
	return NULL;
}

/* Everything sent was moved or dropped, and what moved has arrived. */
static bool th_settled(struct th *t, const struct relay_stats *s)
{
	return th_get(&t->tap_sent) == TH_FRAMES &&
	       th_get(&t->peer_sent) == TH_FRAMES &&
	       s->to_vm_frames + s->drop_ring_full + s->drop_bad_len ==
	       TH_FRAMES &&
	       s->from_vm_frames + s->drop_write == TH_FRAMES &&
	       th_get(&t->peer_got) == s->to_vm_frames &&
	       th_get(&t->tap_got) == s->from_vm_frames;
}

static void threaded_accounting(void)
{
	static struct rt rt;
	static struct th t;
	struct relay_vm *vm = &rt.vms[0];
	pthread_t pp, pb;
	double deadline;

	if (rt_init(&rt, 1, XENC_PEER_F_POLLING) || rt_connect(&rt))
		return;
	/*
	 * A reset loses what sits in the rings uncounted; under a loaded
	 * machine the peer must not call a descheduled relay stale.
	 */
	rt.v[0].ep.cfg.stale_limit = 0;
	memset(&t, 0, sizeof(t));
	t.rt = &rt;
	pthread_create(&pp, NULL, th_peer, &t);
	pthread_create(&pb, NULL, th_bridge, &t);
	/* Generous: ASan on two CPUs shared with other work. */
	deadline = tst_now() + 240;
	while (!th_settled(&t, &vm->st) && tst_now() < deadline)
		if (!relay_pass(&rt.r, (u64)(tst_now() * 1e9)))
			sched_yield();
	__atomic_store_n(&t.stop, 1, __ATOMIC_RELEASE);
	pthread_join(pp, NULL);
	pthread_join(pb, NULL);
	printf("# threaded: sent %u/%u, to VM %llu delivered (%u seen), ",
	       t.tap_sent, t.peer_sent,
	       (unsigned long long)vm->st.to_vm_frames, t.peer_got);
	printf("%llu dropped on full ring; from VM %llu delivered (%u seen), ",
	       (unsigned long long)vm->st.drop_ring_full,
	       (unsigned long long)vm->st.from_vm_frames, t.tap_got);
	printf("%llu refused by the TAP; %llu disconnects\n",
	       (unsigned long long)vm->st.drop_write,
	       (unsigned long long)vm->st.disconnects);
	TST_CHECK(th_settled(&t, &vm->st));
	TST_EQ(t.peer_bad, 0);
	TST_EQ(t.tap_bad, 0);
	TST_EQ(vm->st.faults, 0);
	TST_EQ(vm->st.disconnects, 0);
	TST_EQ(vm->st.drop_bad_len, 0);
	/* Bridge -> VM: delivered or dropped on a full ring, nothing else. */
	TST_EQ(t.peer_got, vm->st.to_vm_frames);
	TST_EQ(vm->st.to_vm_frames + vm->st.drop_ring_full, TH_FRAMES);
	/* VM -> bridge: delivered or refused by the TAP, nothing else. */
	TST_EQ(t.tap_got, vm->st.from_vm_frames);
	TST_EQ(vm->st.from_vm_frames + vm->st.drop_write, TH_FRAMES);
	TST_CHECK(t.peer_got > 0 && t.tap_got > 0);
	rt_free(&rt);
}

int main(void)
{
	tst_suite = "relay";
	TST_RUN(handshake_polling);
	TST_RUN(frames_both_ways);
	TST_RUN(drop_on_full_ring);
	TST_RUN(bad_lengths);
	TST_RUN(peer_restart);
	TST_RUN(stale_peer);
	TST_RUN(hostile_peer);
	TST_RUN(four_vms_one_loop);
	TST_RUN(threaded_accounting);
	return tst_done();
}

// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * libFuzzer target for everything that reads shared memory written by the
 * other side: the consumer's frame validation and the producer's index
 * checks (ring/xenc_ring.c), the co-kernel endpoint's layout/state handling
 * (cokernel/xenc_ep.c, xenc_layout_check) and the Linux side of the
 * handshake (xenc_host_poll/offer).  The input format is in fuzz_ops.h.
 *
 * Besides ASan/UBSan (every shared buffer is an exact-size heap block, so
 * any stray access is caught), the target asserts the ring core's promises:
 * frames handed out are inside the ring and within negotiated limits, faults
 * are sticky and come from the right end, an accepted layout really fits
 * the mapping (checked against an independent oracle), and every loop here
 * is bounded.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenc_ring.h"
#include "xenc_ep.h"
#include "fuzz_ops.h"

#define FZ_ASSERT(c) do {						\
	if (!(c)) {							\
		fprintf(stderr, "fuzz_ring.c:%d: assertion failed: %s\n",	\
			__LINE__, #c);					\
		abort();						\
	}								\
} while (0)

struct in {
	const u8 *p;
	size_t n;
};

static u64 get(struct in *in, int bytes)
{
	u64 v = 0;
	int i;

	for (i = 0; i < bytes && in->n; i++, in->p++, in->n--)
		v |= (u64)*in->p << (8 * i);
	return v;
}

#define G8(in)	((u8)get(in, 1))
#define G16(in)	((u16)get(in, 2))
#define G32(in)	((u32)get(in, 4))

static void getbuf(struct in *in, void *dst, size_t n)
{
	size_t k = n < in->n ? n : in->n;

	memset(dst, 0, n);
	memcpy(dst, in->p, k);
	in->p += k;
	in->n -= k;
}

static u8 scratch[XENC_FRAME_MAX + 64];

/*
 * Shared memory comes from globals, placed so that it ends exactly where
 * the array ends: ASan's redzone after a global catches any overrun, and
 * there is no 1 MiB mmap/munmap per execution as with malloc.
 */
#define FZ_RING_MEM	(XENC_RING_HDR_SIZE + (1u << 20))
#define FZ_REGION_MEM	(512u * 1024)

static u8 mem_a[FZ_RING_MEM], mem_b[FZ_RING_MEM], mem_r[FZ_REGION_MEM];

static u8 *shm(u8 *arr, size_t arr_size, size_t bytes)
{
	u8 *p = arr + arr_size - bytes;

	memset(p, 0, bytes);
	return p;
}

static bool pow2(u64 v)
{
	return v && !(v & (v - 1));
}

/* The ABI's layout rules, written independently of xenc_ctrl.c. */
static bool oracle_layout(const struct xenc_layout *l, u64 size)
{
	unsigned __int128 off[2 * XENC_MAX_QUEUES], len[2 * XENC_MAX_QUEUES];
	u32 n = 0, i, j, q, smallest;

	if (l->num_queues < 1 || l->num_queues > XENC_MAX_QUEUES)
		return false;
	if (!pow2(l->slot_size) || l->slot_size < 64 || l->slot_size > 16384)
		return false;
	if (l->max_frame < 14 || l->max_frame > 65600)
		return false;
	if (!pow2(l->l2p_slots) || l->l2p_slots < 64 || l->l2p_slots > 32768 ||
	    !pow2(l->p2l_slots) || l->p2l_slots < 64 || l->p2l_slots > 32768)
		return false;
	smallest = l->l2p_slots < l->p2l_slots ? l->l2p_slots : l->p2l_slots;
	if ((u64)l->max_frame + 16 > (u64)smallest * l->slot_size)
		return false;
	for (q = 0; q < l->num_queues; q++) {
		if (l->q[q].l2p_slots != l->l2p_slots ||
		    l->q[q].p2l_slots != l->p2l_slots)
			return false;
		off[n] = l->q[q].l2p_off;
		len[n++] = (256 + (u64)l->l2p_slots * l->slot_size + 4095) /
			   4096 * 4096;
		off[n] = l->q[q].p2l_off;
		len[n++] = (256 + (u64)l->p2l_slots * l->slot_size + 4095) /
			   4096 * 4096;
	}
	for (i = 0; i < n; i++) {
		if (off[i] % 64 || off[i] < 4096 || off[i] + len[i] > size)
			return false;
		for (j = 0; j < i; j++)
			if (off[i] < off[j] + len[j] && off[j] < off[i] + len[i])
				return false;
	}
	return true;
}

static bool in_ring(const struct xenc_ring *r, const u8 *p, u32 n)
{
	const u8 *lo = r->data, *hi = r->data + ((u64)r->slots << r->shift);

	return p >= lo && p <= hi && n <= (u64)(hi - p);
}

/* A frame a consumer was handed: inside the ring and within limits. */
static void check_frame(const struct xenc_ring *r,
			const struct xenc_frame_hdr *fh,
			const struct xenc_span *sp)
{
	FZ_ASSERT(fh->len >= XENC_FRAME_MIN && fh->len <= r->max_frame);
	FZ_ASSERT(!(fh->flags & ~r->flags_ok));
	if (fh->flags & XENC_FRAME_CSUM_PARTIAL)
		FZ_ASSERT(fh->csum_start >= XENC_FRAME_MIN &&
			  (u32)fh->csum_start + fh->csum_offset + 2 <=
			  fh->len && !(fh->flags & XENC_FRAME_DATA_VALID));
	if (fh->flags & XENC_FRAME_GSO)
		FZ_ASSERT((fh->flags & XENC_FRAME_CSUM_PARTIAL) &&
			  fh->gso_size >= XENC_GSO_SIZE_MIN &&
			  fh->gso_size <= r->max_frame &&
			  fh->gso_type >= XENC_GSO_TCPV4 &&
			  fh->gso_type <= XENC_GSO_UDP_L4);
	FZ_ASSERT(xenc_frame_slots(r, fh->len) <= r->snap - r->head);
	FZ_ASSERT(sp->n[0] + sp->n[1] == fh->len);
	FZ_ASSERT(in_ring(r, sp->p[0], sp->n[0]));
	FZ_ASSERT(!sp->n[1] || (sp->p[1] == r->data &&
				in_ring(r, sp->p[1], sp->n[1])));
	/* Read every byte: ASan checks the bounds for us. */
	xenc_span_to_buf(sp, scratch);
}

static void check_rc(const struct xenc_ring *r, int rc)
{
	FZ_ASSERT(rc == XENC_OK || rc == XENC_EMPTY || rc == XENC_FULL ||
		  rc == XENC_TOOBIG || (rc < 0 && -rc == r->fault));
}

/* Consumer loop, bounded: each consume advances >= 1 slot of <= slots. */
static void drain(struct xenc_ring *r, u32 budget)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u32 i;
	int rc;

	for (i = 0; i < budget && i <= r->slots; i++) {
		rc = xenc_ring_peek(r, &fh, &sp);
		check_rc(r, rc);
		if (rc != XENC_OK)
			break;
		check_frame(r, &fh, &sp);
		xenc_ring_consume(r, &fh);
	}
}

static void put_one(struct xenc_ring *r, const struct xenc_frame_hdr *fh)
{
	struct xenc_span sp;
	int rc = xenc_ring_put(r, fh, &sp);

	check_rc(r, rc);
	FZ_ASSERT(rc != XENC_EMPTY);
	if (rc == XENC_TOOBIG)
		FZ_ASSERT(fh->len < XENC_FRAME_MIN || fh->len > r->max_frame);
	if (rc != XENC_OK)
		return;
	FZ_ASSERT(fh->len >= XENC_FRAME_MIN && fh->len <= r->max_frame);
	FZ_ASSERT(sp.n[0] + sp.n[1] == fh->len);
	FZ_ASSERT(in_ring(r, sp.p[0], sp.n[0]));
	FZ_ASSERT(!sp.n[1] || in_ring(r, sp.p[1], sp.n[1]));
	xenc_span_from_buf(&sp, scratch);
}

static void get_fhdr(struct in *in, struct xenc_frame_hdr *fh)
{
	getbuf(in, fh, sizeof(*fh));
}

/* Sticky faults, from the right end, and indices in range. */
struct watch {
	u8 fa, fb;
};

static void check_rings(struct watch *w, const struct xenc_ring *a,
			const struct xenc_ring *b)
{
	if (a) {
		FZ_ASSERT(!w->fa || a->fault == w->fa);
		w->fa = a->fault;
		FZ_ASSERT(a->fault < XENC_FAULT_COUNT &&
			  a->fault != XENC_FAULT_CONS_RANGE);
		FZ_ASSERT(a->snap - a->head <= a->slots);
#ifdef FZ_STRICT
		/* Fails today: prod is bounded by head, not by pub. */
		FZ_ASSERT(a->snap - a->pub <= a->slots);
#endif
	}
	if (b) {
		FZ_ASSERT(!w->fb || b->fault == w->fb);
		w->fb = b->fault;
		FZ_ASSERT(!b->fault || b->fault == XENC_FAULT_CONS_RANGE);
		FZ_ASSERT(b->head - b->snap <= b->slots);
		FZ_ASSERT(b->pub - b->snap <= b->slots);
	}
}

static void set_index(struct xenc_ring *r, u32 idx)
{
	r->head = idx;
	r->pub = idx;
	r->snap = idx;
}

static void fz_ring(struct in *in)
{
	u32 shift = 6 + G8(in) % 9, slots = 64u << (G8(in) % 4);
	u32 ssz = 1u << shift, cap, mf, base, op;
	u64 feat;
	struct xenc_ring a, pa, b, cb;
	struct xenc_ring_hdr *ha, *hb;
	struct xenc_frame_hdr fh;
	struct watch w = { 0 };
	size_t bytes;
	u8 *ma, *mb;

	/* At most 1 MiB per ring keeps executions fast. */
	while ((u64)slots * ssz > (1u << 20) && slots > 64)
		slots >>= 1;
	cap = slots * ssz - XENC_FRAME_HDR_SIZE;
	if (cap > XENC_FRAME_MAX)
		cap = XENC_FRAME_MAX;
	mf = XENC_FRAME_MIN + G32(in) % (cap - XENC_FRAME_MIN + 1);
	feat = G8(in) & XENC_F_KNOWN;
	base = G32(in);
	bytes = XENC_RING_HDR_SIZE + (size_t)slots * ssz;
	ma = shm(mem_a, sizeof(mem_a), bytes);
	mb = shm(mem_b, sizeof(mem_b), bytes);
	FZ_ASSERT(!xenc_ring_init(&a, ma, slots, ssz, mf, feat));
	FZ_ASSERT(!xenc_ring_init(&pa, ma, slots, ssz, mf, feat));
	FZ_ASSERT(!xenc_ring_init(&b, mb, slots, ssz, mf, feat));
	FZ_ASSERT(!xenc_ring_init(&cb, mb, slots, ssz, mf, feat));
	set_index(&a, base);
	set_index(&pa, base);
	set_index(&b, base);
	set_index(&cb, base);
	ha = a.hdr;
	hb = b.hdr;
	ha->prod = base;
	ha->cons = base;
	hb->prod = base;
	hb->cons = base;

	for (op = 0; in->n && op < FZ_MAX_OPS; op++) {
		u32 k, n, i;

		switch (G8(in) % R_COUNT) {
		case R_PROD:
			ha->prod = a.head + G32(in);
			break;
		case R_FHDR:
			k = G8(in);
			get_fhdr(in, &fh);
			memcpy(ma + XENC_RING_HDR_SIZE +
			       (((a.head + k) & (slots - 1)) << shift),
			       &fh, sizeof(fh));
			break;
		case R_DRAIN:
			drain(&a, G8(in));
			break;
		case R_RELEASE:
			xenc_ring_release(&a);
			break;
		case R_NOTIFY:
			xenc_ring_enable_notify(&a);
			break;
		case R_CONS:
			hb->cons = b.snap + G32(in);
			break;
		case R_PUT:
			fh = (struct xenc_frame_hdr){ 0 };
			fh.len = G32(in);
			fh.flags = G16(in);
			fh.csum_start = G16(in);
			fh.csum_offset = G16(in);
			fh.gso_size = G16(in);
			fh.gso_type = G8(in);
			put_one(&b, &fh);
			break;
		case R_PUBLISH:
			xenc_ring_publish(&b);
			break;
		case R_WAIT:
			xenc_ring_wait_space(&b, G32(in));
			break;
		case R_FREE:
			check_rc(&b, xenc_ring_free(&b, &n));
			if (!b.fault)
				FZ_ASSERT(n <= slots);
			break;
		case R_EVENTS:
			ha->prod_event = G32(in);
			ha->prod_flags = G32(in);
			hb->cons_event = G32(in);
			hb->cons_flags = G32(in);
			break;
		case R_LEGIT_PUT:
			/* A well-behaved producer, for deep valid states. */
			n = G8(in) % 16;
			k = G16(in);
			for (i = 0; i < n; i++) {
				struct xenc_span sp;

				fh = (struct xenc_frame_hdr){ 0 };
				fh.len = XENC_FRAME_MIN +
					 (k + i * 977) % (mf - XENC_FRAME_MIN + 1);
				if (xenc_ring_put(&pa, &fh, &sp) != XENC_OK)
					break;
				xenc_span_from_buf(&sp, scratch);
			}
			xenc_ring_publish(&pa);
			break;
		case R_LEGIT_GET:
			drain(&cb, slots + 1);
			xenc_ring_release(&cb);
			break;
		case R_POLLING:
			k = G8(in);
			xenc_ring_set_polling(&a, true, k & 1);
			xenc_ring_set_polling(&b, false, k & 2);
			break;
		}
		check_rings(&w, &a, &b);
#ifdef FZ_TRACE
		fprintf(stderr, "ring op: a head %u snap %u fault %u, b head %u snap %u fault %u\n",
			a.head - base, a.snap - base, a.fault, b.head - base,
			b.snap - base, b.fault);
#endif
	}
}

static void fz_notify(void *ctx, u32 vector)
{
	(void)ctx;
	(void)vector;
}

/* What the endpoint believes must hold whatever Linux wrote. */
static void check_ep(const struct xenc_ep *ep, u64 size)
{
	u32 q;

	FZ_ASSERT(ep->state < XENC_PEER_STATE_COUNT);
	FZ_ASSERT(ep->fault < XENC_FAULT_COUNT);
	if (ep->state != XENC_PEER_READY)
		return;
	/* Accepted layouts really fit the mapping. */
	FZ_ASSERT(oracle_layout(&ep->layout, size));
	FZ_ASSERT(ep->layout.num_queues <= ep->cfg.max_queues);
	FZ_ASSERT(ep->layout.max_frame <= ep->cfg.max_frame);
	FZ_ASSERT(!(ep->features & ~(ep->cfg.features & XENC_F_KNOWN)));
	for (q = 0; q < ep->layout.num_queues; q++) {
		const struct xenc_ep_queue *eq = &ep->q[q];

		FZ_ASSERT((u8 *)eq->rx.hdr == ep->region +
			  ep->layout.q[q].l2p_off);
		FZ_ASSERT((u8 *)eq->tx.hdr == ep->region +
			  ep->layout.q[q].p2l_off);
	}
}

static struct xenc_ring_hdr *ep_ring(struct xenc_ep *ep, u32 q, bool l2p)
{
	return (struct xenc_ring_hdr *)(ep->region +
		(l2p ? ep->layout.q[q].l2p_off : ep->layout.q[q].p2l_off));
}

static void fz_ep(struct in *in)
{
	u64 size = 4096ull * (1 + G8(in) % 64);
	struct xenc_ep_config cfg = { 0 };
	struct xenc_ep *ep = calloc(1, sizeof(*ep));
	struct xenc_layout lay;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u32 op, cookie = 1, q, k, i;
	u8 *region = shm(mem_r, sizeof(mem_r), size);
	bool ready;

	FZ_ASSERT(ep);
	cfg.features = G8(in) & XENC_F_KNOWN;
	cfg.max_queues = G8(in) % (XENC_MAX_QUEUES + 1);
	cfg.max_frame = G32(in);
	cfg.flags = G8(in);
	cfg.stale_limit = G8(in) % 8;
	getbuf(in, region, FZ_CTRL_BYTES);
	xenc_ep_attach(ep, region, size, &cfg, fz_notify, NULL, cookie);
	check_ep(ep, size);

	for (op = 0; in->n && op < FZ_MAX_OPS; op++) {
		u32 code = G8(in) % E_COUNT;

		ready = ep->state == XENC_PEER_READY;
		switch (code) {
		case E_WRITE: {
			u32 off = G16(in) % FZ_CTRL_BYTES & ~3u, v = G32(in);

			memcpy(region + off, &v, 4);
			break;
		}
		case E_POLL:
			FZ_ASSERT(xenc_ep_poll(ep) <= XENC_EP_QUIESCE);
			break;
		case E_TICK:
			FZ_ASSERT(xenc_ep_tick(ep) <= XENC_EP_QUIESCE);
			break;
		case E_RECV:
			q = G8(in);
			k = G8(in);
			for (i = 0; i < k && i <= XENC_RING_SLOTS_MAX; i++) {
				int rc = xenc_ep_recv(ep, q, &fh, &sp);

				if (rc != XENC_OK)
					break;
				check_frame(&ep->q[q].rx, &fh, &sp);
				xenc_ep_recv_done(ep, q, &fh);
			}
			xenc_ep_recv_flush(ep, q);
			break;
		case E_SEND: {
			int rc;

			q = G8(in);
			k = G16(in);
			rc = xenc_ep_send_buf(ep, q, scratch, k);
			FZ_ASSERT(rc == XENC_OK || rc == XENC_FULL ||
				  rc == XENC_TOOBIG ||
				  (rc == XENC_NOQUEUE &&
				   q >= ep->layout.num_queues) ||
				  (q < XENC_MAX_QUEUES && rc < 0 &&
				   -rc == ep->q[q].tx.fault));
			xenc_ep_flush(ep, q);
			break;
		}
		case E_RING: {
			struct xenc_ring_hdr *h;
			u32 which, v;

			q = G8(in);
			which = G8(in) % 6;
			v = G32(in);
			if (!ready || q >= ep->layout.num_queues)
				break;
			/* Only what Linux owns: l2p producer, p2l consumer. */
			h = ep_ring(ep, q, which < 3);
			if (which == 0)
				h->prod = ep->q[q].rx.head + v;
			else if (which == 1)
				h->prod_event = v;
			else if (which == 2)
				h->prod_flags = v;
			else if (which == 3)
				h->cons = ep->q[q].tx.snap + v;
			else if (which == 4)
				h->cons_event = v;
			else
				h->cons_flags = v;
			break;
		}
		case E_FHDR: {
			struct xenc_ring *r;

			q = G8(in);
			k = G8(in);
			get_fhdr(in, &fh);
			if (!ready || q >= ep->layout.num_queues)
				break;
			r = &ep->q[q].rx;
			memcpy(r->data + (((r->head + k) & (r->slots - 1)) <<
					  r->shift), &fh, sizeof(fh));
			break;
		}
		case E_ATTACH:
			if (G8(in) & 1) {
				xenc_ep_detach(ep);
			} else {
				cfg = ep->cfg;
				xenc_ep_attach(ep, region, size, &cfg,
					       fz_notify, NULL, ++cookie);
			}
			break;
		case E_LAYOUT:
			getbuf(in, &lay, sizeof(lay));
			FZ_ASSERT((xenc_layout_check(&lay, size) == XENC_OK) ==
				  oracle_layout(&lay, size));
			break;
		case E_HEARTBEAT:
			((struct xenc_linux_info *)(region +
				XENC_OFF_LINUX))->heartbeat++;
			break;
		case E_REARM:
			q = G8(in);
			xenc_ep_rx_rearm(ep, q);
			xenc_ep_tx_wait(ep, q, G8(in));
			break;
		}
		check_ep(ep, size);
#ifdef FZ_TRACE
		fprintf(stderr, "ep op %u: state %u gen %u nq %u fault %u\n",
			code, ep->state, ep->generation,
			xenc_ep_num_queues(ep), ep->fault);
#endif
	}
	free(ep);
}

static void fz_host(struct in *in)
{
	const u64 size = FZ_REGION_MEM;
	u8 *region = shm(mem_r, sizeof(mem_r), size);
	struct xenc_host h;
	struct xenc_ring tx, rx;
	struct xenc_frame_hdr fh;
	struct watch w = { 0 };
	bool rings = false;
	u32 op, k;

	k = G8(in);
	xenc_host_format(&h, region, size, k & XENC_F_KNOWN, G32(in));

	for (op = 0; in->n && op < FZ_MAX_OPS; op++) {
		switch (G8(in) % H_COUNT) {
		case H_PEER: {
			u32 off = G8(in) % 64 & ~3u, v = G32(in);

			memcpy(region + XENC_OFF_PEER + off, &v, 4);
			break;
		}
		case H_POLL: {
			enum xenc_host_event ev = xenc_host_poll(&h);
			u32 st = h.peer.state;

#ifdef FZ_TRACE
			fprintf(stderr, "host poll: ev %u state %u fault %u\n",
				ev, h.state, h.fault);
#endif
			FZ_ASSERT(ev <= XENC_EV_FAULT);
			FZ_ASSERT(h.fault < XENC_FAULT_COUNT);
			FZ_ASSERT(h.state < XENC_LINUX_STATE_COUNT);
			if (ev != XENC_EV_FAULT &&
			    (st == XENC_PEER_HELLO || st == XENC_PEER_READY ||
			     st == XENC_PEER_QUIESCED)) {
				FZ_ASSERT(h.peer.max_queues >= 1 &&
					  h.peer.max_queues <= XENC_MAX_QUEUES);
				FZ_ASSERT(h.peer.max_frame >= XENC_FRAME_MIN &&
					  h.peer.max_frame <= XENC_FRAME_MAX);
				FZ_ASSERT(h.peer.abi_major == XENC_ABI_MAJOR);
				FZ_ASSERT(h.peer.fault < XENC_FAULT_COUNT);
			}
			if (ev == XENC_EV_CONNECTED) {
				const struct xenc_layout *l = &h.layout;
				u8 *l2p, *p2l;

				FZ_ASSERT(h.state == XENC_LINUX_RUNNING);
				FZ_ASSERT(h.peer.generation == h.generation);
				l2p = region + l->q[0].l2p_off;
				p2l = region + l->q[0].p2l_off;
				FZ_ASSERT(!xenc_ring_init(&tx, l2p, l->l2p_slots,
							  l->slot_size, l->max_frame,
							  h.negotiated));
				FZ_ASSERT(!xenc_ring_init(&rx, p2l, l->p2l_slots,
							  l->slot_size, l->max_frame,
							  h.negotiated));
				w = (struct watch){ 0 };
				rings = true;
			}
			break;
		}
		case H_OFFER: {
			struct xenc_layout l = { 0 };
			int rc;

			l.num_queues = 1 + G8(in) % XENC_MAX_QUEUES;
			l.slot_size = 64u << (G8(in) % 9);
			l.l2p_slots = 64u << (G8(in) % 10);
			l.p2l_slots = 64u << (G8(in) % 10);
			l.max_frame = G32(in) % (XENC_FRAME_MAX + 1);
			if (xenc_layout_build(&l, size))
				break;
			FZ_ASSERT(oracle_layout(&l, size));
			rc = xenc_host_offer(&h, &l);
			if (rc)
				break;
			FZ_ASSERT(h.state == XENC_LINUX_OFFER);
			FZ_ASSERT(l.num_queues <= h.peer.max_queues);
			FZ_ASSERT(l.num_queues == 1 || (h.negotiated & XENC_F_MQ));
			FZ_ASSERT(l.max_frame <= h.peer.max_frame);
			FZ_ASSERT(!(h.negotiated & ~h.features));
			rings = false;
			break;
		}
		case H_HEARTBEAT:
			xenc_host_heartbeat(&h, G8(in));
			break;
		case H_STATE: {
			/*
			 * What a driver sets by hand; OFFER only ever comes
			 * from xenc_host_offer (else there is no layout).
			 */
			static const u32 st[] = { XENC_LINUX_RESET,
						  XENC_LINUX_RUNNING,
						  XENC_LINUX_QUIESCE,
						  XENC_LINUX_GONE };

			xenc_host_set_state(&h, st[G8(in) % 4]);
			break;
		}
		case H_RX: {
			u32 d = G32(in), budget = G8(in);

			if (!rings)
				break;
			rx.hdr->prod = rx.head + d;
			drain(&rx, budget);
			xenc_ring_release(&rx);
			break;
		}
		case H_FHDR:
			k = G8(in);
			get_fhdr(in, &fh);
			if (!rings)
				break;
			memcpy(rx.data + (((rx.head + k) & (rx.slots - 1)) <<
					  rx.shift), &fh, sizeof(fh));
			break;
		case H_TX: {
			u32 c = G32(in), len = G16(in);

			if (!rings)
				break;
			tx.hdr->cons = tx.snap + c;
			fh = (struct xenc_frame_hdr){ .len = len };
			put_one(&tx, &fh);
			xenc_ring_publish(&tx);
			break;
		}
		}
		if (rings)
			check_rings(&w, &rx, &tx);
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct in in = { data, size };

	if (!size)
		return 0;
	switch (G8(&in) % 3) {
	case FZ_RING:
		fz_ring(&in);
		break;
	case FZ_EP:
		fz_ep(&in);
		break;
	case FZ_HOST:
		fz_host(&in);
		break;
	}
	return 0;
}

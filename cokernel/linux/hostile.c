// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile mode of the test peer: write adversarial values into every field
 * the peer owns (and some it does not), so the Linux side can be shown to
 * survive a buggy or compromised co-kernel.
 *
 * Two ways in, both through debugfs (see peer.c):
 *  - hostile_case N: one named case of the fixed list below, on queue 0.
 *    Cases marked HOLD freeze the peer afterwards (no handshake, and for
 *    HOLD_DATA no ring traffic either), so the test can see exactly what
 *    Linux did about that one value.  Writing 0 ends the case; a case that
 *    garbled the peer's own state ends with a clean re-attach, as a
 *    co-kernel restarting its driver would.
 *  - hostile SEED: seeded, reproducible random walk over the same actions
 *    (with random parameters) plus random words anywhere in the region.
 */
#include <linux/random.h>
#include "peer.h"

#define XH_HOLD_CTRL	BIT(0)	/* skip the endpoint's tick: no heartbeat */
#define XH_HOLD_DATA	BIT(1)	/* no xmit, no rx: rings stay as written */
#define XH_REPEAT	BIT(2)	/* act on every tick until stopped */
#define XH_REATTACH	BIT(3)	/* stopping re-attaches cleanly */
#define XH_HOLD		(XH_HOLD_CTRL | XH_HOLD_DATA | XH_REATTACH)

enum xh_case {
	XH_NONE,
	XH_PROD_FWD,
	XH_PROD_BACK,
	XH_PROD_BACK1,
	XH_CONS_FWD,
	XH_CONS_BACK,
	XH_CONS_AHEAD,
	XH_LEN_0,
	XH_LEN_13,
	XH_LEN_64K,
	XH_LEN_MAX,
	XH_LEN_OVER,
	XH_FLAGS_ALL,
	XH_CSUM_OUTSIDE,
	XH_GSO_ZERO,
	XH_CSUM_MISMATCH,
	XH_STATE_RANGE,
	XH_STATE_FLAP,
	XH_GEN_AHEAD,
	XH_GEN_BEHIND,
	XH_VERSION,
	XH_CAPS,
	XH_HB_FROZEN,
	XH_DESC_RESIZE,
	XH_RING_RESIZE,
	XH_EVENTS,
	XH_STORM,
	XH_COUNT
};

static const struct {
	const char *name;
	u32 flags;
} xh_cases[XH_COUNT] = {
	[XH_PROD_FWD]	= { "prod_fwd_2_31", XH_HOLD },
	[XH_PROD_BACK]	= { "prod_back_2_31", XH_HOLD },
	[XH_PROD_BACK1]	= { "prod_back_1", XH_HOLD },
	[XH_CONS_FWD]	= { "cons_fwd_2_31", XH_HOLD },
	[XH_CONS_BACK]	= { "cons_back_2_31", XH_HOLD },
	[XH_CONS_AHEAD]	= { "cons_ahead_of_prod", XH_HOLD },
	[XH_LEN_0]	= { "len_0", XH_HOLD },
	[XH_LEN_13]	= { "len_13", XH_HOLD },
	[XH_LEN_64K]	= { "len_65536", XH_HOLD },
	[XH_LEN_MAX]	= { "len_4294967295", XH_HOLD },
	[XH_LEN_OVER]	= { "len_max_frame_plus_1", XH_HOLD },
	[XH_FLAGS_ALL]	= { "flags_all_bits", XH_HOLD },
	[XH_CSUM_OUTSIDE] = { "csum_outside_frame", XH_HOLD },
	[XH_GSO_ZERO]	= { "gso_size_0", XH_HOLD },
	/* Passes the ring's checks, fails the packet's: one frame dropped. */
	[XH_CSUM_MISMATCH] = { "csum_not_matching_packet", XH_REATTACH },
	[XH_STATE_RANGE] = { "state_out_of_range", XH_HOLD },
	[XH_STATE_FLAP]	= { "state_generation_flap", XH_HOLD | XH_REPEAT },
	[XH_GEN_AHEAD]	= { "generation_ahead", XH_HOLD },
	[XH_GEN_BEHIND]	= { "generation_behind", XH_HOLD },
	[XH_VERSION]	= { "abi_version", XH_HOLD },
	[XH_CAPS]	= { "capabilities", XH_HOLD },
	/* The data path keeps running: only the heartbeat stops. */
	[XH_HB_FROZEN]	= { "heartbeat_frozen", XH_HOLD_CTRL | XH_REATTACH },
	[XH_DESC_RESIZE] = { "descriptors_resized", 0 },
	[XH_RING_RESIZE] = { "ring_resized", XH_HOLD },
	[XH_EVENTS]	= { "event_words", XH_REATTACH },
	[XH_STORM]	= { "doorbell_storm", XH_REPEAT },
};

static u32 xh_rand(u32 *s)
{
	/* xorshift32: reproducible from the seed written to debugfs. */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static struct xenc_peer_info *xh_pi(struct xpeer *xp)
{
	return (void *)(xp->ep.region + XENC_OFF_PEER);
}

static void xh_kick(struct xpeer *xp, u32 q)
{
	xenc_shm_kick(xp->shm, xp->ep.q[q].vector);
	if (xp->ep.q[q].vector)
		xenc_shm_kick(xp->shm, 0);
}

/* A frame header at the next slot of ring @r, published alone. */
static void xh_frame_meta(struct xenc_ring *r, const struct xenc_frame_hdr *fh)
{
	u32 prod = READ_ONCE(r->hdr->prod);
	struct xenc_frame_hdr *s;

	s = (void *)(r->data + ((prod & (r->slots - 1)) << r->shift));
	WRITE_ONCE(s->len, fh->len);
	WRITE_ONCE(s->flags, fh->flags);
	WRITE_ONCE(s->csum_start, fh->csum_start);
	WRITE_ONCE(s->csum_offset, fh->csum_offset);
	WRITE_ONCE(s->gso_size, fh->gso_size);
	WRITE_ONCE(s->gso_type, fh->gso_type);
	/* Release: Linux must see this header, not an older one. */
	smp_store_release(&r->hdr->prod, prod + 1);
}

static void xh_frame(struct xenc_ring *r, u32 len, u16 flags)
{
	struct xenc_frame_hdr fh = { .len = len, .flags = flags };

	xh_frame_meta(r, &fh);
}

static void xh_add(u32 *idx, u32 delta)
{
	WRITE_ONCE(*idx, READ_ONCE(*idx) + delta);
}

/* What a peer would write after resizing the rings by itself. */
static void xh_desc_resize(struct xpeer *xp, u32 r)
{
	struct xenc_queue_desc *qd = (void *)(xp->ep.region + XENC_OFF_QUEUES);
	struct xenc_linux_info *li = (void *)(xp->ep.region + XENC_OFF_LINUX);
	u32 q;

	for (q = 0; q < XENC_MAX_QUEUES; q++) {
		WRITE_ONCE(qd[q].l2p_slots, READ_ONCE(qd[q].l2p_slots) * 4 ?: r);
		WRITE_ONCE(qd[q].p2l_slots, (READ_ONCE(qd[q].p2l_slots) / 4) | r);
		WRITE_ONCE(qd[q].l2p_off, READ_ONCE(qd[q].l2p_off) + 4096);
		WRITE_ONCE(qd[q].p2l_off, xp->ep.map_size - 256 + r);
		WRITE_ONCE(qd[q].vector, 1000 + q + r);
	}
	WRITE_ONCE(li->num_queues, XENC_MAX_QUEUES + r);
	WRITE_ONCE(li->slot_size, XENC_SLOT_SIZE_MIN);
	WRITE_ONCE(li->max_frame, XENC_FRAME_MAX * 2);
}

/*
 * The peer's own end of ring @q keeps its memory but switches to 64-byte
 * slots, then publishes a burst that is more than a full ring in Linux's
 * units.  Everything it writes stays inside the ring.
 */
static void xh_ring_resize(struct xpeer *xp, u32 q)
{
	struct xenc_ring *r = &xp->ep.q[q].tx, nr;
	u32 bytes = r->slots << r->shift, old = r->slots, i;
	u32 ns = min_t(u32, old * 32, XENC_RING_SLOTS_MAX);
	struct xenc_frame_hdr fh = { .len = 60 };
	struct xenc_span sp;

	/* init clears the ring first: never leave the data path without one. */
	if (xenc_ring_init(&nr, r->hdr, ns, bytes / ns, r->max_frame,
			   xp->ep.features))
		return;
	nr.head = r->pub;
	nr.pub = r->pub;
	nr.snap = r->pub;
	*r = nr;
	for (i = 0; i < old / 2 + 8; i++)
		if (xenc_ring_put(r, &fh, &sp) != XENC_OK)
			break;
	xenc_ring_publish(r);
}

/*
 * One action on queue @q.  @r == 0 gives the fixed case's exact values; the
 * random walk passes random bits for variants.  Under the write lock.
 */
static void xh_act(struct xpeer *xp, u32 c, u32 q, u32 r)
{
	struct xenc_ep *ep = &xp->ep;
	struct xenc_peer_info *pi = xh_pi(xp);
	struct xenc_ring *p2l = &ep->q[q].tx, *l2p = &ep->q[q].rx;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	static const u16 flap[] = { XENC_PEER_HELLO, XENC_PEER_READY,
				    XENC_PEER_QUIESCED, XENC_PEER_READY };
	u32 v;

	switch (c) {
	case XH_PROD_FWD:
		xh_add(&p2l->hdr->prod, r ?: 0x80000000u);
		break;
	case XH_PROD_BACK:
		xh_add(&p2l->hdr->prod, -(r ?: 0x7fffffffu));
		break;
	case XH_PROD_BACK1:
		xh_add(&p2l->hdr->prod, -1 - r % 4);
		break;
	case XH_CONS_FWD:
		xh_add(&l2p->hdr->cons, r ?: 0x80000000u);
		break;
	case XH_CONS_BACK:
		xh_add(&l2p->hdr->cons, -(r ?: 0x7fffffffu));
		break;
	case XH_CONS_AHEAD:
		WRITE_ONCE(l2p->hdr->cons, READ_ONCE(l2p->hdr->prod) + 7 + r % 64);
		break;
	case XH_LEN_0:
		xh_frame(p2l, r % XENC_FRAME_MIN, 0);
		break;
	case XH_LEN_13:
		xh_frame(p2l, XENC_FRAME_MIN - 1, 0);
		break;
	case XH_LEN_64K:
		xh_frame(p2l, 65536 - (r & 0x3ff), 0);
		break;
	case XH_LEN_MAX:
		xh_frame(p2l, 0xffffffffu - (r & 0xffff), 0);
		break;
	case XH_LEN_OVER:
		xh_frame(p2l, p2l->max_frame + 1 + r % 4096, 0);
		break;
	case XH_FLAGS_ALL:
		xh_frame(p2l, 100, r ? (u16)r : 0xffff);
		break;
	case XH_CSUM_OUTSIDE:
		fh = (struct xenc_frame_hdr){ .len = 100,
			.flags = XENC_FRAME_CSUM_PARTIAL,
			.csum_start = 99 - r % 64, .csum_offset = r % 8 };
		xh_frame_meta(p2l, &fh);
		break;
	case XH_GSO_ZERO:
		fh = (struct xenc_frame_hdr){ .len = 1500,
			.flags = XENC_FRAME_CSUM_PARTIAL | XENC_FRAME_GSO,
			.csum_start = 34, .csum_offset = 16,
			.gso_size = r % XENC_GSO_SIZE_MIN,
			.gso_type = r ? (u8)r : XENC_GSO_TCPV4 };
		xh_frame_meta(p2l, &fh);
		break;
	case XH_CSUM_MISMATCH:
		/*
		 * Inside the frame, but before any IP header could end.  Sent
		 * the proper way: the peer's data path keeps running.
		 */
		fh = (struct xenc_frame_hdr){ .len = 100,
			.flags = XENC_FRAME_CSUM_PARTIAL,
			.csum_start = XENC_FRAME_MIN, .csum_offset = r % 4 };
		if (xenc_ring_put(p2l, &fh, &sp) == XENC_OK) {
			memset(sp.p[0], 0, sp.n[0]);
			if (sp.n[1])
				memset(sp.p[1], 0, sp.n[1]);
			xenc_ring_publish(p2l);
		}
		break;
	case XH_STATE_RANGE:
		WRITE_ONCE(pi->state, r ? XENC_PEER_STATE_COUNT + r % 1000 :
				      0xdeadbeef);
		break;
	case XH_STATE_FLAP:
		v = r ?: xp->hcase_ticks++;
		WRITE_ONCE(pi->generation, ep->generation + ((v >> 2) & 1));
		/* Release: the generation goes with the state. */
		smp_store_release(&pi->state, flap[v & 3]);
		break;
	case XH_GEN_AHEAD:
		WRITE_ONCE(pi->generation, ep->generation + 1 + r % 9);
		break;
	case XH_GEN_BEHIND:
		WRITE_ONCE(pi->generation, ep->generation - 1 - r % 9);
		break;
	case XH_VERSION:
		WRITE_ONCE(pi->abi_major, r ? (u16)r : 0xbad);
		break;
	case XH_CAPS:
		WRITE_ONCE(pi->max_frame, r ? r >> 3 : XENC_FRAME_MIN - 9);
		WRITE_ONCE(pi->max_queues, r ?: 0xffffffffu);
		WRITE_ONCE(pi->features, ~0ull);
		WRITE_ONCE(pi->flags, ~0u);
		break;
	case XH_HB_FROZEN:
		/* The random walk: one tick without a heartbeat. */
		ep->heartbeat--;
		break;
	case XH_DESC_RESIZE:
		xh_desc_resize(xp, r);
		break;
	case XH_RING_RESIZE:
		xh_ring_resize(xp, q);
		break;
	case XH_EVENTS:
		WRITE_ONCE(l2p->hdr->cons_event, r ?: 0x80000000u);
		WRITE_ONCE(l2p->hdr->cons_flags, ~r);
		WRITE_ONCE(p2l->hdr->prod_event, r ^ 0x7fffffffu);
		WRITE_ONCE(p2l->hdr->prod_flags, ~r);
		break;
	case XH_STORM:
		for (v = 0; v < 1024; v++)
			xenc_shm_kick(xp->shm, v % XENC_MAX_QUEUES);
		return;
	}
	xh_kick(xp, q);
}

static bool xh_rings_ok(struct xpeer *xp, u32 q)
{
	return xp->ep.state == XENC_PEER_READY &&
	       q < xp->ep.layout.num_queues && xp->ep.q[q].tx.hdr &&
	       xp->ep.q[q].rx.hdr;
}

/* Start fixed case @c on a connected peer.  Under the write lock. */
int xpeer_hcase_start(struct xpeer *xp, u32 c)
{
	u32 f;

	if (!c || c >= XH_COUNT || xp->hcase || xp->hostile)
		return -EINVAL;
	if (!xp->attached || !xenc_ep_connected(&xp->ep) || !xh_rings_ok(xp, 0))
		return -EAGAIN;
	f = xh_cases[c].flags;
	xp->hcase = c;
	xp->hcase_ticks = 0;
	xp->hold_ctrl = f & XH_HOLD_CTRL;
	xp->hold_data = f & XH_HOLD_DATA;
	if (!(f & XH_REPEAT))
		xh_act(xp, c, 0, 0);
	return 0;
}

/* End the running case; true if the peer must re-attach.  Write lock. */
bool xpeer_hcase_stop(struct xpeer *xp)
{
	u32 c = xp->hcase;

	xp->hcase = 0;
	xp->hold_ctrl = false;
	xp->hold_data = false;
	return c && (xh_cases[c].flags & XH_REATTACH);
}

/* Per tick, for repeating cases.  Under the write lock. */
void xpeer_hcase_tick(struct xpeer *xp)
{
	u32 c = xp->hcase;

	if (c && (xh_cases[c].flags & XH_REPEAT) && xh_rings_ok(xp, 0))
		xh_act(xp, c, 0, 0);
}

void xpeer_hcase_list(struct seq_file *m)
{
	u32 c;

	for (c = 1; c < XH_COUNT; c++)
		seq_printf(m, "%u %s\n", c, xh_cases[c].name);
}

/* One random adversarial write.  Called under the peer's write lock. */
void xpeer_hostile_step(struct xpeer *xp)
{
	struct xenc_ep *ep = &xp->ep;
	u32 r = xh_rand(&xp->hostile_rng);
	u32 nq = ep->layout.num_queues ?: 1;
	u32 q = r % nq, c;

	/* The first steps walk every action once, then random ones. */
	c = xp->hostile_step < XH_COUNT - 1 ? xp->hostile_step + 1 :
					      xh_rand(&xp->hostile_rng) % (XH_COUNT + 1);
	xp->hostile_step++;
	if (c == XH_NONE || c >= XH_COUNT) {
		/* A random word anywhere in the region. */
		WRITE_ONCE(*(u32 *)(ep->region +
				    ((r % (ep->map_size - 4)) & ~3ull)),
			   xh_rand(&xp->hostile_rng));
		return;
	}
	if (!xh_rings_ok(xp, q))
		return;
	/* Half the time the fixed value, half a random variant. */
	xh_act(xp, c, q, r & 1 ? xh_rand(&xp->hostile_rng) : 0);
}

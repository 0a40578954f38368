// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Hostile-peer tests.  The test plays a malicious (or broken) co-kernel and
 * writes arbitrary values into every shared field the peer owns; the Linux
 * side (ring core + xenc_host) must
 *   - never touch memory outside the region: every ring's slot array ends
 *     on a PROT_NONE page and the region is fenced by guard pages too,
 *   - never loop forever (every drain loop here is bounded),
 *   - report the exact fault for each kind of violation, stickily,
 *   - work again after a fresh handshake (new generation, rings cleared).
 * Then the reverse: a hostile Linux side against the co-kernel endpoint.
 */
#include "link.h"

#define SLOTS		64
#define SSZ		2048
#define MF		9000
#define PAGE		4096

static u64 rnd = 0x5eed;

/*
 * A layout whose rings are placed so that each slot array ends exactly on
 * a page boundary, and that page is made inaccessible: overrunning the last
 * slot faults at once.  The offsets are only cache-line aligned, which the
 * ABI allows, so this is a valid layout both sides must accept.
 */
static int guard_layout(struct xenc_layout *lay, u32 nq, u64 *size,
			u64 *holes, u32 *nholes)
{
	u64 base = XENC_CTRL_SIZE, off, end;
	u32 q, i;

	TST_EQ_I(sysconf(_SC_PAGESIZE), PAGE);
	memset(lay, 0, sizeof(*lay));
	lay->num_queues = nq;
	lay->slot_size = SSZ;
	lay->max_frame = MF;
	lay->l2p_slots = SLOTS;
	lay->p2l_slots = SLOTS;
	*nholes = 0;
	for (q = 0; q < nq; q++) {
		for (i = 0; i < 2; i++) {
			off = base + PAGE - XENC_RING_HDR_SIZE;
			end = base + PAGE + (u64)SLOTS * SSZ;
			if (i)
				lay->q[q].p2l_off = off;
			else
				lay->q[q].l2p_off = off;
			holes[(*nholes)++] = end;
			base = end + PAGE;
		}
		lay->q[q].l2p_slots = SLOTS;
		lay->q[q].p2l_slots = SLOTS;
		lay->q[q].vector = q;
	}
	*size = base;
	TST_EQ_I(xenc_layout_check(lay, *size), XENC_OK);
	return 0;
}

/* Connected link over a guarded layout. */
static int guard_link(struct link *l, u64 hfeat, u64 pfeat, u32 nq)
{
	struct xenc_layout lay;
	u64 size, holes[2 * XENC_MAX_QUEUES];
	u32 n, i;

	TST_CHECK_I(!guard_layout(&lay, nq, &size, holes, &n));
	TST_CHECK_I(!link_init(l, size, hfeat, pfeat, nq, XENC_FRAME_MAX));
	for (i = 0; i < n; i++)
		TST_CHECK_I(!mprotect(l->rg.base + holes[i], PAGE, PROT_NONE));
	TST_CHECK_I(!link_offer_layout(l, &lay));
	/* Some traffic first, so indices are not trivially zero. */
	for (i = 0; i < nq; i++)
		TST_CHECK_I(!link_xfer(l, i, 37, 1 + i));
	return 0;
}

/*
 * Recovery after Linux saw a fault: offer the same layout again under a new
 * generation; the peer drops its rings and reconnects, and frames flow.
 */
static int recover(struct link *l, u64 seed)
{
	struct xenc_layout lay = l->h.layout;
	u32 gen = l->h.generation, q, i;
	enum xenc_ep_event ev = XENC_EP_NONE;

	TST_EQ_I(xenc_host_offer(&l->h, &lay), XENC_OK);
	for (i = 0; i < 3 && ev != XENC_EP_CONNECTED; i++)
		ev = xenc_ep_poll(&l->ep);
	TST_EQ_I(ev, XENC_EP_CONNECTED);
	TST_EQ_I(l->ep.generation, gen + 1);
	TST_EQ_I(xenc_host_poll(&l->h), XENC_EV_CONNECTED);
	TST_EQ_I(l->h.generation, gen + 1);
	TST_CHECK_I(!link_host_rings(l));
	for (q = 0; q < lay.num_queues; q++) {
		TST_EQ_I(l->rx[q].hdr->prod, 0);
		TST_EQ_I(l->tx[q].hdr->cons, 0);
		TST_EQ_I(l->rx[q].fault, 0);
		TST_CHECK_I(!link_xfer(l, q, 20, seed));
	}
	return 0;
}

static struct xenc_frame_hdr *slot_hdr(struct xenc_ring *r, u32 idx)
{
	return (struct xenc_frame_hdr *)(r->data +
					 ((u64)(idx & (r->slots - 1)) << r->shift));
}

/* Everything a peek hands out must lie inside the ring and be sane. */
static int check_frame(struct xenc_ring *r, const struct xenc_frame_hdr *fh,
		       const struct xenc_span *sp, u32 head)
{
	TST_CHECK_I(fh->len >= XENC_FRAME_MIN && fh->len <= r->max_frame);
	TST_CHECK_I(xenc_frame_slots(r, fh->len) <= r->snap - head);
	TST_CHECK_I(!(fh->flags & ~r->flags_ok));
	TST_EQ_I(sp->n[0] + sp->n[1], fh->len);
	TST_CHECK_I(tst_in_ring(r, sp->p[0], sp->n[0]));
	TST_CHECK_I(!sp->n[1] || (sp->p[1] == r->data &&
				  tst_in_ring(r, sp->p[1], sp->n[1])));
	/* Touch every byte: the guard page catches any overrun. */
	xenc_span_to_buf(sp, lk_b);
	return 0;
}

/*
 * Drain at most slots + 1 frames: each consume advances at least one slot
 * and at most `slots` can be published, so more would be a runaway loop.
 */
static int drain(struct xenc_ring *r, int *rc, u32 *frames)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u32 i;

	for (i = 0; i <= r->slots + 1; i++) {
		*rc = xenc_ring_peek(r, &fh, &sp);
		if (*rc != XENC_OK)
			break;
		TST_CHECK_I(!check_frame(r, &fh, &sp, r->head));
		xenc_ring_consume(r, &fh);
	}
	TST_CHECK_I(i <= r->slots);
	*frames = i;
	return 0;
}

/* After a fault everything on the ring keeps failing, even once "repaired". */
static int check_sticky(struct xenc_ring *r, int want, bool consumer)
{
	struct xenc_frame_hdr fh = { .len = 100 };
	struct xenc_span sp;
	u32 fr;

	TST_EQ_I(r->fault, -want);
	if (consumer) {
		r->hdr->prod = r->head + 1;
		*slot_hdr(r, r->head) = fh;
		TST_EQ_I(xenc_ring_peek(r, &fh, &sp), want);
		TST_CHECK_I(!xenc_ring_release(r));
		TST_CHECK_I(!xenc_ring_enable_notify(r));
	} else {
		r->hdr->cons = r->snap;
		TST_EQ_I(xenc_ring_free(r, &fr), want);
		TST_EQ_I(xenc_ring_put(r, &fh, &sp), want);
		TST_CHECK_I(!xenc_ring_publish(r));
		TST_CHECK_I(!xenc_ring_wait_space(r, 1));
	}
	TST_EQ_I(r->fault, -want);
	return 0;
}

/*
 * One hostile frame: the peer writes `fh` into the next slot and moves its
 * producer index to head + delta.  Linux must return exactly `want`.
 */
static int rx_case(struct link *l, u32 delta, struct xenc_frame_hdr fh,
		   int want)
{
	struct xenc_ring *r = &l->rx[0];
	u32 head = r->head, frames;
	int rc;

	TST_EQ_I(r->snap, head);
	*slot_hdr(r, head) = fh;
	__atomic_store_n(&r->hdr->prod, head + delta, __ATOMIC_RELEASE);
	TST_CHECK_I(!drain(r, &rc, &frames));
	TST_EQ_I(rc, want);
	if (want < 0) {
		TST_EQ_I(frames, 0);
		TST_EQ_I(r->head, head);
		TST_CHECK_I(!check_sticky(r, want, true));
	}
	return recover(l, head);
}

#define FH(...)	((struct xenc_frame_hdr){ __VA_ARGS__ })

/* Producer index of the ring Linux consumes: ±1, ±slots, ±2^31. */
static void rx_prod(void)
{
	static const u32 bad[] = { SLOTS + 1, -1u, -SLOTS, -(SLOTS + 1),
				   SLOTS * 2, 0x7fffffffu, 0x80000000u,
				   0x80000001u, 0xffffff00u };
	struct link l;
	struct xenc_ring *r;
	unsigned int i;
	u32 head, frames;
	int rc;

	TST_CHECK(!guard_link(&l, XENC_F_CSUM | XENC_F_GSO, XENC_F_KNOWN, 1));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		TST_CHECK(!rx_case(&l, bad[i], FH(.len = 100),
				   -XENC_FAULT_PROD_RANGE));
	/* +1 and +0 are legal. */
	TST_CHECK(!rx_case(&l, 1, FH(.len = 100), XENC_EMPTY));
	TST_CHECK(!rx_case(&l, 0, FH(.len = 100), XENC_EMPTY));

	/* +slots is legal too: exactly slots one-slot frames, then empty. */
	r = &l.rx[0];
	head = r->head;
	for (i = 0; i < SLOTS; i++)
		*slot_hdr(r, head + i) = FH(.len = 14 + i);
	r->hdr->prod = head + SLOTS;
	TST_CHECK(!drain(r, &rc, &frames));
	TST_EQ(rc, XENC_EMPTY);
	TST_EQ(frames, SLOTS);
	xenc_ring_release(r);
	TST_EQ(r->fault, 0);
	/* Moving back by a whole ring after that is caught. */
	r->hdr->prod = head;
	TST_CHECK(!drain(r, &rc, &frames));
	TST_EQ(rc, -XENC_FAULT_PROD_RANGE);
	TST_CHECK(!recover(&l, 9));
	link_free(&l);
}

/* Frame length: short, long, huge, and longer than what was published. */
static void rx_len(void)
{
	static const u32 shrt[] = { 0, 1, 13 };
	static const u32 lng[] = { MF + 1, 65535, 65536, 0x80000000u,
				   0xfffffff0u, 0xffffffffu };
	struct link l;
	unsigned int i;

	TST_CHECK(!guard_link(&l, 0, 0, 1));
	for (i = 0; i < ARRAY_SIZE(shrt); i++)
		TST_CHECK(!rx_case(&l, 1, FH(.len = shrt[i]),
				   -XENC_FAULT_LEN_SHORT));
	for (i = 0; i < ARRAY_SIZE(lng); i++)
		TST_CHECK(!rx_case(&l, 1, FH(.len = lng[i]),
				   -XENC_FAULT_LEN_LONG));
	/* Valid length, but the frame runs past the producer index. */
	TST_CHECK(!rx_case(&l, 1, FH(.len = SSZ - 15),
			   -XENC_FAULT_LEN_UNPUBLISHED));
	TST_CHECK(!rx_case(&l, 4, FH(.len = MF),
			   -XENC_FAULT_LEN_UNPUBLISHED));
	TST_CHECK(!rx_case(&l, 5, FH(.len = MF), XENC_EMPTY));
	TST_CHECK(!rx_case(&l, 1, FH(.len = SSZ - 16), XENC_EMPTY));
	TST_CHECK(!rx_case(&l, 1, FH(.len = 14), XENC_EMPTY));
	link_free(&l);
}

/* Every flag bit, with and without the features that allow some of them. */
static void rx_flags(void)
{
	struct link l;
	u32 bit;

	TST_CHECK(!guard_link(&l, XENC_F_CSUM | XENC_F_GSO, XENC_F_KNOWN, 1));
	for (bit = 0; bit < 16; bit++) {
		struct xenc_frame_hdr fh = FH(.len = 200, .flags = 1u << bit,
					      .csum_start = 34,
					      .csum_offset = 6,
					      .gso_size = 100,
					      .gso_type = XENC_GSO_TCPV4);

		/* GSO alone lacks the CSUM_PARTIAL it needs. */
		TST_CHECK(!rx_case(&l, 1, fh, bit < 2 ? XENC_EMPTY :
				   bit == 2 ? -XENC_FAULT_GSO :
				   -XENC_FAULT_FLAGS));
	}
	TST_CHECK(!rx_case(&l, 1, FH(.len = 200,
				     .flags = XENC_FRAME_CSUM_PARTIAL |
					      XENC_FRAME_GSO,
				     .csum_start = 34, .csum_offset = 6,
				     .gso_size = 100,
				     .gso_type = XENC_GSO_TCPV4),
			   XENC_EMPTY));
	TST_CHECK(!rx_case(&l, 1, FH(.len = 200, .flags = 0xffff),
			   -XENC_FAULT_FLAGS));
	link_free(&l);

	TST_CHECK(!guard_link(&l, 0, XENC_F_KNOWN, 1));
	for (bit = 0; bit < 16; bit++)
		TST_CHECK(!rx_case(&l, 1, FH(.len = 200, .flags = 1u << bit,
					     .csum_start = 10,
					     .csum_offset = 6, .gso_size = 1,
					     .gso_type = 1),
				   -XENC_FAULT_FLAGS));
	link_free(&l);
}

/*
 * Checksum offsets outside the frame or inside its Ethernet header, both
 * checksum flags at once, and garbage GSO metadata.  Every case but the
 * one defect is valid, so each fails only through its own rule.
 */
static void rx_meta(void)
{
	static const u16 cs[][2] = { { 99, 0 }, { 14, 85 }, { 98, 1 },
				     { 100, 0 }, { 0xffff, 0xffff },
				     { 0xffff, 0 }, { 14, 0xffff },
				     { 0, 16 }, { 13, 16 } };
	static const u8 bad_type[] = { XENC_GSO_NONE, XENC_GSO_UDP_L4 + 1, 0x80,
				       0xff };
	static const u16 bad_size[] = { 0, 1, XENC_GSO_SIZE_MIN - 1, MF + 1,
					0xffff };
	struct link l;
	unsigned int i;

#define CPG	(XENC_FRAME_CSUM_PARTIAL | XENC_FRAME_GSO)
#define GSO_FH(f, cs, gs, gt) FH(.len = 100, .flags = (f), .csum_start = (cs), \
				 .csum_offset = 16, .gso_size = (gs), \
				 .gso_type = (gt))
	TST_CHECK(!guard_link(&l, XENC_F_CSUM | XENC_F_GSO, XENC_F_KNOWN, 1));
	for (i = 0; i < ARRAY_SIZE(cs); i++)
		TST_CHECK(!rx_case(&l, 1,
				   FH(.len = 100,
				      .flags = XENC_FRAME_CSUM_PARTIAL,
				      .csum_start = cs[i][0],
				      .csum_offset = cs[i][1]),
				   -XENC_FAULT_CSUM));
	/* The last two bytes of the frame are a valid checksum slot. */
	TST_CHECK(!rx_case(&l, 1, FH(.len = 100,
				     .flags = XENC_FRAME_CSUM_PARTIAL,
				     .csum_start = 98, .csum_offset = 0),
			   XENC_EMPTY));
	/* And so are the first two after the Ethernet header. */
	TST_CHECK(!rx_case(&l, 1, FH(.len = 100,
				     .flags = XENC_FRAME_CSUM_PARTIAL,
				     .csum_start = 14, .csum_offset = 0),
			   XENC_EMPTY));
	/* "Needs a checksum" and "checksum verified" contradict each other. */
	TST_CHECK(!rx_case(&l, 1, FH(.len = 100,
				     .flags = XENC_FRAME_CSUM_PARTIAL |
					      XENC_FRAME_DATA_VALID,
				     .csum_start = 34, .csum_offset = 16),
			   -XENC_FAULT_CSUM));
	TST_CHECK(!rx_case(&l, 1, GSO_FH(CPG, 34, 1448, XENC_GSO_TCPV4), XENC_EMPTY));
	TST_CHECK(!rx_case(&l, 1, GSO_FH(CPG, 34, XENC_GSO_SIZE_MIN, XENC_GSO_TCPV4),
			   XENC_EMPTY));
	TST_CHECK(!rx_case(&l, 1, GSO_FH(CPG, 34, MF, XENC_GSO_TCPV4), XENC_EMPTY));
	for (i = 0; i < ARRAY_SIZE(bad_size); i++)
		TST_CHECK(!rx_case(&l, 1, GSO_FH(CPG, 34, bad_size[i],
						 XENC_GSO_TCPV4),
				   -XENC_FAULT_GSO));
	for (i = 0; i < sizeof(bad_type); i++)
		TST_CHECK(!rx_case(&l, 1, GSO_FH(CPG, 34, 1448, bad_type[i]),
				   -XENC_FAULT_GSO));
	/* GSO without CSUM_PARTIAL: nothing to fill in each segment. */
	TST_CHECK(!rx_case(&l, 1, GSO_FH(XENC_FRAME_GSO, 34, 1448,
					 XENC_GSO_TCPV4),
			   -XENC_FAULT_GSO));
	TST_CHECK(!rx_case(&l, 1, GSO_FH(XENC_FRAME_GSO |
					 XENC_FRAME_DATA_VALID, 34, 1448,
					 XENC_GSO_TCPV4),
			   -XENC_FAULT_GSO));
	/* Checksum is checked before GSO when both are bad. */
	TST_CHECK(!rx_case(&l, 1, GSO_FH(CPG, 200, 0, XENC_GSO_TCPV4),
			   -XENC_FAULT_CSUM));
#undef GSO_FH
#undef CPG
	link_free(&l);
}

/*
 * The consumer index of the ring Linux produces: running ahead of prod,
 * moving backwards, jumping by a ring or by 2^31.
 */
static int tx_case(struct link *l, u32 cons_delta, int want)
{
	struct xenc_ring *r = &l->tx[0];
	u32 snap, i, fr;
	int rc;

	/* Ten frames published, none consumed by the (idle) peer. */
	TST_EQ_I(xenc_ring_free(r, &fr), XENC_OK);
	TST_EQ_I(fr, SLOTS);
	for (i = 0; i < 10; i++)
		TST_EQ_I(tst_put(r, 48, i, lk_a), XENC_OK);
	xenc_ring_publish(r);
	snap = r->snap;
	TST_EQ_I(r->pub - snap, 10);
	r->hdr->cons = snap + cons_delta;
	rc = xenc_ring_free(r, &fr);
	TST_EQ_I(rc, want);
	if (want < 0)
		TST_CHECK_I(!check_sticky(r, want, false));
	else
		TST_EQ_I(fr, SLOTS - 10 + cons_delta);
	return recover(l, snap);
}

static void tx_cons(void)
{
	static const u32 bad[] = { 11, 12, -1u, SLOTS, -SLOTS, SLOTS + 10,
				   0x7fffffffu, 0x80000000u, 0x80000001u,
				   0xfffffff6u };
	struct link l;
	struct xenc_ring *r;
	struct xenc_frame_hdr fh = { .len = 48 };
	struct xenc_span sp;
	unsigned int i;

	TST_CHECK(!guard_link(&l, 0, 0, 1));
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		TST_CHECK(!tx_case(&l, bad[i], -XENC_FAULT_CONS_RANGE));
	TST_CHECK(!tx_case(&l, 0, XENC_OK));
	TST_CHECK(!tx_case(&l, 5, XENC_OK));
	TST_CHECK(!tx_case(&l, 10, XENC_OK));

	/* The same fault through put on a full ring and through wait_space. */
	r = &l.tx[0];
	while (xenc_ring_put(r, &fh, &sp) == XENC_OK)
		;
	xenc_ring_publish(r);
	r->hdr->cons = r->pub + 1;
	TST_EQ(xenc_ring_put(r, &fh, &sp), -XENC_FAULT_CONS_RANGE);
	TST_CHECK(!check_sticky(r, -XENC_FAULT_CONS_RANGE, false));
	TST_CHECK(!recover(&l, 1));
	r = &l.tx[0];
	TST_EQ(tst_put(r, 48, 1, lk_a), XENC_OK);
	xenc_ring_publish(r);
	r->hdr->cons = r->snap - 1;
	TST_CHECK(!xenc_ring_wait_space(r, SLOTS));
	TST_EQ(r->fault, XENC_FAULT_CONS_RANGE);
	TST_CHECK(!recover(&l, 2));
	link_free(&l);
}

/*
 * Event indices and flags the peer owns only steer doorbells: garbage there
 * may cost a kick or add one, but must never fault or corrupt anything.
 */
static void events(void)
{
	struct link l;
	u32 i, n = 0;

	TST_CHECK(!guard_link(&l, 0, 0, 1));
	for (i = 0; i < 20000; i++) {
		l.tx[0].hdr->cons_event = (u32)tst_rand(&rnd);
		l.tx[0].hdr->cons_flags = (u32)tst_rand(&rnd);
		l.rx[0].hdr->prod_event = (u32)tst_rand(&rnd);
		l.rx[0].hdr->prod_flags = (u32)tst_rand(&rnd);
		TST_CHECK(!link_l2p(&l, 0, 14 + i % 3000, i));
		TST_CHECK(!link_p2l(&l, 0, 14 + i % 3000, i));
		n += xenc_ring_wait_space(&l.tx[0], 1 + i % SLOTS);
	}
	/* Space was always there: wait_space said so every time. */
	TST_EQ(n, 20000);
	TST_EQ(l.tx[0].fault, 0);
	TST_EQ(l.rx[0].fault, 0);
	link_free(&l);
}

/*
 * The peer's control block.  Each case corrupts the block, checks what
 * Linux reports, then puts the good block back: Linux is fine again.
 */
struct pcase {
	u32 off;		/* byte offset in struct xenc_peer_info */
	u32 size;		/* 2, 4 or 8 */
	u64 val;
	int gen_rel;		/* if set, val is relative to our generation */
	enum xenc_host_event ev;
	u32 fault;
};

/* Designates .off and .size; the initializers after it continue at .val. */
#define PF(f)	.off = offsetof(struct xenc_peer_info, f), \
		.size = sizeof(((struct xenc_peer_info *)0)->f)

static int peer_case(struct link *l, const struct pcase *c)
{
	struct xenc_peer_info *pi = link_pi(l), save = *pi;
	u8 *p = (u8 *)pi + c->off;
	u64 v = c->val;

	if (c->gen_rel)
		v += l->h.generation;
	memcpy(p, &v, c->size);	/* little-endian host */
	l->h.fault = 0;
	TST_EQ_I(xenc_host_poll(&l->h), c->ev);
	TST_EQ_I(l->h.fault, c->fault);
	/*
	 * Unless it faulted, the snapshot is sane.  (After a fault it may
	 * hold raw values; harmless, as offers are bounded by the layout.)
	 */
	if (c->ev == XENC_EV_FAULT)
		goto out;
	TST_CHECK_I(l->h.peer.max_queues >= 1 &&
		    l->h.peer.max_queues <= XENC_MAX_QUEUES);
	TST_CHECK_I(l->h.peer.max_frame <= XENC_FRAME_MAX);
	TST_CHECK_I(!(l->h.peer.features & ~XENC_F_KNOWN));
	TST_CHECK_I(!(l->h.peer.flags & ~XENC_PEER_F_KNOWN));
	TST_CHECK_I(l->h.peer.fault < XENC_FAULT_COUNT);
out:
	*pi = save;
	return 0;
}

static void peer_ctrl(void)
{
	static const struct pcase running[] = {
		{ PF(state), XENC_PEER_STATE_COUNT, 0, XENC_EV_FAULT,
		  XENC_FAULT_STATE },
		{ PF(state), 0xffffffff, 0, XENC_EV_FAULT, XENC_FAULT_STATE },
		{ PF(state), 0x80000002, 0, XENC_EV_FAULT, XENC_FAULT_STATE },
		{ PF(state), XENC_PEER_QUIESCED, 0, XENC_EV_FAULT,
		  XENC_FAULT_STATE },
		{ PF(abi_major), 2, 0, XENC_EV_FAULT, XENC_FAULT_VERSION },
		{ PF(abi_major), 0, 0, XENC_EV_FAULT, XENC_FAULT_VERSION },
		{ PF(abi_minor), 0xffff, 0, XENC_EV_NONE, 0 },
		{ PF(generation), 1, 1, XENC_EV_FAULT, XENC_FAULT_GENERATION },
		{ PF(generation), -1ull, 1, XENC_EV_FAULT,
		  XENC_FAULT_GENERATION },
		{ PF(generation), 0x7fffffff, 1, XENC_EV_FAULT,
		  XENC_FAULT_GENERATION },
		{ PF(generation), 0x80000000, 1, XENC_EV_FAULT,
		  XENC_FAULT_GENERATION },
		{ PF(generation), 0, 0, XENC_EV_FAULT, XENC_FAULT_GENERATION },
		{ PF(max_frame), 0, 0, XENC_EV_FAULT, XENC_FAULT_LAYOUT },
		{ PF(max_frame), 13, 0, XENC_EV_FAULT, XENC_FAULT_LAYOUT },
		{ PF(max_frame), 0xffffffff, 0, XENC_EV_NONE, 0 },
		{ PF(max_queues), 0, 0, XENC_EV_NONE, 0 },
		{ PF(max_queues), 0xffffffff, 0, XENC_EV_NONE, 0 },
		{ PF(fault), 0xffffffff, 0, XENC_EV_NONE, 0 },
		{ PF(fault), XENC_FAULT_COUNT, 0, XENC_EV_NONE, 0 },
		{ PF(features), ~0ull, 0, XENC_EV_NONE, 0 },
		{ PF(flags), 0xffffffff, 0, XENC_EV_NONE, 0 },
		{ PF(cookie), 0xdeadbeef, 0, XENC_EV_NONE, 0 },
		{ PF(heartbeat), ~0ull, 0, XENC_EV_NONE, 0 },
		/* Leaving is not a fault, whatever else is in the block. */
		{ PF(state), XENC_PEER_HELLO, 0, XENC_EV_DISCONNECTED, 0 },
		{ PF(state), XENC_PEER_ABSENT, 0, XENC_EV_DISCONNECTED, 0 },
		{ PF(state), XENC_PEER_GONE, 0, XENC_EV_DISCONNECTED, 0 },
	};
	static const struct pcase offer[] = {
		{ PF(generation), 1, 1, XENC_EV_FAULT, XENC_FAULT_GENERATION },
		{ PF(generation), 0x7fffffff, 1, XENC_EV_FAULT,
		  XENC_FAULT_GENERATION },
		{ PF(generation), -1ull, 1, XENC_EV_NONE, 0 },	/* old ack */
		{ PF(state), 77, 0, XENC_EV_FAULT, XENC_FAULT_STATE },
		{ PF(max_frame), 1, 0, XENC_EV_FAULT, XENC_FAULT_LAYOUT },
	};
	static const struct pcase quiesce[] = {
		{ PF(generation), 1, 1, XENC_EV_FAULT, XENC_FAULT_GENERATION },
		{ PF(generation), -1ull, 1, XENC_EV_FAULT,
		  XENC_FAULT_GENERATION },
		{ PF(state), XENC_PEER_HELLO, 0, XENC_EV_DISCONNECTED, 0 },
		{ PF(state), 5, 0, XENC_EV_FAULT, XENC_FAULT_STATE },
	};
	struct link l;
	struct xenc_peer_info *pi;
	unsigned int i;

	TST_CHECK(!guard_link(&l, XENC_F_KNOWN, XENC_F_KNOWN, 1));
	pi = link_pi(&l);
	for (i = 0; i < ARRAY_SIZE(running); i++) {
		TST_CHECK(!peer_case(&l, &running[i]));
		/* The good block back: Linux carries on (faults are per poll). */
		TST_EQ(xenc_host_poll(&l.h), XENC_EV_NONE);
	}
	/* Clamping, checked on the snapshot. */
	pi->max_queues = 0xffffffff;
	pi->max_frame = 0xffffffff;
	pi->features = ~0ull;
	pi->fault = 1000;
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_NONE);
	TST_EQ(l.h.peer.max_queues, XENC_MAX_QUEUES);
	TST_EQ(l.h.peer.max_frame, XENC_FRAME_MAX);
	TST_EQ(l.h.peer.features, XENC_F_KNOWN);
	TST_EQ(l.h.peer.fault, 0);
	pi->max_queues = 0;
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_NONE);
	TST_EQ(l.h.peer.max_queues, 1);
	/* A clamped claim can still not get more than the ABI allows. */
	{
		struct xenc_layout lay;

		TST_CHECK(!link_layout(&lay, 64 * 1024 * 1024, 2, 2048, 64, 64,
				       1514));
		TST_EQ(xenc_host_offer(&l.h, &lay), -XENC_FAULT_LAYOUT);
	}
	pi->max_queues = 1;
	pi->max_frame = XENC_FRAME_MAX;
	pi->features = XENC_F_KNOWN;

	/* Heartbeat frozen at a garbage value: stale after the limit. */
	pi->heartbeat = 0xfeedfacecafebeefull;
	TST_CHECK(!xenc_host_heartbeat(&l.h, 4));
	for (i = 1; i < 4; i++)
		TST_CHECK(!xenc_host_heartbeat(&l.h, 4));
	TST_CHECK(xenc_host_heartbeat(&l.h, 4));
	/* Wrapping to 0 is movement. */
	pi->heartbeat = 0;
	TST_CHECK(!xenc_host_heartbeat(&l.h, 4));

	/* While an offer is outstanding (the peer has not answered yet). */
	{
		struct xenc_layout lay = l.h.layout;

		TST_EQ(xenc_host_offer(&l.h, &lay), XENC_OK);
	}
	for (i = 0; i < ARRAY_SIZE(offer); i++) {
		TST_CHECK(!peer_case(&l, &offer[i]));
		TST_EQ(l.h.state, XENC_LINUX_OFFER);
	}
	/* Generation flapping between ours and garbage never connects early. */
	for (i = 0; i < 100; i++) {
		pi->generation = l.h.generation + 1 + (i & 1) * 0x40000000u;
		pi->state = XENC_PEER_READY;
		TST_EQ(xenc_host_poll(&l.h), XENC_EV_FAULT);
		TST_EQ(l.h.state, XENC_LINUX_OFFER);
	}
	pi->generation = 0;
	pi->state = XENC_PEER_HELLO;
	/* The real peer: drops its old rings, then takes the offer. */
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_CONNECTED);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_CONNECTED);
	TST_CHECK(!link_host_rings(&l));

	/* During a quiesce. */
	xenc_host_set_state(&l.h, XENC_LINUX_QUIESCE);
	for (i = 0; i < ARRAY_SIZE(quiesce); i++)
		TST_CHECK(!peer_case(&l, &quiesce[i]));
	xenc_host_set_state(&l.h, XENC_LINUX_RUNNING);

	/* A peer that went mad is replaced: fresh attach and handshake. */
	memset(pi, 0xa5, sizeof(*pi));
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_FAULT);
	TST_EQ(l.h.fault, XENC_FAULT_STATE);
	l.cookie++;
	TST_EQ(xenc_ep_attach(&l.ep, l.rg.base, l.rg.size, &l.cfg,
			      link_notify, &l, l.cookie), XENC_OK);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_DISCONNECTED);
	xenc_host_set_state(&l.h, XENC_LINUX_RESET);
	{
		struct xenc_layout lay = l.h.layout;
		u32 gen = l.h.generation;

		TST_CHECK(!link_offer_layout(&l, &lay));
		TST_EQ(l.h.generation, gen + 1);
	}
	TST_CHECK(!link_xfer(&l, 0, 20, 3));
	link_free(&l);
}

/* Interesting values near an index the peer should be using. */
static u32 near(u32 idx)
{
	static const u32 d[] = { 0, 1, -1u, SLOTS, -SLOTS, SLOTS + 1,
				 SLOTS - 1, 0x80000000u, 0x7fffffffu, 2, 3 };

	if (tst_rand(&rnd) % 8 == 0)
		return (u32)tst_rand(&rnd);
	return idx + d[tst_rand(&rnd) % ARRAY_SIZE(d)];
}

static u32 any_len(void)
{
	static const u32 v[] = { 0, 13, 14, 15, MF, MF + 1, 65535, 65536,
				 0xffffffff, SSZ - 16, SSZ - 15, 0x80000000u };

	if (tst_rand(&rnd) & 1)
		return v[tst_rand(&rnd) % ARRAY_SIZE(v)];
	return tst_rand_range(&rnd, 0, MF + 100);
}

/*
 * Random hostile writes into everything the peer owns, interleaved with
 * Linux's normal calls and the real peer's traffic; checked invariants
 * after every step, and a fresh handshake now and then.
 */
static void random_peer(void)
{
	struct link l;
	struct xenc_ring *rx, *tx;
	struct xenc_frame_hdr fh, *s;
	struct xenc_span sp;
	u32 round, op, i, frames, fr, seen[XENC_FAULT_COUNT] = { 0 };
	u8 rxf, txf;
	int rc;

	TST_CHECK(!guard_link(&l, XENC_F_CSUM | XENC_F_GSO, XENC_F_KNOWN, 1));
	for (round = 0; round < 300; round++) {
		rx = &l.rx[0];
		tx = &l.tx[0];
		for (op = 0; op < 400; op++) {
			rxf = rx->fault;
			txf = tx->fault;
			switch (tst_rand(&rnd) % 9) {
			case 0:
				rx->hdr->prod = near(rx->head);
				break;
			case 1:
				s = slot_hdr(rx, rx->head +
					     (u32)tst_rand(&rnd) % 4);
				s->len = any_len();
				s->flags = (u16)tst_rand(&rnd) &
					   (tst_rand(&rnd) & 1 ? 7 : 0xffff);
				s->csum_start = (u16)tst_rand_range(&rnd, 0,
								    MF);
				s->csum_offset = (u16)tst_rand(&rnd) % 64;
				s->gso_size = (u16)tst_rand(&rnd) % 3;
				s->gso_type = (u8)tst_rand(&rnd) % 6;
				break;
			case 2:
				/* Mostly legal values, so tx lives a while. */
				if (tst_rand(&rnd) % 32)
					tx->hdr->cons = tx->snap +
						(u32)tst_rand(&rnd) %
						(tx->pub - tx->snap + 1);
				else
					tx->hdr->cons = near(tx->snap);
				break;
			case 3:
				tx->hdr->cons_event = near(tx->head);
				tx->hdr->cons_flags = (u32)tst_rand(&rnd);
				rx->hdr->prod_event = near(rx->head);
				rx->hdr->prod_flags = (u32)tst_rand(&rnd);
				break;
			case 4:
				TST_CHECK(!drain(rx, &rc, &frames));
				TST_CHECK(rc == XENC_EMPTY ||
					  (rc < 0 && rc > -XENC_FAULT_COUNT));
				xenc_ring_release(rx);
				xenc_ring_enable_notify(rx);
				break;
			case 5:
				fh = FH(.len = any_len());
				rc = xenc_ring_put(tx, &fh, &sp);
				TST_CHECK(rc == XENC_OK || rc == XENC_FULL ||
					  rc == XENC_TOOBIG ||
					  rc == -XENC_FAULT_CONS_RANGE);
				if (rc == XENC_OK) {
					TST_CHECK(tst_in_ring(tx, sp.p[0],
							      sp.n[0]));
					TST_CHECK(!sp.n[1] ||
						  tst_in_ring(tx, sp.p[1],
							      sp.n[1]));
					memset(lk_a, 0x5a, fh.len);
					xenc_span_from_buf(&sp, lk_a);
				}
				xenc_ring_publish(tx);
				break;
			case 6:
				xenc_ring_wait_space(tx, (u32)tst_rand(&rnd));
				rc = xenc_ring_free(tx, &fr);
				TST_CHECK(rc == XENC_OK ? fr <= SLOTS :
					  rc == -XENC_FAULT_CONS_RANGE);
				break;
			case 7:
				/* The real peer keeps going, faults or not. */
				for (i = 0; i < 4; i++) {
					if (xenc_ep_recv(&l.ep, 0, &fh, &sp))
						break;
					xenc_ep_recv_done(&l.ep, 0, &fh);
				}
				xenc_ep_recv_flush(&l.ep, 0);
				xenc_ep_send_buf(&l.ep, 0, lk_a, 14 + op);
				xenc_ep_flush(&l.ep, 0);
				break;
			case 8:
				TST_CHECK(xenc_host_poll(&l.h) < XENC_EV_FAULT ||
					  l.h.fault < XENC_FAULT_COUNT);
				xenc_host_heartbeat(&l.h, 3);
				break;
			}
			/* Faults are sticky and come from the right end. */
			TST_CHECK(!rxf || rx->fault == rxf);
			TST_CHECK(!txf || tx->fault == txf);
			TST_CHECK(!tx->fault ||
				  tx->fault == XENC_FAULT_CONS_RANGE);
			TST_CHECK(rx->fault < XENC_FAULT_COUNT &&
				  rx->fault != XENC_FAULT_CONS_RANGE);
			TST_CHECK(rx->snap - rx->head <= SLOTS);
			TST_CHECK(tx->head - tx->snap <= SLOTS);
			if (tst_failed)
				return;
		}
		seen[rx->fault]++;
		seen[tx->fault]++;
		TST_CHECK(!recover(&l, round));
	}
	/* Make sure the random walk really reached the interesting cases. */
	printf("# %s faults:", __func__);
	for (i = 1; i < XENC_FAULT_COUNT; i++)
		printf(" %u", seen[i]);
	printf("\n");
	for (i = XENC_FAULT_PROD_RANGE; i <= XENC_FAULT_GSO; i++)
		TST_CHECK(seen[i] > 0);
	link_free(&l);
}

/* ---- The reverse direction: hostile Linux against the co-kernel. ---- */

/* Back to a clean state: Linux re-formats and offers the good layout. */
static int ep_recover(struct link *l, const struct xenc_layout *lay)
{
	u32 gen = l->h.generation, i;
	enum xenc_ep_event ev = XENC_EP_NONE;

	xenc_host_format(&l->h, l->rg.base, l->rg.size, XENC_F_KNOWN,
			 gen + 100);
	for (i = 0; i < 3 && l->ep.state != XENC_PEER_HELLO; i++)
		xenc_ep_poll(&l->ep);
	TST_EQ_I(l->ep.state, XENC_PEER_HELLO);
	TST_EQ_I(xenc_host_poll(&l->h), XENC_EV_PEER_HELLO);
	TST_EQ_I(xenc_host_offer(&l->h, lay), XENC_OK);
	for (i = 0; i < 3 && ev != XENC_EP_CONNECTED; i++)
		ev = xenc_ep_poll(&l->ep);
	TST_EQ_I(ev, XENC_EP_CONNECTED);
	TST_EQ_I(xenc_host_poll(&l->h), XENC_EV_CONNECTED);
	TST_CHECK_I(!link_host_rings(l));
	return link_xfer(l, 0, 10, gen);
}

/* A hostile offer: the good one, then one field changed by `mut`. */
struct ocase {
	const char *what;
	u32 field;		/* 0 linfo, 1 qdesc[0], 2 region hdr */
	u32 off;
	u32 size;
	u64 val;
	u32 fault;
	bool reattach;		/* see regress_ep_size_ratchet */
};

/* Each designates .field, .off and .size; the rest continue at .val. */
#define LI(f)	.field = 0, .off = offsetof(struct xenc_linux_info, f), \
		.size = sizeof(((struct xenc_linux_info *)0)->f)
#define QD(f)	.field = 1, .off = offsetof(struct xenc_queue_desc, f), \
		.size = sizeof(((struct xenc_queue_desc *)0)->f)
#define RH(f)	.field = 2, .off = offsetof(struct xenc_region_hdr, f), \
		.size = sizeof(((struct xenc_region_hdr *)0)->f)

static int offer_case(struct link *l, const struct xenc_layout *lay,
		      const struct ocase *c)
{
	struct xenc_linux_info *li = link_li(l);
	u64 before = l->ep.faults[c->fault];
	u8 *base;
	u32 i;

	/* Linux writes a fresh offer, then corrupts one field of it. */
	TST_EQ_I(xenc_host_offer(&l->h, lay), XENC_OK);
	base = c->field == 0 ? (u8 *)li :
	       c->field == 1 ? (u8 *)link_qd(l, 0) : l->rg.base;
	memcpy(base + c->off, &c->val, c->size);
	for (i = 0; i < 4; i++)
		xenc_ep_poll(&l->ep);
	TST_CHECK_I(!xenc_ep_connected(&l->ep));
	TST_EQ_I(xenc_ep_num_queues(&l->ep), 0);
	TST_EQ_I(l->ep.state, XENC_PEER_HELLO);
	TST_EQ_I(l->ep.fault, c->fault);
	TST_CHECK_I(l->ep.faults[c->fault] > before);
	TST_EQ_I(link_pi(l)->fault, c->fault);
	TST_EQ_I(link_pi(l)->state, XENC_PEER_HELLO);
	/* Linux never sees a connection for it. */
	TST_CHECK_I(xenc_host_poll(&l->h) != XENC_EV_CONNECTED);
	if (c->reattach) {
		/* Known bug: ep->size never grows back, the port re-attaches. */
		link_rh(l)->region_size = l->rg.size;
		l->cookie++;
		TST_EQ_I(xenc_ep_attach(&l->ep, l->rg.base, l->rg.size,
					&l->cfg, link_notify, l, l->cookie),
			 XENC_OK);
	}
	return ep_recover(l, lay);
}

static void hostile_linux(void)
{
	struct link l;
	struct xenc_layout lay;
	u64 size, holes[2];
	u32 n, i;
	struct ocase cases[] = {
		{ "nq 0", LI(num_queues), 0, XENC_FAULT_LAYOUT },
		{ "nq 2 > max", LI(num_queues), 2, XENC_FAULT_LAYOUT },
		{ "nq 17", LI(num_queues), 17, XENC_FAULT_LAYOUT },
		{ "nq ~0", LI(num_queues), 0xffffffff, XENC_FAULT_LAYOUT },
		{ "ssz 0", LI(slot_size), 0, XENC_FAULT_LAYOUT },
		{ "ssz 100", LI(slot_size), 100, XENC_FAULT_LAYOUT },
		{ "ssz 32k", LI(slot_size), 32768, XENC_FAULT_LAYOUT },
		{ "ssz 4k", LI(slot_size), 4096, XENC_FAULT_LAYOUT },
		{ "ssz ~0", LI(slot_size), 0xffffffff, XENC_FAULT_LAYOUT },
		{ "mf 0", LI(max_frame), 0, XENC_FAULT_LAYOUT },
		{ "mf 13", LI(max_frame), 13, XENC_FAULT_LAYOUT },
		{ "mf > peer", LI(max_frame), 9001, XENC_FAULT_LAYOUT },
		{ "mf ~0", LI(max_frame), 0xffffffff, XENC_FAULT_LAYOUT },
		{ "feat unknown", LI(features), 1ull << 63,
		  XENC_FAULT_LAYOUT },
		{ "feat unsupported", LI(features), XENC_F_GSO,
		  XENC_FAULT_LAYOUT },
		{ "l2p in ctrl", QD(l2p_off), 0, XENC_FAULT_LAYOUT },
		{ "l2p ctrl-64", QD(l2p_off), XENC_CTRL_SIZE - 64,
		  XENC_FAULT_LAYOUT },
		{ "l2p unaligned", QD(l2p_off), XENC_CTRL_SIZE + 4,
		  XENC_FAULT_LAYOUT },
		{ "l2p at end", QD(l2p_off), 0, XENC_FAULT_LAYOUT },
		{ "l2p past end", QD(l2p_off), 0, XENC_FAULT_LAYOUT },
		{ "l2p overlaps p2l", QD(l2p_off), 0, XENC_FAULT_LAYOUT },
		{ "l2p ~0", QD(l2p_off), ~0ull - 63, XENC_FAULT_LAYOUT },
		{ "l2p 2^63", QD(l2p_off), 1ull << 63, XENC_FAULT_LAYOUT },
		{ "p2l wraps", QD(p2l_off), ~0ull - 4095,
		  XENC_FAULT_LAYOUT },
		{ "slots 0", QD(l2p_slots), 0, XENC_FAULT_LAYOUT },
		{ "slots 63", QD(l2p_slots), 63, XENC_FAULT_LAYOUT },
		{ "slots 100", QD(l2p_slots), 100, XENC_FAULT_LAYOUT },
		{ "slots too big", QD(l2p_slots), 1024, XENC_FAULT_LAYOUT },
		{ "slots 64k", QD(p2l_slots), 65536, XENC_FAULT_LAYOUT },
		{ "region shrunk", RH(region_size), XENC_CTRL_SIZE,
		  XENC_FAULT_LAYOUT, true },
		{ "region half", RH(region_size), 0, XENC_FAULT_LAYOUT, true },
		{ "magic", RH(magic), 0x12345678, XENC_FAULT_VERSION },
		{ "abi", RH(abi_major), 2, XENC_FAULT_VERSION },
		{ "ctrl size", RH(ctrl_size), 8192, XENC_FAULT_VERSION },
		{ "state 5", LI(state), XENC_LINUX_STATE_COUNT,
		  XENC_FAULT_STATE },
		{ "state ~0", LI(state), 0xffffffff, XENC_FAULT_STATE },
	};

	TST_CHECK(!guard_layout(&lay, 1, &size, holes, &n));
	TST_CHECK(!link_init(&l, size, XENC_F_KNOWN, XENC_F_CSUM, 1, 9000));
	for (i = 0; i < n; i++)
		TST_CHECK(!mprotect(l.rg.base + holes[i], PAGE, PROT_NONE));
	TST_CHECK(!link_offer_layout(&l, &lay));
	TST_CHECK(!link_xfer(&l, 0, 10, 1));
	/* Offsets that depend on the layout. */
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (!strcmp(cases[i].what, "l2p at end"))
			cases[i].val = size;
		if (!strcmp(cases[i].what, "l2p past end"))
			cases[i].val = size - xenc_ring_bytes(SLOTS, SSZ) + 64;
		if (!strcmp(cases[i].what, "region half"))
			cases[i].val = lay.q[0].p2l_off;
		if (!strcmp(cases[i].what, "l2p overlaps p2l"))
			cases[i].val = lay.q[0].p2l_off - 64;
	}
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (offer_case(&l, &lay, &cases[i])) {
			/* Name the case: the line alone is ambiguous. */
			size_t k = strlen(tst_why);

			snprintf(tst_why + k, sizeof(tst_why) - k,
				 " [case \"%s\"]", cases[i].what);
			return;
		}
	}
	link_free(&l);
}

/* Garbage in the running rings, from Linux's side, hits the peer's checks. */
static void hostile_linux_rings(void)
{
	struct link l;
	struct xenc_layout lay;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u64 size, holes[2];
	u32 n, i, head;

	TST_CHECK(!guard_layout(&lay, 1, &size, holes, &n));
	TST_CHECK(!link_init(&l, size, 0, 0, 1, 9000));
	for (i = 0; i < n; i++)
		TST_CHECK(!mprotect(l.rg.base + holes[i], PAGE, PROT_NONE));
	TST_CHECK(!link_offer_layout(&l, &lay));
	TST_CHECK(!link_xfer(&l, 0, 10, 1));

	/* l2p producer index far ahead. */
	head = l.ep.q[0].rx.head;
	l.tx[0].hdr->prod = head + SLOTS + 1;
	TST_EQ(xenc_ep_recv(&l.ep, 0, &fh, &sp), -XENC_FAULT_PROD_RANGE);
	TST_EQ(xenc_ep_recv(&l.ep, 0, &fh, &sp), -XENC_FAULT_PROD_RANGE);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_EQ(l.ep.faults[XENC_FAULT_PROD_RANGE], 1);
	TST_EQ(link_pi(&l)->fault, XENC_FAULT_PROD_RANGE);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_DISCONNECTED);
	TST_EQ(l.h.peer.fault, XENC_FAULT_PROD_RANGE);
	TST_CHECK(!ep_recover(&l, &lay));

	/* A lying frame header. */
	head = l.ep.q[0].rx.head;
	*slot_hdr(&l.tx[0], head) = FH(.len = 0xffffffff);
	l.tx[0].hdr->prod = head + 1;
	TST_EQ(xenc_ep_recv(&l.ep, 0, &fh, &sp), -XENC_FAULT_LEN_LONG);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_EQ(l.ep.faults[XENC_FAULT_LEN_LONG], 1);
	TST_CHECK(!ep_recover(&l, &lay));

	/* p2l consumer index running ahead of what the peer published. */
	TST_CHECK(!link_p2l_send(&l, 0, 100, 1));
	l.rx[0].hdr->cons = l.ep.q[0].tx.pub + 1;
	TST_CHECK(!xenc_ep_tx_wait(&l.ep, 0, SLOTS));
	TST_EQ(l.ep.q[0].tx.fault, XENC_FAULT_CONS_RANGE);
	TST_EQ(xenc_ep_send_buf(&l.ep, 0, lk_a, 100), -XENC_FAULT_CONS_RANGE);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_EQ(l.ep.faults[XENC_FAULT_CONS_RANGE], 1);
	TST_CHECK(!ep_recover(&l, &lay));
	TST_EQ(l.ep.faults[XENC_FAULT_LAYOUT], 0);
	link_free(&l);
}

/*
 * Linux's state and generation changing under a connected peer without a
 * new offer: the peer must drop its rings, never carry on with them.
 */
static void hostile_linux_state(void)
{
	struct link l;
	struct xenc_layout lay;
	u64 size, holes[2];
	u32 n, i, before;

	TST_CHECK(!guard_layout(&lay, 1, &size, holes, &n));
	TST_CHECK(!link_init(&l, size, 0, 0, 1, 9000));
	for (i = 0; i < n; i++)
		TST_CHECK(!mprotect(l.rg.base + holes[i], PAGE, PROT_NONE));
	TST_CHECK(!link_offer_layout(&l, &lay));

	/* Generation moves while RUNNING, and while QUIESCE. */
	link_li(&l)->generation++;
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_EQ(l.ep.state, XENC_PEER_HELLO);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_NONE);
	TST_CHECK(!ep_recover(&l, &lay));
	xenc_host_set_state(&l.h, XENC_LINUX_QUIESCE);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_QUIESCE);
	link_li(&l)->generation--;
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_CHECK(!ep_recover(&l, &lay));

	/* RESET or GONE under a connected peer: drop, no fault. */
	before = l.ep.fault;
	link_li(&l)->state = XENC_LINUX_RESET;
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_EQ(l.ep.fault, before);
	TST_CHECK(!ep_recover(&l, &lay));

	/*
	 * region_size below the control area while connected: dropped with
	 * a fault (VERSION today, LAYOUT once regress_ep_region_fault_code is
	 * fixed).
	 */
	before = l.ep.faults[XENC_FAULT_VERSION] +
		 l.ep.faults[XENC_FAULT_LAYOUT];
	link_rh(&l)->region_size = 100;
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_EQ(l.ep.faults[XENC_FAULT_VERSION] +
	       l.ep.faults[XENC_FAULT_LAYOUT], before + 1);
	TST_CHECK(l.ep.fault == XENC_FAULT_VERSION ||
		  l.ep.fault == XENC_FAULT_LAYOUT);
	TST_CHECK(!ep_recover(&l, &lay));
	TST_CHECK(!link_xfer(&l, 0, 10, 4));
	link_free(&l);
}

/* Random bytes over everything Linux owns in the control area. */
static void random_linux(void)
{
	static const u64 vals[] = { 0, 1, 2, 3, 4, 5, 13, 14, 63, 64, 65,
				    4096, 4097, 9000, 65535, 65536,
				    0x7fffffff, 0x80000000, 0xffffffff,
				    ~0ull, 1ull << 63 };
	struct link l;
	struct xenc_layout lay;
	struct xenc_region_hdr good_rh;
	u64 size, holes[2], connects = 0;
	u32 n, iter;

	TST_CHECK(!guard_layout(&lay, 1, &size, holes, &n));
	/*
	 * No holes here: a random but valid layout may put a ring anywhere
	 * in the region.  The guard pages around the region still apply.
	 */
	TST_CHECK(!link_init(&l, size, XENC_F_KNOWN, XENC_F_KNOWN, 4,
			     XENC_FRAME_MAX));
	(void)n;
	TST_CHECK(!link_offer_layout(&l, &lay));
	good_rh = *link_rh(&l);
	for (iter = 0; iter < 200000; iter++) {
		u32 k = (u32)tst_rand(&rnd) % 8, off;
		u64 v = tst_rand(&rnd) & 1 ?
			vals[tst_rand(&rnd) % ARRAY_SIZE(vals)] :
			tst_rand(&rnd);

		/*
		 * Linux-owned words: region header (rarely, and repaired a
		 * few ticks later, else every tick is a VERSION fault), linux
		 * info and queue descriptors.  region_size is left alone: a
		 * shrink sticks until the port re-attaches
		 * (regress_ep_size_ratchet) and would starve the rest of this
		 * test of connections.
		 */
		off = (u32)tst_rand(&rnd) % 20;
		if (off == 0) {
			off = (u32)tst_rand(&rnd) % 14 * 4;
			off += off >= 8 ? 8 : 0;
		} else if (off < 10) {
			off = XENC_OFF_LINUX + (u32)tst_rand(&rnd) % 16 * 4;
		} else {
			off = XENC_OFF_QUEUES + (u32)tst_rand(&rnd) % 24 * 4;
		}
		if (iter % 8 == 0)
			memcpy(l.rg.base, &good_rh, sizeof(good_rh));
		if (k < 3)
			memcpy(l.rg.base + off, &v, 4);
		else if (k == 3)
			link_li(&l)->state = (u32)tst_rand(&rnd) % 6;
		else if (k == 4)
			link_li(&l)->generation++;
		xenc_ep_tick(&l.ep);
		if (xenc_ep_connected(&l.ep)) {
			struct xenc_frame_hdr fh;
			struct xenc_span sp;
			u32 q, nq = xenc_ep_num_queues(&l.ep);

			connects++;
			/* What it accepted must really be inside the region. */
			TST_EQ(xenc_layout_check(&l.ep.layout, size), XENC_OK);
			TST_CHECK(nq >= 1 && nq <= 4);
			for (q = 0; q < nq; q++) {
				if (xenc_ep_recv(&l.ep, q, &fh, &sp) ==
				    XENC_OK) {
					xenc_span_to_buf(&sp, lk_b);
					xenc_ep_recv_done(&l.ep, q, &fh);
				}
				xenc_ep_recv_flush(&l.ep, q);
				xenc_ep_send_buf(&l.ep, q, lk_a,
						 14 + iter % 100);
				xenc_ep_flush(&l.ep, q);
			}
		}
		TST_CHECK(l.ep.state < XENC_PEER_STATE_COUNT);
		TST_CHECK(l.ep.fault < XENC_FAULT_COUNT);
		if (tst_failed)
			return;
		/* Now and then a legitimate offer, so both paths get used. */
		if (iter % 200 == 199) {
			xenc_host_format(&l.h, l.rg.base, size, XENC_F_KNOWN,
					 iter);
			xenc_ep_poll(&l.ep);
			xenc_host_poll(&l.h);
			xenc_host_offer(&l.h, &lay);
		}
	}
	printf("# %s: %llu connected ticks, faults layout %llu version %llu state %llu\n",
	       __func__, (unsigned long long)connects,
	       (unsigned long long)l.ep.faults[XENC_FAULT_LAYOUT],
	       (unsigned long long)l.ep.faults[XENC_FAULT_VERSION],
	       (unsigned long long)l.ep.faults[XENC_FAULT_STATE]);
	TST_CHECK(connects > 1000);
	TST_CHECK(l.ep.faults[XENC_FAULT_LAYOUT] > 0);
	TST_CHECK(l.ep.faults[XENC_FAULT_VERSION] > 0);
	TST_CHECK(l.ep.faults[XENC_FAULT_STATE] > 0);
	TST_CHECK(!ep_recover(&l, &lay));
	link_free(&l);
}

/* ---- Regressions: bugs these tests found in the ring core. ---- */

/*
 * The consumer bounds the producer index by its own consume position, not
 * by what it has released: with frames consumed but not yet released, a
 * producer can claim slots it does not own without a PROD_RANGE fault.
 */
static void regress_prod_unreleased(void)
{
	struct link l;
	struct xenc_ring *r;
	u32 i, frames, head;
	int rc;

	TST_CHECK(!guard_link(&l, 0, 0, 1));
	r = &l.rx[0];
	for (i = 0; i < 3; i++)
		TST_CHECK(!link_p2l_send(&l, 0, 100, i));
	TST_CHECK(!drain(r, &rc, &frames));
	TST_EQ(frames, 3);
	/* Three consumed, not released: the producer owns slots up to pub + slots. */
	head = r->head;
	TST_EQ(head - r->pub, 3);
	for (i = 0; i < SLOTS; i++)
		*slot_hdr(r, head + i) = FH(.len = 14);
	r->hdr->prod = head + SLOTS;
	TST_CHECK(!drain(r, &rc, &frames));
	TST_EQ(rc, -XENC_FAULT_PROD_RANGE);
	link_free(&l);
}

/* The peer accepts a multi-queue offer although MQ was not negotiated. */
static void regress_ep_mq_unnegotiated(void)
{
	struct link l;
	struct xenc_layout lay;

	TST_CHECK(!link_init(&l, 16 << 20, XENC_F_MQ, XENC_F_MQ, 4, 9000));
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_PEER_HELLO);
	TST_CHECK(!link_layout(&lay, l.rg.size, 2, 2048, 64, 64, 1514));
	TST_EQ(xenc_host_offer(&l.h, &lay), XENC_OK);
	/* A buggy Linux clears MQ from the offer but keeps two queues. */
	link_li(&l)->features = 0;
	xenc_ep_poll(&l.ep);
	TST_CHECK(!xenc_ep_connected(&l.ep));
	TST_EQ(l.ep.faults[XENC_FAULT_LAYOUT], 1);
	link_free(&l);
}

/*
 * The peer's usable size only ever shrinks: after Linux once formats with a
 * smaller region_size, a later format with the full size is still limited
 * to the old one until the port re-attaches.
 */
static void regress_ep_size_ratchet(void)
{
	struct link l;
	struct xenc_layout lay;
	u64 size = 4 << 20;
	u32 i;

	TST_CHECK(!link_init(&l, size, 0, 0, 1, 9000));
	TST_CHECK(!link_offer(&l, 1, 2048, 64, 64, 1514));
	/* Driver reloaded with a smaller region, then with the full one. */
	xenc_host_format(&l.h, l.rg.base, size / 2, 0, 50);
	xenc_ep_poll(&l.ep);
	xenc_host_format(&l.h, l.rg.base, size, 0, 60);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_PEER_HELLO);
	/* A layout that needs more than half the region. */
	TST_CHECK(!link_layout(&lay, size, 1, 4096, 512, 256, 9000));
	TST_CHECK(lay.q[0].p2l_off + xenc_ring_bytes(256, 4096) > size / 2);
	TST_EQ(xenc_host_offer(&l.h, &lay), XENC_OK);
	for (i = 0; i < 3; i++)
		xenc_ep_poll(&l.ep);
	TST_CHECK(xenc_ep_connected(&l.ep));
	link_free(&l);
}

/*
 * ep_poll records every ep_check_region failure as XENC_FAULT_VERSION,
 * although a region_size below the control area is a LAYOUT fault (and
 * xenc_ep_attach reports it as such).
 */
static void regress_ep_region_fault_code(void)
{
	struct link l;

	TST_CHECK(!link_init(&l, 1 << 20, 0, 0, 1, 9000));
	TST_CHECK(!link_offer(&l, 1, 2048, 64, 64, 1514));
	link_rh(&l)->region_size = 100;
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_EQ(l.ep.fault, XENC_FAULT_LAYOUT);
	link_free(&l);
}

int main(void)
{
	tst_suite = "hostile";
	TST_RUN(rx_prod);
	TST_RUN(rx_len);
	TST_RUN(rx_flags);
	TST_RUN(rx_meta);
	TST_RUN(tx_cons);
	TST_RUN(events);
	TST_RUN(peer_ctrl);
	TST_RUN(random_peer);
	TST_RUN(hostile_linux);
	TST_RUN(hostile_linux_rings);
	TST_RUN(hostile_linux_state);
	TST_RUN(random_linux);
	TST_RUN(regress_prod_unreleased);
	TST_RUN(regress_ep_mq_unnegotiated);
	TST_RUN(regress_ep_size_ratchet);
	TST_RUN(regress_ep_region_fault_code);
	return tst_done();
}

// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Unit tests for the xenc data plane (ring/xenc_ring.c): geometry, empty and
 * full rings, wrap-around of frames and of free-running indices, every frame
 * size, batching, event-index notification and frame-flag negotiation.
 */
#include "tst.h"

#define BUF_LEN		(XENC_FRAME_MAX + 64)

static u8 buf_a[BUF_LEN], buf_b[BUF_LEN];

/* Put and publish one frame, then check the consumer gets it back intact. */
static int roundtrip(struct tst_pair *tp, u32 len, u64 seed)
{
	TST_EQ_I(tst_put(&tp->p, len, seed, buf_a), XENC_OK);
	xenc_ring_publish(&tp->p);
	TST_CHECK_I(!tst_get(&tp->c, len, seed, buf_a, buf_b));
	xenc_ring_release(&tp->c);
	return 0;
}

static void init_params(void)
{
	static u8 mem[XENC_RING_HDR_SIZE + 64 * 64];
	struct xenc_ring r;
	static const u32 bad_slots[] = { 0, 1, 32, 63, 65, 96, 65536, 1u << 31 };
	static const u32 bad_ssz[] = { 0, 32, 63, 100, 2047, 32768, 1u << 31 };
	static const u32 bad_mf[] = { 0, 13, XENC_FRAME_MAX + 1, 64 * 64 - 15,
				      0xffffffff };
	unsigned int i;

	/* Only pointers are computed here, so huge geometries are harmless. */
	TST_EQ(xenc_ring_init(&r, mem, 64, 64, 64 * 64 - 16, 0), XENC_OK);
	TST_CHECK(r.hdr == (void *)mem);
	TST_CHECK(r.data == mem + XENC_RING_HDR_SIZE);
	TST_EQ(r.slots, 64);
	TST_EQ(r.shift, 6);
	TST_EQ(r.max_frame, 64 * 64 - 16);
	TST_EQ(r.fault, 0);
	TST_EQ(r.head, 0);
	TST_EQ(xenc_ring_init(&r, mem, XENC_RING_SLOTS_MAX, XENC_SLOT_SIZE_MAX,
			      XENC_FRAME_MAX, XENC_F_KNOWN), XENC_OK);
	TST_EQ(r.shift, 14);
	for (i = 0; i < ARRAY_SIZE(bad_slots); i++)
		TST_EQ(xenc_ring_init(&r, mem, bad_slots[i], 2048, 1514, 0),
		       -XENC_FAULT_LAYOUT);
	for (i = 0; i < ARRAY_SIZE(bad_ssz); i++)
		TST_EQ(xenc_ring_init(&r, mem, 256, bad_ssz[i], 1514, 0),
		       -XENC_FAULT_LAYOUT);
	for (i = 0; i < ARRAY_SIZE(bad_mf); i++)
		TST_EQ(xenc_ring_init(&r, mem, 64, 64, bad_mf[i], 0),
		       -XENC_FAULT_LAYOUT);

	TST_EQ(xenc_frame_flags_ok(0), 0);
	TST_EQ(xenc_frame_flags_ok(XENC_F_CSUM),
	       XENC_FRAME_CSUM_PARTIAL | XENC_FRAME_DATA_VALID);
	TST_EQ(xenc_frame_flags_ok(XENC_F_GSO), XENC_FRAME_GSO);
	TST_EQ(xenc_frame_flags_ok(XENC_F_MQ | XENC_F_QUIESCE), 0);
	TST_EQ(xenc_frame_flags_ok(~0ull), XENC_FRAME_CSUM_PARTIAL |
	       XENC_FRAME_DATA_VALID | XENC_FRAME_GSO);
	TST_CHECK(xenc_is_pow2(1) && xenc_is_pow2(1u << 31));
	TST_CHECK(!xenc_is_pow2(0) && !xenc_is_pow2(3) && !xenc_is_pow2(~0u));
}

static void frame_slots(void)
{
	static u8 mem[XENC_RING_HDR_SIZE];
	struct xenc_ring r;
	u32 shift, len, slot;

	for (shift = 6; shift <= 14; shift++) {
		slot = 1u << shift;
		TST_EQ(xenc_ring_init(&r, mem, 8192, slot, XENC_FRAME_MAX, 0),
		       XENC_OK);
		for (len = XENC_FRAME_MIN; len <= XENC_FRAME_MAX; len++)
			TST_EQ(xenc_frame_slots(&r, len),
			       (len + XENC_FRAME_HDR_SIZE + slot - 1) / slot);
		/* The header shares the first slot with the payload. */
		TST_EQ(xenc_frame_slots(&r, slot - XENC_FRAME_HDR_SIZE), 1);
		TST_EQ(xenc_frame_slots(&r, slot - XENC_FRAME_HDR_SIZE + 1), 2);
	}
}

static void empty(void)
{
	struct tst_pair tp;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u32 fr;

	TST_CHECK(!tst_pair_init(&tp, 64, 64, 64 * 64 - 16, 0));
	memset(&fh, 0xa5, sizeof(fh));
	TST_EQ(xenc_ring_peek(&tp.c, &fh, &sp), XENC_EMPTY);
	TST_EQ(fh.len, 0xa5a5a5a5);	/* untouched when empty */
	TST_CHECK(!xenc_ring_release(&tp.c));
	TST_CHECK(!xenc_ring_publish(&tp.p));
	TST_CHECK(!xenc_ring_enable_notify(&tp.c));
	TST_EQ(xenc_ring_used(&tp.p), 0);
	TST_EQ(xenc_ring_free(&tp.p, &fr), XENC_OK);
	TST_EQ(fr, 64);

	/* Put but not published is still empty for the consumer. */
	TST_EQ(tst_put(&tp.p, 100, 1, buf_a), XENC_OK);
	TST_EQ(xenc_ring_peek(&tp.c, &fh, &sp), XENC_EMPTY);
	TST_EQ(tp.p.hdr->prod, 0);
	xenc_ring_publish(&tp.p);
	TST_CHECK(!tst_get(&tp.c, 100, 1, buf_a, buf_b));
	TST_EQ(xenc_ring_peek(&tp.c, &fh, &sp), XENC_EMPTY);
	xenc_ring_release(&tp.c);
	TST_EQ(xenc_ring_peek(&tp.c, &fh, &sp), XENC_EMPTY);
	TST_EQ(tp.c.fault, 0);
	TST_EQ(tp.p.fault, 0);
	tst_pair_free(&tp);
}

static void full(void)
{
	struct tst_pair tp;
	struct xenc_frame_hdr fh = { .len = 48 };
	struct xenc_span sp;
	u32 i, fr, head;

	TST_CHECK(!tst_pair_init(&tp, 64, 64, 64 * 64 - 16, 0));
	/* 48 + 16 bytes: exactly one slot per frame. */
	for (i = 0; i < 64; i++)
		TST_EQ(tst_put(&tp.p, 48, i, buf_a), XENC_OK);
	head = tp.p.head;
	TST_EQ(head, 64);
	TST_EQ(xenc_ring_used(&tp.p), 64);
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_FULL);
	TST_EQ(tp.p.head, head);
	TST_EQ(xenc_ring_free(&tp.p, &fr), XENC_OK);
	TST_EQ(fr, 0);
	xenc_ring_publish(&tp.p);

	/* Consumed but not released slots are not free yet. */
	TST_CHECK(!tst_get(&tp.c, 48, 0, buf_a, buf_b));
	TST_CHECK(!tst_get(&tp.c, 48, 1, buf_a, buf_b));
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_FULL);
	xenc_ring_release(&tp.c);
	TST_EQ(xenc_ring_free(&tp.p, &fr), XENC_OK);
	TST_EQ(fr, 2);
	/* Two free slots: a three-slot frame still does not fit. */
	TST_EQ(tst_put(&tp.p, 150, 99, buf_a), XENC_FULL);
	TST_EQ(tst_put(&tp.p, 112, 64, buf_a), XENC_OK);	/* 2 slots */
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_FULL);
	TST_EQ(tp.p.fault, 0);
	xenc_ring_publish(&tp.p);

	for (i = 2; i < 64; i++)
		TST_CHECK(!tst_get(&tp.c, 48, i, buf_a, buf_b));
	TST_CHECK(!tst_get(&tp.c, 112, 64, buf_a, buf_b));
	TST_EQ(xenc_ring_peek(&tp.c, &fh, &sp), XENC_EMPTY);
	xenc_ring_release(&tp.c);
	TST_EQ(xenc_ring_free(&tp.p, &fr), XENC_OK);
	TST_EQ(fr, 64);
	/* A frame filling the whole ring fits an empty one. */
	TST_CHECK(!roundtrip(&tp, 64 * 64 - 16, 7));
	tst_pair_free(&tp);
}

static void toobig(void)
{
	static const u32 bad[] = { 0, 1, 13, 1001, 4080, 65535, 65536,
				   0x80000000u, 0xffffffffu };
	struct tst_pair tp;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	unsigned int i;

	TST_CHECK(!tst_pair_init(&tp, 64, 64, 1000, 0));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		memset(&fh, 0, sizeof(fh));
		fh.len = bad[i];
		TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_TOOBIG);
		TST_EQ(tp.p.head, 0);
	}
	/* Not a fault: the ring keeps working at both limits. */
	TST_EQ(tp.p.fault, 0);
	TST_CHECK(!roundtrip(&tp, 1000, 1));
	TST_CHECK(!roundtrip(&tp, XENC_FRAME_MIN, 2));
	tst_pair_free(&tp);

	TST_CHECK(!tst_pair_init(&tp, 2048, 64, 65535, 0));
	fh.len = 65536;
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_TOOBIG);
	TST_CHECK(!roundtrip(&tp, 65535, 3));
	tst_pair_free(&tp);
}

/* Frames that run from the last slot into the first, at every start slot. */
static void wrap_slots(void)
{
	static const u32 lens[] = { 14, 47, 48, 49, 111, 112, 113, 1000, 4079,
				    4080 };
	struct tst_pair tp;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u32 start, i, len;

	TST_CHECK(!tst_pair_init(&tp, 64, 64, 64 * 64 - 16, 0));
	/* Move to slot 62 with one-slot frames, then put a three-slot one. */
	for (i = 0; i < 62; i++)
		TST_CHECK(!roundtrip(&tp, 48, i));
	fh = (struct xenc_frame_hdr){ .len = 150 };
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_OK);
	TST_CHECK(sp.p[0] == tp.p.data + 62 * 64 + XENC_FRAME_HDR_SIZE);
	TST_EQ(sp.n[0], 4096 - (62 * 64 + XENC_FRAME_HDR_SIZE));
	TST_CHECK(sp.p[1] == tp.p.data);
	TST_EQ(sp.n[1], 150 - sp.n[0]);
	tst_fill(buf_a, 150, 77);
	memcpy(buf_a, &fh.len, 4);
	xenc_span_from_buf(&sp, buf_a);
	TST_EQ(tp.p.head, 65);
	xenc_ring_publish(&tp.p);
	TST_EQ(xenc_ring_peek(&tp.c, &fh, &sp), XENC_OK);
	TST_EQ(sp.n[1], 150 - sp.n[0]);
	TST_CHECK(!tst_get(&tp.c, 150, 77, buf_a, buf_b));
	TST_EQ(tp.c.head, 65);
	xenc_ring_release(&tp.c);

	/* Every start slot with lengths around the slot and ring edges. */
	for (start = 0; start < 64; start++) {
		for (i = 0; i < ARRAY_SIZE(lens); i++) {
			u32 s0 = tp.p.head & 63;

			len = lens[i];
			TST_EQ(tst_put(&tp.p, len, start * 100 + i, buf_a),
			       XENC_OK);
			xenc_ring_publish(&tp.p);
			TST_EQ(xenc_ring_peek(&tp.c, &fh, &sp), XENC_OK);
			/* Wraps exactly when it runs past the last slot. */
			TST_EQ(sp.n[1] != 0, s0 * 64 + 16 + len > 4096);
			TST_CHECK(!tst_get(&tp.c, len, start * 100 + i,
					   buf_a, buf_b));
			xenc_ring_release(&tp.c);
		}
		/* Step one slot so the next round starts elsewhere. */
		TST_CHECK(!roundtrip(&tp, 48, start));
	}
	TST_EQ(tp.c.fault, 0);
	tst_pair_free(&tp);
}

/* Free-running indices crossing 2^32 (and 2^31) behave like any others. */
static void wrap_index(void)
{
	static const u32 bases[] = { 0xffffff00u, 0xfffffffbu, 0x7ffffff0u,
				     0xffffffffu };
	struct tst_pair tp;
	struct xenc_frame_hdr fh = { .len = 48 };
	struct xenc_span sp;
	unsigned int b;
	u32 i, j, fr, n, lens[32];
	u64 rnd = 42;

	for (b = 0; b < ARRAY_SIZE(bases); b++) {
		u32 base = bases[b];

		TST_CHECK(!tst_pair_init(&tp, 64, 64, 64 * 64 - 16, 0));
		tst_pair_set_index(&tp, base);
		TST_EQ(xenc_ring_free(&tp.p, &fr), XENC_OK);
		TST_EQ(fr, 64);
		/* Random batches until the indices have gone round. */
		for (i = 0; i < 2000; i++) {
			n = tst_rand_range(&rnd, 1, 8);
			for (j = 0; j < n; j++) {
				lens[j] = tst_rand_range(&rnd, 14, 500);
				TST_EQ(tst_put(&tp.p, lens[j], i * 8 + j,
					       buf_a), XENC_OK);
			}
			xenc_ring_publish(&tp.p);
			TST_EQ(tp.p.hdr->prod, tp.p.head);
			for (j = 0; j < n; j++)
				TST_CHECK(!tst_get(&tp.c, lens[j], i * 8 + j,
						   buf_a, buf_b));
			xenc_ring_release(&tp.c);
			TST_EQ(tp.c.hdr->cons, tp.c.head);
		}
		TST_CHECK(tp.p.head - base > 2000);
		/* Really went past 2^32 (or 2^31): the top bit flipped. */
		TST_CHECK((tp.p.head ^ base) & 0x80000000u);
		TST_EQ(tp.p.fault, 0);
		TST_EQ(tp.c.fault, 0);

		/* Full and free accounting straddling the wrap. */
		tst_pair_set_index(&tp, base);
		for (i = 0; i < 64; i++)
			TST_EQ(tst_put(&tp.p, 48, i, buf_a), XENC_OK);
		TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_FULL);
		TST_EQ(xenc_ring_used(&tp.p), 64);
		xenc_ring_publish(&tp.p);
		for (i = 0; i < 10; i++)
			TST_CHECK(!tst_get(&tp.c, 48, i, buf_a, buf_b));
		xenc_ring_release(&tp.c);
		TST_EQ(xenc_ring_free(&tp.p, &fr), XENC_OK);
		TST_EQ(fr, 10);

		/* Event index across the wrap: armed before, fires after. */
		for (i = 10; i < 64; i++)
			TST_CHECK(!tst_get(&tp.c, 48, i, buf_a, buf_b));
		xenc_ring_release(&tp.c);
		TST_CHECK(!xenc_ring_enable_notify(&tp.c));
		TST_EQ(tst_put(&tp.p, 48, 1, buf_a), XENC_OK);
		TST_CHECK(xenc_ring_publish(&tp.p));
		TST_EQ(tst_put(&tp.p, 48, 2, buf_a), XENC_OK);
		TST_CHECK(!xenc_ring_publish(&tp.p));
		tst_pair_free(&tp);
	}
}

/* Every frame size from the minimum to 65,535 through a small-slot ring. */
static void all_sizes(void)
{
	struct tst_pair tp;
	u32 len, fr, want;

	/* 64-byte slots: most frames wrap at some point, sizes are exact. */
	TST_CHECK(!tst_pair_init(&tp, 2048, 64, 65535, 0));
	for (len = XENC_FRAME_MIN; len <= 65535; len++) {
		u32 head = tp.p.head;

		want = (len + 16 + 63) / 64;
		TST_EQ(tst_put(&tp.p, len, len * 2654435761u, buf_a), XENC_OK);
		TST_EQ(tp.p.head - head, want);
		xenc_ring_publish(&tp.p);
		TST_CHECK(!tst_get(&tp.c, len, len * 2654435761u, buf_a,
				   buf_b));
		TST_EQ(tp.c.head, tp.p.head);
		xenc_ring_release(&tp.c);
		TST_EQ(xenc_ring_free(&tp.p, &fr), XENC_OK);
		TST_EQ(fr, 2048);
	}
	TST_EQ(tp.c.fault, 0);
	tst_pair_free(&tp);
}

/* Lengths one below, at and one above each slot multiple, several slot sizes. */
static void slot_boundaries(void)
{
	static const u32 ssz[] = { 64, 128, 2048, 4096, 16384 };
	struct tst_pair tp;
	unsigned int s;
	int d;
	u32 k, slots, len, head;

	for (s = 0; s < ARRAY_SIZE(ssz); s++) {
		slots = 64;
		while ((u64)slots * ssz[s] < 65535 + 16)
			slots <<= 1;
		TST_CHECK(!tst_pair_init(&tp, slots, ssz[s], 65535, 0));
		for (k = 1; (u64)k * ssz[s] <= 65535 + 16 + ssz[s]; k++) {
			for (d = -1; d <= 1; d++) {
				len = k * ssz[s] - 16 + d;
				if (len < 14 || len > 65535)
					continue;
				head = tp.p.head;
				TST_EQ(tst_put(&tp.p, len, len, buf_a),
				       XENC_OK);
				TST_EQ(tp.p.head - head, d > 0 ? k + 1 : k);
				xenc_ring_publish(&tp.p);
				head = tp.c.head;
				TST_CHECK(!tst_get(&tp.c, len, len, buf_a,
						   buf_b));
				TST_EQ(tp.c.head - head, d > 0 ? k + 1 : k);
				xenc_ring_release(&tp.c);
			}
		}
		tst_pair_free(&tp);
	}
}

static void batching(void)
{
	struct tst_pair tp;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u32 i, fr, lens[20];
	u64 rnd = 7;

	TST_CHECK(!tst_pair_init(&tp, 256, 64, 4096, 0));
	for (i = 0; i < 20; i++) {
		lens[i] = tst_rand_range(&rnd, 14, 600);
		TST_EQ(tst_put(&tp.p, lens[i], 1000 + i, buf_a), XENC_OK);
	}
	/* Nothing is visible before the one publish. */
	TST_EQ(tp.p.hdr->prod, 0);
	TST_EQ(xenc_ring_peek(&tp.c, &fh, &sp), XENC_EMPTY);
	xenc_ring_publish(&tp.p);
	TST_EQ(tp.p.hdr->prod, tp.p.head);
	TST_CHECK(!xenc_ring_publish(&tp.p));	/* nothing new */
	TST_EQ(tp.p.hdr->prod, tp.p.head);

	/* All twenty, in order, then empty; nothing released until release. */
	for (i = 0; i < 20; i++) {
		TST_CHECK(!tst_get(&tp.c, lens[i], 1000 + i, buf_a, buf_b));
		TST_EQ(tp.c.hdr->cons, 0);
	}
	TST_EQ(xenc_ring_peek(&tp.c, &fh, &sp), XENC_EMPTY);
	TST_EQ(xenc_ring_free(&tp.p, &fr), XENC_OK);
	TST_EQ(fr, 256 - tp.p.head);
	xenc_ring_release(&tp.c);
	TST_EQ(tp.c.hdr->cons, tp.p.head);
	TST_EQ(xenc_ring_free(&tp.p, &fr), XENC_OK);
	TST_EQ(fr, 256);

	/* Published and unpublished frames: the consumer stops at the line. */
	for (i = 0; i < 5; i++)
		TST_EQ(tst_put(&tp.p, 100, 2000 + i, buf_a), XENC_OK);
	xenc_ring_publish(&tp.p);
	for (i = 5; i < 10; i++)
		TST_EQ(tst_put(&tp.p, 100, 2000 + i, buf_a), XENC_OK);
	for (i = 0; i < 5; i++)
		TST_CHECK(!tst_get(&tp.c, 100, 2000 + i, buf_a, buf_b));
	TST_EQ(xenc_ring_peek(&tp.c, &fh, &sp), XENC_EMPTY);
	xenc_ring_publish(&tp.p);
	/* Peek is idempotent until consume. */
	TST_EQ(xenc_ring_peek(&tp.c, &fh, &sp), XENC_OK);
	TST_EQ(xenc_ring_peek(&tp.c, &fh, &sp), XENC_OK);
	for (i = 5; i < 10; i++)
		TST_CHECK(!tst_get(&tp.c, 100, 2000 + i, buf_a, buf_b));
	xenc_ring_release(&tp.c);
	TST_EQ(tp.c.fault, 0);
	tst_pair_free(&tp);
}

/* Consumer side: enable_notify arms exactly one kick per burst. */
static void notify_consumer(void)
{
	struct tst_pair tp;
	int i;

	TST_CHECK(!tst_pair_init(&tp, 64, 64, 1000, 0));
	/* A cleared header has cons_event 0: the very first publish kicks. */
	TST_EQ(tst_put(&tp.p, 20, 1, buf_a), XENC_OK);
	TST_CHECK(xenc_ring_publish(&tp.p));
	TST_EQ(tst_put(&tp.p, 20, 2, buf_a), XENC_OK);
	TST_CHECK(!xenc_ring_publish(&tp.p));
	TST_CHECK(!tst_get(&tp.c, 20, 1, buf_a, buf_b));
	TST_CHECK(!tst_get(&tp.c, 20, 2, buf_a, buf_b));
	xenc_ring_release(&tp.c);

	for (i = 0; i < 3; i++) {
		int j;

		/* Caught up: arming reports nothing pending. */
		TST_CHECK(!xenc_ring_enable_notify(&tp.c));
		TST_EQ(tp.c.hdr->cons_event, tp.c.head);
		/* A burst (several puts, one publish) kicks once ... */
		TST_EQ(tst_put(&tp.p, 20, 3, buf_a), XENC_OK);
		TST_EQ(tst_put(&tp.p, 20, 4, buf_a), XENC_OK);
		TST_CHECK(xenc_ring_publish(&tp.p));
		/* ... and later publishes stay quiet until re-armed. */
		for (j = 0; j < 5; j++) {
			TST_EQ(tst_put(&tp.p, 20, 5 + j, buf_a), XENC_OK);
			TST_CHECK(!xenc_ring_publish(&tp.p));
		}
		TST_CHECK(!tst_get(&tp.c, 20, 3, buf_a, buf_b));
		TST_CHECK(!tst_get(&tp.c, 20, 4, buf_a, buf_b));
		for (j = 0; j < 5; j++)
			TST_CHECK(!tst_get(&tp.c, 20, 5 + j, buf_a, buf_b));
		xenc_ring_release(&tp.c);
	}

	/* Arming with frames already waiting says "poll again", no kick. */
	TST_EQ(tst_put(&tp.p, 20, 9, buf_a), XENC_OK);
	TST_CHECK(!xenc_ring_publish(&tp.p));
	TST_CHECK(xenc_ring_enable_notify(&tp.c));
	TST_EQ(tst_put(&tp.p, 20, 10, buf_a), XENC_OK);
	TST_CHECK(!xenc_ring_publish(&tp.p));
	TST_CHECK(!tst_get(&tp.c, 20, 9, buf_a, buf_b));
	TST_CHECK(xenc_ring_enable_notify(&tp.c));
	TST_CHECK(!tst_get(&tp.c, 20, 10, buf_a, buf_b));
	/* Caught up and re-armed: the next publish kicks again. */
	TST_CHECK(!xenc_ring_enable_notify(&tp.c));
	TST_EQ(tst_put(&tp.p, 20, 11, buf_a), XENC_OK);
	TST_CHECK(xenc_ring_publish(&tp.p));
	tst_pair_free(&tp);
}

/* Producer side: wait_space/release are the mirror image. */
static void notify_producer(void)
{
	struct tst_pair tp;
	u32 i, fr;

	TST_CHECK(!tst_pair_init(&tp, 64, 64, 1000, 0));
	for (i = 0; i < 64; i++)
		TST_EQ(tst_put(&tp.p, 48, i, buf_a), XENC_OK);
	xenc_ring_publish(&tp.p);
	TST_EQ(tst_put(&tp.p, 48, 0, buf_a), XENC_FULL);

	/* Want one slot: the first release kicks, the next ones do not. */
	TST_CHECK(!xenc_ring_wait_space(&tp.p, 1));
	TST_CHECK(!tst_get(&tp.c, 48, 0, buf_a, buf_b));
	TST_CHECK(xenc_ring_release(&tp.c));
	TST_CHECK(!tst_get(&tp.c, 48, 1, buf_a, buf_b));
	TST_CHECK(!xenc_ring_release(&tp.c));

	/* Want eight: quiet until exactly the release that frees the 8th. */
	TST_CHECK(!xenc_ring_wait_space(&tp.p, 8));
	for (i = 2; i < 7; i++) {
		TST_CHECK(!tst_get(&tp.c, 48, i, buf_a, buf_b));
		TST_CHECK(!xenc_ring_release(&tp.c));
	}
	TST_CHECK(!tst_get(&tp.c, 48, 7, buf_a, buf_b));
	TST_CHECK(xenc_ring_release(&tp.c));
	TST_EQ(xenc_ring_free(&tp.p, &fr), XENC_OK);
	TST_EQ(fr, 8);
	/* Room is already there: wait_space says do not sleep. */
	TST_CHECK(xenc_ring_wait_space(&tp.p, 8));
	TST_CHECK(!xenc_ring_wait_space(&tp.p, 9));

	/* A batch of consumes and one release crossing the event kicks once. */
	for (i = 8; i < 20; i++)
		TST_CHECK(!tst_get(&tp.c, 48, i, buf_a, buf_b));
	TST_CHECK(xenc_ring_release(&tp.c));
	TST_CHECK(!tst_get(&tp.c, 48, 20, buf_a, buf_b));
	TST_CHECK(!xenc_ring_release(&tp.c));

	/* want > slots is clamped to the ring size. */
	TST_CHECK(!xenc_ring_wait_space(&tp.p, 1000));
	for (i = 21; i < 64; i++)
		TST_CHECK(!tst_get(&tp.c, 48, i, buf_a, buf_b));
	TST_CHECK(xenc_ring_release(&tp.c));
	TST_CHECK(xenc_ring_wait_space(&tp.p, 1000));
	tst_pair_free(&tp);
}

/* XENC_RING_F_NO_NOTIFY: a polling end never gets kicked. */
static void notify_polling(void)
{
	struct tst_pair tp;
	u32 i;

	TST_CHECK(!tst_pair_init(&tp, 64, 64, 1000, 0));
	xenc_ring_set_polling(&tp.c, true, true);
	TST_EQ(tp.c.hdr->cons_flags, XENC_RING_F_NO_NOTIFY);
	TST_EQ(tp.c.hdr->prod_flags, 0);
	TST_CHECK(!xenc_ring_enable_notify(&tp.c));
	TST_EQ(tst_put(&tp.p, 20, 1, buf_a), XENC_OK);
	TST_CHECK(!xenc_ring_publish(&tp.p));	/* armed, but polling */
	TST_CHECK(!tst_get(&tp.c, 20, 1, buf_a, buf_b));
	xenc_ring_release(&tp.c);
	xenc_ring_set_polling(&tp.c, true, false);
	TST_EQ(tp.c.hdr->cons_flags, 0);
	TST_CHECK(!xenc_ring_enable_notify(&tp.c));
	TST_EQ(tst_put(&tp.p, 20, 2, buf_a), XENC_OK);
	TST_CHECK(xenc_ring_publish(&tp.p));
	TST_CHECK(!tst_get(&tp.c, 20, 2, buf_a, buf_b));
	xenc_ring_release(&tp.c);

	/* Same for the producer's space kicks. */
	xenc_ring_set_polling(&tp.p, false, true);
	TST_EQ(tp.p.hdr->prod_flags, XENC_RING_F_NO_NOTIFY);
	for (i = 0; i < 64; i++)
		TST_EQ(tst_put(&tp.p, 48, i, buf_a), XENC_OK);
	xenc_ring_publish(&tp.p);
	TST_CHECK(!xenc_ring_wait_space(&tp.p, 1));
	TST_CHECK(!tst_get(&tp.c, 48, 0, buf_a, buf_b));
	TST_CHECK(!xenc_ring_release(&tp.c));
	xenc_ring_set_polling(&tp.p, false, false);
	TST_CHECK(!xenc_ring_wait_space(&tp.p, 2));
	TST_CHECK(!tst_get(&tp.c, 48, 1, buf_a, buf_b));
	TST_CHECK(xenc_ring_release(&tp.c));
	tst_pair_free(&tp);
}

/* Frame flags pass only when negotiated; metadata is copied only if flagged. */
static void frame_flags(void)
{
	struct tst_pair tp;
	struct xenc_frame_hdr fh, got;
	struct xenc_span sp;

	/* Nothing negotiated: any flag breaks the ring, stickily. */
	TST_CHECK(!tst_pair_init(&tp, 64, 64, 1000, 0));
	fh = (struct xenc_frame_hdr){ .len = 100,
				      .flags = XENC_FRAME_DATA_VALID };
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_OK);
	xenc_ring_publish(&tp.p);
	TST_EQ(xenc_ring_peek(&tp.c, &got, &sp), -XENC_FAULT_FLAGS);
	TST_EQ(xenc_ring_peek(&tp.c, &got, &sp), -XENC_FAULT_FLAGS);
	tst_pair_free(&tp);

	/* CSUM only: GSO is rejected; unflagged metadata is never read. */
	TST_CHECK(!tst_pair_init(&tp, 64, 64, 1000, XENC_F_CSUM));
	fh = (struct xenc_frame_hdr){ .len = 100, .gso_size = 9,
				      .csum_start = 0xffff,
				      .csum_offset = 0xffff, .gso_type = 77 };
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_OK);
	fh = (struct xenc_frame_hdr){ .len = 100,
				      .flags = XENC_FRAME_CSUM_PARTIAL,
				      .csum_start = 34, .csum_offset = 16,
				      .gso_size = 1, .gso_type = 1 };
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_OK);
	fh.flags = XENC_FRAME_GSO;
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_OK);
	xenc_ring_publish(&tp.p);
	TST_EQ(xenc_ring_peek(&tp.c, &got, &sp), XENC_OK);
	TST_EQ(got.flags, 0);
	TST_EQ(got.csum_start, 0);
	TST_EQ(got.csum_offset, 0);
	TST_EQ(got.gso_size, 0);
	TST_EQ(got.gso_type, 0);
	xenc_ring_consume(&tp.c, &got);
	TST_EQ(xenc_ring_peek(&tp.c, &got, &sp), XENC_OK);
	TST_EQ(got.flags, XENC_FRAME_CSUM_PARTIAL);
	TST_EQ(got.csum_start, 34);
	TST_EQ(got.csum_offset, 16);
	TST_EQ(got.gso_size, 0);
	xenc_ring_consume(&tp.c, &got);
	TST_EQ(xenc_ring_peek(&tp.c, &got, &sp), -XENC_FAULT_FLAGS);
	tst_pair_free(&tp);

	/* GSO only: checksum flags are rejected, and so is GSO without them. */
	TST_CHECK(!tst_pair_init(&tp, 64, 64, 1000, XENC_F_GSO));
	fh = (struct xenc_frame_hdr){ .len = 1000, .flags = XENC_FRAME_GSO,
				      .gso_size = 1448,
				      .gso_type = XENC_GSO_UDP_L4 };
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_OK);
	xenc_ring_publish(&tp.p);
	TST_EQ(xenc_ring_peek(&tp.c, &got, &sp), -XENC_FAULT_GSO);
	tst_pair_free(&tp);
	TST_CHECK(!tst_pair_init(&tp, 64, 64, 1000, XENC_F_GSO));
	fh.flags = XENC_FRAME_CSUM_PARTIAL | XENC_FRAME_GSO;
	fh.csum_start = 34;
	fh.csum_offset = 6;
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_OK);
	xenc_ring_publish(&tp.p);
	TST_EQ(xenc_ring_peek(&tp.c, &got, &sp), -XENC_FAULT_FLAGS);
	tst_pair_free(&tp);

	/* Both: checksum and GSO together, checksum at the very end. */
	TST_CHECK(!tst_pair_init(&tp, 64, 64, 1000, XENC_F_CSUM | XENC_F_GSO));
	fh = (struct xenc_frame_hdr){ .len = 100,
				      .flags = XENC_FRAME_CSUM_PARTIAL |
					       XENC_FRAME_GSO,
				      .csum_start = 90, .csum_offset = 8,
				      .gso_size = 60,
				      .gso_type = XENC_GSO_TCPV6 };
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_OK);
	fh = (struct xenc_frame_hdr){ .len = 100,
				      .flags = XENC_FRAME_DATA_VALID };
	TST_EQ(xenc_ring_put(&tp.p, &fh, &sp), XENC_OK);
	xenc_ring_publish(&tp.p);
	TST_EQ(xenc_ring_peek(&tp.c, &got, &sp), XENC_OK);
	TST_EQ(got.flags, XENC_FRAME_CSUM_PARTIAL | XENC_FRAME_GSO);
	TST_EQ(got.csum_start, 90);
	TST_EQ(got.csum_offset, 8);
	TST_EQ(got.gso_size, 60);
	TST_EQ(got.gso_type, XENC_GSO_TCPV6);
	xenc_ring_consume(&tp.c, &got);
	TST_EQ(xenc_ring_peek(&tp.c, &got, &sp), XENC_OK);
	TST_EQ(got.flags, XENC_FRAME_DATA_VALID);
	TST_EQ(tp.c.fault, 0);
	tst_pair_free(&tp);
}

/*
 * The offload rules one by one, each on an otherwise valid frame, through
 * the consumer (the ring breaks) and through the producer-side check.
 */
static void frame_meta(void)
{
	static const struct {
		struct xenc_frame_hdr fh;
		int want;
	} c[] = {
#define CP	XENC_FRAME_CSUM_PARTIAL
#define M(f, cs, co, gs, gt, w) \
	{ { .len = 200, .flags = (f), .csum_start = (cs), .csum_offset = (co), \
	    .gso_size = (gs), .gso_type = (gt) }, (w) }
		M(CP, 34, 16, 0, 0, XENC_OK),
		M(CP, 14, 0, 0, 0, XENC_OK),		/* first byte after L2 */
		M(CP, 13, 0, 0, 0, -XENC_FAULT_CSUM),	/* inside Ethernet */
		M(CP, 0, 30, 0, 0, -XENC_FAULT_CSUM),
		M(CP, 198, 0, 0, 0, XENC_OK),		/* last two bytes */
		M(CP, 198, 1, 0, 0, -XENC_FAULT_CSUM),
		M(CP | XENC_FRAME_DATA_VALID, 34, 16, 0, 0, -XENC_FAULT_CSUM),
		M(XENC_FRAME_DATA_VALID, 0, 0, 0, 0, XENC_OK),
		M(CP | XENC_FRAME_GSO, 34, 16, 500, XENC_GSO_TCPV4, XENC_OK),
		M(XENC_FRAME_GSO, 34, 16, 500, XENC_GSO_TCPV4,
		  -XENC_FAULT_GSO),			/* GSO without csum */
		M(XENC_FRAME_GSO | XENC_FRAME_DATA_VALID, 0, 0, 500,
		  XENC_GSO_TCPV4, -XENC_FAULT_GSO),
		M(CP | XENC_FRAME_GSO, 34, 16, XENC_GSO_SIZE_MIN,
		  XENC_GSO_UDP_L4, XENC_OK),
		M(CP | XENC_FRAME_GSO, 34, 16, XENC_GSO_SIZE_MIN - 1,
		  XENC_GSO_UDP_L4, -XENC_FAULT_GSO),
		M(CP | XENC_FRAME_GSO, 34, 16, 1000, XENC_GSO_TCPV6, XENC_OK),
		M(CP | XENC_FRAME_GSO, 34, 16, 1001, XENC_GSO_TCPV6,
		  -XENC_FAULT_GSO),			/* beyond max_frame */
		M(CP | XENC_FRAME_GSO, 34, 16, 500, XENC_GSO_NONE,
		  -XENC_FAULT_GSO),
		M(CP | XENC_FRAME_GSO, 34, 16, 500, XENC_GSO_UDP_L4 + 1,
		  -XENC_FAULT_GSO),
		/* Both wrong: the checksum is reported. */
		M(CP | XENC_FRAME_GSO, 5, 16, 0, 0, -XENC_FAULT_CSUM),
#undef M
#undef CP
	};
	struct xenc_frame_hdr got;
	struct xenc_span sp;
	struct tst_pair tp;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		TST_EQ(xenc_frame_meta_check(&c[i].fh, 1000), c[i].want);
		TST_CHECK(!tst_pair_init(&tp, 64, 64, 1000,
					 XENC_F_CSUM | XENC_F_GSO));
		TST_EQ(xenc_ring_put(&tp.p, &c[i].fh, &sp), XENC_OK);
		xenc_ring_publish(&tp.p);
		TST_EQ(xenc_ring_peek(&tp.c, &got, &sp), c[i].want);
		if (c[i].want)
			TST_EQ(tp.c.fault, -c[i].want);
		tst_pair_free(&tp);
	}
}

/* Reading any window of a wrapped (two-piece) or single-piece payload. */
static void span_read(void)
{
	u8 a[40], b[24], want[64], got[64];
	struct xenc_span sp = { .p = { a, b }, .n = { sizeof(a), sizeof(b) } };
	u32 off, n, i;

	for (i = 0; i < sizeof(want); i++)
		want[i] = (u8)(i * 7 + 1);
	memcpy(a, want, sizeof(a));
	memcpy(b, want + sizeof(a), sizeof(b));
	for (off = 0; off <= sizeof(want); off++) {
		for (n = 0; off + n <= sizeof(want); n++) {
			memset(got, 0xee, sizeof(got));
			xenc_span_read(&sp, off, got, n);
			TST_CHECK(!memcmp(got, want + off, n));
			TST_CHECK(n == sizeof(got) || got[n] == 0xee);
		}
	}
	sp.n[0] = sizeof(want);
	sp.p[0] = want;
	sp.p[1] = NULL;
	sp.n[1] = 0;
	xenc_span_read(&sp, 60, got, 4);
	TST_CHECK(!memcmp(got, want + 60, 4));
}

int main(void)
{
	tst_suite = "ring";
	TST_RUN(init_params);
	TST_RUN(frame_slots);
	TST_RUN(empty);
	TST_RUN(full);
	TST_RUN(toobig);
	TST_RUN(wrap_slots);
	TST_RUN(wrap_index);
	TST_RUN(all_sizes);
	TST_RUN(slot_boundaries);
	TST_RUN(batching);
	TST_RUN(notify_consumer);
	TST_RUN(notify_producer);
	TST_RUN(notify_polling);
	TST_RUN(frame_flags);
	TST_RUN(frame_meta);
	TST_RUN(span_read);
	return tst_done();
}

// SPDX-License-Identifier: GPL-2.0
/* KUnit: the ring core in kernel context (same source as the native tests). */
#include <kunit/test.h>
#include <linux/vmalloc.h>
#include "xenc_ring.h"

#define RT_SLOTS	64
#define RT_SLOT		256

struct rt_ctx {
	void *mem;
	struct xenc_ring prod;
	struct xenc_ring cons;
};

static int rt_reinit(struct rt_ctx *c, struct xenc_ring *r)
{
	return xenc_ring_init(r, c->mem, RT_SLOTS, RT_SLOT, 4000, 0);
}

static int rt_init(struct kunit *test)
{
	struct rt_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->mem = vzalloc(xenc_ring_bytes(RT_SLOTS, RT_SLOT));
	KUNIT_ASSERT_NOT_NULL(test, c->mem);
	KUNIT_ASSERT_EQ(test, 0, rt_reinit(c, &c->prod));
	KUNIT_ASSERT_EQ(test, 0, rt_reinit(c, &c->cons));
	test->priv = c;
	return 0;
}

static void rt_exit(struct kunit *test)
{
	struct rt_ctx *c = test->priv;

	vfree(c->mem);
}

static int rt_put(struct rt_ctx *c, u32 len, u8 seed)
{
	struct xenc_frame_hdr fh = { .len = len };
	struct xenc_span sp;
	u32 i;
	int rc = xenc_ring_put(&c->prod, &fh, &sp);

	if (rc)
		return rc;
	for (i = 0; i < len; i++)
		*(i < sp.n[0] ? &sp.p[0][i] : &sp.p[1][i - sp.n[0]]) = seed + i;
	return 0;
}

static bool rt_get(struct kunit *test, struct rt_ctx *c, u32 len, u8 seed)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u8 *buf;
	u32 i;

	if (xenc_ring_peek(&c->cons, &fh, &sp) != XENC_OK || fh.len != len)
		return false;
	buf = kunit_kmalloc(test, len, GFP_KERNEL);
	xenc_span_to_buf(&sp, buf);
	xenc_ring_consume(&c->cons, &fh);
	for (i = 0; i < len; i++)
		if (buf[i] != (u8)(seed + i))
			return false;
	return true;
}

/* Frames of every size class cross intact, including ones that wrap. */
static void rt_roundtrip_wrap(struct kunit *test)
{
	static const u32 sizes[] = { 14, 60, 239, 240, 241, 1500, 3999, 4000 };
	struct rt_ctx *c = test->priv;
	u32 round, i;

	for (round = 0; round < 20; round++) {
		for (i = 0; i < ARRAY_SIZE(sizes); i++) {
			KUNIT_ASSERT_EQ(test, 0, rt_put(c, sizes[i], i + round));
			xenc_ring_publish(&c->prod);
			KUNIT_ASSERT_TRUE(test, rt_get(test, c, sizes[i],
						       i + round));
			xenc_ring_release(&c->cons);
		}
	}
	KUNIT_EXPECT_EQ(test, XENC_EMPTY,
			xenc_ring_peek(&c->cons, &(struct xenc_frame_hdr){},
				       &(struct xenc_span){}));
}

/* A full ring refuses more, then accepts again after the consumer frees. */
static void rt_full_then_space(struct kunit *test)
{
	struct rt_ctx *c = test->priv;
	u32 n = 0;

	while (rt_put(c, 200, n) == 0)
		n++;
	KUNIT_EXPECT_EQ(test, n, (u32)RT_SLOTS);
	KUNIT_EXPECT_EQ(test, XENC_FULL, rt_put(c, 200, 0));
	xenc_ring_publish(&c->prod);
	KUNIT_EXPECT_TRUE(test, rt_get(test, c, 200, 0));
	xenc_ring_release(&c->cons);
	KUNIT_EXPECT_EQ(test, 0, rt_put(c, 200, 1));
	KUNIT_EXPECT_EQ(test, XENC_TOOBIG, rt_put(c, 4001, 0));
}

/* The producer is told to kick once per re-arm, not once per frame. */
static void rt_event_index(struct kunit *test)
{
	struct rt_ctx *c = test->priv;

	KUNIT_EXPECT_FALSE(test, xenc_ring_enable_notify(&c->cons));
	KUNIT_ASSERT_EQ(test, 0, rt_put(c, 100, 0));
	KUNIT_EXPECT_TRUE(test, xenc_ring_publish(&c->prod));
	KUNIT_ASSERT_EQ(test, 0, rt_put(c, 100, 1));
	KUNIT_EXPECT_FALSE(test, xenc_ring_publish(&c->prod));
	KUNIT_EXPECT_TRUE(test, rt_get(test, c, 100, 0));
	KUNIT_EXPECT_TRUE(test, rt_get(test, c, 100, 1));
	KUNIT_EXPECT_FALSE(test, xenc_ring_enable_notify(&c->cons));
	KUNIT_ASSERT_EQ(test, 0, rt_put(c, 100, 2));
	KUNIT_EXPECT_TRUE(test, xenc_ring_publish(&c->prod));
}

/* Hostile producer index and length: distinct, sticky faults, no access. */
static void rt_hostile(struct kunit *test)
{
	struct rt_ctx *c = test->priv;
	struct xenc_ring_hdr *h = c->mem;
	struct xenc_frame_hdr fh, *slot;
	struct xenc_span sp;

	WRITE_ONCE(h->prod, RT_SLOTS + 1);
	KUNIT_EXPECT_EQ(test, -XENC_FAULT_PROD_RANGE,
			xenc_ring_peek(&c->cons, &fh, &sp));
	WRITE_ONCE(h->prod, 1);
	KUNIT_EXPECT_EQ(test, -XENC_FAULT_PROD_RANGE,
			xenc_ring_peek(&c->cons, &fh, &sp));

	KUNIT_ASSERT_EQ(test, 0, rt_reinit(c, &c->cons));
	slot = (struct xenc_frame_hdr *)((u8 *)c->mem + XENC_RING_HDR_SIZE);
	WRITE_ONCE(slot->len, 0xffffffffu);
	KUNIT_EXPECT_EQ(test, -XENC_FAULT_LEN_LONG,
			xenc_ring_peek(&c->cons, &fh, &sp));

	KUNIT_ASSERT_EQ(test, 0, rt_reinit(c, &c->cons));
	WRITE_ONCE(slot->len, 1000);
	KUNIT_EXPECT_EQ(test, -XENC_FAULT_LEN_UNPUBLISHED,
			xenc_ring_peek(&c->cons, &fh, &sp));

	KUNIT_ASSERT_EQ(test, 0, rt_reinit(c, &c->cons));
	WRITE_ONCE(slot->len, 100);
	WRITE_ONCE(slot->flags, 0xffff);
	KUNIT_EXPECT_EQ(test, -XENC_FAULT_FLAGS,
			xenc_ring_peek(&c->cons, &fh, &sp));

	KUNIT_ASSERT_EQ(test, 0, rt_reinit(c, &c->prod));
	WRITE_ONCE(h->cons, 5);
	KUNIT_EXPECT_EQ(test, -XENC_FAULT_CONS_RANGE,
			xenc_ring_wait_space(&c->prod, 1) ? 0 :
			-(int)c->prod.fault);
}

static struct kunit_case rt_cases[] = {
	KUNIT_CASE(rt_roundtrip_wrap),
	KUNIT_CASE(rt_full_then_space),
	KUNIT_CASE(rt_event_index),
	KUNIT_CASE(rt_hostile),
	{}
};

static struct kunit_suite rt_suite = {
	.name = "xenc_ring",
	.init = rt_init,
	.exit = rt_exit,
	.test_cases = rt_cases,
};

kunit_test_suite(rt_suite);

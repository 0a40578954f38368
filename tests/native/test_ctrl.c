// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Unit tests for the control plane: layout build/check/max_slots
 * (ring/xenc_ctrl.c) and the handshake between the Linux side (xenc_host_*)
 * and the co-kernel endpoint (cokernel/xenc_ep.c): connect, reconnect with
 * a new generation, quiesce and re-layout, multiple queues, heartbeats,
 * feature negotiation and doorbell suppression.
 */
#include "link.h"

#define MiB		(1024ull * 1024)

static void layout_build(void)
{
	struct xenc_layout l = { .num_queues = 1, .slot_size = 2048,
				 .max_frame = 1514, .l2p_slots = 256,
				 .p2l_slots = 128 };
	u64 need, a, b;
	u32 i, j;

	TST_EQ(xenc_ring_bytes(64, 64), 8192);
	TST_EQ(xenc_ring_bytes(256, 2048), 4096 + 256 * 2048);
	TST_EQ(xenc_ring_bytes(32768, 16384), 32768ull * 16384 + 4096);

	TST_EQ(xenc_layout_build(&l, MiB), XENC_OK);
	TST_EQ(l.q[0].l2p_off, XENC_CTRL_SIZE);
	TST_EQ(l.q[0].p2l_off, XENC_CTRL_SIZE + xenc_ring_bytes(256, 2048));
	TST_EQ(l.q[0].l2p_slots, 256);
	TST_EQ(l.q[0].p2l_slots, 128);
	TST_EQ(l.q[0].vector, 0);
	TST_EQ(l.q[1].l2p_off, 0);
	TST_EQ(xenc_layout_check(&l, MiB), XENC_OK);

	/* Exactly enough room, and one byte less. */
	need = XENC_CTRL_SIZE + xenc_ring_bytes(256, 2048) +
	       xenc_ring_bytes(128, 2048);
	TST_EQ(xenc_layout_build(&l, need), XENC_OK);
	TST_EQ(xenc_layout_build(&l, need - 1), -XENC_FAULT_LAYOUT);

	/* Sixteen queues: disjoint, aligned, inside, vectors 0..15. */
	l.num_queues = XENC_MAX_QUEUES;
	l.l2p_slots = 64;
	l.p2l_slots = 64;
	TST_EQ(xenc_layout_build(&l, 8 * MiB), XENC_OK);
	TST_EQ(xenc_layout_check(&l, 8 * MiB), XENC_OK);
	for (i = 0; i < 2 * XENC_MAX_QUEUES; i++) {
		a = i & 1 ? l.q[i / 2].p2l_off : l.q[i / 2].l2p_off;
		TST_EQ(a % XENC_RING_ALIGN, 0);
		TST_CHECK(a >= XENC_CTRL_SIZE);
		TST_CHECK(a + xenc_ring_bytes(64, 2048) <= 8 * MiB);
		for (j = 0; j < i; j++) {
			b = j & 1 ? l.q[j / 2].p2l_off : l.q[j / 2].l2p_off;
			TST_CHECK(a >= b + xenc_ring_bytes(64, 2048) ||
				  b >= a + xenc_ring_bytes(64, 2048));
		}
		TST_EQ(l.q[i / 2].vector, i / 2);
	}
	TST_EQ(xenc_layout_build(&l, XENC_CTRL_SIZE +
				 32 * xenc_ring_bytes(64, 2048) - 1),
	       -XENC_FAULT_LAYOUT);

	/* Bad parameters, one at a time. */
#define BAD(field, val) do {						\
		struct xenc_layout b2 = { .num_queues = 1,		\
					  .slot_size = 2048,		\
					  .max_frame = 1514,		\
					  .l2p_slots = 256,		\
					  .p2l_slots = 256 };		\
		b2.field = (val);					\
		TST_EQ(xenc_layout_build(&b2, 64 * MiB),		\
		       -XENC_FAULT_LAYOUT);				\
		TST_EQ(xenc_layout_check(&b2, 64 * MiB),		\
		       -XENC_FAULT_LAYOUT);				\
	} while (0)
	BAD(num_queues, 0);
	BAD(num_queues, XENC_MAX_QUEUES + 1);
	BAD(num_queues, 0xffffffff);
	BAD(slot_size, 0);
	BAD(slot_size, 32);
	BAD(slot_size, 100);
	BAD(slot_size, 32768);
	BAD(max_frame, 13);
	BAD(max_frame, XENC_FRAME_MAX + 1);
	BAD(l2p_slots, 32);
	BAD(l2p_slots, 100);
	BAD(p2l_slots, 65536);
	BAD(p2l_slots, 0);
	/* max_frame must fit the smaller ring. */
	BAD(max_frame, 256 * 2048 - 15);
#undef BAD
	l = (struct xenc_layout){ .num_queues = 1, .slot_size = 64,
				  .max_frame = 64 * 64 - 16, .l2p_slots = 64,
				  .p2l_slots = 128 };
	TST_EQ(xenc_layout_build(&l, MiB), XENC_OK);
	l.max_frame++;
	TST_EQ(xenc_layout_build(&l, MiB), -XENC_FAULT_LAYOUT);
}

/* A layout as the peer would read it: every hostile variant rejected. */
static void layout_check(void)
{
	struct xenc_layout good, l;
	const u64 size = 4 * MiB;
	u64 rb;

	good = (struct xenc_layout){ .num_queues = 2, .slot_size = 2048,
				     .max_frame = 9000, .l2p_slots = 64,
				     .p2l_slots = 64 };
	TST_EQ(xenc_layout_build(&good, size), XENC_OK);
	rb = xenc_ring_bytes(64, 2048);

#define CHECK_WITH(stmt, want) do {					\
		l = good;						\
		stmt;							\
		TST_EQ(xenc_layout_check(&l, size), want);		\
	} while (0)
	CHECK_WITH((void)0, XENC_OK);
	CHECK_WITH(l.q[0].l2p_off = 0, -XENC_FAULT_LAYOUT);
	CHECK_WITH(l.q[0].l2p_off = XENC_CTRL_SIZE - 64, -XENC_FAULT_LAYOUT);
	CHECK_WITH(l.q[0].l2p_off = XENC_CTRL_SIZE + 1, -XENC_FAULT_LAYOUT);
	CHECK_WITH(l.q[0].l2p_off = XENC_CTRL_SIZE + 32, -XENC_FAULT_LAYOUT);
	/* Cache-line aligned but overlapping its neighbour. */
	CHECK_WITH(l.q[0].l2p_off = XENC_CTRL_SIZE + 64, -XENC_FAULT_LAYOUT);
	CHECK_WITH(l.q[1].p2l_off = l.q[0].l2p_off, -XENC_FAULT_LAYOUT);
	CHECK_WITH(l.q[0].p2l_off = l.q[0].l2p_off + rb - 64,
		   -XENC_FAULT_LAYOUT);
	/* Moved into free space, still aligned: fine. */
	CHECK_WITH(l.q[1].p2l_off = size - rb, XENC_OK);
	CHECK_WITH(l.q[1].p2l_off = size - rb + 64, -XENC_FAULT_LAYOUT);
	CHECK_WITH(l.q[1].p2l_off = size, -XENC_FAULT_LAYOUT);
	CHECK_WITH(l.q[1].p2l_off = size + 4096, -XENC_FAULT_LAYOUT);
	/* Offsets that overflow when the ring length is added. */
	CHECK_WITH(l.q[1].p2l_off = ~0ull - 63, -XENC_FAULT_LAYOUT);
	CHECK_WITH(l.q[1].p2l_off = ~0ull - rb + 1 - 63, -XENC_FAULT_LAYOUT);
	CHECK_WITH(l.q[1].p2l_off = 1ull << 63, -XENC_FAULT_LAYOUT);
	/* Per-queue slot counts must match the layout's. */
	CHECK_WITH(l.q[1].l2p_slots = 128, -XENC_FAULT_LAYOUT);
	CHECK_WITH(l.q[0].p2l_slots = 32, -XENC_FAULT_LAYOUT);
	CHECK_WITH(l.q[1].p2l_slots = 0, -XENC_FAULT_LAYOUT);
	/* Descriptors beyond num_queues are ignored. */
	CHECK_WITH(l.q[2].l2p_off = 1, XENC_OK);
#undef CHECK_WITH
	TST_EQ(xenc_layout_check(&good, 0), -XENC_FAULT_LAYOUT);
	TST_EQ(xenc_layout_check(&good, XENC_CTRL_SIZE + 3 * rb),
	       -XENC_FAULT_LAYOUT);
	TST_EQ(xenc_layout_check(&good, XENC_CTRL_SIZE + 4 * rb), XENC_OK);
}

static void layout_max_slots(void)
{
	static const u32 nqs[] = { 1, 2, 3, 16 };
	static const u64 sizes[] = { 64 * 1024, MiB, 16 * MiB, 256 * MiB };
	struct xenc_layout l;
	unsigned int i, j;
	u32 s;

	TST_EQ(xenc_layout_max_slots(MiB, 0, 64, 2048), 0);
	TST_EQ(xenc_layout_max_slots(XENC_CTRL_SIZE, 1, 64, 64), 0);
	TST_EQ(xenc_layout_max_slots(1ull << 40, 1, 64, 2048),
	       XENC_RING_SLOTS_MAX);
	/* An exact fit counts, one byte less halves it. */
	s = XENC_CTRL_SIZE + 2 * (xenc_ring_bytes(1024, 2048) +
				  xenc_ring_bytes(64, 2048));
	TST_EQ(xenc_layout_max_slots(s, 2, 64, 2048), 1024);
	TST_EQ(xenc_layout_max_slots(s - 1, 2, 64, 2048), 512);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		for (j = 0; j < ARRAY_SIZE(nqs); j++) {
			u64 fit;

			s = xenc_layout_max_slots(sizes[i], nqs[j], 64, 2048);
			fit = XENC_CTRL_SIZE + nqs[j] *
			      (xenc_ring_bytes(64, 2048) +
			       xenc_ring_bytes(64, 2048));
			if (fit > sizes[i]) {
				TST_EQ(s, 0);
				continue;
			}
			TST_CHECK(xenc_is_pow2(s) && s >= 64);
			/* It fits, and twice as much would not. */
			l = (struct xenc_layout){ .num_queues = nqs[j],
						  .slot_size = 2048,
						  .max_frame = 1514,
						  .l2p_slots = s,
						  .p2l_slots = 64 };
			TST_EQ(xenc_layout_build(&l, sizes[i]), XENC_OK);
			if (s < XENC_RING_SLOTS_MAX) {
				l.l2p_slots = 2 * s;
				TST_EQ(xenc_layout_build(&l, sizes[i]),
				       -XENC_FAULT_LAYOUT);
			}
		}
	}
}

/* Connect step by step, checking what each side published. */
static void handshake(void)
{
	struct link l;
	struct xenc_layout lay;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u64 feat = XENC_F_CSUM | XENC_F_GSO;
	u32 kicks;

	memset(&l, 0, sizeof(l));
	TST_CHECK(!tst_region_alloc(&l.rg, 4 * MiB));
	xenc_host_format(&l.h, l.rg.base, 4 * MiB, feat, 7);
	TST_EQ(link_rh(&l)->magic, XENC_MAGIC);
	TST_EQ(link_rh(&l)->abi_major, XENC_ABI_MAJOR);
	TST_EQ(link_rh(&l)->region_size, 4 * MiB);
	TST_EQ(link_rh(&l)->ctrl_size, XENC_CTRL_SIZE);
	TST_EQ(link_rh(&l)->max_queues, XENC_MAX_QUEUES);
	TST_EQ(link_li(&l)->state, XENC_LINUX_RESET);
	TST_EQ(link_li(&l)->generation, 7);
	/* Nobody there yet. */
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_NONE);

	l.cfg = (struct xenc_ep_config){ .features = feat | XENC_F_MQ,
					 .max_queues = 1,
					 .max_frame = 9000 };
	TST_EQ(xenc_ep_attach(&l.ep, l.rg.base, 4 * MiB, &l.cfg, link_notify,
			      &l, 0x1234), XENC_OK);
	TST_EQ(link_pi(&l)->state, XENC_PEER_HELLO);
	TST_EQ(link_pi(&l)->cookie, 0x1234);
	TST_EQ(link_pi(&l)->features, feat | XENC_F_MQ);
	TST_EQ(link_pi(&l)->max_frame, 9000);
	TST_EQ(l.kicks[0], 1);	/* state change rings Linux */
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_NONE);	/* no offer yet */
	TST_CHECK(!xenc_ep_connected(&l.ep));
	TST_EQ(xenc_ep_num_queues(&l.ep), 0);

	TST_EQ(xenc_host_poll(&l.h), XENC_EV_PEER_HELLO);
	TST_EQ(l.h.peer.cookie, 0x1234);
	TST_EQ(l.h.peer.max_frame, 9000);
	TST_CHECK(!link_layout(&lay, 4 * MiB, 1, 2048, 512, 256, 9000));
	TST_EQ(xenc_host_offer(&l.h, &lay), XENC_OK);
	TST_EQ(link_li(&l)->state, XENC_LINUX_OFFER);
	TST_EQ(link_li(&l)->generation, 8);
	TST_EQ(link_li(&l)->features, feat);	/* MQ: Linux lacks it */
	TST_EQ(link_li(&l)->slot_size, 2048);
	TST_EQ(link_li(&l)->max_frame, 9000);
	TST_EQ(link_li(&l)->num_queues, 1);
	TST_EQ(link_qd(&l, 0)->l2p_off, lay.q[0].l2p_off);
	TST_EQ(link_qd(&l, 0)->p2l_slots, 256);
	kicks = l.kicks[0];
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_CONNECTED);
	TST_EQ(l.kicks[0], kicks + 1);
	TST_EQ(link_pi(&l)->state, XENC_PEER_READY);
	TST_EQ(link_pi(&l)->generation, 8);
	TST_EQ(l.ep.features, feat);
	TST_EQ(l.ep.layout.l2p_slots, 512);
	TST_EQ(l.ep.layout.p2l_slots, 256);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_CONNECTED);
	TST_EQ(l.h.negotiated, feat);
	TST_EQ(link_li(&l)->state, XENC_LINUX_RUNNING);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_NONE);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_NONE);
	TST_CHECK(xenc_ep_connected(&l.ep));
	TST_EQ(xenc_ep_num_queues(&l.ep), 1);

	/* Frames both ways through the negotiated layout. */
	TST_CHECK(!link_host_rings(&l));
	TST_CHECK(!link_xfer(&l, 0, 300, 1));

	/* The peer re-arms its rx doorbell: Linux's next publish kicks. */
	TST_CHECK(!xenc_ep_rx_rearm(&l.ep, 0));
	TST_EQ(tst_put(&l.tx[0], 100, 1, lk_a), XENC_OK);
	TST_CHECK(xenc_ring_publish(&l.tx[0]));
	TST_EQ(tst_put(&l.tx[0], 100, 2, lk_a), XENC_OK);
	TST_CHECK(!xenc_ring_publish(&l.tx[0]));
	TST_CHECK(xenc_ep_rx_rearm(&l.ep, 0));	/* frames already there */
	TST_CHECK(!xenc_ep_rx_rearm(&l.ep, 5));	/* no such queue */
	TST_EQ(xenc_ep_recv(&l.ep, 0, &fh, &sp), XENC_OK);
	xenc_ep_recv_done(&l.ep, 0, &fh);
	TST_EQ(xenc_ep_recv(&l.ep, 0, &fh, &sp), XENC_OK);
	xenc_ep_recv_done(&l.ep, 0, &fh);
	xenc_ep_recv_flush(&l.ep, 0);
	TST_CHECK(xenc_ep_tx_wait(&l.ep, 0, 256));
	/* Frames on a queue that does not exist are refused for good. */
	TST_EQ(xenc_ep_send_buf(&l.ep, 1, lk_a, 100), XENC_NOQUEUE);
	TST_EQ(xenc_ep_recv(&l.ep, 1, &fh, &sp), XENC_EMPTY);
	TST_EQ(l.ep.fault, 0);
	TST_EQ(l.h.fault, 0);
	link_free(&l);
}

/* Peer leaves and comes back: new offer under generation + 1. */
static void reconnect_peer(void)
{
	struct link l;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u32 gen;

	TST_CHECK(!link_connect(&l, 4 * MiB, 0, 1));
	TST_CHECK(!link_xfer(&l, 0, 10, 1));
	gen = l.h.generation;
	/* Leave frames in flight: they must not reappear after reconnect. */
	TST_EQ(tst_put(&l.tx[0], 100, 5, lk_a), XENC_OK);
	xenc_ring_publish(&l.tx[0]);
	TST_CHECK(!link_p2l_send(&l, 0, 100, 6));

	xenc_ep_detach(&l.ep);
	TST_EQ(link_pi(&l)->state, XENC_PEER_GONE);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_NONE);	/* gone stays gone */
	TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_NONE);
	TST_EQ(link_pi(&l)->state, XENC_PEER_GONE);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_DISCONNECTED);
	xenc_host_set_state(&l.h, XENC_LINUX_RESET);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_NONE);

	l.cookie++;
	TST_EQ(xenc_ep_attach(&l.ep, l.rg.base, l.rg.size, &l.cfg,
			      link_notify, &l, l.cookie), XENC_OK);
	TST_CHECK(!link_offer(&l, 1, 2048, 256, 256, 9000));
	TST_EQ(l.h.generation, gen + 1);
	TST_EQ(l.h.peer.cookie, l.cookie);
	/* Rings were re-initialised: nothing left over either way. */
	TST_EQ(xenc_ring_peek(&l.rx[0], &fh, &sp), XENC_EMPTY);
	TST_EQ(xenc_ep_recv(&l.ep, 0, &fh, &sp), XENC_EMPTY);
	TST_CHECK(!link_xfer(&l, 0, 50, 2));

	/* A new peer attaching while Linux still runs the old layout. */
	gen = l.h.generation;
	l.cookie++;
	TST_EQ(xenc_ep_attach(&l.ep, l.rg.base, l.rg.size, &l.cfg,
			      link_notify, &l, l.cookie), XENC_OK);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_NONE);	/* RUNNING is not ours */
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_DISCONNECTED);
	xenc_host_set_state(&l.h, XENC_LINUX_RESET);
	TST_CHECK(!link_offer(&l, 1, 2048, 256, 256, 9000));
	TST_EQ(l.h.generation, gen + 1);
	TST_CHECK(!link_xfer(&l, 0, 50, 3));
	link_free(&l);
}

/* Linux restarts: the peer notices and reconnects to the new generation. */
static void reconnect_linux(void)
{
	struct link l;
	struct xenc_layout lay;
	u32 gen;

	TST_CHECK(!link_connect(&l, 4 * MiB, 0, 1));
	TST_CHECK(!link_xfer(&l, 0, 10, 1));

	/* Re-format (driver reload): RESET is seen by the peer. */
	gen = l.h.generation;
	xenc_host_format(&l.h, l.rg.base, l.rg.size, 0, gen + 10);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_CHECK(!xenc_ep_connected(&l.ep));
	TST_EQ(link_pi(&l)->state, XENC_PEER_HELLO);
	TST_EQ(link_pi(&l)->generation, 0);
	TST_EQ(xenc_ep_send_buf(&l.ep, 0, lk_a, 100), XENC_FULL);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_NONE);
	TST_CHECK(!link_offer(&l, 1, 2048, 128, 512, 4000));
	TST_EQ(l.h.generation, gen + 11);
	TST_EQ(l.ep.generation, gen + 11);
	TST_CHECK(!link_xfer(&l, 0, 50, 2));

	/* New offer the peer never saw RESET for: it drops, then accepts. */
	gen = l.h.generation;
	TST_CHECK(!link_layout(&lay, l.rg.size, 1, 4096, 64, 64, 9000));
	TST_EQ(xenc_host_offer(&l.h, &lay), XENC_OK);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_NONE);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_CONNECTED);
	TST_EQ(l.ep.generation, gen + 1);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_CONNECTED);
	TST_CHECK(!link_host_rings(&l));
	TST_CHECK(!link_xfer(&l, 0, 50, 3));

	/* Generations wrap past 2^32 - 1 to 1, never to 0 ("none"). */
	xenc_host_format(&l.h, l.rg.base, l.rg.size, 0, 0xffffffff);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_CHECK(!link_offer(&l, 1, 2048, 64, 64, 1514));
	TST_EQ(l.h.generation, 1);
	TST_EQ(l.ep.generation, 1);
	TST_CHECK(!link_xfer(&l, 0, 5, 4));

	/* Linux goes away for good. */
	xenc_host_set_state(&l.h, XENC_LINUX_GONE);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_NONE);
	TST_EQ(l.ep.fault, 0);
	link_free(&l);
}

/*
 * Live re-layout: quiesce with frames in flight both ways, drain, offer
 * different ring sizes, and check every frame arrived exactly once.
 */
static void quiesce(void)
{
	struct link l;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	struct xenc_layout lay;
	u32 i, gen;

	TST_CHECK(!link_connect(&l, 8 * MiB, XENC_F_QUIESCE, 1));
	for (i = 0; i < 10; i++) {
		TST_EQ(tst_put(&l.tx[0], 200 + i, 100 + i, lk_a), XENC_OK);
		xenc_ring_publish(&l.tx[0]);
		TST_CHECK(!link_p2l_send(&l, 0, 300 + i, 200 + i));
	}
	gen = l.h.generation;
	xenc_host_set_state(&l.h, XENC_LINUX_QUIESCE);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_NONE);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_QUIESCE);
	TST_CHECK(!xenc_ep_connected(&l.ep));
	TST_EQ(xenc_ep_send_buf(&l.ep, 0, lk_a, 100), XENC_FULL);
	/* Frames still waiting from Linux: not quiesced yet. */
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_NONE);
	TST_EQ(link_pi(&l)->state, XENC_PEER_READY);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_NONE);
	for (i = 0; i < 10; i++) {
		TST_EQ(xenc_ep_recv(&l.ep, 0, &fh, &sp), XENC_OK);
		TST_EQ(fh.len, 200 + i);
		xenc_span_to_buf(&sp, lk_b);
		tst_fill(lk_a, fh.len, 100 + i);
		memcpy(lk_a, &fh.len, 4);
		TST_CHECK(!memcmp(lk_a, lk_b, fh.len));
		xenc_ep_recv_done(&l.ep, 0, &fh);
	}
	xenc_ep_recv_flush(&l.ep, 0);
	TST_EQ(xenc_ep_recv(&l.ep, 0, &fh, &sp), XENC_EMPTY);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_NONE);
	TST_EQ(link_pi(&l)->state, XENC_PEER_QUIESCED);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_QUIESCED);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_QUIESCED);
	/* Linux drains what the peer sent before it stopped. */
	for (i = 0; i < 10; i++)
		TST_CHECK(!link_p2l_recv(&l, 0, 300 + i, 200 + i));
	TST_EQ(xenc_ring_peek(&l.rx[0], &fh, &sp), XENC_EMPTY);

	/* Different geometry in every dimension. */
	TST_CHECK(!link_layout(&lay, l.rg.size, 1, 4096, 128, 512, 65535));
	TST_EQ(xenc_host_offer(&l.h, &lay), XENC_OK);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_CONNECTED);
	TST_EQ(l.ep.generation, gen + 1);
	TST_EQ(l.ep.layout.slot_size, 4096);
	TST_EQ(l.ep.layout.p2l_slots, 512);
	TST_EQ(l.ep.layout.max_frame, 65535);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_CONNECTED);
	TST_CHECK(!link_host_rings(&l));
	TST_CHECK(!link_xfer(&l, 0, 100, 5));

	/* Quiesce cancelled: back to running on the same rings. */
	xenc_host_set_state(&l.h, XENC_LINUX_QUIESCE);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_QUIESCE);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_NONE);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_QUIESCED);
	xenc_host_set_state(&l.h, XENC_LINUX_RUNNING);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_CONNECTED);
	TST_EQ(link_pi(&l)->state, XENC_PEER_READY);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_NONE);
	TST_CHECK(!link_xfer(&l, 0, 20, 6));
	link_free(&l);
}

static void multi_queue(void)
{
	struct link l;
	struct xenc_layout lay;
	u32 q, kicks;

	TST_CHECK(!link_init(&l, 16 * MiB, XENC_F_MQ, XENC_F_MQ, 4, 9000));
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_PEER_HELLO);
	/* More queues than the peer serves. */
	TST_CHECK(!link_layout(&lay, l.rg.size, 5, 2048, 64, 64, 1514));
	TST_EQ(xenc_host_offer(&l.h, &lay), -XENC_FAULT_LAYOUT);
	TST_EQ(link_li(&l)->state, XENC_LINUX_RESET);	/* nothing offered */
	/* A larger frame than the peer takes. */
	TST_CHECK(!link_layout(&lay, l.rg.size, 1, 2048, 64, 64, 9001));
	TST_EQ(xenc_host_offer(&l.h, &lay), -XENC_FAULT_LAYOUT);
	/* A layout that does not fit the region. */
	TST_CHECK(!link_layout(&lay, 64 * MiB, 4, 16384, 128, 128, 9000));
	TST_EQ(xenc_host_offer(&l.h, &lay), -XENC_FAULT_LAYOUT);
	xenc_host_set_state(&l.h, XENC_LINUX_RESET);
	TST_CHECK(!link_offer(&l, 4, 2048, 64, 128, 9000));
	TST_EQ(l.h.negotiated, XENC_F_MQ);

	/* Each queue is its own pair of rings: interleave, check separation. */
	xenc_host_set_flags(&l.h, 0);
	for (q = 0; q < 4; q++)
		TST_CHECK(!link_p2l_send(&l, q, 100 + q, 10 + q));
	for (q = 0; q < 4; q++) {
		TST_EQ(tst_put(&l.tx[q], 200 + q, 20 + q, lk_a), XENC_OK);
		xenc_ring_publish(&l.tx[q]);
	}
	for (q = 4; q-- > 0;) {
		struct xenc_frame_hdr fh;
		struct xenc_span sp;

		TST_CHECK(!link_p2l_recv(&l, q, 100 + q, 10 + q));
		TST_EQ(xenc_ring_peek(&l.rx[q], &fh, &sp), XENC_EMPTY);
		TST_EQ(xenc_ep_recv(&l.ep, q, &fh, &sp), XENC_OK);
		TST_EQ(fh.len, 200 + q);
		xenc_ep_recv_done(&l.ep, q, &fh);
		TST_EQ(xenc_ep_recv(&l.ep, q, &fh, &sp), XENC_EMPTY);
		xenc_ep_recv_flush(&l.ep, q);
	}
	for (q = 0; q < 4; q++)
		TST_CHECK(!link_xfer(&l, q, 20, q * 1000));
	/* Doorbells carry the queue's vector. */
	for (q = 0; q < 4; q++) {
		TST_CHECK(!xenc_ring_enable_notify(&l.rx[q]));
		kicks = l.kicks[q];
		TST_CHECK(!link_p2l_send(&l, q, 64, q));
		TST_EQ(l.kicks[q], kicks + 1);
		TST_CHECK(!link_p2l_recv(&l, q, 64, q));
	}
	TST_EQ(xenc_ep_send_buf(&l.ep, 4, lk_a, 64), XENC_NOQUEUE);
	link_free(&l);

	/* Without MQ on either side only one queue may be offered. */
	TST_CHECK(!link_init(&l, 16 * MiB, XENC_F_MQ, 0, 4, 9000));
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_PEER_HELLO);
	TST_CHECK(!link_layout(&lay, l.rg.size, 2, 2048, 64, 64, 1514));
	TST_EQ(xenc_host_offer(&l.h, &lay), -XENC_FAULT_LAYOUT);
	xenc_host_set_state(&l.h, XENC_LINUX_RESET);
	TST_CHECK(!link_offer(&l, 1, 2048, 64, 64, 1514));
	TST_CHECK(!link_xfer(&l, 0, 10, 1));
	link_free(&l);
	TST_CHECK(!link_init(&l, 16 * MiB, 0, XENC_F_MQ, 4, 9000));
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_PEER_HELLO);
	TST_EQ(xenc_host_offer(&l.h, &lay), -XENC_FAULT_LAYOUT);
	xenc_host_set_state(&l.h, XENC_LINUX_RESET);
	TST_CHECK(!link_offer(&l, 1, 2048, 64, 64, 1514));
	link_free(&l);
}

/* Linux watches the peer's heartbeat. */
static void heartbeat_host(void)
{
	struct link l;
	u32 i;

	TST_CHECK(!link_connect(&l, 4 * MiB, 0, 1));
	for (i = 0; i < 10; i++) {
		TST_CHECK(!xenc_host_heartbeat(&l.h, 3));
		TST_EQ(link_li(&l)->heartbeat, i + 1);
		TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_NONE);
	}
	/*
	 * Peer frozen: the first beat still sees its last tick, then it is
	 * stale on exactly the third silent beat, and stays stale.
	 */
	TST_CHECK(!xenc_host_heartbeat(&l.h, 3));
	TST_CHECK(!xenc_host_heartbeat(&l.h, 3));
	TST_CHECK(!xenc_host_heartbeat(&l.h, 3));
	TST_CHECK(xenc_host_heartbeat(&l.h, 3));
	TST_CHECK(xenc_host_heartbeat(&l.h, 3));
	/* Alive again. */
	TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_NONE);
	TST_CHECK(!xenc_host_heartbeat(&l.h, 3));
	TST_CHECK(!xenc_host_heartbeat(&l.h, 3));
	/* A peer that never beat at all is stale too. */
	link_free(&l);
	TST_CHECK(!link_init(&l, 4 * MiB, 0, 0, 1, 9000));
	TST_CHECK(!xenc_host_heartbeat(&l.h, 2));
	TST_CHECK(xenc_host_heartbeat(&l.h, 2));
	link_free(&l);
}

/*
 * Staleness counts from the connect.  A peer that was away longer than the
 * limit re-attaches and connects before its first tick: its heartbeat word
 * still holds the old value, and Linux must not call it stale at once (the
 * guest's 100-detach test saw "link down: peer heartbeat stale" right after
 * such reconnects).
 */
static void heartbeat_after_reconnect(void)
{
	struct xenc_layout lay;
	struct link l;
	u32 i;

	TST_CHECK(!link_connect(&l, 4 * MiB, 0, 1));
	TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_NONE);
	xenc_ep_detach(&l.ep);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_DISCONNECTED);
	xenc_host_set_state(&l.h, XENC_LINUX_RESET);
	for (i = 0; i < 5; i++)
		xenc_host_heartbeat(&l.h, 3);
	TST_EQ(xenc_ep_attach(&l.ep, l.rg.base, l.rg.size, &l.cfg, link_notify,
			      &l, l.cookie + 1), XENC_OK);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_PEER_HELLO);
	TST_CHECK(!link_layout(&lay, l.rg.size, 1, 2048, 64, 64, 1514));
	TST_EQ(xenc_host_offer(&l.h, &lay), XENC_OK);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_CONNECTED);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_CONNECTED);
	/* The limit applies afresh: three silent beats, not zero. */
	TST_CHECK(!xenc_host_heartbeat(&l.h, 3));
	TST_CHECK(!xenc_host_heartbeat(&l.h, 3));
	TST_CHECK(xenc_host_heartbeat(&l.h, 3));
	/* And the peer's view of Linux likewise restarts at the connect. */
	l.ep.cfg.stale_limit = 3;
	l.ep.linux_hb_stale = 7;
	xenc_ep_detach(&l.ep);
	TST_EQ(xenc_ep_attach(&l.ep, l.rg.base, l.rg.size, &l.cfg, link_notify,
			      &l, l.cookie + 2), XENC_OK);
	l.ep.cfg.stale_limit = 3;
	for (i = 0; i < 5; i++)
		TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_NONE);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_DISCONNECTED);
	xenc_host_set_state(&l.h, XENC_LINUX_RESET);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_PEER_HELLO);
	TST_EQ(xenc_host_offer(&l.h, &lay), XENC_OK);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_CONNECTED);
	TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_NONE);
	TST_CHECK(xenc_ep_connected(&l.ep));
	link_free(&l);
}

/* The peer watches Linux's heartbeat (ep_tick with stale_limit). */
static void heartbeat_peer(void)
{
	struct link l;
	u32 i;

	TST_CHECK(!link_init(&l, 4 * MiB, 0, 0, 1, 9000));
	l.ep.cfg.stale_limit = 3;
	TST_CHECK(!link_offer(&l, 1, 2048, 64, 64, 1514));
	for (i = 0; i < 10; i++) {
		xenc_host_heartbeat(&l.h, 0);
		TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_NONE);
		TST_EQ(link_pi(&l)->heartbeat, i + 1);
		TST_CHECK(xenc_ep_connected(&l.ep));
	}
	/* Linux frozen: the third silent tick drops the connection. */
	TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_NONE);
	TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_NONE);
	TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_DISCONNECTED);
	TST_EQ(link_pi(&l)->state, XENC_PEER_HELLO);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_DISCONNECTED);
	/* Waiting for an offer, silence does not reset again. */
	for (i = 0; i < 10; i++)
		TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_NONE);
	TST_EQ(link_pi(&l)->state, XENC_PEER_HELLO);
	/* Linux back: reconnect through tick (which polls). */
	xenc_host_set_state(&l.h, XENC_LINUX_RESET);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_PEER_HELLO);
	{
		struct xenc_layout lay;

		TST_CHECK(!link_layout(&lay, l.rg.size, 1, 2048, 64, 64,
				       1514));
		TST_EQ(xenc_host_offer(&l.h, &lay), XENC_OK);
	}
	xenc_host_heartbeat(&l.h, 0);
	TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_CONNECTED);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_CONNECTED);
	TST_CHECK(!link_host_rings(&l));
	TST_CHECK(!link_xfer(&l, 0, 10, 1));

	/* stale_limit 0: never times out. */
	l.ep.cfg.stale_limit = 0;
	for (i = 0; i < 100; i++)
		TST_EQ(xenc_ep_tick(&l.ep), XENC_EP_NONE);
	TST_CHECK(xenc_ep_connected(&l.ep));
	link_free(&l);
}

/* Features are the intersection; unnegotiated frame flags are faults. */
static void features(void)
{
	struct link l;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;

	TST_CHECK(!link_init(&l, 4 * MiB, XENC_F_KNOWN,
			     XENC_F_CSUM | XENC_F_QUIESCE | (1ull << 40),
			     1, 9000));
	TST_EQ(link_pi(&l)->features, XENC_F_CSUM | XENC_F_QUIESCE);
	TST_CHECK(!link_offer(&l, 1, 2048, 64, 64, 1514));
	TST_EQ(l.h.negotiated, XENC_F_CSUM | XENC_F_QUIESCE);
	TST_EQ(link_li(&l)->features, XENC_F_CSUM | XENC_F_QUIESCE);
	TST_EQ(l.ep.features, XENC_F_CSUM | XENC_F_QUIESCE);

	/* Negotiated flag: delivered with its metadata. */
	fh = (struct xenc_frame_hdr){ .len = 100,
				      .flags = XENC_FRAME_CSUM_PARTIAL,
				      .csum_start = 14, .csum_offset = 16 };
	TST_EQ(xenc_ep_send(&l.ep, 0, &fh, &sp), XENC_OK);
	xenc_ep_flush(&l.ep, 0);
	TST_EQ(xenc_ring_peek(&l.rx[0], &fh, &sp), XENC_OK);
	TST_EQ(fh.csum_start, 14);
	xenc_ring_consume(&l.rx[0], &fh);
	xenc_ring_release(&l.rx[0]);

	/* GSO was not negotiated: Linux rejects it as a flags fault. */
	fh = (struct xenc_frame_hdr){ .len = 1000, .flags = XENC_FRAME_GSO,
				      .gso_size = 500,
				      .gso_type = XENC_GSO_TCPV4 };
	TST_EQ(xenc_ep_send(&l.ep, 0, &fh, &sp), XENC_OK);
	xenc_ep_flush(&l.ep, 0);
	TST_EQ(xenc_ring_peek(&l.rx[0], &fh, &sp), -XENC_FAULT_FLAGS);
	TST_EQ(l.rx[0].fault, XENC_FAULT_FLAGS);
	link_free(&l);

	/*
	 * And the other way: the peer rejects it and asks for a reconnect.
	 * GSO frames need CSUM_PARTIAL, so GSO alone is never negotiated.
	 */
	TST_CHECK(!link_init(&l, 4 * MiB, XENC_F_GSO, XENC_F_KNOWN, 1, 9000));
	TST_CHECK(!link_offer(&l, 1, 2048, 64, 64, 1514));
	TST_EQ(l.h.negotiated, 0);
	TST_EQ(link_li(&l)->features, 0);
	TST_EQ(l.ep.features, 0);
	fh = (struct xenc_frame_hdr){ .len = 100,
				      .flags = XENC_FRAME_DATA_VALID };
	TST_EQ(xenc_ring_put(&l.tx[0], &fh, &sp), XENC_OK);
	xenc_ring_publish(&l.tx[0]);
	TST_EQ(xenc_ep_recv(&l.ep, 0, &fh, &sp), -XENC_FAULT_FLAGS);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_DISCONNECTED);
	TST_EQ(l.ep.fault, XENC_FAULT_FLAGS);
	TST_EQ(l.ep.faults[XENC_FAULT_FLAGS], 1);
	TST_EQ(link_pi(&l)->fault, XENC_FAULT_FLAGS);
	TST_EQ(xenc_host_poll(&l.h), XENC_EV_DISCONNECTED);
	TST_EQ(l.h.peer.fault, XENC_FAULT_FLAGS);
	xenc_host_set_state(&l.h, XENC_LINUX_RESET);
	TST_CHECK(!link_offer(&l, 1, 2048, 64, 64, 1514));
	TST_CHECK(!link_xfer(&l, 0, 10, 1));
	link_free(&l);
}

static void no_notify(void *ctx, u32 vector)
{
	(void)ctx;
	(void)vector;
}

/* The peer may come first: attach fails until Linux formats, tick retries. */
static void attach_early(void)
{
	struct tst_region rg;
	struct xenc_host h;
	struct xenc_ep ep;
	struct xenc_ep_config cfg = { .max_frame = 1514 };
	struct xenc_peer_info *pi;

	TST_CHECK(!tst_region_alloc(&rg, MiB));
	pi = (struct xenc_peer_info *)(rg.base + XENC_OFF_PEER);
	TST_EQ(xenc_ep_attach(&ep, rg.base, MiB, &cfg, no_notify, NULL, 1),
	       -XENC_FAULT_VERSION);
	TST_EQ(ep.state, XENC_PEER_ABSENT);
	TST_EQ(pi->state, XENC_PEER_ABSENT);	/* wrote nothing */
	TST_EQ(xenc_ep_tick(&ep), XENC_EP_NONE);
	TST_EQ(xenc_ep_poll(&ep), XENC_EP_NONE);
	TST_EQ(pi->state, XENC_PEER_ABSENT);

	xenc_host_format(&h, rg.base, MiB, 0, 1);
	xenc_host_set_flags(&h, 0xff);
	TST_EQ(h.flags, XENC_LINUX_F_POLLING);	/* unknown bits dropped */
	TST_EQ(xenc_ep_tick(&ep), XENC_EP_NONE);
	TST_EQ(ep.state, XENC_PEER_HELLO);
	TST_EQ(pi->cookie, 1);
	TST_EQ(ep.cfg.max_queues, XENC_MAX_QUEUES);	/* 0 means "any" */
	TST_EQ(xenc_host_poll(&h), XENC_EV_PEER_HELLO);

	/* A frame limit beyond the ABI's is clamped to it. */
	cfg.max_frame = 0xffffffff;
	TST_EQ(xenc_ep_attach(&ep, rg.base, MiB, &cfg, no_notify, NULL, 1),
	       XENC_OK);
	TST_EQ(ep.cfg.max_frame, XENC_FRAME_MAX);
	TST_EQ(pi->max_frame, XENC_FRAME_MAX);

	/* Nonsense configurations are refused before touching the region. */
	cfg.max_frame = 13;
	TST_EQ(xenc_ep_attach(&ep, rg.base, MiB, &cfg, no_notify, NULL, 2),
	       -XENC_FAULT_LAYOUT);
	cfg.max_frame = 1514;
	TST_EQ(xenc_ep_attach(&ep, rg.base, XENC_CTRL_SIZE - 1, &cfg,
			      no_notify, NULL, 2), -XENC_FAULT_LAYOUT);
	TST_EQ(pi->cookie, 1);
	/* A region Linux claims is smaller than its control area. */
	((struct xenc_region_hdr *)rg.base)->region_size = XENC_CTRL_SIZE - 1;
	TST_EQ(xenc_ep_attach(&ep, rg.base, MiB, &cfg, no_notify, NULL, 3),
	       -XENC_FAULT_LAYOUT);
	TST_EQ(pi->cookie, 1);
	tst_region_free(&rg);
}

/* Polling flags on either side suppress the other's doorbells. */
static void polling(void)
{
	struct link l;
	u32 kicks;

	/* Peer polls: its rings are marked, Linux publishes never kick. */
	TST_CHECK(!link_init(&l, 4 * MiB, 0, 0, 1, 9000));
	l.cfg.flags = XENC_PEER_F_POLLING | 0x80;
	TST_EQ(xenc_ep_attach(&l.ep, l.rg.base, l.rg.size, &l.cfg,
			      link_notify, &l, 2), XENC_OK);
	TST_EQ(link_pi(&l)->flags, XENC_PEER_F_POLLING);
	TST_CHECK(!link_offer(&l, 1, 2048, 64, 64, 1514));
	TST_EQ(l.h.peer.flags, XENC_PEER_F_POLLING);
	TST_EQ(l.tx[0].hdr->cons_flags, XENC_RING_F_NO_NOTIFY);
	TST_EQ(l.rx[0].hdr->prod_flags, XENC_RING_F_NO_NOTIFY);
	TST_EQ(tst_put(&l.tx[0], 100, 1, lk_a), XENC_OK);
	TST_CHECK(!xenc_ring_publish(&l.tx[0]));
	link_free(&l);

	/* Linux polls: the peer never rings it, even when asked to. */
	TST_CHECK(!link_init(&l, 4 * MiB, 0, 0, 1, 9000));
	xenc_host_set_flags(&l.h, XENC_LINUX_F_POLLING);
	TST_CHECK(!link_offer(&l, 1, 2048, 64, 64, 1514));
	TST_EQ(l.ep.linux_flags, XENC_LINUX_F_POLLING);
	kicks = l.kicks[0];
	TST_CHECK(!xenc_ring_enable_notify(&l.rx[0]));
	TST_CHECK(!link_xfer(&l, 0, 10, 1));
	TST_EQ(l.kicks[0], kicks);
	/* Back to doorbells: the armed queue kicks again. */
	xenc_host_set_flags(&l.h, 0);
	TST_EQ(xenc_ep_poll(&l.ep), XENC_EP_NONE);
	TST_CHECK(!xenc_ring_enable_notify(&l.rx[0]));
	TST_CHECK(!link_p2l_send(&l, 0, 64, 1));
	TST_EQ(l.kicks[0], kicks + 1);
	link_free(&l);
}

int main(void)
{
	tst_suite = "ctrl";
	TST_RUN(layout_build);
	TST_RUN(layout_check);
	TST_RUN(layout_max_slots);
	TST_RUN(handshake);
	TST_RUN(reconnect_peer);
	TST_RUN(reconnect_linux);
	TST_RUN(quiesce);
	TST_RUN(multi_queue);
	TST_RUN(heartbeat_host);
	TST_RUN(heartbeat_peer);
	TST_RUN(heartbeat_after_reconnect);
	TST_RUN(features);
	TST_RUN(attach_early);
	TST_RUN(polling);
	return tst_done();
}

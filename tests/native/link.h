/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * A Linux side (struct xenc_host plus its ring ends) and a co-kernel peer
 * (struct xenc_ep) sharing one guarded region, driven step by step from a
 * single thread.  Shared by the control-plane and hostile-peer tests.
 */
#ifndef XENC_TST_LINK_H
#define XENC_TST_LINK_H

#include "tst.h"
#include "xenc_ep.h"

struct link {
	struct tst_region rg;
	struct xenc_host h;
	struct xenc_ep ep;
	struct xenc_ep_config cfg;
	struct xenc_ring tx[XENC_MAX_QUEUES];	/* Linux produces (l2p) */
	struct xenc_ring rx[XENC_MAX_QUEUES];	/* Linux consumes (p2l) */
	u32 kicks[XENC_MAX_QUEUES + 1];		/* peer doorbells per vector */
	u32 cookie;
};

#define LINK_BUF	(XENC_FRAME_MAX + 64)

static u8 lk_a[LINK_BUF], lk_b[LINK_BUF];

static TST_UNUSED void link_notify(void *ctx, u32 vector)
{
	struct link *l = ctx;

	l->kicks[vector < XENC_MAX_QUEUES ? vector : XENC_MAX_QUEUES]++;
}

static TST_UNUSED struct xenc_linux_info *link_li(struct link *l)
{
	return (struct xenc_linux_info *)(l->rg.base + XENC_OFF_LINUX);
}

static TST_UNUSED struct xenc_peer_info *link_pi(struct link *l)
{
	return (struct xenc_peer_info *)(l->rg.base + XENC_OFF_PEER);
}

static TST_UNUSED struct xenc_region_hdr *link_rh(struct link *l)
{
	return (struct xenc_region_hdr *)l->rg.base;
}

static TST_UNUSED struct xenc_queue_desc *link_qd(struct link *l, u32 q)
{
	return (struct xenc_queue_desc *)(l->rg.base + XENC_OFF_QUEUES) + q;
}

/* Region formatted by Linux and a peer attached (state HELLO). */
static TST_UNUSED int link_init(struct link *l, u64 size, u64 hfeat,
				u64 pfeat, u32 pmaxq, u32 pmaxframe)
{
	memset(l, 0, sizeof(*l));
	TST_CHECK_I(!tst_region_alloc(&l->rg, size));
	TST_EQ_I(l->rg.size, size);
	xenc_host_format(&l->h, l->rg.base, size, hfeat, 100);
	l->cfg.features = pfeat;
	l->cfg.max_queues = pmaxq;
	l->cfg.max_frame = pmaxframe;
	l->cookie = 0xc0de0001;
	TST_EQ_I(xenc_ep_attach(&l->ep, l->rg.base, size, &l->cfg,
				link_notify, l, l->cookie), XENC_OK);
	TST_EQ_I(l->ep.state, XENC_PEER_HELLO);
	return 0;
}

static TST_UNUSED void link_free(struct link *l)
{
	tst_region_free(&l->rg);
}

/* Linux's ends of every queue of the current layout. */
static TST_UNUSED int link_host_rings(struct link *l)
{
	const struct xenc_layout *lay = &l->h.layout;
	u32 q;

	memset(l->tx, 0, sizeof(l->tx));
	memset(l->rx, 0, sizeof(l->rx));
	for (q = 0; q < lay->num_queues; q++) {
		TST_EQ_I(xenc_ring_init(&l->tx[q],
					xenc_region_at(&l->h, lay->q[q].l2p_off),
					lay->l2p_slots, lay->slot_size,
					lay->max_frame, l->h.negotiated),
			 XENC_OK);
		TST_EQ_I(xenc_ring_init(&l->rx[q],
					xenc_region_at(&l->h, lay->q[q].p2l_off),
					lay->p2l_slots, lay->slot_size,
					lay->max_frame, l->h.negotiated),
			 XENC_OK);
	}
	return 0;
}

static TST_UNUSED int link_layout(struct xenc_layout *lay, u64 size, u32 nq,
				  u32 slot_size, u32 l2p, u32 p2l, u32 mf)
{
	memset(lay, 0, sizeof(*lay));
	lay->num_queues = nq;
	lay->slot_size = slot_size;
	lay->l2p_slots = l2p;
	lay->p2l_slots = p2l;
	lay->max_frame = mf;
	TST_EQ_I(xenc_layout_build(lay, size), XENC_OK);
	return 0;
}

/*
 * The full handshake from a peer in HELLO and Linux in RESET: hello event,
 * offer, peer connects, Linux sees it, Linux's rings set up.
 */
static TST_UNUSED int link_offer_layout(struct link *l,
					const struct xenc_layout *lay)
{
	u32 gen = l->h.generation + 1, nq = lay->num_queues;

	TST_EQ_I(xenc_host_poll(&l->h), XENC_EV_PEER_HELLO);
	if (!gen)
		gen = 1;	/* generation 0 is skipped on wrap */
	TST_EQ_I(xenc_host_offer(&l->h, lay), XENC_OK);
	TST_EQ_I(l->h.generation, gen);
	TST_EQ_I(link_li(l)->state, XENC_LINUX_OFFER);
	TST_EQ_I(xenc_host_poll(&l->h), XENC_EV_NONE);
	TST_EQ_I(xenc_ep_poll(&l->ep), XENC_EP_CONNECTED);
	TST_EQ_I(l->ep.generation, gen);
	TST_EQ_I(link_pi(l)->state, XENC_PEER_READY);
	TST_EQ_I(xenc_host_poll(&l->h), XENC_EV_CONNECTED);
	TST_EQ_I(l->h.state, XENC_LINUX_RUNNING);
	TST_EQ_I(link_li(l)->state, XENC_LINUX_RUNNING);
	TST_EQ_I(xenc_host_poll(&l->h), XENC_EV_NONE);
	TST_EQ_I(xenc_ep_poll(&l->ep), XENC_EP_NONE);
	TST_CHECK_I(xenc_ep_connected(&l->ep));
	TST_EQ_I(xenc_ep_num_queues(&l->ep), nq);
	return link_host_rings(l);
}

static TST_UNUSED int link_offer(struct link *l, u32 nq, u32 slot_size,
				 u32 l2p, u32 p2l, u32 mf)
{
	struct xenc_layout lay;

	TST_CHECK_I(!link_layout(&lay, l->rg.size, nq, slot_size, l2p, p2l,
				 mf));
	return link_offer_layout(l, &lay);
}

static TST_UNUSED int link_connect(struct link *l, u64 size, u64 feat,
				   u32 nq)
{
	TST_CHECK_I(!link_init(l, size, feat, feat, nq, XENC_FRAME_MAX));
	return link_offer(l, nq, 2048, 256, 256, 9000);
}

/* Linux -> peer: one frame on queue q, checked on arrival. */
static TST_UNUSED int link_l2p(struct link *l, u32 q, u32 len, u64 seed)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;

	TST_EQ_I(tst_put(&l->tx[q], len, seed, lk_a), XENC_OK);
	xenc_ring_publish(&l->tx[q]);
	TST_EQ_I(xenc_ep_recv(&l->ep, q, &fh, &sp), XENC_OK);
	TST_EQ_I(fh.len, len);
	xenc_span_to_buf(&sp, lk_b);
	tst_fill(lk_a, len, seed);
	memcpy(lk_a, &len, 4);
	TST_CHECK_I(!memcmp(lk_a, lk_b, len));
	xenc_ep_recv_done(&l->ep, q, &fh);
	xenc_ep_recv_flush(&l->ep, q);
	return 0;
}

/* Peer -> Linux: one frame on queue q, checked on arrival. */
static TST_UNUSED int link_p2l_send(struct link *l, u32 q, u32 len,
				    u64 seed)
{
	tst_fill(lk_a, len, seed);
	memcpy(lk_a, &len, 4);
	TST_EQ_I(xenc_ep_send_buf(&l->ep, q, lk_a, len), XENC_OK);
	xenc_ep_flush(&l->ep, q);
	return 0;
}

static TST_UNUSED int link_p2l_recv(struct link *l, u32 q, u32 len,
				    u64 seed)
{
	TST_CHECK_I(!tst_get(&l->rx[q], len, seed, lk_a, lk_b));
	xenc_ring_release(&l->rx[q]);
	return 0;
}

static TST_UNUSED int link_p2l(struct link *l, u32 q, u32 len, u64 seed)
{
	TST_CHECK_I(!link_p2l_send(l, q, len, seed));
	return link_p2l_recv(l, q, len, seed);
}

/* n frames each way on queue q, sizes spread over the negotiated range. */
static TST_UNUSED int link_xfer(struct link *l, u32 q, u32 n, u64 seed)
{
	u32 mf = l->h.layout.max_frame, i, len;

	for (i = 0; i < n; i++) {
		len = XENC_FRAME_MIN + (u32)((seed + i * 7919u) %
					     (mf - XENC_FRAME_MIN + 1));
		if (i == 0)
			len = mf;
		TST_CHECK_I(!link_l2p(l, q, len, seed + 2 * i));
		TST_CHECK_I(!link_p2l(l, q, len, seed + 2 * i + 1));
	}
	return 0;
}

#endif /* XENC_TST_LINK_H */

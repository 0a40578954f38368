// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the xenc driver's xmit, NAPI poll and stop/wake paths over the
 * local transport.  The test itself plays the co-kernel with the portable
 * endpoint (cokernel/xenc_ep.c), so every frame crosses the real rings.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/rtnetlink.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/tcp.h>
#include "xenc.h"
#include "xenc_ep.h"

#define DT_ETHERTYPE	0x88b5	/* IEEE local experimental */

struct dt_ctx {
	struct net_device *dev;
	struct xenc_shm *peer;
	struct xenc_ep ep;
	atomic_t kicks;
};

static void dt_notify(void *ctx, u32 vector)
{
	struct dt_ctx *c = ctx;

	xenc_shm_kick(c->peer, vector);
}

static void dt_doorbell(void *ctx, u32 vector)
{
	struct dt_ctx *c = ctx;

	atomic_inc(&c->kicks);
}

/* Run the peer's control loop until @cond holds or 10 s pass. */
static bool dt_wait(struct dt_ctx *c, bool (*cond)(struct dt_ctx *c))
{
	int i;

	for (i = 0; i < 500 && !cond(c); i++) {
		xenc_ep_tick(&c->ep);
		msleep(20);
	}
	return cond(c);
}

static bool dt_up(struct dt_ctx *c)
{
	return xenc_ep_connected(&c->ep) && netif_carrier_ok(c->dev);
}

static bool dt_down(struct dt_ctx *c)
{
	return !netif_carrier_ok(c->dev);
}

static bool dt_frame_ready(struct dt_ctx *c)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;

	return xenc_ep_recv(&c->ep, 0, &fh, &sp) == XENC_OK;
}

static u64 dt_rx_packets(struct dt_ctx *c)
{
	struct rtnl_link_stats64 s = {};

	dev_get_stats(c->dev, &s);
	return s.rx_packets;
}

static bool dt_txq0_stopped(struct dt_ctx *c)
{
	return netif_tx_queue_stopped(netdev_get_tx_queue(c->dev, 0));
}

static bool dt_txq0_running(struct dt_ctx *c)
{
	return !netif_xmit_stopped(netdev_get_tx_queue(c->dev, 0));
}

static bool dt_got_200(struct dt_ctx *c)
{
	return dt_rx_packets(c) == 200;
}

/* The test's end of the region, as the peer offers itself. */
static void dt_attach(struct dt_ctx *c)
{
	struct xenc_ep_config cfg = {
		.features = XENC_F_MQ | XENC_F_QUIESCE,
		.max_queues = 1,
		.max_frame = XENC_FRAME_MAX,
	};

	xenc_ep_attach(&c->ep, c->peer->base, c->peer->size, &cfg, dt_notify,
		       c, 1);
}

static int dt_init(struct kunit *test)
{
	struct dt_ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->dev = xenc_kunit_create(&c->peer);
	KUNIT_ASSERT_FALSE(test, IS_ERR(c->dev));
	KUNIT_ASSERT_EQ(test, 0, xenc_shm_bind(c->peer, dt_doorbell, c));
	dt_attach(c);
	test->priv = c;
	KUNIT_ASSERT_TRUE(test, dt_wait(c, dt_up));
	rtnl_lock();
	dev_open(c->dev, NULL);
	rtnl_unlock();
	return 0;
}

static void dt_exit(struct kunit *test)
{
	struct dt_ctx *c = test->priv;

	if (!c)
		return;
	xenc_ep_detach(&c->ep);
	xenc_shm_unbind(c->peer);
	xenc_kunit_destroy(c->dev);
	xenc_shm_put(c->peer);
}

static struct sk_buff *dt_skb(struct net_device *dev, u32 len, u8 seed)
{
	struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);
	struct ethhdr *eth;
	u32 i;

	if (!skb)
		return NULL;
	eth = skb_put(skb, len);
	eth_broadcast_addr(eth->h_dest);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	eth->h_proto = htons(DT_ETHERTYPE);
	for (i = ETH_HLEN; i < len; i++)
		skb->data[i] = seed + i;
	skb->dev = dev;
	return skb;
}

static void dt_stats(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	memset(s, 0, sizeof(*s));
	dev_get_stats(dev, s);
}

/* Receive one frame at the peer and check its payload pattern. */
static bool dt_peer_get(struct dt_ctx *c, u32 len, u8 seed)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	bool ok = true;
	u8 *buf;
	u32 i;

	/* Skip what the stack sends on its own (IPv6 autoconf, ...). */
	do {
		if (!dt_wait(c, dt_frame_ready) ||
		    xenc_ep_recv(&c->ep, 0, &fh, &sp) != XENC_OK)
			return false;
		buf = kvmalloc(fh.len, GFP_KERNEL);
		if (!buf)
			return false;
		xenc_span_to_buf(&sp, buf);
		xenc_ep_recv_done(&c->ep, 0, &fh);
		xenc_ep_recv_flush(&c->ep, 0);
		ok = ((struct ethhdr *)buf)->h_proto == htons(DT_ETHERTYPE);
		if (!ok)
			kvfree(buf);
	} while (!ok);
	ok = fh.len == len;
	for (i = ETH_HLEN; ok && i < len; i++)
		ok = buf[i] == (u8)(seed + i);
	kvfree(buf);
	return ok;
}

/* xmit copies frames of every size, up to a 64 KiB MTU, into the ring. */
static void dt_xmit_sizes(struct kunit *test)
{
	static const u32 sizes[] = { 60, 1514, 9014, 65549 };
	struct dt_ctx *c = test->priv;
	struct rtnl_link_stats64 s;
	u32 i;

	rtnl_lock();
	KUNIT_ASSERT_EQ(test, 0, dev_set_mtu(c->dev, 65535));
	rtnl_unlock();
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		KUNIT_ASSERT_EQ(test, NET_XMIT_SUCCESS,
				dev_queue_xmit(dt_skb(c->dev, sizes[i], i)));
		KUNIT_EXPECT_TRUE(test, dt_peer_get(c, sizes[i], i));
	}
	dt_stats(c->dev, &s);
	/* The stack may send frames of its own (IPv6 autoconf) meanwhile. */
	KUNIT_EXPECT_GE(test, s.tx_packets, (u64)ARRAY_SIZE(sizes));
	KUNIT_EXPECT_EQ(test, s.tx_dropped, 0ull);
}

/* NAPI takes what the peer sends, no more than the budget per poll. */
static void dt_poll_budget(struct kunit *test)
{
	struct dt_ctx *c = test->priv;
	struct xenc_priv *priv = netdev_priv(c->dev);
	struct sk_buff *skb;
	u32 i;

	for (i = 0; i < 200; i++) {
		skb = dt_skb(c->dev, 100, i);
		KUNIT_ASSERT_NOT_NULL(test, skb);
		KUNIT_ASSERT_EQ(test, XENC_OK,
				xenc_ep_send_buf(&c->ep, 0, skb->data, 100));
		kfree_skb(skb);
	}
	xenc_ep_flush(&c->ep, 0);
	KUNIT_EXPECT_TRUE(test, dt_wait(c, dt_got_200));
	KUNIT_EXPECT_GE(test,
			u64_stats_read(&priv->queues[0].rxs.budget_exhausted),
			1ull);
	KUNIT_EXPECT_GE(test, atomic64_read(&priv->queues[0].doorbells), 1ll);
}

/*
 * A peer that stops consuming stops the queue instead of losing frames;
 * they wait in the qdisc and all arrive once the peer consumes again.
 */
static void dt_stop_wake(struct kunit *test)
{
	struct dt_ctx *c = test->priv;
	struct xenc_priv *priv = netdev_priv(c->dev);
	struct netdev_queue *txq = netdev_get_tx_queue(c->dev, 0);
	struct xenc_queue *q = &priv->queues[0];
	struct rtnl_link_stats64 s;
	u32 i, got = 0, sent = q->tx.slots + 40;
	u64 base = 0;

#ifdef CONFIG_BQL
	/*
	 * Keep BQL out of the way: this is about the ring filling up.  The
	 * new floor applies at the next completion, so complete one frame.
	 */
	txq->dql.min_limit = 1 << 30;
	dev_queue_xmit(dt_skb(c->dev, 1000, 0));
	KUNIT_ASSERT_TRUE(test, dt_peer_get(c, 1000, 0));
	KUNIT_ASSERT_TRUE(test, dt_wait(c, dt_txq0_running));
	dt_stats(c->dev, &s);
	base = s.tx_packets;
#endif
	for (i = 0; i < sent; i++)
		dev_queue_xmit(dt_skb(c->dev, 1000, i));
	/* The qdisc may hand frames over later, from another CPU. */
	KUNIT_EXPECT_TRUE(test, dt_wait(c, dt_txq0_stopped));
	dt_stats(c->dev, &s);
	/* Every slot is taken (the stack may have sent a frame of its own). */
	KUNIT_EXPECT_EQ(test, xenc_ring_used(&q->tx), q->tx.slots);
	KUNIT_EXPECT_LE(test, s.tx_packets - base, (u64)q->tx.slots);
	KUNIT_EXPECT_EQ(test, s.tx_dropped, 0ull);
	for (i = 0; i < sent; i++)
		got += dt_peer_get(c, 1000, i);
	KUNIT_EXPECT_EQ(test, got, sent);
	KUNIT_EXPECT_FALSE(test, netif_tx_queue_stopped(txq));
	KUNIT_EXPECT_GE(test, u64_stats_read(&q->txs.stops), 1ull);
	KUNIT_EXPECT_GE(test, u64_stats_read(&q->rxs.wakes), 1ull);
}

/* Carrier follows the peer: detach drops it with a reason, attach restores. */
static void dt_carrier(struct kunit *test)
{
	struct dt_ctx *c = test->priv;
	struct xenc_priv *priv = netdev_priv(c->dev);
	struct xenc_ep_config cfg = c->ep.cfg;

	xenc_ep_detach(&c->ep);
	KUNIT_EXPECT_TRUE(test, dt_wait(c, dt_down));
	KUNIT_EXPECT_EQ(test, priv->reason, XENC_DOWN_NO_PEER);
	xenc_ep_attach(&c->ep, c->peer->base, c->peer->size, &cfg, dt_notify,
		       c, 2);
	KUNIT_EXPECT_TRUE(test, dt_wait(c, dt_up));
	KUNIT_EXPECT_EQ(test, NET_XMIT_SUCCESS,
			dev_queue_xmit(dt_skb(c->dev, 300, 7)));
	KUNIT_EXPECT_TRUE(test, dt_peer_get(c, 300, 7));
}

/*
 * A peer that declares itself polling (a tickless co-kernel core) gets no
 * doorbell from Linux, yet every frame reaches it.
 */
static void dt_peer_polling(struct kunit *test)
{
	struct dt_ctx *c = test->priv;
	struct xenc_priv *priv = netdev_priv(c->dev);
	struct xenc_queue *q = &priv->queues[0];
	struct xenc_ep_config cfg = c->ep.cfg;
	u64 sent;
	int kicks;
	u32 i;

	xenc_ep_detach(&c->ep);
	KUNIT_ASSERT_TRUE(test, dt_wait(c, dt_down));
	cfg.flags = XENC_PEER_F_POLLING;
	xenc_ep_attach(&c->ep, c->peer->base, c->peer->size, &cfg, dt_notify,
		       c, 4);
	KUNIT_ASSERT_TRUE(test, dt_wait(c, dt_up));
	kicks = atomic_read(&c->kicks);
	sent = u64_stats_read(&q->txs.kicks);
	for (i = 0; i < 20; i++) {
		KUNIT_ASSERT_EQ(test, NET_XMIT_SUCCESS,
				dev_queue_xmit(dt_skb(c->dev, 300, i)));
		KUNIT_EXPECT_TRUE(test, dt_peer_get(c, 300, i));
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&c->kicks), kicks);
	KUNIT_EXPECT_EQ(test, u64_stats_read(&q->txs.kicks), sent);
	KUNIT_EXPECT_GE(test, u64_stats_read(&q->txs.kicks_suppressed), 20ull);
}

/* Re-attach the peer with checksum and GSO offloads on offer. */
static void dt_offloads_on(struct kunit *test, struct dt_ctx *c)
{
	struct xenc_ep_config cfg = c->ep.cfg;

	xenc_ep_detach(&c->ep);
	KUNIT_ASSERT_TRUE(test, dt_wait(c, dt_down));
	cfg.features |= XENC_F_CSUM | XENC_F_GSO;
	xenc_ep_attach(&c->ep, c->peer->base, c->peer->size, &cfg, dt_notify,
		       c, 5);
	KUNIT_ASSERT_TRUE(test, dt_wait(c, dt_up));
	KUNIT_ASSERT_EQ(test, c->ep.features & (XENC_F_CSUM | XENC_F_GSO),
			XENC_F_CSUM | XENC_F_GSO);
}

/* The next frame the peer receives, its header in @fh. */
static bool dt_peer_fh(struct dt_ctx *c, struct xenc_frame_hdr *fh)
{
	struct xenc_span sp;
	__be16 proto = 0;

	do {
		if (!dt_wait(c, dt_frame_ready) ||
		    xenc_ep_recv(&c->ep, 0, fh, &sp) != XENC_OK)
			return false;
		xenc_span_read(&sp, 12, &proto, sizeof(proto));
		xenc_ep_recv_done(&c->ep, 0, fh);
		xenc_ep_recv_flush(&c->ep, 0);
	} while (proto != htons(DT_ETHERTYPE));
	return true;
}

/*
 * Transmit: a CHECKSUM_PARTIAL skb crosses with its offsets; one whose
 * offsets the ring would refuse gets its checksum from the stack instead.
 */
static void dt_tx_offload(struct kunit *test)
{
	struct dt_ctx *c = test->priv;
	struct xenc_frame_hdr fh;
	struct sk_buff *skb;

	dt_offloads_on(test, c);
	KUNIT_EXPECT_TRUE(test, c->dev->features & NETIF_F_HW_CSUM);
	KUNIT_EXPECT_TRUE(test, c->dev->features & NETIF_F_TSO);

	skb = dt_skb(c->dev, 200, 1);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + 40;
	skb->csum_offset = 6;
	KUNIT_ASSERT_EQ(test, NET_XMIT_SUCCESS, dev_queue_xmit(skb));
	KUNIT_ASSERT_TRUE(test, dt_peer_fh(c, &fh));
	KUNIT_EXPECT_EQ(test, fh.flags, XENC_FRAME_CSUM_PARTIAL);
	KUNIT_EXPECT_EQ(test, fh.csum_start, 40);
	KUNIT_EXPECT_EQ(test, fh.csum_offset, 6);

	/* Inside the Ethernet header: never published as such. */
	skb = dt_skb(c->dev, 200, 2);
	KUNIT_ASSERT_NOT_NULL(test, skb);
	skb->ip_summed = CHECKSUM_PARTIAL;
	skb->csum_start = skb_headroom(skb) + 10;
	skb->csum_offset = 0;
	KUNIT_ASSERT_EQ(test, NET_XMIT_SUCCESS, dev_queue_xmit(skb));
	KUNIT_ASSERT_TRUE(test, dt_peer_fh(c, &fh));
	KUNIT_EXPECT_EQ(test, fh.flags, 0);
	KUNIT_EXPECT_TRUE(test, netif_carrier_ok(c->dev));
}

/* An Ethernet/IPv4/TCP frame, 20-byte headers, @len bytes in all. */
static void dt_tcp4(u8 *f, u32 len)
{
	struct iphdr *iph = (struct iphdr *)(f + ETH_HLEN);
	struct ethhdr *eth = (struct ethhdr *)f;
	struct tcphdr *th = (struct tcphdr *)(iph + 1);

	memset(f, 0, len);
	eth_broadcast_addr(eth->h_dest);
	eth_random_addr(eth->h_source);
	eth->h_proto = htons(ETH_P_IP);
	iph->version = 4;
	iph->ihl = 5;
	iph->ttl = 64;
	iph->protocol = IPPROTO_TCP;
	iph->tot_len = htons(len - ETH_HLEN);
	iph->saddr = htonl(0x0a090063);
	iph->daddr = htonl(0x0a0900fe);
	iph->check = ip_fast_csum(iph, iph->ihl);
	th->doff = 5;
	th->ack = 1;
}

static u64 dt_rx_done(struct dt_ctx *c)
{
	struct xenc_priv *priv = netdev_priv(c->dev);

	return dt_rx_packets(c) +
	       u64_stats_read(&priv->queues[0].rxs.drop_offload);
}

/*
 * Receive: metadata that passes the ring's checks but contradicts the
 * packet is dropped and counted as a peer fault, without a link reset;
 * metadata that fits is taken.
 */
static void dt_rx_offload(struct kunit *test)
{
	static const struct {
		u16 flags, start, off, gso_size;
		bool ok;
	} cases[] = {
		{ XENC_FRAME_CSUM_PARTIAL, 34, 16, 0, true },
		/* The L4 header cannot start inside the IPv4 header. */
		{ XENC_FRAME_CSUM_PARTIAL, 14, 16, 0, false },
		{ XENC_FRAME_CSUM_PARTIAL | XENC_FRAME_GSO, 34, 16, 1000, true },
		/* TCP segmentation, but the checksum is not TCP's. */
		{ XENC_FRAME_CSUM_PARTIAL | XENC_FRAME_GSO, 34, 6, 1000, false },
	};
	struct dt_ctx *c = test->priv;
	struct xenc_priv *priv = netdev_priv(c->dev);
	struct xenc_queue *q = &priv->queues[0];
	u64 bad0, csum0, done0, good0, gso0;
	u32 i, t, len = 3000;
	u8 *f;

	dt_offloads_on(test, c);
	f = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct xenc_frame_hdr fh = {
			.len = len, .flags = cases[i].flags,
			.csum_start = cases[i].start,
			.csum_offset = cases[i].off,
			.gso_size = cases[i].gso_size,
		};
		struct xenc_span sp;
		u64 want;

		if (cases[i].gso_size)
			fh.gso_type = XENC_GSO_TCPV4;
		bad0 = atomic64_read(&priv->faults[XENC_FAULT_CSUM]) +
		       atomic64_read(&priv->faults[XENC_FAULT_GSO]);
		csum0 = u64_stats_read(&q->rxs.csum_offload);
		gso0 = u64_stats_read(&q->rxs.gso_frames);
		good0 = dt_rx_packets(c);
		done0 = dt_rx_done(c);
		dt_tcp4(f, len);
		KUNIT_ASSERT_EQ(test, XENC_OK,
				xenc_ep_send(&c->ep, 0, &fh, &sp));
		xenc_span_from_buf(&sp, f);
		xenc_ep_flush(&c->ep, 0);
		want = done0 + 1;
		for (t = 0; t < 500 && dt_rx_done(c) < want; t++)
			msleep(20);
		KUNIT_EXPECT_EQ_MSG(test, dt_rx_done(c), want, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, dt_rx_packets(c) - good0,
				    (u64)cases[i].ok, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test,
				    atomic64_read(&priv->faults[XENC_FAULT_CSUM]) +
				    atomic64_read(&priv->faults[XENC_FAULT_GSO]) -
				    bad0, (s64)!cases[i].ok, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, u64_stats_read(&q->rxs.csum_offload) -
				    csum0, (u64)cases[i].ok, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, u64_stats_read(&q->rxs.gso_frames) -
				    gso0, (u64)(cases[i].ok && cases[i].gso_size),
				    "case %u", i);
		KUNIT_EXPECT_TRUE(test, netif_carrier_ok(c->dev));
	}
}

/*
 * A peer's TCP GSO frame loses SKB_GSO_DODGY (and may reach a TSO NIC
 * whole) only with an MSS GRO could have built: more than one segment,
 * each within the MTU, none below TCP's smallest MSS.
 */
static void dt_gso_trust(struct kunit *test)
{
	struct dt_ctx *c = test->priv;
	u32 i, hlen = ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr);
	u32 mss = c->dev->mtu + ETH_HLEN - hlen;
	const struct {
		u32 len, opts, gso_size;
		bool trusted;
	} cases[] = {
		{ 3000, 0, 1000, true },
		{ 3000, 0, mss, true },
		{ 3000, 0, mss + 1, false },
		{ 3000, 0, TCP_MIN_SND_MSS - 1, false },
		/* Options hide from the parser that it is one segment. */
		{ 1000, 12, 1000 - hlen - 12, false },
		{ 1000, 12, 1000 - hlen - 13, true },
	};

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u32 len = cases[i].len, h = hlen + cases[i].opts;
		struct xenc_frame_hdr fh = {
			.len = len,
			.flags = XENC_FRAME_CSUM_PARTIAL | XENC_FRAME_GSO,
			.csum_start = ETH_HLEN + sizeof(struct iphdr),
			.csum_offset = offsetof(struct tcphdr, check),
			.gso_type = XENC_GSO_TCPV4,
			.gso_size = cases[i].gso_size,
		};
		struct sk_buff *skb = alloc_skb(len, GFP_KERNEL);
		struct skb_shared_info *si;
		struct tcphdr *th;

		KUNIT_ASSERT_NOT_NULL(test, skb);
		dt_tcp4(skb_put(skb, len), len);
		th = (struct tcphdr *)(skb->data + fh.csum_start);
		th->doff = (h - fh.csum_start) / 4;
		skb->dev = c->dev;
		KUNIT_EXPECT_EQ_MSG(test, 0, xenc_offload_from_frame(skb, &fh),
				    "case %u", i);
		si = skb_shinfo(skb);
		KUNIT_EXPECT_EQ_MSG(test, si->gso_size, cases[i].gso_size,
				    "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, !(si->gso_type & SKB_GSO_DODGY),
				    cases[i].trusted, "case %u", i);
		if (cases[i].trusted)
			KUNIT_EXPECT_EQ_MSG(test, si->gso_segs,
					    DIV_ROUND_UP(len - h,
							 cases[i].gso_size),
					    "case %u", i);
		kfree_skb(skb);
	}
}

struct dt_detacher {
	struct delayed_work work;
	struct dt_ctx *c;
};

static void dt_detach_fn(struct work_struct *w)
{
	struct dt_detacher *d = container_of(to_delayed_work(w),
					     struct dt_detacher, work);

	xenc_ep_detach(&d->c->ep);
}

/*
 * The peer leaves while a live resize waits for it to quiesce: the resize
 * fails, and once the peer is back the link carries traffic again.
 */
static void dt_reconfig_peer_leaves(struct kunit *test)
{
	struct dt_ctx *c = test->priv;
	const struct ethtool_ops *ops = c->dev->ethtool_ops;
	struct kernel_ethtool_ringparam kring = {};
	struct ethtool_ringparam ring = {};
	struct dt_detacher d = { .c = c };
	int err;

	ops->get_ringparam(c->dev, &ring, &kring, NULL);
	ring.rx_pending = ring.rx_pending == XENC_RING_SLOTS_MIN ?
			  2 * XENC_RING_SLOTS_MIN : XENC_RING_SLOTS_MIN;
	/* The peer is not ticking: it never quiesces, it goes away. */
	INIT_DELAYED_WORK(&d.work, dt_detach_fn);
	schedule_delayed_work(&d.work, msecs_to_jiffies(50));
	rtnl_lock();
	err = ops->set_ringparam(c->dev, &ring, &kring, NULL);
	rtnl_unlock();
	flush_delayed_work(&d.work);
	KUNIT_EXPECT_EQ(test, err, -ECONNRESET);
	KUNIT_ASSERT_TRUE(test, dt_wait(c, dt_down));
	dt_attach(c);
	KUNIT_ASSERT_TRUE(test, dt_wait(c, dt_up));
	KUNIT_EXPECT_TRUE(test, dt_wait(c, dt_txq0_running));
}

/* All ethtool -S counters of a device, by name. */
struct dt_counters {
	int n;
	u8 (*names)[ETH_GSTRING_LEN];
	u64 *before, *after;
};

static void dt_counters_init(struct kunit *test, struct dt_ctx *c,
			     struct dt_counters *k)
{
	const struct ethtool_ops *ops = c->dev->ethtool_ops;

	k->n = ops->get_sset_count(c->dev, ETH_SS_STATS);
	KUNIT_ASSERT_GT(test, k->n, 0);
	k->names = kunit_kcalloc(test, k->n, ETH_GSTRING_LEN, GFP_KERNEL);
	k->before = kunit_kcalloc(test, k->n, sizeof(u64), GFP_KERNEL);
	k->after = kunit_kcalloc(test, k->n, sizeof(u64), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k->names);
	KUNIT_ASSERT_NOT_NULL(test, k->before);
	KUNIT_ASSERT_NOT_NULL(test, k->after);
	ops->get_strings(c->dev, ETH_SS_STATS, (u8 *)k->names);
}

static bool dt_listed(const char *name, const char * const *list)
{
	for (; *list; list++)
		if (!strcmp(name, *list))
			return true;
	return false;
}

/*
 * Run @provoke between two reads of every counter: each of @must moved,
 * nothing outside @must and @may moved, nothing went back.
 */
static void dt_event(struct kunit *test, struct dt_ctx *c,
		     struct dt_counters *k, const char *event,
		     void (*provoke)(struct kunit *test, struct dt_ctx *c),
		     const char * const *must, const char * const *may)
{
	const struct ethtool_ops *ops = c->dev->ethtool_ops;
	int i;

	ops->get_ethtool_stats(c->dev, NULL, k->before);
	provoke(test, c);
	ops->get_ethtool_stats(c->dev, NULL, k->after);
	for (i = 0; i < k->n; i++) {
		const char *name = k->names[i];
		bool moved = k->after[i] != k->before[i];

		KUNIT_EXPECT_GE_MSG(test, k->after[i], k->before[i],
				    "%s: %s went back", event, name);
		if (dt_listed(name, must))
			KUNIT_EXPECT_TRUE_MSG(test, moved, "%s: %s did not move",
					      event, name);
		else if (moved && !dt_listed(name, may))
			KUNIT_FAIL(test, "%s: %s moved", event, name);
	}
}

/* ndo_start_xmit on queue 0 as the core calls it, queue state aside. */
static netdev_tx_t dt_xmit_direct(struct dt_ctx *c, u32 len)
{
	struct netdev_queue *txq = netdev_get_tx_queue(c->dev, 0);
	struct sk_buff *skb = dt_skb(c->dev, len, 0);
	netdev_tx_t rc;

	if (!skb)
		return NETDEV_TX_BUSY;
	skb_set_queue_mapping(skb, 0);
	local_bh_disable();
	__netif_tx_lock(txq, smp_processor_id());
	rc = netdev_start_xmit(skb, c->dev, txq, false);
	__netif_tx_unlock(txq);
	local_bh_enable();
	if (rc != NETDEV_TX_OK)
		kfree_skb(skb);
	return rc;
}

static void dt_set_mtu(struct kunit *test, struct dt_ctx *c, int mtu)
{
	rtnl_lock();
	KUNIT_EXPECT_EQ(test, 0, dev_set_mtu(c->dev, mtu));
	rtnl_unlock();
}

static void dt_xmit_toobig(struct kunit *test, struct dt_ctx *c)
{
	KUNIT_EXPECT_EQ(test, NETDEV_TX_OK,
			dt_xmit_direct(c, XENC_FRAME_MAX + 1));
}

static void dt_xmit_down(struct kunit *test, struct dt_ctx *c)
{
	KUNIT_EXPECT_EQ(test, NETDEV_TX_OK, dt_xmit_direct(c, 100));
}

/* Three slots do not fit in the two an MTU increase left free. */
static void dt_xmit_full(struct kunit *test, struct dt_ctx *c)
{
	KUNIT_EXPECT_EQ(test, NETDEV_TX_BUSY, dt_xmit_direct(c, 5000));
}

/* The peer's consumer index leaps past everything published. */
static void dt_xmit_bad_cons(struct kunit *test, struct dt_ctx *c)
{
	struct xenc_ring_hdr *h = c->ep.q[0].rx.hdr;

	WRITE_ONCE(h->cons, READ_ONCE(h->prod) + 7);
	KUNIT_EXPECT_EQ(test, NETDEV_TX_OK, dt_xmit_direct(c, 5000));
}

/*
 * The transmit counters no guest test can reach: each moves for its own
 * event and nothing else does.  MTU 1000 keeps IPv6 (and its frames) off
 * the device until the MTU increase that makes a ring-full possible.
 */
static void dt_counters_tx(struct kunit *test)
{
	static const char * const toobig[] = { "q0_tx_drop_toobig", NULL };
	static const char * const down[] = { "q0_tx_drop_link_down", NULL };
	static const char * const full[] = { "q0_tx_ring_full", NULL };
	/* With MTU 9000, IPv6 is back and may take a slot and stop the queue. */
	static const char * const full_may[] = {
		"q0_tx_doorbells_sent", "q0_tx_doorbells_suppressed",
		"q0_tx_packets", "q0_tx_bytes", "q0_tx_queue_stops", NULL };
	static const char * const fault[] = {
		"q0_tx_drop_fault", "peer_fault_cons_range", NULL };
	static const char * const fault_may[] = {
		"link_disconnects", "q0_tx_doorbells_sent",
		"q0_tx_doorbells_suppressed", NULL };
	static const char * const none[] = { NULL };
	struct dt_ctx *c = test->priv;
	struct xenc_priv *priv = netdev_priv(c->dev);
	struct xenc_queue *q = &priv->queues[0];
	struct netdev_queue *txq = netdev_get_tx_queue(c->dev, 0);
	struct xenc_ep_config cfg = c->ep.cfg;
	struct xenc_frame_hdr fh;
	struct dt_counters k;
	struct xenc_span sp;
	u32 free_slots;

	dt_counters_init(test, c, &k);
	dt_set_mtu(test, c, 1000);
	/* Let what the stack sent before drain, then keep BQL out of it. */
	msleep(200);
	while (xenc_ep_recv(&c->ep, 0, &fh, &sp) == XENC_OK)
		xenc_ep_recv_done(&c->ep, 0, &fh);
	xenc_ep_recv_flush(&c->ep, 0);
#ifdef CONFIG_BQL
	txq->dql.min_limit = 1 << 30;
#endif
	dt_event(test, c, &k, "oversized frame", dt_xmit_toobig, toobig, none);

	xenc_ep_detach(&c->ep);
	KUNIT_ASSERT_TRUE(test, dt_wait(c, dt_down));
	dt_event(test, c, &k, "xmit on a down link", dt_xmit_down, down, none);
	xenc_ep_attach(&c->ep, c->peer->base, c->peer->size, &cfg, dt_notify,
		       c, 3);
	KUNIT_ASSERT_TRUE(test, dt_wait(c, dt_up));

	/* Fill all but two slots (the peer does not consume), then MTU up. */
	__netif_tx_lock_bh(txq);
	KUNIT_ASSERT_EQ(test, 0, xenc_ring_free(&q->tx, &free_slots));
	__netif_tx_unlock_bh(txq);
	while (q->tx.slots - xenc_ring_used(&q->tx) > 2)
		KUNIT_ASSERT_EQ(test, NETDEV_TX_OK, dt_xmit_direct(c, 100));
	dt_set_mtu(test, c, 9000);
	dt_event(test, c, &k, "ring full", dt_xmit_full, full, full_may);
	dt_event(test, c, &k, "faulty ring", dt_xmit_bad_cons, fault,
		 fault_may);
}

/* Take every frame queue 0 holds; NAPI's reclaim then sees it drained. */
static bool dt_q0_drained(struct dt_ctx *c)
{
	struct xenc_queue *q = &((struct xenc_priv *)netdev_priv(c->dev))->queues[0];
	struct xenc_frame_hdr fh;
	struct xenc_span sp;

	while (xenc_ep_recv(&c->ep, 0, &fh, &sp) == XENC_OK)
		xenc_ep_recv_done(&c->ep, 0, &fh);
	xenc_ep_recv_flush(&c->ep, 0);
	local_bh_disable();
	napi_schedule(&q->napi);
	local_bh_enable();
	return !xenc_tx_ring_busy(&q->tx);
}

/* A queue holds its flows while the peer has frames of it (affinity.c). */
static void dt_tx_busy(struct kunit *test)
{
	struct dt_ctx *c = test->priv;
	struct xenc_queue *q = &((struct xenc_priv *)netdev_priv(c->dev))->queues[0];

	KUNIT_ASSERT_TRUE(test, dt_wait(c, dt_q0_drained));
	KUNIT_ASSERT_EQ(test, NETDEV_TX_OK, dt_xmit_direct(c, 500));
	KUNIT_EXPECT_TRUE(test, xenc_tx_ring_busy(&q->tx));
	KUNIT_EXPECT_TRUE(test, dt_peer_get(c, 500, 0));
	KUNIT_EXPECT_TRUE(test, dt_wait(c, dt_q0_drained));
}

static struct kunit_case dt_cases[] = {
	KUNIT_CASE_SLOW(dt_xmit_sizes),
	KUNIT_CASE_SLOW(dt_poll_budget),
	KUNIT_CASE_SLOW(dt_stop_wake),
	KUNIT_CASE_SLOW(dt_carrier),
	KUNIT_CASE_SLOW(dt_counters_tx),
	KUNIT_CASE_SLOW(dt_peer_polling),
	KUNIT_CASE_SLOW(dt_tx_offload),
	KUNIT_CASE_SLOW(dt_rx_offload),
	KUNIT_CASE(dt_gso_trust),
	KUNIT_CASE_SLOW(dt_reconfig_peer_leaves),
	KUNIT_CASE_SLOW(dt_tx_busy),
	{}
};

static struct kunit_suite dt_suite = {
	.name = "xenc_driver",
	.init = dt_init,
	.exit = dt_exit,
	.test_cases = dt_cases,
};

kunit_test_suite(dt_suite);

MODULE_DESCRIPTION("KUnit tests for xenc");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

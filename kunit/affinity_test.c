// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: transmit queue choice (driver/affinity.c).  A TCP socket's skbs
 * carry ooo_okay whenever none of them is left in the host, which with a
 * copying driver is nearly always; the flow must not move while its queue's
 * ring still holds frames, and may once it is drained.
 */
#include <kunit/test.h>
#include <linux/etherdevice.h>
#include <linux/net.h>
#include <net/sock.h>
#include "xenc_skb.h"

#define AT_QUEUES	4
#define AT_HASHES	64

static void at_socket_keeps_queue(struct kunit *test)
{
	struct net_device *dev;
	struct socket *sock;
	struct sk_buff *skb;
	u32 h, moved = 0, kept = 0, freed = 0;

	dev = alloc_etherdev_mqs(0, AT_QUEUES, AT_QUEUES);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	skb = alloc_skb(64, GFP_KERNEL);
	if (!skb || sock_create_kern(&init_net, AF_INET, SOCK_STREAM,
				     IPPROTO_TCP, &sock)) {
		kfree_skb(skb);
		free_netdev(dev);
		KUNIT_FAIL(test, "no skb or socket");
		return;
	}
	sk_tx_queue_set(sock->sk, 3);
	for (h = 0; h < AT_HASHES; h++) {
		skb_set_hash(skb, h * 0x9e3779b9, PKT_HASH_TYPE_L4);
		/* Without a socket the hash spreads flows: this one would move. */
		skb->sk = NULL;
		skb->ooo_okay = 1;
		KUNIT_EXPECT_EQ(test, -1, xenc_flow_queue(skb, AT_QUEUES));
		moved += xenc_pick_tx(dev, skb, NULL, AT_QUEUES, false) != 3;

		skb->sk = sock->sk;
		KUNIT_EXPECT_EQ(test, 3, xenc_flow_queue(skb, AT_QUEUES));
		KUNIT_EXPECT_EQ(test, 1, xenc_flow_queue(skb, 2));
		/* Frames of the flow still in its ring: it stays. */
		skb->ooo_okay = 1;
		kept += xenc_pick_tx(dev, skb, NULL, AT_QUEUES, true) == 3;
		/* A layout that lost the queue: the flow lands on a live one. */
		skb->ooo_okay = 1;
		KUNIT_EXPECT_LT(test, xenc_pick_tx(dev, skb, NULL, 2, true), 2);
		KUNIT_EXPECT_EQ(test, 0, xenc_pick_tx(dev, skb, NULL, 0, true));
		/* Drained: ooo_okay lets it move (and the stack caches that). */
		skb->ooo_okay = 1;
		freed += xenc_pick_tx(dev, skb, NULL, AT_QUEUES, false) != 3;
		sk_tx_queue_set(sock->sk, 3);
	}
	KUNIT_EXPECT_EQ(test, kept, AT_HASHES);
	KUNIT_EXPECT_GT(test, moved, AT_HASHES / 2);
	KUNIT_EXPECT_EQ(test, freed, moved);
	skb->sk = NULL;
	kfree_skb(skb);
	sock_release(sock);
	free_netdev(dev);
}

static struct kunit_case at_cases[] = {
	KUNIT_CASE(at_socket_keeps_queue),
	{}
};

static struct kunit_suite at_suite = {
	.name = "xenc_affinity",
	.test_cases = at_cases,
};

kunit_test_suite(at_suite);

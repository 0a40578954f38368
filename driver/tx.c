// SPDX-License-Identifier: GPL-2.0
/*
 * xenc transmit: copy each skb once into the queue's Linux->peer ring.
 * A full ring stops the queue (frames wait in the qdisc, never dropped);
 * the peer's release of slots past our prod_event rings us to wake it.
 */
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include "xenc.h"
#include "trace.h"
#include "xenc_skb.h"

/*
 * Stop below one max-size frame (a whole GSO frame if GSO is on); wake
 * once a quarter ring is free too.
 */
void xenc_tx_set_thresholds(struct xenc_queue *q, unsigned int mtu)
{
	u32 slot = q->priv->host.layout.slot_size ?: XENC_SLOT_SIZE_DEFAULT;
	u32 slots = q->tx.slots ?: q->priv->l2p_slots;
	u32 len = mtu + VLAN_ETH_HLEN;
	u32 stop;

	if (q->tx.flags_ok & XENC_FRAME_GSO)
		len = max(len, q->tx.max_frame);
	stop = DIV_ROUND_UP(len + XENC_FRAME_HDR_SIZE, slot);

	WRITE_ONCE(q->stop_slots, min(stop, slots));
	WRITE_ONCE(q->wake_slots, min(max(stop, slots / 4), slots));
}

static void xenc_tx_stats_add(struct xenc_queue *q, u64_stats_t *ctr)
{
	u64_stats_update_begin(&q->txs.syncp);
	u64_stats_inc(ctr);
	u64_stats_update_end(&q->txs.syncp);
}

/* Collect what the peer consumed: complete BQL, wake a stopped queue. */
static bool xenc_tx_complete(struct xenc_queue *q, struct netdev_queue *txq)
{
	u32 free_slots, done;
	int rc;

	rc = xenc_ring_free(&q->tx, &free_slots);
	if (rc < 0) {
		xenc_link_fault(q->priv, rc);
		return false;
	}
	/* wait_space() also moves snap: account BQL from our own mark. */
	done = q->tx.snap - q->bql_done;
	q->bql_done = q->tx.snap;
	if (done)
		netdev_tx_completed_queue(txq, done, done << q->tx.shift);
	if (netif_tx_queue_stopped(txq) && READ_ONCE(q->priv->live) &&
	    !READ_ONCE(q->priv->quiescing) &&
	    free_slots >= READ_ONCE(q->wake_slots)) {
		netif_tx_wake_queue(txq);
		u64_stats_update_begin(&q->rxs.syncp);
		u64_stats_inc(&q->rxs.wakes);
		u64_stats_update_end(&q->rxs.syncp);
	}
	return done;
}

/*
 * While the queue is stopped (ring low, or BQL waiting for completions),
 * make sure the peer kicks us when it frees room.  If room appeared before
 * the request was visible, complete it here and look again.  Each round
 * either returns or completes slots, so this ends.
 */
static void xenc_tx_arm(struct xenc_queue *q, struct netdev_queue *txq)
{
	while (netif_xmit_stopped(txq) && xenc_ring_used(&q->tx)) {
		u32 want = netif_tx_queue_stopped(txq) ?
			   READ_ONCE(q->wake_slots) :
			   q->tx.slots - xenc_ring_used(&q->tx) + 1;

		if (!xenc_ring_wait_space(&q->tx, want) ||
		    !xenc_tx_complete(q, txq))
			return;
	}
}

/* From NAPI, under the queue's xmit lock. */
void xenc_tx_reclaim(struct xenc_queue *q, struct netdev_queue *txq)
{
	if (xenc_tx_complete(q, txq))
		xenc_tx_arm(q, txq);
}

/* Publish; kick the peer if it asked, unless coalescing defers it. */
static void xenc_tx_kick(struct xenc_queue *q, bool urgent)
{
	u32 frames = q->tx.head - q->tx.pub;

	if (xenc_ring_publish(&q->tx) &&
	    xenc_tx_coalesce_kick(q, frames, urgent))
		xenc_tx_stats_add(q, &q->txs.kicks);
	else
		xenc_tx_stats_add(q, &q->txs.kicks_suppressed);
}

/* Publish frames an interrupted xmit_more batch left unpublished. */
void xenc_tx_flush(struct xenc_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->priv->dev, q->index);

	__netif_tx_lock_bh(txq);
	if (q->tx.head != q->tx.pub)
		xenc_tx_kick(q, true);
	__netif_tx_unlock_bh(txq);
}

static netdev_tx_t xenc_tx_drop(struct xenc_queue *q, struct sk_buff *skb,
				u64_stats_t *why)
{
	xenc_tx_stats_add(q, why);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* The ring takes frames: connected, not quiescing, this queue in use. */
bool xenc_tx_usable(struct xenc_queue *q)
{
	struct xenc_priv *priv = q->priv;

	return READ_ONCE(priv->live) && !READ_ONCE(priv->quiescing) &&
	       q->index < READ_ONCE(priv->num_queues);
}

/*
 * After priv->live went false: wait out every producer that saw it true.
 * Only ndo_xdp_xmit can run while the device is down, and it holds the
 * queue's xmit lock throughout.
 */
void xenc_tx_sync(struct xenc_priv *priv)
{
	u32 q;

	for (q = 0; q < priv->dev->num_tx_queues; q++) {
		struct netdev_queue *txq = netdev_get_tx_queue(priv->dev, q);

		__netif_tx_lock_bh(txq);
		__netif_tx_unlock_bh(txq);
	}
}

/* One XDP frame (XDP_TX, ndo_xdp_xmit) into the ring, under the xmit lock. */
int xenc_tx_xdp_frame(struct xenc_queue *q, struct netdev_queue *txq,
		      const void *data, u32 len)
{
	struct xenc_frame_hdr fh = { .len = len };
	struct xenc_span sp;
	int rc;

	rc = xenc_ring_put(&q->tx, &fh, &sp);
	if (unlikely(rc)) {
		if (rc < 0)
			xenc_link_fault(q->priv, rc);
		return -ENOSPC;
	}
	xenc_span_from_buf(&sp, data);
	/* BQL completes every slot the peer frees, so account these too. */
	__netdev_tx_sent_queue(txq, xenc_frame_slots(&q->tx, len) << q->tx.shift,
			       true);
	u64_stats_update_begin(&q->txs.syncp);
	u64_stats_inc(&q->txs.packets);
	u64_stats_add(&q->txs.bytes, len);
	u64_stats_update_end(&q->txs.syncp);
	return 0;
}

/* End of a batch of XDP frames: publish, kick if the peer wants it. */
void xenc_tx_xdp_done(struct xenc_queue *q, struct netdev_queue *txq)
{
	xenc_tx_kick(q, false);
}

/*
 * Offloads were renegotiated under an skb already validated for the old
 * set: finish its checksum here; a GSO skb cannot be sent (rare, counted).
 */
static int xenc_tx_no_offload(struct sk_buff *skb, struct xenc_frame_hdr *fh)
{
	if (skb_is_gso(skb))
		return -EOPNOTSUPP;
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		return -EINVAL;
	memset(fh, 0, sizeof(*fh));
	fh->len = skb->len;
	return 0;
}

/* Dropping a batch's last frame must still publish the batch. */
static void xenc_tx_publish_batch(struct xenc_queue *q)
{
	if (!netdev_xmit_more() && q->tx.head != q->tx.pub)
		xenc_tx_kick(q, true);
}

netdev_tx_t xenc_start_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u16 qi = skb_get_queue_mapping(skb);
	struct xenc_queue *q = &priv->queues[qi];
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qi);
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	bool kick, low;
	u32 used;
	int rc;

	if (unlikely(!READ_ONCE(priv->live) || qi >= priv->num_queues))
		return xenc_tx_drop(q, skb, &q->txs.drop_down);
	if (unlikely(xenc_offload_to_frame(skb, &fh, q->tx.flags_ok,
					   q->tx.max_frame)) &&
	    xenc_tx_no_offload(skb, &fh)) {
		xenc_tx_publish_batch(q);
		return xenc_tx_drop(q, skb, &q->txs.drop_offload);
	}
	rc = xenc_ring_put(&q->tx, &fh, &sp);
	if (unlikely(rc == XENC_FULL)) {
		/* Only after an MTU increase: the qdisc keeps the skb. */
		netif_tx_stop_queue(txq);
		xenc_tx_stats_add(q, &q->txs.ring_full);
		xenc_tx_kick(q, true);
		xenc_tx_arm(q, txq);
		return NETDEV_TX_BUSY;
	}
	if (unlikely(rc == XENC_TOOBIG)) {
		xenc_tx_publish_batch(q);
		return xenc_tx_drop(q, skb, &q->txs.drop_toobig);
	}
	if (unlikely(rc < 0)) {
		xenc_link_fault(priv, rc);
		return xenc_tx_drop(q, skb, &q->txs.drop_fault);
	}
	skb_copy_bits(skb, 0, sp.p[0], sp.n[0]);
	if (sp.n[1])
		skb_copy_bits(skb, sp.n[0], sp.p[1], sp.n[1]);
	trace_xenc_xmit(q, &q->tx, fh.len);
	/* The frame is in the ring: as near to "on the wire" as it gets. */
	skb_tx_timestamp(skb);

	u64_stats_update_begin(&q->txs.syncp);
	u64_stats_inc(&q->txs.packets);
	u64_stats_add(&q->txs.bytes, skb->len);
	if (fh.flags & XENC_FRAME_CSUM_PARTIAL)
		u64_stats_inc(&q->txs.csum_offload);
	if (fh.flags & XENC_FRAME_GSO)
		u64_stats_inc(&q->txs.gso_frames);
	u64_stats_update_end(&q->txs.syncp);

	used = xenc_frame_slots(&q->tx, fh.len);
	kick = __netdev_tx_sent_queue(txq, used << q->tx.shift,
				      netdev_xmit_more());
	dev_consume_skb_any(skb);

	low = q->tx.slots - xenc_ring_used(&q->tx) < READ_ONCE(q->stop_slots);
	if (low) {
		netif_tx_stop_queue(txq);
		xenc_tx_stats_add(q, &q->txs.stops);
	}
	if (netif_xmit_stopped(txq)) {
		xenc_tx_kick(q, true);
		xenc_tx_arm(q, txq);
	} else if (kick) {
		xenc_tx_kick(q, false);
	}
	return NETDEV_TX_OK;
}

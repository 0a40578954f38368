// SPDX-License-Identifier: GPL-2.0
/*
 * xenc receive: NAPI drains the peer->Linux ring with one copy per frame,
 * reclaims the transmit ring, and re-arms the doorbell race-free.
 */
#include <linux/etherdevice.h>
#include "xenc.h"

/* Hand slots back every few frames so a blocked peer restarts early. */
#define XENC_RX_RELEASE_BATCH	16

static void xenc_rx_release(struct xenc_queue *q)
{
	u64_stats_t *ctr = &q->rxs.kicks_suppressed;

	if (q->rx.head == q->rx.pub)
		return;
	if (xenc_ring_release(&q->rx)) {
		xenc_shm_kick(q->priv->shm, q->vector);
		ctr = &q->rxs.kicks;
	}
	u64_stats_update_begin(&q->rxs.syncp);
	u64_stats_inc(ctr);
	u64_stats_update_end(&q->rxs.syncp);
}

static struct sk_buff *xenc_rx_build(struct xenc_queue *q,
				     const struct xenc_frame_hdr *fh,
				     const struct xenc_span *sp)
{
	struct sk_buff *skb = napi_alloc_skb(&q->napi, fh->len);

	if (unlikely(!skb))
		return NULL;
	/* The peer may rewrite the payload under us; it is only data. */
	xenc_span_to_buf(sp, skb_put(skb, fh->len));
	skb->protocol = eth_type_trans(skb, q->priv->dev);
	skb_record_rx_queue(skb, q->index);
	return skb;
}

static int xenc_rx(struct xenc_queue *q, int budget)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	struct sk_buff *skb;
	u64 bytes = 0, nomem = 0;
	int done = 0, rc;

	while (done < budget) {
		rc = xenc_ring_peek(&q->rx, &fh, &sp);
		if (rc == XENC_EMPTY)
			break;
		if (unlikely(rc < 0)) {
			/* The frame at head is lost with the ring's reset. */
			u64_stats_update_begin(&q->rxs.syncp);
			u64_stats_inc(&q->rxs.drop_fault);
			u64_stats_update_end(&q->rxs.syncp);
			xenc_link_fault(q->priv, rc);
			break;
		}
		skb = xenc_rx_build(q, &fh, &sp);
		xenc_ring_consume(&q->rx, &fh);
		done++;
		if (unlikely(!skb)) {
			nomem++;
		} else {
			bytes += fh.len;
			napi_gro_receive(&q->napi, skb);
		}
		if (!(done % XENC_RX_RELEASE_BATCH))
			xenc_rx_release(q);
	}
	xenc_rx_release(q);

	u64_stats_update_begin(&q->rxs.syncp);
	u64_stats_add(&q->rxs.packets, done - nomem);
	u64_stats_add(&q->rxs.bytes, bytes);
	u64_stats_add(&q->rxs.drop_nomem, nomem);
	u64_stats_inc(&q->rxs.polls);
	if (done == budget)
		u64_stats_inc(&q->rxs.budget_exhausted);
	u64_stats_update_end(&q->rxs.syncp);
	return done;
}

int xenc_poll(struct napi_struct *napi, int budget)
{
	struct xenc_queue *q = container_of(napi, struct xenc_queue, napi);
	struct netdev_queue *txq = netdev_get_tx_queue(q->priv->dev, q->index);
	int done;

	if (unlikely(!READ_ONCE(q->priv->live))) {
		napi_complete(napi);
		return 0;
	}
	__netif_tx_lock(txq, smp_processor_id());
	xenc_tx_reclaim(q, txq);
	__netif_tx_unlock(txq);

	done = xenc_rx(q, budget);
	if (done < budget && napi_complete_done(napi, done)) {
		/* Frames published before the re-arm must not wait for a kick. */
		if (xenc_rx_rearm(q, done))
			napi_schedule(napi);
	}
	return done;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * xenc receive: NAPI drains the peer->Linux ring with one copy per frame
 * (rxbuf.c), runs XDP if a program is attached (xdp.c), applies checksum
 * and GSO metadata (offload.c), hands skbs to GRO, reclaims the transmit
 * ring, and re-arms the doorbell race-free.
 */
#include <linux/etherdevice.h>
#include "xenc.h"
#include "trace.h"
#include "xenc_skb.h"

/*
 * Hand slots back every few frames so a blocked peer restarts early.
 * Not every quarter ring as well: in a 2-vCPU guest that cost 20-30 % of
 * TCP 4-stream and UDP 64 KB throughput (more releases, more doorbells).
 */
#define XENC_RX_RELEASE_BATCH	16

/* The queue's page_pool, also the memory model of its XDP buffers. */
int xenc_rx_queue_init(struct xenc_queue *q)
{
	int err;

	q->pool = xenc_rx_pool_create(q->priv->dev, &q->napi,
				      XENC_RX_POOL_SIZE);
	if (IS_ERR(q->pool)) {
		err = PTR_ERR(q->pool);
		q->pool = NULL;
		return err;
	}
	err = xdp_rxq_info_reg(&q->xdp_rxq, q->priv->dev, q->index,
			       q->napi.napi_id);
	if (!err)
		err = xdp_rxq_info_reg_mem_model(&q->xdp_rxq,
						 MEM_TYPE_PAGE_POOL, q->pool);
	if (err) {
		if (xdp_rxq_info_is_reg(&q->xdp_rxq))
			xdp_rxq_info_unreg(&q->xdp_rxq);
		page_pool_destroy(q->pool);
		q->pool = NULL;
	}
	return err;
}

/* NAPI must be disabled: the pool recycles straight into its cache. */
void xenc_rx_queue_exit(struct xenc_queue *q)
{
	if (!q->pool)
		return;
	xdp_rxq_info_unreg(&q->xdp_rxq);
	page_pool_destroy(q->pool);
	q->pool = NULL;
}

static void xenc_rx_release(struct xenc_queue *q)
{
	u64_stats_t *ctr = &q->rxs.kicks_suppressed;

	if (q->rx.head == q->rx.pub)
		return;
	if (xenc_ring_release(&q->rx)) {
		xenc_kick(q->priv, q->vector);
		ctr = &q->rxs.kicks;
	}
	u64_stats_update_begin(&q->rxs.syncp);
	u64_stats_inc(ctr);
	u64_stats_update_end(&q->rxs.syncp);
}

static void xenc_rx_bad_meta(struct xenc_queue *q,
			     const struct xenc_frame_hdr *fh)
{
	/* Well-formed metadata that does not match the packet: drop it. */
	xenc_count_fault(q->priv, fh->flags & XENC_FRAME_GSO ?
			 XENC_FAULT_GSO : XENC_FAULT_CSUM);
}

/* Hand one frame's skb to the stack; false if it had to be dropped. */
static bool xenc_rx_up(struct xenc_queue *q, struct sk_buff *skb,
		       const struct xenc_frame_hdr *fh)
{
	struct net_device *dev = q->priv->dev;

	skb->dev = dev;
	if (fh->flags && unlikely(xenc_offload_from_frame(skb, fh))) {
		xenc_rx_bad_meta(q, fh);
		napi_consume_skb(skb, 1);
		return false;
	}
	skb->protocol = eth_type_trans(skb, dev);
	skb_record_rx_queue(skb, q->index);
	napi_gro_receive(&q->napi, skb);
	return true;
}

static int xenc_rx(struct xenc_queue *q, int budget)
{
	struct xenc_xdp_batch xb = {};
	struct xenc_frame_hdr fh;
	struct bpf_prog *prog;
	struct xenc_span sp;
	struct sk_buff *skb;
	u64 pkts = 0, bytes = 0, nomem = 0, bad = 0, csum = 0, gso = 0;
	int done = 0, rc;
	bool oom;

	rcu_read_lock();
	prog = rcu_dereference(q->priv->xdp_prog);
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
		trace_xenc_rx(q, &q->rx, fh.len);
		oom = false;
		if (prog)
			skb = xenc_xdp_rx(q, prog, &fh, &sp, &xb, &oom);
		else if (unlikely(atomic_read(&q->priv->fail_rx_alloc)) &&
			 atomic_dec_if_positive(&q->priv->fail_rx_alloc) >= 0)
			skb = NULL;	/* injected: tests reach this path */
		else
			skb = xenc_rx_skb(&q->napi, q->pool, &sp, fh.len);
		/* The peer may rewrite the payload under us; it is only data. */
		xenc_ring_consume(&q->rx, &fh);
		done++;
		if (unlikely(!skb)) {
			/* Out of memory, or XDP took the frame: no skb. */
			if (oom || !prog) {
				nomem++;
				goto next;
			}
		} else if (unlikely(!xenc_rx_up(q, skb, &fh))) {
			bad++;
			goto next;
		}
		pkts++;
		bytes += fh.len;
		csum += !!(fh.flags & (XENC_FRAME_CSUM_PARTIAL |
				       XENC_FRAME_DATA_VALID));
		gso += !!(fh.flags & XENC_FRAME_GSO);
next:
		if (!(done % XENC_RX_RELEASE_BATCH))
			xenc_rx_release(q);
	}
	xenc_xdp_flush(q, &xb);
	rcu_read_unlock();
	xenc_rx_release(q);

	u64_stats_update_begin(&q->rxs.syncp);
	u64_stats_add(&q->rxs.packets, pkts);
	u64_stats_add(&q->rxs.bytes, bytes);
	u64_stats_add(&q->rxs.drop_nomem, nomem);
	u64_stats_add(&q->rxs.drop_offload, bad);
	u64_stats_add(&q->rxs.csum_offload, csum);
	u64_stats_add(&q->rxs.gso_frames, gso);
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

	/* Also a queue the layout no longer has (timer, busy poll). */
	if (unlikely(!READ_ONCE(q->priv->live) ||
		     q->index >= READ_ONCE(q->priv->num_queues))) {
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

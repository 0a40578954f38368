// SPDX-License-Identifier: GPL-2.0
/*
 * XDP on receive (PASS, DROP, TX, REDIRECT) and ndo_xdp_xmit.
 *
 * A frame is copied out of the ring into a page of the queue's page_pool
 * with XDP_PACKET_HEADROOM in front, the program runs on it, and the page
 * becomes the skb (PASS), goes back to the pool (DROP, and TX once copied
 * into our transmit ring) or travels on as an xdp_frame (REDIRECT).
 *
 * XDP needs every frame in one linear page and no offload metadata it
 * could invalidate, so attaching a program renegotiates the link (live,
 * through QUIESCE) with max_frame limited to a page and without CSUM and
 * GSO, and refuses an MTU that would not fit; detaching restores both.
 */
#include <linux/bpf.h>
#include <linux/bpf_trace.h>
#include <linux/filter.h>
#include <linux/if_vlan.h>
#include <net/xdp.h>
#include "xenc.h"

/* Largest MTU a linear XDP buffer can take (VLAN-tagged). */
#define XENC_XDP_MAX_MTU	(XENC_RX_PAGE_MAX - VLAN_ETH_HLEN)

bool xenc_xdp_mtu_ok(struct xenc_priv *priv, int mtu)
{
	return !priv->xdp_on || mtu <= XENC_XDP_MAX_MTU;
}

u32 xenc_xdp_max_frame(struct xenc_priv *priv)
{
	return priv->xdp_on ? XENC_RX_PAGE_MAX : XENC_FRAME_MAX;
}

static void xenc_xdp_stat(struct xenc_queue *q, u64_stats_t *ctr)
{
	u64_stats_update_begin(&q->rxs.syncp);
	u64_stats_inc(ctr);
	u64_stats_update_end(&q->rxs.syncp);
}

/* XDP_TX frames of one poll go out under one lock, then to the pool. */
void xenc_xdp_flush(struct xenc_queue *q, struct xenc_xdp_batch *b)
{
	struct netdev_queue *txq;
	u32 i, sent = 0;

	if (b->redirect) {
		xdp_do_flush();
		b->redirect = false;
	}
	if (!b->n)
		return;
	txq = netdev_get_tx_queue(q->priv->dev, q->index);
	__netif_tx_lock(txq, smp_processor_id());
	for (i = 0; i < b->n && xenc_tx_usable(q); i++)
		if (!xenc_tx_xdp_frame(q, txq, page_address(b->page[i]) +
				       b->off[i], b->len[i]))
			sent++;
	if (sent)
		xenc_tx_xdp_done(q, txq);
	__netif_tx_unlock(txq);
	for (i = 0; i < b->n; i++)
		page_pool_recycle_direct(q->pool, b->page[i]);
	u64_stats_update_begin(&q->rxs.syncp);
	u64_stats_add(&q->rxs.xdp_tx, sent);
	u64_stats_add(&q->rxs.xdp_tx_errors, b->n - sent);
	u64_stats_update_end(&q->rxs.syncp);
	b->n = 0;
}

/*
 * Run @prog on one frame.  Returns the skb to pass up, or NULL when the
 * program consumed the frame (or memory ran out: *nomem is set).
 */
struct sk_buff *xenc_xdp_rx(struct xenc_queue *q, struct bpf_prog *prog,
			    const struct xenc_frame_hdr *fh,
			    const struct xenc_span *sp,
			    struct xenc_xdp_batch *b, bool *nomem)
{
	struct net_device *dev = q->priv->dev;
	struct xdp_buff xdp;
	struct sk_buff *skb;
	struct page *page;
	u8 *va;
	u32 act;

	*nomem = false;
	/* The negotiated max_frame guarantees this; never overrun a page. */
	if (unlikely(fh->len > XENC_RX_PAGE_MAX)) {
		xenc_xdp_stat(q, &q->rxs.xdp_aborted);
		return NULL;
	}
	page = page_pool_dev_alloc_pages(q->pool);
	if (unlikely(!page)) {
		*nomem = true;
		return NULL;
	}
	va = page_address(page);
	xenc_span_read(sp, 0, va + XENC_RX_HEADROOM, fh->len);
	xdp_init_buff(&xdp, PAGE_SIZE, &q->xdp_rxq);
	xdp_prepare_buff(&xdp, va, XENC_RX_HEADROOM, fh->len, true);

	act = bpf_prog_run_xdp(prog, &xdp);
	xenc_xdp_stat(q, &q->rxs.xdp_packets);
	switch (act) {
	case XDP_PASS:
		skb = xenc_rx_skb_page(q->pool, page, xdp.data - (void *)va,
				       xdp.data_end - xdp.data,
				       xdp.data - xdp.data_meta);
		*nomem = !skb;
		return skb;
	case XDP_TX:
		if (b->n == XENC_XDP_BATCH)
			xenc_xdp_flush(q, b);
		b->page[b->n] = page;
		b->off[b->n] = xdp.data - (void *)va;
		b->len[b->n] = xdp.data_end - xdp.data;
		b->n++;
		return NULL;
	case XDP_REDIRECT:
		if (xdp_do_redirect(dev, &xdp, prog)) {
			xenc_xdp_stat(q, &q->rxs.xdp_redirect_errors);
			break;
		}
		b->redirect = true;
		xenc_xdp_stat(q, &q->rxs.xdp_redirect);
		return NULL;
	case XDP_DROP:
		xenc_xdp_stat(q, &q->rxs.xdp_drop);
		break;
	default:
		bpf_warn_invalid_xdp_action(dev, prog, act);
		fallthrough;
	case XDP_ABORTED:
		trace_xdp_exception(dev, prog, act);
		xenc_xdp_stat(q, &q->rxs.xdp_aborted);
		break;
	}
	page_pool_recycle_direct(q->pool, page);
	return NULL;
}

/*
 * ndo_xdp_xmit: frames redirected to us.  Each is copied into the ring of
 * this CPU's queue at once, so it goes back to its owner right away.
 */
int xenc_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		  u32 flags)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u32 nq = READ_ONCE(priv->num_queues);
	struct netdev_queue *txq;
	struct xenc_queue *q;
	int i = 0;
	u32 qi;

	if (unlikely(flags & ~XDP_XMIT_FLAGS_MASK))
		return -EINVAL;
	if (unlikely(!nq))
		return -ENETDOWN;
	qi = smp_processor_id() % nq;
	q = &priv->queues[qi];
	txq = netdev_get_tx_queue(dev, qi);
	__netif_tx_lock(txq, smp_processor_id());
	/* Under the lock: a ring change waits for us (xenc_tx_sync). */
	if (likely(xenc_tx_usable(q))) {
		for (; i < n; i++) {
			if (xenc_tx_xdp_frame(q, txq, frames[i]->data,
					      frames[i]->len))
				break;
			xdp_return_frame(frames[i]);
		}
		if (i && (flags & XDP_XMIT_FLUSH))
			xenc_tx_xdp_done(q, txq);
	}
	u64_stats_update_begin(&q->txs.syncp);
	u64_stats_add(&q->txs.xdp_xmit, i);
	u64_stats_add(&q->txs.xdp_xmit_errors, n - i);
	u64_stats_update_end(&q->txs.syncp);
	__netif_tx_unlock(txq);
	return i;
}

static int xenc_xdp_set(struct net_device *dev, struct bpf_prog *prog,
			struct netlink_ext_ack *extack)
{
	struct xenc_priv *priv = netdev_priv(dev);
	struct bpf_prog *old = rtnl_dereference(priv->xdp_prog);
	int err;

	if (prog && dev->mtu > XENC_XDP_MAX_MTU) {
		NL_SET_ERR_MSG_MOD(extack,
				   "MTU too large for XDP: a frame must fit in one page");
		netdev_warn(dev, "XDP needs an MTU of at most %lu\n",
			    (unsigned long)XENC_XDP_MAX_MTU);
		return -ERANGE;
	}
	if (prog && !old) {
		/* Renegotiate first: the program only ever sees small frames. */
		priv->xdp_on = true;
		err = xenc_reconfig(priv, priv->l2p_slots, priv->p2l_slots,
				    priv->req_queues, extack);
		if (err) {
			priv->xdp_on = false;
			return err;
		}
	}
	rcu_assign_pointer(priv->xdp_prog, prog);
	if (old)
		bpf_prog_put(old);
	/* Unregistering: nothing to renegotiate, the link is going away. */
	if (!prog && old && dev->reg_state == NETREG_REGISTERED) {
		priv->xdp_on = false;
		/* On failure the old rings stay: still correct, just small. */
		if (xenc_reconfig(priv, priv->l2p_slots, priv->p2l_slots,
				  priv->req_queues, NULL))
			netdev_warn(dev, "offloads stay off until the next reconnect\n");
	}
	return 0;
}

int xenc_xdp(struct net_device *dev, struct netdev_bpf *bpf)
{
	switch (bpf->command) {
	case XDP_SETUP_PROG:
		return xenc_xdp_set(dev, bpf->prog, bpf->extack);
	default:
		return -EINVAL;
	}
}

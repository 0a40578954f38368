// SPDX-License-Identifier: GPL-2.0
/*
 * xenc test peer: the portable co-kernel endpoint (cokernel/xenc_ep.c)
 * hosted in Linux, presenting the co-kernel VM's NIC as a net_device so a
 * network namespace can stand in for the VM.  It is also the reference port:
 * everything a Kitten or Palacios port must do is in this file.
 */
#include <linux/debugfs.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/if_vlan.h>
#include <linux/jhash.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include <linux/u64_stats_sync.h>
#include "peer.h"
#include "xenc_version.h"
#include "xenc_skb.h"
#include "xenc_compat_linux.h"

static unsigned int peer_queues = XENC_MAX_QUEUES;
module_param(peer_queues, uint, 0444);
MODULE_PARM_DESC(peer_queues, "Queue pairs the peer offers");

static unsigned int peer_tick_ms = 100;
module_param(peer_tick_ms, uint, 0644);
MODULE_PARM_DESC(peer_tick_ms, "Peer heartbeat/handshake period (ms)");

static bool peer_polling;
module_param(peer_polling, bool, 0444);
MODULE_PARM_DESC(peer_polling, "Declare the peer polling: no doorbells to it");

static unsigned int peer_poll_us = 100;
module_param(peer_poll_us, uint, 0644);
MODULE_PARM_DESC(peer_poll_us,
		 "Ring poll interval when polling: no doorbells, or Linux polls (us)");

static bool peer_offloads = true;
module_param(peer_offloads, bool, 0644);
MODULE_PARM_DESC(peer_offloads,
		 "Offer checksum and GSO offloads (false: an old peer; next attach)");

static struct dentry *xpeer_dbg_root;

static void xpeer_notify(void *ctx, u32 vector)
{
	struct xpeer *xp = ctx;

	xenc_shm_kick(xp->shm, vector);
}

static u32 xpeer_nq(struct xpeer *xp)
{
	return xenc_ep_num_queues(&xp->ep);
}

/*
 * Without doorbells to us (a transport with no vectors, or we declared
 * ourselves polling) nothing but a timer brings us back to the rings.
 * Linux polling too means neither side is interrupted: poll as well.
 */
static bool xpeer_polls(struct xpeer *xp)
{
	return !xp->shm->nvec || peer_polling ||
	       (READ_ONCE(xp->ep.linux_flags) & XENC_LINUX_F_POLLING);
}

static enum hrtimer_restart xpeer_poll_timer_fn(struct hrtimer *t)
{
	struct xpeer_queue *pq = container_of(t, struct xpeer_queue,
					      poll_timer);

	napi_schedule(&pq->napi);
	return HRTIMER_NORESTART;
}

/* Poll again soon while busy; back off up to 2^6 intervals while idle. */
static void xpeer_poll_rearm(struct xpeer_queue *pq, bool busy)
{
	u32 us = clamp(READ_ONCE(peer_poll_us), 1u, USEC_PER_SEC);

	pq->poll_shift = busy ? 0 : min(pq->poll_shift + 1, 6u);
	hrtimer_start(&pq->poll_timer,
		      ns_to_ktime((u64)us * NSEC_PER_USEC << pq->poll_shift),
		      HRTIMER_MODE_REL);
}

static void xpeer_schedule_all(struct xpeer *xp)
{
	u32 q;

	for (q = 0; q < xpeer_nq(xp); q++)
		napi_schedule(&xp->q[q].napi);
}

/* Control path: heartbeat and handshake, then act on what changed. */
static void xpeer_tick(struct work_struct *work)
{
	struct xpeer *xp = container_of(to_delayed_work(work), struct xpeer,
					tick);
	enum xenc_ep_event ev;

	write_lock_bh(&xp->lock);
	ev = xp->attached && !xp->hold_ctrl ? xenc_ep_tick(&xp->ep) :
					      XENC_EP_NONE;
	if (xp->hostile) {
		int i;

		for (i = 0; i < 8; i++)
			xpeer_hostile_step(xp);
	}
	if (xp->hcase)
		xpeer_hcase_tick(xp);
	write_unlock_bh(&xp->lock);

	switch (ev) {
	case XENC_EP_CONNECTED:
		if (xp->shm->spread_vectors)
			xenc_set_xps(xp->dev, xpeer_nq(xp));
		netif_carrier_on(xp->dev);
		netif_tx_wake_all_queues(xp->dev);
		local_bh_disable();
		xpeer_schedule_all(xp);
		local_bh_enable();
		break;
	case XENC_EP_DISCONNECTED:
		netif_carrier_off(xp->dev);
		break;
	case XENC_EP_QUIESCE:
		/* Hold new frames in the qdisc; keep draining Linux's. */
		netif_tx_stop_all_queues(xp->dev);
		local_bh_disable();
		xpeer_schedule_all(xp);
		local_bh_enable();
		mod_delayed_work(system_wq, &xp->tick, 1);
		return;
	default:
		break;
	}
	if (!READ_ONCE(xp->dying))
		schedule_delayed_work(&xp->tick,
				      msecs_to_jiffies(xp->hostile || xp->hcase ?
						       10 : peer_tick_ms));
}

/* Hard IRQ: Linux rang us. */
static void xpeer_doorbell(void *ctx, u32 vector)
{
	struct xpeer *xp = ctx;
	const struct xenc_linux_info *li = xp->shm->base + XENC_OFF_LINUX;
	u32 st;
	u32 nq = READ_ONCE(xp->ep.layout.num_queues);
	u32 nvec = max(xp->shm->nvec, 1u), q;

	/* A transport with fewer vectors folds queues onto them. */
	for (q = vector; q < nq; q += nvec)
		napi_schedule(&xp->q[q].napi);
	if (vector)
		return;
	st = READ_ONCE(li->state);
	if (st != READ_ONCE(xp->linux_state_seen)) {
		WRITE_ONCE(xp->linux_state_seen, st);
		if (!READ_ONCE(xp->dying))
			mod_delayed_work(system_wq, &xp->tick, 0);
	}
}

static void xpeer_rx_stats(struct xpeer_queue *pq, u32 pkts, u64 bytes,
			   u32 drops)
{
	u64_stats_update_begin(&pq->rx_syncp);
	u64_stats_add(&pq->rx_packets, pkts);
	u64_stats_add(&pq->rx_bytes, bytes);
	u64_stats_add(&pq->rx_dropped, drops);
	u64_stats_update_end(&pq->rx_syncp);
}

static int xpeer_poll(struct napi_struct *napi, int budget)
{
	struct xpeer_queue *pq = container_of(napi, struct xpeer_queue, napi);
	struct xpeer *xp = pq->xp;
	struct netdev_queue *txq = netdev_get_tx_queue(xp->dev, pq->index);
	struct sk_buff_head rxq;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	struct sk_buff *skb;
	u32 drops = 0;
	u64 bytes = 0;
	int done = 0;

	__skb_queue_head_init(&rxq);
	/*
	 * The tx ring has one user at a time: xmit, or us under its lock,
	 * taken in xmit's order (xmit lock, then ours).
	 */
	__netif_tx_lock(txq, smp_processor_id());
	read_lock(&xp->lock);
	if (netif_tx_queue_stopped(txq) && xenc_ep_connected(&xp->ep) &&
	    !READ_ONCE(xp->hold_data) &&
	    xenc_ep_tx_wait(&xp->ep, pq->index, xp->ep.q[pq->index].tx.slots / 4))
		netif_tx_wake_queue(txq);
	/* Fresh consumer index: flows may leave a drained queue. */
	xenc_ep_tx_reclaim(&xp->ep, pq->index);
	read_unlock(&xp->lock);
	__netif_tx_unlock(txq);

	read_lock(&xp->lock);
	while (!READ_ONCE(xp->rx_paused) && !READ_ONCE(xp->hold_data) &&
	       done < budget &&
	       xenc_ep_recv(&xp->ep, pq->index, &fh, &sp) == XENC_OK) {
		/* One copy, out of the ring into the skb's own memory. */
		skb = xenc_rx_skb(napi, pq->pool, &sp, fh.len);
		xenc_ep_recv_done(&xp->ep, pq->index, &fh);
		done++;
		if (skb) {
			skb->dev = xp->dev;
			if (fh.flags && xenc_offload_from_frame(skb, &fh)) {
				napi_consume_skb(skb, budget);
				skb = NULL;
			}
		}
		if (!skb) {
			drops++;
			continue;
		}
		bytes += fh.len;
		__skb_queue_tail(&rxq, skb);
	}
	xenc_ep_recv_flush(&xp->ep, pq->index);
	read_unlock(&xp->lock);

	/* Deliver outside the lock: the stack may transmit on us at once. */
	while ((skb = __skb_dequeue(&rxq))) {
		skb->protocol = eth_type_trans(skb, xp->dev);
		napi_gro_receive(napi, skb);
	}
	xpeer_rx_stats(pq, done - drops, bytes, drops);
	if (done < budget && napi_complete_done(napi, done)) {
		bool again, poll;

		read_lock(&xp->lock);
		/* Paused or held: frames wait, and so must we (no spinning). */
		again = !READ_ONCE(xp->rx_paused) && !READ_ONCE(xp->hold_data) &&
			xenc_ep_rx_rearm(&xp->ep, pq->index);
		/* Poll only live queues; CONNECTED restarts the rest. */
		poll = pq->index < xpeer_nq(xp) && xpeer_polls(xp);
		read_unlock(&xp->lock);
		if (again)
			napi_schedule(napi);
		else if (poll)
			xpeer_poll_rearm(pq, done || netif_tx_queue_stopped(txq));
	}
	return done;
}

static netdev_tx_t xpeer_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct xpeer *xp = netdev_priv(dev);
	u16 qi = skb_get_queue_mapping(skb);
	struct xpeer_queue *pq = &xp->q[qi];
	struct netdev_queue *txq = netdev_get_tx_queue(dev, qi);
	struct xenc_ring *r = &xp->ep.q[qi].tx;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u32 want;
	int rc;

	read_lock(&xp->lock);
	if (READ_ONCE(xp->hold_data)) {
		/* A hostile case froze the rings: leave them as it wrote them. */
		netif_tx_stop_queue(txq);
		read_unlock(&xp->lock);
		return NETDEV_TX_BUSY;
	}
	/* Offloads changed under an skb validated for the old set. */
	if (xenc_offload_to_frame(skb, &fh, r->flags_ok, r->max_frame)) {
		if (skb_is_gso(skb) || (skb->ip_summed == CHECKSUM_PARTIAL &&
					skb_checksum_help(skb)))
			goto drop;
		fh = (struct xenc_frame_hdr){ .len = skb->len };
	}
	if (xp->ep.quiescing) {
		netif_tx_stop_queue(txq);
		/* An xmit_more batch may be half published: finish it. */
		xenc_ep_flush(&xp->ep, qi);
		read_unlock(&xp->lock);
		return NETDEV_TX_BUSY;
	}
	/*
	 * XENC_NOQUEUE: queued before the layout lost this queue, and no NAPI
	 * serves it any more.  Stopping it would hold the skb (and a TCP
	 * sender's retransmissions of it) forever: drop it instead.
	 */
	rc = xenc_ep_send(&xp->ep, qi, &fh, &sp);
	if (rc == XENC_FULL && xenc_ep_connected(&xp->ep)) {
		netif_tx_stop_queue(txq);
		xenc_ep_flush(&xp->ep, qi);
		want = xenc_frame_slots(r, fh.len);
		if (xenc_ep_tx_wait(&xp->ep, qi, want))
			netif_tx_start_queue(txq);
		read_unlock(&xp->lock);
		return NETDEV_TX_BUSY;
	}
	if (rc != XENC_OK)
		goto drop;
	skb_copy_bits(skb, 0, sp.p[0], sp.n[0]);
	if (sp.n[1])
		skb_copy_bits(skb, sp.n[0], sp.p[1], sp.n[1]);
	if (!netdev_xmit_more())
		xenc_ep_flush(&xp->ep, qi);
	read_unlock(&xp->lock);

	u64_stats_update_begin(&pq->tx_syncp);
	u64_stats_inc(&pq->tx_packets);
	u64_stats_add(&pq->tx_bytes, skb->len);
	u64_stats_update_end(&pq->tx_syncp);
	dev_consume_skb_any(skb);
	return NETDEV_TX_OK;

drop:
	read_unlock(&xp->lock);
	u64_stats_update_begin(&pq->tx_syncp);
	u64_stats_inc(&pq->tx_dropped);
	u64_stats_update_end(&pq->tx_syncp);
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

/* Leave to the stack what the current generation cannot carry. */
static netdev_features_t xpeer_features_check(struct sk_buff *skb,
					      struct net_device *dev,
					      netdev_features_t features)
{
	struct xpeer *xp = netdev_priv(dev);
	struct xenc_ring *r = &xp->ep.q[skb_get_queue_mapping(skb)].tx;

	features = vlan_features_check(skb, features);
	return xenc_offload_check(skb, READ_ONCE(r->flags_ok),
				  READ_ONCE(r->max_frame), features);
}

static u16 xpeer_select_queue(struct net_device *dev, struct sk_buff *skb,
			      struct net_device *sb_dev)
{
	struct xpeer *xp = netdev_priv(dev);
	u32 nq = xpeer_nq(xp);
	int q = xenc_flow_queue(skb, nq);

	return xenc_pick_tx(dev, skb, sb_dev, nq,
			    q >= 0 && xenc_tx_ring_busy(&xp->ep.q[q].tx));
}

static int xpeer_open(struct net_device *dev)
{
	struct xpeer *xp = netdev_priv(dev);
	u32 q;

	for (q = 0; q < XENC_MAX_QUEUES; q++)
		napi_enable(&xp->q[q].napi);
	netif_tx_start_all_queues(dev);
	local_bh_disable();
	xpeer_schedule_all(xp);
	local_bh_enable();
	return 0;
}

static int xpeer_stop(struct net_device *dev)
{
	struct xpeer *xp = netdev_priv(dev);
	u32 q;

	netif_tx_disable(dev);
	for (q = 0; q < XENC_MAX_QUEUES; q++) {
		napi_disable(&xp->q[q].napi);
		/* A disabled NAPI cannot re-arm it any more. */
		hrtimer_cancel(&xp->q[q].poll_timer);
	}
	return 0;
}

static void xpeer_get_stats64(struct net_device *dev,
			      struct rtnl_link_stats64 *s)
{
	struct xpeer *xp = netdev_priv(dev);
	unsigned int start;
	u32 q;

	for (q = 0; q < XENC_MAX_QUEUES; q++) {
		struct xpeer_queue *pq = &xp->q[q];
		u64 p, b, d;

		do {
			start = u64_stats_fetch_begin(&pq->tx_syncp);
			p = u64_stats_read(&pq->tx_packets);
			b = u64_stats_read(&pq->tx_bytes);
			d = u64_stats_read(&pq->tx_dropped);
		} while (u64_stats_fetch_retry(&pq->tx_syncp, start));
		s->tx_packets += p;
		s->tx_bytes += b;
		s->tx_dropped += d;
		do {
			start = u64_stats_fetch_begin(&pq->rx_syncp);
			p = u64_stats_read(&pq->rx_packets);
			b = u64_stats_read(&pq->rx_bytes);
			d = u64_stats_read(&pq->rx_dropped);
		} while (u64_stats_fetch_retry(&pq->rx_syncp, start));
		s->rx_packets += p;
		s->rx_bytes += b;
		s->rx_dropped += d;
	}
}

static void xpeer_uninit(struct net_device *dev)
{
	struct xpeer *xp = netdev_priv(dev);
	u32 q;

	for (q = 0; q < XENC_MAX_QUEUES; q++) {
		hrtimer_cancel(&xp->q[q].poll_timer);
		page_pool_destroy(xp->q[q].pool);
		__netif_napi_del(&xp->q[q].napi);
	}
	/* One grace period for all the NAPIs, not one each. */
	synchronize_net();
}

static void xpeer_destructor(struct net_device *dev)
{
	struct xpeer *xp = netdev_priv(dev);

	xenc_shm_put(xp->shm);
}

static const struct net_device_ops xpeer_netdev_ops = {
	.ndo_uninit		= xpeer_uninit,
	.ndo_open		= xpeer_open,
	.ndo_stop		= xpeer_stop,
	.ndo_start_xmit		= xpeer_xmit,
	.ndo_select_queue	= xpeer_select_queue,
	.ndo_features_check	= xpeer_features_check,
	.ndo_get_stats64	= xpeer_get_stats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

static void xpeer_get_drvinfo(struct net_device *dev,
			      struct ethtool_drvinfo *info)
{
	struct xpeer *xp = netdev_priv(dev);

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, XENC_VERSION, sizeof(info->version));
	strscpy(info->bus_info, xp->shm->id, sizeof(info->bus_info));
	snprintf(info->fw_version, sizeof(info->fw_version), "abi %u.%u",
		 XENC_ABI_MAJOR, XENC_ABI_MINOR);
}

static const struct ethtool_ops xpeer_ethtool_ops = {
	.get_drvinfo	= xpeer_get_drvinfo,
	.get_link	= ethtool_op_get_link,
};

static void xpeer_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &xpeer_netdev_ops;
	dev->ethtool_ops = &xpeer_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = xpeer_destructor;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = 65535;
	/* Per skb, xpeer_features_check keeps to what was negotiated. */
	dev->hw_features = XENC_BASE_FEATURES;
	if (peer_offloads)
		dev->hw_features |= XENC_OFFLOAD_FEATURES;
	dev->features = dev->hw_features;
}

/* (Re)attach the endpoint to the region; under the write lock. */
static void xpeer_ep_attach(struct xpeer *xp)
{
	struct xenc_ep_config cfg = {
		.features = XENC_F_MQ | XENC_F_QUIESCE |
			    (peer_offloads ? XENC_F_CSUM | XENC_F_GSO : 0),
		.max_queues = clamp(peer_queues, 1u, (u32)XENC_MAX_QUEUES),
		.max_frame = XENC_FRAME_MAX,
		/* No vectors: Linux's doorbells could not reach us anyway. */
		.flags = peer_polling || !xp->shm->nvec ?
			 XENC_PEER_F_POLLING : 0,
		.stale_limit = 30,
	};

	/* A port that finds no formatted region yet retries on each tick. */
	xenc_ep_attach(&xp->ep, xp->shm->base, xp->shm->size, &cfg,
		       xpeer_notify, xp, get_random_u32());
	xp->attached = true;
}

static int xpeer_attached_get(void *data, u64 *val)
{
	struct xpeer *xp = data;

	*val = READ_ONCE(xp->attached);
	return 0;
}

/* Test knob: detach (the co-kernel goes away) and attach again. */
static int xpeer_attached_set(void *data, u64 val)
{
	struct xpeer *xp = data;

	write_lock_bh(&xp->lock);
	if (val && !xp->attached) {
		xpeer_ep_attach(xp);
	} else if (!val && xp->attached) {
		xenc_ep_detach(&xp->ep);
		xp->attached = false;
	}
	write_unlock_bh(&xp->lock);
	if (!val)
		netif_carrier_off(xp->dev);
	mod_delayed_work(system_wq, &xp->tick, 0);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(xpeer_attached_fops, xpeer_attached_get,
			 xpeer_attached_set, "%llu\n");

static int xpeer_paused_get(void *data, u64 *val)
{
	struct xpeer *xp = data;

	*val = READ_ONCE(xp->rx_paused);
	return 0;
}

/* Test knob: stop consuming, so Linux sees a full ring (backpressure). */
static int xpeer_paused_set(void *data, u64 val)
{
	struct xpeer *xp = data;

	WRITE_ONCE(xp->rx_paused, !!val);
	if (!val) {
		local_bh_disable();
		xpeer_schedule_all(xp);
		local_bh_enable();
	}
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(xpeer_paused_fops, xpeer_paused_get,
			 xpeer_paused_set, "%llu\n");

static int xpeer_hostile_get(void *data, u64 *val)
{
	struct xpeer *xp = data;

	*val = READ_ONCE(xp->hostile) ? xp->hostile_rng : 0;
	return 0;
}

/* Test knob: a non-zero seed turns hostile, 0 behaves and re-attaches. */
static int xpeer_hostile_set(void *data, u64 val)
{
	struct xpeer *xp = data;

	write_lock_bh(&xp->lock);
	if (val && xp->hcase) {
		write_unlock_bh(&xp->lock);
		return -EBUSY;
	}
	if (val) {
		xp->hostile_rng = (u32)val ?: 1;
		xp->hostile_step = 0;
		xp->hostile = true;
	} else if (xp->hostile) {
		xp->hostile = false;
		if (xp->attached)
			xenc_ep_detach(&xp->ep);
		xpeer_ep_attach(xp);
	}
	write_unlock_bh(&xp->lock);
	mod_delayed_work(system_wq, &xp->tick, 0);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(xpeer_hostile_fops, xpeer_hostile_get,
			 xpeer_hostile_set, "%llu\n");

/* Test knob: one protocol violation of the kind written (enum xenc_fault). */
static int xpeer_inject_set(void *data, u64 val)
{
	struct xpeer *xp = data;
	int vec;

	write_lock_bh(&xp->lock);
	vec = xpeer_inject(xp, val & ~XPEER_INJECT_QUIET);
	write_unlock_bh(&xp->lock);
	if (vec < 0)
		return vec;
	if (!(val & XPEER_INJECT_QUIET))
		xenc_shm_kick(xp->shm, vec);
	return 0;
}
DEFINE_DEBUGFS_ATTRIBUTE(xpeer_inject_fops, NULL, xpeer_inject_set, "%llu\n");

static int xpeer_hcase_get(void *data, u64 *val)
{
	struct xpeer *xp = data;

	*val = READ_ONCE(xp->hcase);
	return 0;
}

/*
 * Test knob: N starts fixed hostile case N (see hostile_cases), 0 ends it.
 * -EAGAIN while the peer is not connected, -EINVAL for an unknown case or
 * while another one (or the random walk) runs.
 */
static int xpeer_hcase_set(void *data, u64 val)
{
	struct xpeer *xp = data;
	int err = 0;

	write_lock_bh(&xp->lock);
	if (val) {
		err = xpeer_hcase_start(xp, val > U32_MAX ? 0 : (u32)val);
	} else if (xpeer_hcase_stop(xp)) {
		/* The peer behaves again: a clean restart of its driver. */
		if (xp->attached)
			xenc_ep_detach(&xp->ep);
		xpeer_ep_attach(xp);
	}
	write_unlock_bh(&xp->lock);
	mod_delayed_work(system_wq, &xp->tick, 0);
	return err;
}
DEFINE_DEBUGFS_ATTRIBUTE(xpeer_hcase_fops, xpeer_hcase_get, xpeer_hcase_set,
			 "%llu\n");

static int xpeer_hcases_show(struct seq_file *m, void *v)
{
	xpeer_hcase_list(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xpeer_hcases);

/* Under RTNL: a peer NIC for @shm; on error the caller keeps @shm. */
int xpeer_attach(struct xenc_shm *shm)
{
	/* Same hash as the xenc side, different locally administered prefix. */
	u8 mac[ETH_ALEN] = { 0x06, 0x58 };
	struct net_device *dev;
	struct xpeer *xp;
	u32 q, h;
	int err;

	dev = alloc_netdev_mqs(sizeof(*xp), "xvm%d", NET_NAME_ENUM,
			       xpeer_setup, XENC_MAX_QUEUES, XENC_MAX_QUEUES);
	if (!dev)
		return -ENOMEM;
	xp = netdev_priv(dev);
	xp->dev = dev;
	xp->shm = shm;
	if (shm->parent)
		SET_NETDEV_DEV(dev, shm->parent);
	rwlock_init(&xp->lock);
	INIT_DELAYED_WORK(&xp->tick, xpeer_tick);
	h = jhash(shm->id, strlen(shm->id), 0x78656e63);
	mac[2] = h >> 24;
	mac[3] = h >> 16;
	mac[4] = h >> 8;
	mac[5] = h;
	eth_hw_addr_set(dev, mac);
	for (q = 0; q < XENC_MAX_QUEUES; q++) {
		xp->q[q].xp = xp;
		xp->q[q].index = q;
		u64_stats_init(&xp->q[q].tx_syncp);
		u64_stats_init(&xp->q[q].rx_syncp);
		netif_napi_add(dev, &xp->q[q].napi, xpeer_poll);
		hrtimer_init(&xp->q[q].poll_timer, CLOCK_MONOTONIC,
			     HRTIMER_MODE_REL);
		xp->q[q].poll_timer.function = xpeer_poll_timer_fn;
		xp->q[q].pool = xenc_rx_pool_create(dev, &xp->q[q].napi,
						    XENC_RX_POOL_SIZE);
		if (IS_ERR(xp->q[q].pool)) {
			err = PTR_ERR(xp->q[q].pool);
			xp->q[q].pool = NULL;
			goto err_free;
		}
	}
	netif_carrier_off(dev);
	xpeer_ep_attach(xp);
	err = xenc_shm_bind(shm, xpeer_doorbell, xp);
	if (err)
		goto err_free;
	err = register_netdevice(dev);
	if (err)
		goto err_unbind;
	xp->dbg = debugfs_create_dir(shm->id, xpeer_dbg_root);
	debugfs_create_file("attached", 0600, xp->dbg, xp,
			    &xpeer_attached_fops);
	debugfs_create_file("rx_paused", 0600, xp->dbg, xp,
			    &xpeer_paused_fops);
	debugfs_create_file("hostile", 0600, xp->dbg, xp,
			    &xpeer_hostile_fops);
	debugfs_create_file("inject", 0200, xp->dbg, xp, &xpeer_inject_fops);
	debugfs_create_file("hostile_case", 0600, xp->dbg, xp,
			    &xpeer_hcase_fops);
	debugfs_create_file("hostile_cases", 0400, xp->dbg, NULL,
			    &xpeer_hcases_fops);
	schedule_delayed_work(&xp->tick, 0);
	return 0;

err_unbind:
	xenc_shm_unbind(shm);
err_free:
	for (q = 0; q < XENC_MAX_QUEUES; q++) {
		page_pool_destroy(xp->q[q].pool);
		__netif_napi_del(&xp->q[q].napi);
	}
	synchronize_net();
	free_netdev(dev);
	return err;
}

static struct xpeer *xpeer_of(struct xenc_shm *shm)
{
	return shm->ctx;
}

/* Under RTNL: leave the region; the NIC is queued on @kill. */
void xpeer_detach(struct xenc_shm *shm, struct list_head *kill)
{
	struct xpeer *xp = xpeer_of(shm);

	WRITE_ONCE(xp->dying, true);
	cancel_delayed_work_sync(&xp->tick);
	debugfs_remove(xp->dbg);
	write_lock_bh(&xp->lock);
	if (xp->attached)
		xenc_ep_detach(&xp->ep);
	xp->attached = false;
	write_unlock_bh(&xp->lock);
	xenc_shm_unbind(shm);
	unregister_netdevice_queue(xp->dev, kill);
}

static const struct xenc_local_peer_ops xpeer_ops = {
	.owner = THIS_MODULE,
	.attach = xpeer_attach,
	.detach = xpeer_detach,
};

static int __init xpeer_init(void)
{
	int err;

	xpeer_dbg_root = debugfs_create_dir("xenc_peer", NULL);
	err = xenc_local_register_peer(&xpeer_ops);
	if (err)
		goto err_dbg;
	err = xpeer_pci_init();
	if (err)
		goto err_local;
	err = xpeer_phys_init();
	if (err)
		goto err_pci;
	return 0;

err_pci:
	xpeer_pci_exit();
err_local:
	xenc_local_unregister_peer(&xpeer_ops);
err_dbg:
	debugfs_remove(xpeer_dbg_root);
	return err;
}

static void __exit xpeer_exit(void)
{
	xpeer_phys_exit();
	xpeer_pci_exit();
	xenc_local_unregister_peer(&xpeer_ops);
	debugfs_remove(xpeer_dbg_root);
}

module_init(xpeer_init);
module_exit(xpeer_exit);
MODULE_DESCRIPTION("xenc test peer: the co-kernel endpoint as a Linux NIC");
MODULE_AUTHOR("xenc developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(XENC_VERSION);
MODULE_INFO(abi, __stringify(XENC_ABI_MAJOR) "." __stringify(XENC_ABI_MINOR));

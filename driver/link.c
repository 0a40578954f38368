// SPDX-License-Identifier: GPL-2.0
/*
 * xenc link state: the handshake with the peer, its heartbeat, faults, and
 * the carrier that follows them.  All of it runs in one delayed work under
 * RTNL, so it is serialised with open/stop, ethtool and teardown.
 */
#include <linux/etherdevice.h>
#include <linux/random.h>
#include <linux/rtnetlink.h>
#include "xenc.h"
#include "trace.h"

static const char * const xenc_reasons[] = {
	[XENC_DOWN_NONE] = "connected",
	[XENC_DOWN_NO_PEER] = "peer not attached",
	[XENC_DOWN_PEER_RESET] = "peer reset",
	[XENC_DOWN_PEER_STALE] = "peer heartbeat stale",
	[XENC_DOWN_PEER_FAULT] = "peer faulted",
	[XENC_DOWN_LAYOUT] = "no ring layout fits",
};

const char *xenc_reason_str(enum xenc_down_reason r)
{
	return r < ARRAY_SIZE(xenc_reasons) ? xenc_reasons[r] : "unknown";
}

static const char * const xenc_fault_names[XENC_FAULT_COUNT] = {
	[XENC_FAULT_NONE] = "none",
	[XENC_FAULT_PROD_RANGE] = "producer index out of range",
	[XENC_FAULT_CONS_RANGE] = "consumer index out of range",
	[XENC_FAULT_LEN_SHORT] = "frame too short",
	[XENC_FAULT_LEN_LONG] = "frame too long",
	[XENC_FAULT_LEN_UNPUBLISHED] = "frame beyond producer index",
	[XENC_FAULT_FLAGS] = "bad frame flags",
	[XENC_FAULT_CSUM] = "bad checksum offsets",
	[XENC_FAULT_GSO] = "bad GSO metadata",
	[XENC_FAULT_STATE] = "bad peer state",
	[XENC_FAULT_GENERATION] = "bad generation",
	[XENC_FAULT_LAYOUT] = "bad layout",
	[XENC_FAULT_VERSION] = "bad ABI version",
};

void xenc_count_fault(struct xenc_priv *priv, u32 f)
{
	if (f >= XENC_FAULT_COUNT)
		f = XENC_FAULT_LAYOUT;
	atomic64_inc(&priv->faults[f]);
	if (net_ratelimit())
		netdev_warn(priv->dev, "peer fault: %s\n", xenc_fault_names[f]);
}

void xenc_link_kick(struct xenc_priv *priv)
{
	if (!READ_ONCE(priv->dying))
		mod_delayed_work(system_wq, &priv->link_work, 0);
}

/*
 * A ring returned a fault from the data path.  Rings stay broken (sticky)
 * until the link work resets them; count the first fault of each episode.
 */
void xenc_link_fault(struct xenc_priv *priv, int rc)
{
	if (!test_and_set_bit(0, &priv->broken)) {
		xenc_count_fault(priv, -rc);
		xenc_link_kick(priv);
	}
}

/* Hard IRQ: the peer rang one of our vectors. */
void xenc_doorbell(void *ctx, u32 vector)
{
	struct xenc_priv *priv = ctx;
	const struct xenc_peer_info *pi = priv->shm->base + XENC_OFF_PEER;
	u32 nq = READ_ONCE(priv->num_queues);
	u32 nvec = max(priv->shm->nvec, 1u);
	u32 st, q;

	trace_xenc_doorbell(priv->dev, vector, false);
	/* A transport with fewer vectors folds queues onto them. */
	for (q = vector; q < nq; q += nvec) {
		atomic64_inc(&priv->queues[q].doorbells);
		napi_schedule(&priv->queues[q].napi);
	}
	if (vector)
		return;
	/* Vector 0 also signals handshake changes; act on them at once. */
	st = READ_ONCE(pi->state);
	if (st != READ_ONCE(priv->peer_state_seen)) {
		WRITE_ONCE(priv->peer_state_seen, st);
		xenc_link_kick(priv);
	}
}

/* NAPI on/off for every queue; idempotent, as napi_disable() is not. */
void xenc_queues_enable(struct xenc_priv *priv)
{
	struct net_device *dev = priv->dev;
	u32 q;

	if (priv->napi_on)
		return;
	for (q = 0; q < XENC_MAX_QUEUES; q++)
		napi_enable(&priv->queues[q].napi);
	priv->napi_on = true;
	if (!priv->live || priv->quiescing)
		return;
	netif_tx_wake_all_queues(dev);
	/* Process context: the softirq runs at local_bh_enable(). */
	local_bh_disable();
	for (q = 0; q < priv->num_queues; q++)
		napi_schedule(&priv->queues[q].napi);
	local_bh_enable();
}

void xenc_queues_disable(struct xenc_priv *priv)
{
	u32 q;

	if (!priv->napi_on)
		return;
	netif_tx_disable(priv->dev);
	for (q = 0; q < XENC_MAX_QUEUES; q++)
		napi_disable(&priv->queues[q].napi);
	priv->napi_on = false;
}

/* Stop the data path around a ring change. */
void xenc_data_stop(struct xenc_priv *priv)
{
	WRITE_ONCE(priv->live, false);
	if (netif_running(priv->dev))
		xenc_queues_disable(priv);
	else
		xenc_tx_sync(priv);
}

static void xenc_data_start(struct xenc_priv *priv)
{
	if (netif_running(priv->dev))
		xenc_queues_enable(priv);
}

void xenc_link_reset(struct xenc_priv *priv, enum xenc_down_reason why)
{
	bool was_live = priv->live;

	xenc_data_stop(priv);
	netif_carrier_off(priv->dev);
	xenc_data_start(priv);
	xenc_host_set_state(&priv->host, XENC_LINUX_RESET);
	clear_bit(0, &priv->broken);
	priv->reason = why;
	trace_xenc_state(priv);
	if (was_live) {
		atomic64_inc(&priv->disconnects);
		netdev_info(priv->dev, "link down: %s\n", xenc_reason_str(why));
	}
}

static int xenc_rings_init(struct xenc_priv *priv)
{
	const struct xenc_layout *l = &priv->host.layout;
	u64 feat = priv->host.negotiated;
	u32 q;
	int rc;

	for (q = 0; q < l->num_queues; q++) {
		struct xenc_queue *xq = &priv->queues[q];

		rc = xenc_ring_init(&xq->tx,
				    xenc_region_at(&priv->host, l->q[q].l2p_off),
				    l->l2p_slots, l->slot_size, l->max_frame,
				    feat);
		if (!rc)
			rc = xenc_ring_init(&xq->rx,
					    xenc_region_at(&priv->host,
							   l->q[q].p2l_off),
					    l->p2l_slots, l->slot_size,
					    l->max_frame, feat);
		if (rc)
			return rc;
		xq->vector = l->q[q].vector;
		xq->bql_done = 0;
		xenc_tx_set_thresholds(xq, priv->dev->mtu);
		netdev_tx_reset_queue(netdev_get_tx_queue(priv->dev, q));
	}
	return 0;
}

void xenc_link_up(struct xenc_priv *priv)
{
	u32 nq = priv->host.layout.num_queues;
	int rc;

	xenc_data_stop(priv);
	rc = xenc_rings_init(priv);
	if (!rc)
		rc = netif_set_real_num_queues(priv->dev, nq, nq);
	if (rc) {
		xenc_data_start(priv);
		xenc_link_reset(priv, XENC_DOWN_LAYOUT);
		return;
	}
	priv->num_queues = nq;
	if (priv->shm->spread_vectors)
		xenc_set_xps(priv->dev, nq);
	clear_bit(0, &priv->broken);
	/* Offloads follow what this generation negotiated. */
	netdev_update_features(priv->dev);
	WRITE_ONCE(priv->live, true);
	/* A transport without interrupts can only be polled. */
	if (!priv->shm->nvec)
		priv->polling = true;
	xenc_coalesce_apply(priv);
	xenc_data_start(priv);
	priv->reason = XENC_DOWN_NONE;
	atomic64_inc(&priv->connects);
	netif_carrier_on(priv->dev);
	trace_xenc_state(priv);
	netdev_info(priv->dev, "link up: generation %u, %u queue pairs, rings %u/%u\n",
		    priv->host.generation, nq, priv->host.layout.l2p_slots,
		    priv->host.layout.p2l_slots);
}

/* Build the layout we want, shrunk to what the region and peer allow. */
int xenc_link_offer(struct xenc_priv *priv)
{
	struct xenc_host *h = &priv->host;
	struct xenc_layout l = {};
	int rc;

	l.num_queues = min(priv->req_queues, h->peer.max_queues);
	if (!(h->features & h->peer.features & XENC_F_MQ))
		l.num_queues = 1;
	l.slot_size = XENC_SLOT_SIZE_DEFAULT;
	l.max_frame = min(xenc_xdp_max_frame(priv), h->peer.max_frame);
	h->features = xenc_link_features(priv);
	l.l2p_slots = priv->l2p_slots;
	l.p2l_slots = priv->p2l_slots;
	while ((rc = xenc_layout_build(&l, h->size)) &&
	       (l.l2p_slots > XENC_RING_SLOTS_MIN ||
		l.p2l_slots > XENC_RING_SLOTS_MIN)) {
		l.l2p_slots = max_t(u32, l.l2p_slots / 2, XENC_RING_SLOTS_MIN);
		l.p2l_slots = max_t(u32, l.p2l_slots / 2, XENC_RING_SLOTS_MIN);
	}
	if (!rc)
		rc = xenc_host_offer(h, &l);
	priv->offer_ticks = 0;
	if (rc) {
		priv->reason = XENC_DOWN_LAYOUT;
		if (net_ratelimit())
			netdev_err(priv->dev, "no ring layout fits the region\n");
		return -EINVAL;
	}
	trace_xenc_state(priv);
	/* Vector 0 carries handshake changes too. */
	xenc_kick(priv, 0);
	return 0;
}

static void xenc_link_step(struct xenc_priv *priv)
{
	struct xenc_host *h = &priv->host;
	bool stale = xenc_host_heartbeat(h, xenc_stale_ticks);
	enum xenc_host_event ev = xenc_host_poll(h);
	u32 pst = h->peer.state;

	switch (ev) {
	case XENC_EV_PEER_HELLO:
		xenc_link_offer(priv);
		break;
	case XENC_EV_CONNECTED:
		xenc_link_up(priv);
		break;
	case XENC_EV_DISCONNECTED:
		xenc_link_reset(priv, pst == XENC_PEER_HELLO ?
				     XENC_DOWN_PEER_RESET : XENC_DOWN_NO_PEER);
		break;
	case XENC_EV_FAULT:
		xenc_count_fault(priv, h->fault);
		xenc_link_reset(priv, XENC_DOWN_PEER_FAULT);
		break;
	case XENC_EV_QUIESCED:
	case XENC_EV_NONE:
		/* A peer that rejected the offer went back to HELLO: retry. */
		if (h->state == XENC_LINUX_OFFER &&
		    ++priv->offer_ticks > xenc_stale_ticks) {
			xenc_link_reset(priv, h->peer.fault == XENC_FAULT_LAYOUT ?
					XENC_DOWN_LAYOUT : XENC_DOWN_PEER_RESET);
			break;
		}
		if (h->state != XENC_LINUX_RUNNING) {
			if (pst == XENC_PEER_ABSENT || pst == XENC_PEER_GONE)
				priv->reason = XENC_DOWN_NO_PEER;
		} else if (test_bit(0, &priv->broken)) {
			xenc_link_reset(priv, XENC_DOWN_PEER_FAULT);
		} else if (stale) {
			xenc_link_reset(priv, XENC_DOWN_PEER_STALE);
		}
		break;
	}
}

static void xenc_link_work(struct work_struct *work)
{
	struct xenc_priv *priv = container_of(to_delayed_work(work),
					      struct xenc_priv, link_work);

	/* Teardown holds RTNL while it cancels us: never block on it. */
	if (!rtnl_trylock()) {
		schedule_delayed_work(&priv->link_work, 1);
		return;
	}
	if (!priv->dying)
		xenc_link_step(priv);
	rtnl_unlock();
	if (!READ_ONCE(priv->dying))
		schedule_delayed_work(&priv->link_work,
				      msecs_to_jiffies(xenc_heartbeat_ms));
}

/* What we offer: offloads unless turned off or XDP needs plain frames. */
u64 xenc_link_features(struct xenc_priv *priv)
{
	u64 f = XENC_F_MQ | XENC_F_QUIESCE;

	if (xenc_offloads && !priv->xdp_on)
		f |= XENC_F_CSUM | XENC_F_GSO;
	return f;
}

void xenc_link_init(struct xenc_priv *priv)
{
	INIT_DELAYED_WORK(&priv->link_work, xenc_link_work);
	priv->reason = XENC_DOWN_NO_PEER;
	xenc_host_format(&priv->host, priv->shm->base, priv->shm->size,
			 xenc_link_features(priv), get_random_u32());
}

void xenc_link_start(struct xenc_priv *priv)
{
	xenc_debugfs_add(priv);
	schedule_delayed_work(&priv->link_work, 0);
}

/* Under RTNL, from ndo_uninit: leave the region for good. */
void xenc_link_stop(struct xenc_priv *priv)
{
	u32 q;

	WRITE_ONCE(priv->dying, true);
	xenc_debugfs_del(priv);
	WRITE_ONCE(priv->live, false);
	xenc_tx_sync(priv);
	for (q = 0; q < XENC_MAX_QUEUES; q++)
		xenc_coalesce_stop(&priv->queues[q]);
	xenc_shm_unbind(priv->shm);
	/*
	 * Last: a doorbell or transmit fault that saw dying clear may queue
	 * it until here.  It cannot run meanwhile: we hold RTNL.
	 */
	cancel_delayed_work_sync(&priv->link_work);
	xenc_host_set_state(&priv->host, XENC_LINUX_GONE);
	trace_xenc_state(priv);
	xenc_kick(priv, 0);
}

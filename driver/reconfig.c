// SPDX-License-Identifier: GPL-2.0
/*
 * Live ring and channel changes without a link flap: both sides stop
 * producing, drain what is in flight, and reconnect under a new generation
 * with the new layout.  Frames sent meanwhile wait in the qdisc.
 */
#include <linux/delay.h>
#include <linux/rtnetlink.h>
#include "xenc.h"
#include "trace.h"

#define XENC_RECONFIG_TIMEOUT_MS	5000

/* Run the handshake inline (we hold RTNL, so the link work cannot). */
static int xenc_reconfig_wait(struct xenc_priv *priv, enum xenc_host_event want)
{
	unsigned long deadline = jiffies +
				 msecs_to_jiffies(XENC_RECONFIG_TIMEOUT_MS);
	unsigned long beat = jiffies;
	enum xenc_host_event ev;

	do {
		if (time_after_eq(jiffies, beat)) {
			xenc_host_heartbeat(&priv->host, U32_MAX);
			beat = jiffies + msecs_to_jiffies(xenc_heartbeat_ms);
		}
		ev = xenc_host_poll(&priv->host);
		if (ev == want)
			return 0;
		if (ev == XENC_EV_DISCONNECTED || ev == XENC_EV_FAULT)
			return -ECONNRESET;
		usleep_range(2000, 4000);
	} while (time_before(jiffies, deadline));
	return -ETIMEDOUT;
}

/*
 * Wait until NAPI has taken every frame the peer sent before it stopped.
 * A device that is down has no NAPI to take them and would drop them
 * anyway: the new layout starts its rings empty.
 */
static int xenc_reconfig_drain_rx(struct xenc_priv *priv)
{
	unsigned long deadline = jiffies +
				 msecs_to_jiffies(XENC_RECONFIG_TIMEOUT_MS);
	u32 q;

	if (!priv->napi_on)
		return 0;
	for (q = 0; q < priv->num_queues; q++) {
		struct xenc_queue *xq = &priv->queues[q];

		while (READ_ONCE(xq->rx.hdr->prod) != READ_ONCE(xq->rx.head) &&
		       !xq->rx.fault) {
			if (time_after(jiffies, deadline))
				return -ETIMEDOUT;
			/* Process context: let the softirq run on enable. */
			local_bh_disable();
			napi_schedule(&xq->napi);
			local_bh_enable();
			usleep_range(1000, 2000);
		}
	}
	return 0;
}

static void xenc_reconfig_resume(struct xenc_priv *priv)
{
	WRITE_ONCE(priv->quiescing, false);
	xenc_host_set_state(&priv->host, XENC_LINUX_RUNNING);
	trace_xenc_state(priv);
	xenc_kick(priv, 0);
	if (netif_running(priv->dev))
		netif_tx_wake_all_queues(priv->dev);
}

/*
 * Apply new ring sizes and queue count.  Under RTNL.  If the link is down
 * they apply at the next connect; if the peer does not cooperate the old
 * rings stay in use and the request fails.
 */
int xenc_reconfig(struct xenc_priv *priv, u32 l2p, u32 p2l, u32 nq,
		  struct netlink_ext_ack *extack)
{
	u32 old_l2p = priv->l2p_slots, old_p2l = priv->p2l_slots;
	u32 old_nq = priv->req_queues, q;
	int err;

	ASSERT_RTNL();
	priv->l2p_slots = l2p;
	priv->p2l_slots = p2l;
	priv->req_queues = nq;
	if (!priv->live) {
		/* An offer already out carries the old settings: start over. */
		if (priv->host.state == XENC_LINUX_OFFER)
			xenc_link_reset(priv, XENC_DOWN_PEER_RESET);
		return 0;
	}
	if (!(priv->host.negotiated & XENC_F_QUIESCE)) {
		/* An old peer: reconnect, at the price of a short flap. */
		xenc_link_reset(priv, XENC_DOWN_PEER_RESET);
		return 0;
	}

	WRITE_ONCE(priv->quiescing, true);
	netif_tx_disable(priv->dev);
	for (q = 0; q < priv->num_queues; q++)
		xenc_tx_flush(&priv->queues[q]);
	xenc_host_set_state(&priv->host, XENC_LINUX_QUIESCE);
	trace_xenc_state(priv);
	xenc_kick(priv, 0);

	err = xenc_reconfig_wait(priv, XENC_EV_QUIESCED);
	if (!err)
		err = xenc_reconfig_drain_rx(priv);
	if (err) {
		priv->l2p_slots = old_l2p;
		priv->p2l_slots = old_p2l;
		priv->req_queues = old_nq;
		NL_SET_ERR_MSG(extack, "xenc: peer did not quiesce; rings unchanged");
		if (err == -ECONNRESET) {
			/* Else the next connect would leave transmit stopped. */
			WRITE_ONCE(priv->quiescing, false);
			xenc_link_reset(priv, XENC_DOWN_PEER_RESET);
		} else {
			xenc_reconfig_resume(priv);
		}
		return err;
	}

	/* Nothing may touch the rings while the new layout is written. */
	xenc_data_stop(priv);
	err = xenc_link_offer(priv);
	if (!err)
		err = xenc_reconfig_wait(priv, XENC_EV_CONNECTED);
	WRITE_ONCE(priv->quiescing, false);
	if (err) {
		NL_SET_ERR_MSG(extack, "xenc: peer did not accept the new rings");
		xenc_link_reset(priv, XENC_DOWN_PEER_RESET);
		return err;
	}
	xenc_link_up(priv);
	atomic64_inc(&priv->reconfigs);
	return 0;
}

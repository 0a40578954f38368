// SPDX-License-Identifier: GPL-2.0
/*
 * Doorbell economy: coalescing in both directions, and a polling mode for
 * transports without interrupts or peers that want none (a tickless
 * lightweight-kernel core should not be interrupted for every frame).
 *
 * RX: the event index asks the peer to ring only once rx-frames slots are
 *     waiting; an hrtimer of rx-usecs polls whatever arrived before that.
 * TX: a kick the peer asked for may wait up to tx-usecs, or until
 *     tx-frames more frames were published, whichever comes first.
 * Polling: no doorbells either way; NAPI re-polls every poll interval.
 */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include "xenc.h"
#include "trace.h"

#define XENC_POLL_USECS_DEFAULT	50
/* An idle queue polls up to 2^6 times less often (3.2 ms by default). */
#define XENC_POLL_BACKOFF_MAX	6

/* Every doorbell Linux sends goes through here, so it can be traced. */
void xenc_kick(struct xenc_priv *priv, u32 vector)
{
	trace_xenc_doorbell(priv->dev, vector, true);
	xenc_shm_kick(priv->shm, vector);
}

static enum hrtimer_restart xenc_rx_timer_fn(struct hrtimer *t)
{
	struct xenc_queue *q = container_of(t, struct xenc_queue, rx_timer);

	napi_schedule(&q->napi);
	return HRTIMER_NORESTART;
}

static enum hrtimer_restart xenc_tx_timer_fn(struct hrtimer *t)
{
	struct xenc_queue *q = container_of(t, struct xenc_queue, tx_timer);

	WRITE_ONCE(q->tx_unkicked, 0);
	xenc_kick(q->priv, q->vector);
	/* Not in txs: only the xmit path writes those. */
	atomic64_inc(&q->timer_kicks);
	return HRTIMER_NORESTART;
}

void xenc_coalesce_init(struct xenc_queue *q)
{
	hrtimer_init(&q->rx_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	q->rx_timer.function = xenc_rx_timer_fn;
	hrtimer_init(&q->tx_timer, CLOCK_MONOTONIC, HRTIMER_MODE_REL);
	q->tx_timer.function = xenc_tx_timer_fn;
}

void xenc_coalesce_stop(struct xenc_queue *q)
{
	hrtimer_cancel(&q->rx_timer);
	hrtimer_cancel(&q->tx_timer);
}

static u32 xenc_poll_usecs(struct xenc_priv *priv)
{
	return priv->rx_usecs ?: XENC_POLL_USECS_DEFAULT;
}

/*
 * Polling: the next poll is due after the poll interval while there is
 * traffic (frames received, or ours not yet consumed), and backs off
 * exponentially while there is none, so that an idle device does not keep
 * a CPU busy.  The first frame after a quiet spell waits at most 3.2 ms.
 */
static void xenc_poll_rearm(struct xenc_queue *q, bool busy)
{
	u32 shift = busy ? 0 : min_t(u32, q->poll_shift + 1,
					 XENC_POLL_BACKOFF_MAX);
	u64 ns = (u64)xenc_poll_usecs(q->priv) * NSEC_PER_USEC << shift;

	q->poll_shift = shift;
	hrtimer_start(&q->rx_timer, ns_to_ktime(ns), HRTIMER_MODE_REL);
}

/*
 * After NAPI completes having received @done frames: arm the doorbell (or
 * the poll timer).  Returns true if work is already waiting and NAPI must
 * run again now.
 */
bool xenc_rx_rearm(struct xenc_queue *q, int done)
{
	struct xenc_priv *priv = q->priv;
	u32 frames = READ_ONCE(priv->rx_frames);

	if (READ_ONCE(priv->polling)) {
		xenc_poll_rearm(q, done || xenc_ring_used(&q->tx));
		return false;
	}
	if (xenc_ring_enable_notify_at(&q->rx, frames))
		return true;
	/* Fewer than rx-frames waiting: do not leave them there forever. */
	if (frames > 1 && priv->rx_usecs)
		hrtimer_start(&q->rx_timer, ns_to_ktime((u64)priv->rx_usecs * NSEC_PER_USEC),
			      HRTIMER_MODE_REL);
	return false;
}

/*
 * The peer asked for a kick after @frames more frames.  Send it now, or
 * leave it to the coalescing timer.  Returns true if sent now.
 */
bool xenc_tx_coalesce_kick(struct xenc_queue *q, u32 frames, bool urgent)
{
	struct xenc_priv *priv = q->priv;
	u32 usecs = READ_ONCE(priv->tx_usecs);
	u32 pending = READ_ONCE(q->tx_unkicked) + frames;

	if (!urgent && usecs && pending < READ_ONCE(priv->tx_frames)) {
		WRITE_ONCE(q->tx_unkicked, pending);
		/* Not hrtimer_active(): a running callback kicks no more. */
		if (!hrtimer_is_queued(&q->tx_timer))
			hrtimer_start(&q->tx_timer, ns_to_ktime((u64)usecs * NSEC_PER_USEC),
				      HRTIMER_MODE_REL);
		return false;
	}
	WRITE_ONCE(q->tx_unkicked, 0);
	hrtimer_try_to_cancel(&q->tx_timer);
	xenc_kick(priv, q->vector);
	return true;
}

/* Tell the peer (and our ring ends) whether we want doorbells at all. */
void xenc_coalesce_apply(struct xenc_priv *priv)
{
	bool poll = priv->polling;
	u32 q;

	xenc_host_set_flags(&priv->host, poll ? XENC_LINUX_F_POLLING : 0);
	if (!priv->live)
		return;
	for (q = 0; q < priv->num_queues; q++) {
		struct xenc_queue *xq = &priv->queues[q];

		xenc_ring_set_polling(&xq->rx, true, poll);
		xenc_ring_set_polling(&xq->tx, false, poll);
		local_bh_disable();
		napi_schedule(&xq->napi);
		local_bh_enable();
	}
}

int xenc_get_coalesce(struct net_device *dev, struct ethtool_coalesce *ec,
		      struct kernel_ethtool_coalesce *kec,
		      struct netlink_ext_ack *extack)
{
	struct xenc_priv *priv = netdev_priv(dev);

	ec->rx_coalesce_usecs = priv->rx_usecs;
	ec->rx_max_coalesced_frames = priv->rx_frames;
	ec->tx_coalesce_usecs = priv->tx_usecs;
	ec->tx_max_coalesced_frames = priv->tx_frames;
	return 0;
}

int xenc_set_coalesce(struct net_device *dev, struct ethtool_coalesce *ec,
		      struct kernel_ethtool_coalesce *kec,
		      struct netlink_ext_ack *extack)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u32 max = priv->live ? priv->host.layout.p2l_slots : XENC_RING_SLOTS_MIN;

	if (ec->rx_max_coalesced_frames > max / 2) {
		NL_SET_ERR_MSG(extack, "rx-frames must be at most half the RX ring");
		return -EINVAL;
	}
	if (ec->rx_max_coalesced_frames > 1 && !ec->rx_coalesce_usecs) {
		NL_SET_ERR_MSG(extack, "rx-frames > 1 needs rx-usecs as a deadline");
		return -EINVAL;
	}
	WRITE_ONCE(priv->rx_usecs, ec->rx_coalesce_usecs);
	WRITE_ONCE(priv->rx_frames, ec->rx_max_coalesced_frames);
	WRITE_ONCE(priv->tx_usecs, ec->tx_coalesce_usecs);
	WRITE_ONCE(priv->tx_frames, ec->tx_max_coalesced_frames);
	return 0;
}

static const char xenc_priv_flag_names[][ETH_GSTRING_LEN] = {
	"polling",
};

int xenc_priv_flags_count(void)
{
	return ARRAY_SIZE(xenc_priv_flag_names);
}

void xenc_priv_flags_strings(u8 *data)
{
	memcpy(data, xenc_priv_flag_names, sizeof(xenc_priv_flag_names));
}

u32 xenc_get_priv_flags(struct net_device *dev)
{
	struct xenc_priv *priv = netdev_priv(dev);

	return priv->polling ? BIT(0) : 0;
}

int xenc_set_priv_flags(struct net_device *dev, u32 flags)
{
	struct xenc_priv *priv = netdev_priv(dev);

	if (!priv->shm->nvec && !(flags & BIT(0)))
		return -EOPNOTSUPP;
	WRITE_ONCE(priv->polling, !!(flags & BIT(0)));
	xenc_coalesce_apply(priv);
	return 0;
}

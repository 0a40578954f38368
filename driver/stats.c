// SPDX-License-Identifier: GPL-2.0
/*
 * xenc statistics: per-queue u64 counters, summed for ndo_get_stats64,
 * listed one by one for ethtool -S and, where the kernel has it, reported
 * per queue through netdev_stat_ops (netlink "netdev" family, qstats-get).
 * Nothing is ever reset on read, nor when the queue count changes.
 */
#include <linux/ethtool.h>
#include <linux/math64.h>
#include "xenc.h"

struct xenc_stat_desc {
	char name[ETH_GSTRING_LEN];
	size_t offset;
};

#define XENC_TX_STAT(n, m) { n, offsetof(struct xenc_tx_stats, m) }
#define XENC_RX_STAT(n, m) { n, offsetof(struct xenc_rx_stats, m) }

static const struct xenc_stat_desc xenc_tx_descs[] = {
	XENC_TX_STAT("tx_packets", packets),
	XENC_TX_STAT("tx_bytes", bytes),
	XENC_TX_STAT("tx_drop_toobig", drop_toobig),
	XENC_TX_STAT("tx_drop_link_down", drop_down),
	XENC_TX_STAT("tx_drop_fault", drop_fault),
	XENC_TX_STAT("tx_queue_stops", stops),
	XENC_TX_STAT("tx_ring_full", ring_full),
	XENC_TX_STAT("tx_doorbells_sent", kicks),
	XENC_TX_STAT("tx_doorbells_suppressed", kicks_suppressed),
	XENC_TX_STAT("tx_csum_offload", csum_offload),
	XENC_TX_STAT("tx_gso_frames", gso_frames),
	XENC_TX_STAT("tx_drop_offload", drop_offload),
	XENC_TX_STAT("xdp_xmit", xdp_xmit),
	XENC_TX_STAT("xdp_xmit_errors", xdp_xmit_errors),
};

static const struct xenc_stat_desc xenc_rx_descs[] = {
	XENC_RX_STAT("rx_packets", packets),
	XENC_RX_STAT("rx_bytes", bytes),
	XENC_RX_STAT("rx_drop_nomem", drop_nomem),
	XENC_RX_STAT("rx_drop_fault", drop_fault),
	XENC_RX_STAT("tx_queue_wakes", wakes),
	XENC_RX_STAT("rx_doorbells_sent", kicks),
	XENC_RX_STAT("rx_doorbells_suppressed", kicks_suppressed),
	XENC_RX_STAT("napi_polls", polls),
	XENC_RX_STAT("napi_budget_exhausted", budget_exhausted),
	XENC_RX_STAT("rx_csum_offload", csum_offload),
	XENC_RX_STAT("rx_gso_frames", gso_frames),
	XENC_RX_STAT("rx_drop_offload", drop_offload),
	XENC_RX_STAT("xdp_packets", xdp_packets),
	XENC_RX_STAT("xdp_drop", xdp_drop),
	XENC_RX_STAT("xdp_tx", xdp_tx),
	XENC_RX_STAT("xdp_tx_errors", xdp_tx_errors),
	XENC_RX_STAT("xdp_redirect", xdp_redirect),
	XENC_RX_STAT("xdp_redirect_errors", xdp_redirect_errors),
	XENC_RX_STAT("xdp_aborted", xdp_aborted),
};

static const char * const xenc_fault_stat[XENC_FAULT_COUNT] = {
	[XENC_FAULT_PROD_RANGE] = "prod_range",
	[XENC_FAULT_CONS_RANGE] = "cons_range",
	[XENC_FAULT_LEN_SHORT] = "len_short",
	[XENC_FAULT_LEN_LONG] = "len_long",
	[XENC_FAULT_LEN_UNPUBLISHED] = "len_unpublished",
	[XENC_FAULT_FLAGS] = "flags",
	[XENC_FAULT_CSUM] = "csum",
	[XENC_FAULT_GSO] = "gso",
	[XENC_FAULT_STATE] = "state",
	[XENC_FAULT_GENERATION] = "generation",
	[XENC_FAULT_LAYOUT] = "layout",
	[XENC_FAULT_VERSION] = "version",
};

/* Indices into the tables above, for sums over them. */
#define XENC_TX_BYTES	1
#define XENC_TX_KICKS	7
#define XENC_RX_BYTES	1
#define XENC_RX_KICKS	5

#define XENC_NTX	ARRAY_SIZE(xenc_tx_descs)
#define XENC_NRX	ARRAY_SIZE(xenc_rx_descs)
/* Per queue: tx, rx, doorbells received. */
#define XENC_NQSTATS	(XENC_NTX + XENC_NRX + 1)
/* Device: faults by kind, connects, disconnects, live reconfigs, bells. */
#define XENC_NDEVSTATS	(XENC_FAULT_COUNT - 1 + 4)

static void xenc_read_tx(struct xenc_queue *q, u64 *out)
{
	unsigned int start, i;

	do {
		start = u64_stats_fetch_begin(&q->txs.syncp);
		for (i = 0; i < XENC_NTX; i++)
			out[i] = u64_stats_read((u64_stats_t *)
				((u8 *)&q->txs + xenc_tx_descs[i].offset));
	} while (u64_stats_fetch_retry(&q->txs.syncp, start));
	/* Doorbells the coalescing timer sent count as sent too. */
	for (i = 0; i < XENC_NTX; i++)
		if (xenc_tx_descs[i].offset == offsetof(struct xenc_tx_stats, kicks))
			out[i] += atomic64_read(&q->timer_kicks);
}

static void xenc_read_rx(struct xenc_queue *q, u64 *out)
{
	unsigned int start, i;

	do {
		start = u64_stats_fetch_begin(&q->rxs.syncp);
		for (i = 0; i < XENC_NRX; i++)
			out[i] = u64_stats_read((u64_stats_t *)
				((u8 *)&q->rxs + xenc_rx_descs[i].offset));
	} while (u64_stats_fetch_retry(&q->rxs.syncp, start));
}

void xenc_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u64 tx[XENC_NTX], rx[XENC_NRX];
	u32 q;

	for (q = 0; q < XENC_MAX_QUEUES; q++) {
		xenc_read_tx(&priv->queues[q], tx);
		xenc_read_rx(&priv->queues[q], rx);
		s->tx_packets += tx[0];
		s->tx_bytes += tx[1];
		s->tx_dropped += tx[2] + tx[3] + tx[4] + tx[11];
		s->rx_packets += rx[0];
		s->rx_bytes += rx[1];
		/* nomem, fault, offload, and XDP_TX or redirect failures */
		s->rx_dropped += rx[2] + rx[3] + rx[11] + rx[15] + rx[17];
	}
}

/* Queues are listed up to the number ever configured, so names are stable. */
int xenc_stats_count(struct net_device *dev)
{
	return XENC_NDEVSTATS + dev->num_tx_queues * XENC_NQSTATS;
}

void xenc_stats_strings(struct net_device *dev, u8 *data)
{
	unsigned int q, i;

	for (i = 1; i < XENC_FAULT_COUNT; i++)
		ethtool_sprintf(&data, "peer_fault_%s", xenc_fault_stat[i]);
	xenc_ethtool_puts(&data, "link_connects");
	xenc_ethtool_puts(&data, "link_disconnects");
	xenc_ethtool_puts(&data, "live_reconfigs");
	xenc_ethtool_puts(&data, "doorbells_per_gbit");
	for (q = 0; q < dev->num_tx_queues; q++) {
		for (i = 0; i < XENC_NTX; i++)
			ethtool_sprintf(&data, "q%u_%s", q, xenc_tx_descs[i].name);
		for (i = 0; i < XENC_NRX; i++)
			ethtool_sprintf(&data, "q%u_%s", q, xenc_rx_descs[i].name);
		ethtool_sprintf(&data, "q%u_doorbells_received", q);
	}
}

void xenc_stats_fill(struct net_device *dev, u64 *data)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u64 bells = 0, bytes = 0, *per_gbit;
	unsigned int q, i;

	for (i = 1; i < XENC_FAULT_COUNT; i++)
		*data++ = atomic64_read(&priv->faults[i]);
	*data++ = atomic64_read(&priv->connects);
	*data++ = atomic64_read(&priv->disconnects);
	*data++ = atomic64_read(&priv->reconfigs);
	per_gbit = data++;
	for (q = 0; q < dev->num_tx_queues; q++) {
		struct xenc_queue *xq = &priv->queues[q];
		u64 *tx = data, *rx = data + XENC_NTX;

		xenc_read_tx(xq, data);
		data += XENC_NTX;
		xenc_read_rx(xq, data);
		data += XENC_NRX;
		*data++ = atomic64_read(&xq->doorbells);
		bells += tx[XENC_TX_KICKS] + rx[XENC_RX_KICKS] + data[-1];
		bytes += tx[XENC_TX_BYTES] + rx[XENC_RX_BYTES];
	}
	/* Both directions, since creation: doorbells / (bytes * 8 / 1e9). */
	*per_gbit = bytes ? mul_u64_u64_div_u64(bells, 125000000, bytes) : 0;
}

#ifdef XENC_HAVE_QSTATS
/* Only the fields set here are reported; the rest stay "not collected". */
static void xenc_qstats_rx(struct xenc_queue *q,
			   struct netdev_queue_stats_rx *rx)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&q->rxs.syncp);
		rx->packets = u64_stats_read(&q->rxs.packets);
		rx->bytes = u64_stats_read(&q->rxs.bytes);
		rx->alloc_fail = u64_stats_read(&q->rxs.drop_nomem);
		/* Frames lost with a faulty ring never reach the stack. */
		rx->hw_drops = u64_stats_read(&q->rxs.drop_fault);
	} while (u64_stats_fetch_retry(&q->rxs.syncp, start));
}

static void xenc_qstats_tx(struct xenc_queue *q,
			   struct netdev_queue_stats_tx *tx)
{
	unsigned int start;

	do {
		start = u64_stats_fetch_begin(&q->txs.syncp);
		tx->packets = u64_stats_read(&q->txs.packets);
		tx->bytes = u64_stats_read(&q->txs.bytes);
		tx->hw_drop_errors = u64_stats_read(&q->txs.drop_toobig);
		tx->hw_drops = tx->hw_drop_errors +
			       u64_stats_read(&q->txs.drop_down) +
			       u64_stats_read(&q->txs.drop_fault);
		/* Stopped early (ring low) or late (frame did not fit). */
		tx->stop = u64_stats_read(&q->txs.stops) +
			   u64_stats_read(&q->txs.ring_full);
	} while (u64_stats_fetch_retry(&q->txs.syncp, start));
	do {
		start = u64_stats_fetch_begin(&q->rxs.syncp);
		tx->wake = u64_stats_read(&q->rxs.wakes);
	} while (u64_stats_fetch_retry(&q->rxs.syncp, start));
}

static void xenc_get_queue_stats_rx(struct net_device *dev, int idx,
				    struct netdev_queue_stats_rx *rx)
{
	struct xenc_priv *priv = netdev_priv(dev);

	xenc_qstats_rx(&priv->queues[idx], rx);
}

static void xenc_get_queue_stats_tx(struct net_device *dev, int idx,
				    struct netdev_queue_stats_tx *tx)
{
	struct xenc_priv *priv = netdev_priv(dev);

	xenc_qstats_tx(&priv->queues[idx], tx);
}

/* Queues beyond the live count keep their history: report it as base. */
static void xenc_get_base_stats(struct net_device *dev,
				struct netdev_queue_stats_rx *rx,
				struct netdev_queue_stats_tx *tx)
{
	struct xenc_priv *priv = netdev_priv(dev);
	struct netdev_queue_stats_rx qrx;
	struct netdev_queue_stats_tx qtx;
	unsigned int q;

	/* Zero what we collect; what stays unset is not reported. */
	rx->packets = 0;
	rx->bytes = 0;
	rx->alloc_fail = 0;
	rx->hw_drops = 0;
	tx->packets = 0;
	tx->bytes = 0;
	tx->hw_drops = 0;
	tx->hw_drop_errors = 0;
	tx->stop = 0;
	tx->wake = 0;
	for (q = dev->real_num_rx_queues; q < XENC_MAX_QUEUES; q++) {
		xenc_qstats_rx(&priv->queues[q], &qrx);
		rx->packets += qrx.packets;
		rx->bytes += qrx.bytes;
		rx->alloc_fail += qrx.alloc_fail;
		rx->hw_drops += qrx.hw_drops;
	}
	for (q = dev->real_num_tx_queues; q < XENC_MAX_QUEUES; q++) {
		xenc_qstats_tx(&priv->queues[q], &qtx);
		tx->packets += qtx.packets;
		tx->bytes += qtx.bytes;
		tx->hw_drops += qtx.hw_drops;
		tx->hw_drop_errors += qtx.hw_drop_errors;
		tx->stop += qtx.stop;
		tx->wake += qtx.wake;
	}
}

static const struct netdev_stat_ops xenc_stat_ops = {
	.get_queue_stats_rx	= xenc_get_queue_stats_rx,
	.get_queue_stats_tx	= xenc_get_queue_stats_tx,
	.get_base_stats		= xenc_get_base_stats,
};
#endif

void xenc_stats_setup(struct net_device *dev)
{
#ifdef XENC_HAVE_QSTATS
	dev->stat_ops = &xenc_stat_ops;
#endif
}

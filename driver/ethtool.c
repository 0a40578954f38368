// SPDX-License-Identifier: GPL-2.0
/* xenc ethtool surface: identity, link state and reasons, rings, stats. */
#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include "xenc.h"

static void xenc_get_drvinfo(struct net_device *dev,
			     struct ethtool_drvinfo *info)
{
	struct xenc_priv *priv = netdev_priv(dev);
	const struct xenc_peer_snap *p = &priv->host.peer;

	strscpy(info->driver, KBUILD_MODNAME, sizeof(info->driver));
	strscpy(info->version, XENC_VERSION, sizeof(info->version));
	strscpy(info->bus_info, priv->shm->id, sizeof(info->bus_info));
	snprintf(info->fw_version, sizeof(info->fw_version),
		 "abi %u.%u peer %u.%u", XENC_ABI_MAJOR, XENC_ABI_MINOR,
		 p->abi_major, p->abi_minor);
	/* What the peer advertised at its last hello (names in debugfs). */
	if (p->state == XENC_PEER_ABSENT || p->state == XENC_PEER_GONE)
		strscpy(info->erom_version, "no peer",
			sizeof(info->erom_version));
	else
		snprintf(info->erom_version, sizeof(info->erom_version),
			 "feat %#llx q%u frame %u%s", p->features,
			 p->max_queues, p->max_frame,
			 p->flags & XENC_PEER_F_POLLING ? " poll" : "");
}

static int xenc_get_link_ext_state(struct net_device *dev,
				   struct ethtool_link_ext_state_info *info)
{
	struct xenc_priv *priv = netdev_priv(dev);

	switch (priv->reason) {
	case XENC_DOWN_NO_PEER:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_AUTONEG;
		info->autoneg = ETHTOOL_LINK_EXT_SUBSTATE_AN_NO_PARTNER_DETECTED;
		return 0;
	case XENC_DOWN_PEER_RESET:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_AUTONEG;
		info->autoneg = ETHTOOL_LINK_EXT_SUBSTATE_AN_ACK_NOT_RECEIVED;
		return 0;
	case XENC_DOWN_LAYOUT:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_AUTONEG;
		info->autoneg = ETHTOOL_LINK_EXT_SUBSTATE_AN_NO_HCD;
		return 0;
	case XENC_DOWN_PEER_STALE:
		info->link_ext_state = ETHTOOL_LINK_EXT_STATE_LINK_LOGICAL_MISMATCH;
		return 0;
	case XENC_DOWN_PEER_FAULT:
		info->link_ext_state =
			ETHTOOL_LINK_EXT_STATE_LINK_TRAINING_FAILURE;
		info->link_training =
			ETHTOOL_LINK_EXT_SUBSTATE_LT_REMOTE_FAULT;
		return 0;
	default:
		return -ENODATA;
	}
}

static int xenc_get_link_ksettings(struct net_device *dev,
				   struct ethtool_link_ksettings *cmd)
{
	cmd->base.speed = SPEED_UNKNOWN;
	cmd->base.duplex = DUPLEX_FULL;
	cmd->base.port = PORT_OTHER;
	cmd->base.autoneg = AUTONEG_DISABLE;
	return 0;
}

static u32 xenc_max_slots(struct xenc_priv *priv, u32 nq)
{
	return xenc_layout_max_slots(priv->shm->size, max(nq, 1u),
				     XENC_RING_SLOTS_MIN,
				     XENC_SLOT_SIZE_DEFAULT);
}

static void xenc_get_ringparam(struct net_device *dev,
			       struct ethtool_ringparam *ring,
			       struct kernel_ethtool_ringparam *kring,
			       struct netlink_ext_ack *extack)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u32 max = xenc_max_slots(priv, priv->num_queues ?: priv->req_queues);

	ring->rx_max_pending = max;
	ring->tx_max_pending = max;
	ring->rx_pending = priv->live ? priv->host.layout.p2l_slots :
					priv->p2l_slots;
	ring->tx_pending = priv->live ? priv->host.layout.l2p_slots :
					priv->l2p_slots;
}

/* ethtool -G: slots per ring, a power of two that fits the region. */
static int xenc_set_ringparam(struct net_device *dev,
			      struct ethtool_ringparam *ring,
			      struct kernel_ethtool_ringparam *kring,
			      struct netlink_ext_ack *extack)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u32 nq = priv->live ? priv->num_queues : priv->req_queues;
	struct xenc_layout l = {
		.num_queues = nq,
		.slot_size = XENC_SLOT_SIZE_DEFAULT,
		.max_frame = XENC_FRAME_MAX,
		.l2p_slots = ring->tx_pending,
		.p2l_slots = ring->rx_pending,
	};

	if (ring->rx_mini_pending || ring->rx_jumbo_pending) {
		NL_SET_ERR_MSG(extack, "xenc has no mini or jumbo rings");
		return -EINVAL;
	}
	if (!is_power_of_2(ring->tx_pending) ||
	    !is_power_of_2(ring->rx_pending) ||
	    ring->tx_pending < XENC_RING_SLOTS_MIN ||
	    ring->rx_pending < XENC_RING_SLOTS_MIN) {
		NL_SET_ERR_MSG(extack,
			       "ring sizes must be powers of two, at least 64");
		return -EINVAL;
	}
	if (xenc_layout_build(&l, priv->shm->size)) {
		NL_SET_ERR_MSG(extack, "rings do not fit the shared region");
		return -EINVAL;
	}
	/* The request, not what this peer granted: a later peer may give more. */
	return xenc_reconfig(priv, ring->tx_pending, ring->rx_pending,
			     priv->req_queues, extack);
}

static void xenc_get_channels(struct net_device *dev,
			      struct ethtool_channels *ch)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u32 peer_max = priv->host.peer.max_queues;

	ch->max_combined = peer_max ? min_t(u32, peer_max, XENC_MAX_QUEUES) :
				      XENC_MAX_QUEUES;
	ch->combined_count = priv->live ? priv->num_queues : priv->req_queues;
}

static int xenc_set_channels(struct net_device *dev,
			     struct ethtool_channels *ch)
{
	struct xenc_priv *priv = netdev_priv(dev);
	struct xenc_layout l = {
		.num_queues = ch->combined_count,
		.slot_size = XENC_SLOT_SIZE_DEFAULT,
		.max_frame = XENC_FRAME_MAX,
		.l2p_slots = priv->l2p_slots,
		.p2l_slots = priv->p2l_slots,
	};

	/* The core has checked the count against get_channels' maximum. */
	if (!ch->combined_count || ch->rx_count || ch->tx_count)
		return -EINVAL;
	if (xenc_layout_build(&l, priv->shm->size)) {
		netdev_err(dev, "%u queue pairs do not fit the region\n",
			   ch->combined_count);
		return -EINVAL;
	}
	return xenc_reconfig(priv, priv->l2p_slots, priv->p2l_slots,
			     ch->combined_count, NULL);
}

static int xenc_get_sset_count(struct net_device *dev, int sset)
{
	switch (sset) {
	case ETH_SS_STATS:
		return xenc_stats_count(dev);
	case ETH_SS_PRIV_FLAGS:
		return xenc_priv_flags_count();
	default:
		return -EOPNOTSUPP;
	}
}

static void xenc_get_strings(struct net_device *dev, u32 sset, u8 *data)
{
	if (sset == ETH_SS_STATS)
		xenc_stats_strings(dev, data);
	else if (sset == ETH_SS_PRIV_FLAGS)
		xenc_priv_flags_strings(data);
}

static void xenc_get_ethtool_stats(struct net_device *dev,
				   struct ethtool_stats *stats, u64 *data)
{
	xenc_stats_fill(dev, data);
}

const struct ethtool_ops xenc_ethtool_ops = {
	.supported_coalesce_params = ETHTOOL_COALESCE_USECS |
				     ETHTOOL_COALESCE_MAX_FRAMES,
	.get_drvinfo		= xenc_get_drvinfo,
	.get_link		= ethtool_op_get_link,
	.get_link_ext_state	= xenc_get_link_ext_state,
	.get_link_ksettings	= xenc_get_link_ksettings,
	.get_ringparam		= xenc_get_ringparam,
	.set_ringparam		= xenc_set_ringparam,
	.get_channels		= xenc_get_channels,
	.set_channels		= xenc_set_channels,
	.get_coalesce		= xenc_get_coalesce,
	.set_coalesce		= xenc_set_coalesce,
	.get_priv_flags		= xenc_get_priv_flags,
	.set_priv_flags		= xenc_set_priv_flags,
	.get_sset_count		= xenc_get_sset_count,
	.get_strings		= xenc_get_strings,
	.get_ethtool_stats	= xenc_get_ethtool_stats,
	.get_ts_info		= ethtool_op_get_ts_info,
};

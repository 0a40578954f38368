// SPDX-License-Identifier: GPL-2.0
/* xenc net_device: creation, ndo ops and the "ip link add type xenc" path. */
#include <linux/bpf.h>
#include <linux/etherdevice.h>
#include <linux/if_vlan.h>
#include <linux/jhash.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>
#include <kunit/visibility.h>
#include "xenc.h"

static int xenc_open(struct net_device *dev)
{
	xenc_queues_enable(netdev_priv(dev));
	return 0;
}

static int xenc_stop(struct net_device *dev)
{
	xenc_queues_disable(netdev_priv(dev));
	return 0;
}

static int xenc_change_mtu(struct net_device *dev, int new_mtu)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u32 q;

	if (priv->live &&
	    new_mtu + VLAN_ETH_HLEN > priv->host.layout.max_frame) {
		netdev_err(dev, "MTU %d exceeds the peer's largest frame %u\n",
			   new_mtu, priv->host.layout.max_frame);
		return -EINVAL;
	}
	if (!xenc_xdp_mtu_ok(priv, new_mtu)) {
		netdev_err(dev, "MTU %d too large while XDP is attached\n",
			   new_mtu);
		return -EINVAL;
	}
	WRITE_ONCE(dev->mtu, new_mtu);
	for (q = 0; q < XENC_MAX_QUEUES; q++)
		xenc_tx_set_thresholds(&priv->queues[q], new_mtu);
	return 0;
}

/* Runs under RTNL inside unregister: stop the link and leave the region. */
static void xenc_uninit(struct net_device *dev)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u32 q;

	xenc_link_stop(priv);
	for (q = 0; q < XENC_MAX_QUEUES; q++) {
		xenc_queue_set_napi(dev, q, NULL);
		xenc_rx_queue_exit(&priv->queues[q]);
		__netif_napi_del(&priv->queues[q].napi);
	}
	/* One grace period for all the NAPIs, not one each. */
	synchronize_net();
	if (rtnl_dereference(priv->xdp_prog))
		bpf_prog_put(rtnl_dereference(priv->xdp_prog));
	RCU_INIT_POINTER(priv->xdp_prog, NULL);
}

/* Offloads exist only as far as this generation negotiated them. */
static netdev_features_t xenc_fix_features(struct net_device *dev,
					   netdev_features_t features)
{
	struct xenc_priv *priv = netdev_priv(dev);

	return features & (~XENC_OFFLOAD_FEATURES |
			   xenc_offload_features(priv->host.negotiated));
}

static netdev_features_t xenc_features_check(struct sk_buff *skb,
					     struct net_device *dev,
					     netdev_features_t features)
{
	struct xenc_priv *priv = netdev_priv(dev);
	struct xenc_queue *q = &priv->queues[skb_get_queue_mapping(skb)];

	features = vlan_features_check(skb, features);
	return xenc_offload_check(skb, READ_ONCE(q->tx.flags_ok),
				  READ_ONCE(q->tx.max_frame), features);
}

static void xenc_destructor(struct net_device *dev)
{
	struct xenc_priv *priv = netdev_priv(dev);

	if (priv->shm)
		xenc_shm_put(priv->shm);
}

static u16 xenc_select_queue(struct net_device *dev, struct sk_buff *skb,
			     struct net_device *sb_dev)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u32 nq = dev->real_num_tx_queues;
	int q = xenc_flow_queue(skb, nq);

	return xenc_pick_tx(dev, skb, sb_dev, nq,
			    q >= 0 && xenc_tx_ring_busy(&priv->queues[q].tx));
}

static const struct net_device_ops xenc_netdev_ops = {
	.ndo_uninit		= xenc_uninit,
	.ndo_open		= xenc_open,
	.ndo_stop		= xenc_stop,
	.ndo_start_xmit		= xenc_start_xmit,
	.ndo_select_queue	= xenc_select_queue,
	.ndo_get_stats64	= xenc_get_stats64,
	.ndo_change_mtu		= xenc_change_mtu,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
	.ndo_fix_features	= xenc_fix_features,
	.ndo_features_check	= xenc_features_check,
	.ndo_bpf		= xenc_xdp,
	.ndo_xdp_xmit		= xenc_xdp_xmit,
};

void xenc_dev_setup(struct net_device *dev)
{
	ether_setup(dev);
	dev->netdev_ops = &xenc_netdev_ops;
	dev->ethtool_ops = &xenc_ethtool_ops;
	xenc_stats_setup(dev);
	dev->sysfs_groups[0] = &xenc_sysfs_group;
	dev->needs_free_netdev = true;
	dev->priv_destructor = xenc_destructor;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = XENC_FRAME_MAX - VLAN_ETH_HLEN > 65535 ?
		       65535 : XENC_FRAME_MAX - VLAN_ETH_HLEN;
	dev->priv_flags |= IFF_LIVE_ADDR_CHANGE;
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;
	/* Offloads start off; the first connect turns on what it negotiates. */
	dev->hw_features = XENC_BASE_FEATURES | XENC_OFFLOAD_FEATURES;
	dev->features = dev->hw_features;
	/* VLANs on top keep them too; fix_features masks what is off. */
	dev->vlan_features = dev->hw_features;
	xenc_xdp_set_features(dev);
}

/* Locally administered MAC that stays the same for the same region. */
void xenc_dev_update_mac(struct net_device *dev)
{
	struct xenc_priv *priv = netdev_priv(dev);
	const char *id = priv->shm->id;
	u32 h = jhash(id, strlen(id), 0x78656e63);
	u8 mac[ETH_ALEN] = { 0x02, 0x58, h >> 24, h >> 16, h >> 8, h };

	eth_hw_addr_set(dev, mac);
}

/*
 * Undo xenc_dev_init() for a device that did not register.  Registration
 * may have failed after ndo_uninit ran: everything here may run twice.
 */
static void xenc_dev_uninit(struct net_device *dev)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u32 q;

	WRITE_ONCE(priv->dying, true);
	xenc_shm_unbind(priv->shm);
	/* A doorbell since the bind may have queued it. */
	cancel_delayed_work_sync(&priv->link_work);
	for (q = 0; q < XENC_MAX_QUEUES; q++) {
		xenc_rx_queue_exit(&priv->queues[q]);
		__netif_napi_del(&priv->queues[q].napi);
	}
	synchronize_net();
}

/* Common to every transport: bind a fresh device to its region. */
int xenc_dev_init(struct net_device *dev, struct xenc_shm *shm)
{
	struct xenc_priv *priv = netdev_priv(dev);
	u32 q;
	int err;

	priv->dev = dev;
	priv->shm = shm;
	priv->req_queues = min_t(u32, num_online_cpus(), XENC_MAX_QUEUES);
	priv->l2p_slots = XENC_DEFAULT_SLOTS;
	priv->p2l_slots = XENC_DEFAULT_SLOTS;
	if (shm->parent)
		SET_NETDEV_DEV(dev, shm->parent);
	xenc_dev_update_mac(dev);
	/* First: xenc_dev_uninit() cancels its work. */
	xenc_link_init(priv);
	for (q = 0; q < XENC_MAX_QUEUES; q++) {
		struct xenc_queue *xq = &priv->queues[q];

		xq->priv = priv;
		xq->index = q;
		u64_stats_init(&xq->txs.syncp);
		u64_stats_init(&xq->rxs.syncp);
		xenc_tx_set_thresholds(xq, dev->mtu);
		xenc_coalesce_init(xq);
		netif_napi_add(dev, &xq->napi, xenc_poll);
		/* Queue q is always served by NAPI q. */
		xenc_queue_set_napi(dev, q, &xq->napi);
	}
	for (q = 0; q < XENC_MAX_QUEUES; q++) {
		err = xenc_rx_queue_init(&priv->queues[q]);
		if (err)
			goto err_queues;
	}
	netif_carrier_off(dev);
	err = xenc_shm_bind(shm, xenc_doorbell, priv);
	if (!err)
		return 0;
err_queues:
	xenc_dev_uninit(dev);
	return err;
}

static unsigned int xenc_get_num_queues(void)
{
	return XENC_MAX_QUEUES;
}

static void xenc_local_dev_undo(struct net_device *dev)
{
	struct xenc_priv *priv = netdev_priv(dev);
	LIST_HEAD(kill);

	xenc_dev_uninit(dev);
	xenc_local_destroy(priv->local, &kill);
	unregister_netdevice_many(&kill);
	/* The destructor does not run for a device that never registered. */
	xenc_shm_put(priv->shm);
	priv->shm = NULL;
	priv->local = NULL;
}

/* A device over a fresh local region; the caller registers it. */
static int xenc_local_dev_init(struct net_device *dev, bool with_peer,
			       struct netlink_ext_ack *extack)
{
	struct xenc_priv *priv = netdev_priv(dev);
	struct xenc_local *lr;
	int err;

	lr = xenc_local_create((u64)xenc_region_kb << 10, with_peer, extack);
	if (IS_ERR(lr))
		return PTR_ERR(lr);
	priv->local = lr;
	err = xenc_dev_init(dev, xenc_local_linux_end(lr));
	if (!err)
		err = netif_set_real_num_queues(dev, 1, 1);
	if (err)
		xenc_local_dev_undo(dev);
	return err;
}

/* Every queue array is XENC_MAX_QUEUES long: refuse any other count. */
#define XENC_QUEUES_MSG "xenc: numtxqueues and numrxqueues are fixed at " \
	__stringify(XENC_MAX_QUEUES)

static int xenc_validate(struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	static const int attrs[] = { IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES };
	u32 i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		if (tb[attrs[i]] &&
		    nla_get_u32(tb[attrs[i]]) != XENC_MAX_QUEUES) {
			NL_SET_ERR_MSG_ATTR(extack, tb[attrs[i]],
					    XENC_QUEUES_MSG);
			return -EINVAL;
		}
	}
	return 0;
}

static int xenc_newlink(struct net *src_net, struct net_device *dev,
			struct nlattr *tb[], struct nlattr *data[],
			struct netlink_ext_ack *extack)
{
	int err = xenc_local_dev_init(dev, true, extack);

	if (err)
		return err;
	err = register_netdevice(dev);
	if (err) {
		xenc_local_dev_undo(dev);
		return err;
	}
	xenc_link_start(netdev_priv(dev));
	return 0;
}

static void xenc_dellink(struct net_device *dev, struct list_head *head)
{
	struct xenc_priv *priv = netdev_priv(dev);

	if (priv->local) {
		xenc_local_destroy(priv->local, head);
		priv->local = NULL;
	}
	unregister_netdevice_queue(dev, head);
}

/*
 * A device over a region some other code owns (a PCI device, a physical
 * carve-out).  It takes over the user's reference to @shm, also on error.
 */
struct net_device *xenc_dev_create(struct xenc_shm *shm)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev_mqs(sizeof(struct xenc_priv), "xenc%d",
			       NET_NAME_ENUM, xenc_dev_setup, XENC_MAX_QUEUES,
			       XENC_MAX_QUEUES);
	if (!dev) {
		xenc_shm_put(shm);
		return ERR_PTR(-ENOMEM);
	}
	rtnl_lock();
	err = xenc_dev_init(dev, shm);
	if (!err)
		err = netif_set_real_num_queues(dev, 1, 1);
	if (!err)
		err = register_netdevice(dev);
	if (err) {
		struct xenc_priv *priv = netdev_priv(dev);

		/* A vetoed registration runs the destructor: it must not put. */
		priv->shm = NULL;
		rtnl_unlock();
		priv->shm = shm;
		xenc_dev_uninit(dev);
		free_netdev(dev);
		xenc_shm_put(shm);
		return ERR_PTR(err);
	}
	xenc_link_start(netdev_priv(dev));
	rtnl_unlock();
	return dev;
}

/* Unregister; the region's user reference goes with the destructor. */
void xenc_dev_destroy(struct net_device *dev)
{
	unregister_netdev(dev);
}

#if IS_ENABLED(CONFIG_KUNIT)
/* KUnit: a registered device whose peer end the test drives itself. */
struct net_device *xenc_kunit_create(struct xenc_shm **peer_end)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev_mqs(sizeof(struct xenc_priv), "xenct%d",
			       NET_NAME_ENUM, xenc_dev_setup, XENC_MAX_QUEUES,
			       XENC_MAX_QUEUES);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	rtnl_lock();
	err = xenc_local_dev_init(dev, false, NULL);
	if (!err) {
		*peer_end = xenc_local_get_peer_end(((struct xenc_priv *)netdev_priv(dev))->local);
		err = register_netdevice(dev);
		if (err) {
			xenc_shm_put(*peer_end);
			xenc_local_dev_undo(dev);
		}
	}
	if (!err)
		xenc_link_start(netdev_priv(dev));
	rtnl_unlock();
	if (err) {
		free_netdev(dev);
		return ERR_PTR(err);
	}
	return dev;
}
EXPORT_SYMBOL_IF_KUNIT(xenc_kunit_create);

void xenc_kunit_destroy(struct net_device *dev)
{
	LIST_HEAD(kill);

	rtnl_lock();
	xenc_dellink(dev, &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(xenc_kunit_destroy);
#endif

static struct rtnl_link_ops xenc_link_ops __read_mostly = {
	.kind			= "xenc",
	.priv_size		= sizeof(struct xenc_priv),
	.setup			= xenc_dev_setup,
	.validate		= xenc_validate,
	.newlink		= xenc_newlink,
	.dellink		= xenc_dellink,
	.get_num_tx_queues	= xenc_get_num_queues,
	.get_num_rx_queues	= xenc_get_num_queues,
};

int xenc_rtnl_init(void)
{
	return rtnl_link_register(&xenc_link_ops);
}

void xenc_rtnl_exit(void)
{
	rtnl_link_unregister(&xenc_link_ops);
}

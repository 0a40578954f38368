/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows which kernel (6.1 .. 6.12) we build against.
 * Features are detected, not versions compared: Kbuild greps the headers
 * and defines XENC_HAVE_QSTATS (struct netdev_stat_ops) and
 * XENC_HAVE_QUEUE_NAPI (netif_queue_set_napi()); 6.12 has both, 6.1
 * neither.
 */
#ifndef XENC_COMPAT_LINUX_H
#define XENC_COMPAT_LINUX_H

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/string.h>
#include <linux/udp.h>
#include <linux/virtio_net.h>
#ifdef XENC_HAVE_QSTATS
#include <net/netdev_queues.h>
#endif

/* ethtool_puts() arrived in 6.8; this works on every kernel we support. */
static inline void xenc_ethtool_puts(u8 **data, const char *str)
{
	strscpy((char *)*data, str, ETH_GSTRING_LEN);
	*data += ETH_GSTRING_LEN;
}

/*
 * Is @pdev's driver_override @drv?  Newer kernels (and Debian's 6.12) keep
 * it, with a lock, in struct device; Kbuild detects which one we have.
 * Called from probe, under the device lock.
 */
static inline bool xenc_pci_override_is(struct pci_dev *pdev, const char *drv)
{
#ifdef XENC_HAVE_DEVICE_DRIVER_OVERRIDE
	bool match;

	/* Not guard(): sparse cannot follow its lock context. */
	spin_lock(&pdev->dev.driver_override.lock);
	match = pdev->dev.driver_override.name &&
		!strcmp(pdev->dev.driver_override.name, drv);
	spin_unlock(&pdev->dev.driver_override.lock);
	return match;
#else
	return pdev->driver_override && !strcmp(pdev->driver_override, drv);
#endif
}

/* Show queue pair @q's NAPI instance in the netdev netlink queue listing. */
static inline void xenc_queue_set_napi(struct net_device *dev, unsigned int q,
				       struct napi_struct *napi)
{
#ifdef XENC_HAVE_QUEUE_NAPI
	netif_queue_set_napi(dev, q, NETDEV_QUEUE_TYPE_RX, napi);
	netif_queue_set_napi(dev, q, NETDEV_QUEUE_TYPE_TX, napi);
#endif
}

/*
 * The page_pool headers split (types.h/helpers.h) in the same release
 * that gave page_pool_params its napi member (NAPI-local recycling).
 * Kbuild looks for the header.
 */
#ifdef XENC_HAVE_PP_HELPERS
#include <net/page_pool/helpers.h>
static inline void xenc_pp_set_napi(struct page_pool_params *pp,
				    struct napi_struct *napi)
{
	pp->napi = napi;
}
#else
#include <net/page_pool.h>
static inline void xenc_pp_set_napi(struct page_pool_params *pp,
				    struct napi_struct *napi)
{
}
#endif

/* XDP feature flags (6.3+): a redirect target must announce ndo_xdp_xmit. */
#ifdef XENC_HAVE_XDP_FEATURES
#include <net/xdp.h>
static inline void xenc_xdp_set_features(struct net_device *dev)
{
	xdp_set_features_flag(dev, NETDEV_XDP_ACT_BASIC |
			      NETDEV_XDP_ACT_REDIRECT |
			      NETDEV_XDP_ACT_NDO_XMIT);
}
#else
static inline void xenc_xdp_set_features(struct net_device *dev)
{
}
#endif

/* Parse untrusted GSO/checksum metadata; @h is little-endian. */
#ifdef VIRTIO_NET_HDR_GSO_UDP_L4
static inline int xenc_vnet_hdr_to_skb(struct sk_buff *skb,
				       struct virtio_net_hdr *h, bool udp_l4)
{
	if (udp_l4)
		h->gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
	return virtio_net_hdr_to_skb(skb, h, true);
}
#else
/* The parser predates UDP segmentation offload: do its last step here. */
static inline int xenc_vnet_hdr_to_skb(struct sk_buff *skb,
				       struct virtio_net_hdr *h, bool udp_l4)
{
	u16 gso_size = __virtio16_to_cpu(true, h->gso_size);

	if (!udp_l4)
		return virtio_net_hdr_to_skb(skb, h, true);
	h->gso_type = VIRTIO_NET_HDR_GSO_NONE;
	h->gso_size = 0;
	if (virtio_net_hdr_to_skb(skb, h, true) ||
	    skb->csum_offset != offsetof(struct udphdr, check))
		return -EINVAL;
	/* As later parsers: no more segments than UDP GSO may build. */
	if (!gso_size || skb->len - skb_transport_offset(skb) -
	    sizeof(struct udphdr) > gso_size * UDP_MAX_SEGMENTS)
		return -EINVAL;
	if (skb->len - skb_transport_offset(skb) - sizeof(struct udphdr) >
	    gso_size) {
		skb_shinfo(skb)->gso_size = gso_size;
		skb_shinfo(skb)->gso_type = SKB_GSO_UDP_L4 | SKB_GSO_DODGY;
		skb_shinfo(skb)->gso_segs = 0;
	}
	return 0;
}
#endif

#endif /* XENC_COMPAT_LINUX_H */

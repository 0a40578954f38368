/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames <-> skbs for both Linux ends of a region: the xenc driver and the
 * test peer (which links them from xenc.ko).  offload.c: checksum and GSO
 * metadata; rxbuf.c: one-copy receive buffers from a page_pool;
 * affinity.c: transmit queue per CPU.
 */
#ifndef XENC_SKB_H
#define XENC_SKB_H

#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include "xenc_ring.h"

struct page_pool;

/* Every offload feature the ABI can carry; GSO ones need checksums too. */
#define XENC_GSO_FEATURES	(NETIF_F_TSO | NETIF_F_TSO6 | \
				 NETIF_F_GSO_UDP_L4 | NETIF_F_GSO_ROBUST)
#define XENC_OFFLOAD_FEATURES	(NETIF_F_HW_CSUM | NETIF_F_RXCSUM | \
				 XENC_GSO_FEATURES)
/* What needs no negotiation: frames are copied out of skbs anyway. */
#define XENC_BASE_FEATURES	(NETIF_F_SG | NETIF_F_FRAGLIST | \
				 NETIF_F_HIGHDMA)

/* Offloads a negotiated feature set lets a netdev advertise. */
netdev_features_t xenc_offload_features(u64 negotiated);
netdev_features_t xenc_offload_check(struct sk_buff *skb, u16 flags_ok,
				     u32 max_frame,
				     netdev_features_t features);
int xenc_offload_to_frame(const struct sk_buff *skb,
			  struct xenc_frame_hdr *fh, u16 flags_ok,
			  u32 max_frame);
int xenc_offload_from_frame(struct sk_buff *skb,
			    const struct xenc_frame_hdr *fh);

/* Receive buffers; each queue's page_pool keeps this many for reuse. */
#define XENC_RX_POOL_SIZE	256
#define XENC_RX_HEADROOM	XDP_PACKET_HEADROOM
/* Largest frame that fits one page after the headroom: XDP's limit. */
#define XENC_RX_PAGE_MAX \
	(PAGE_SIZE - XENC_RX_HEADROOM - \
	 SKB_DATA_ALIGN(sizeof(struct skb_shared_info)))

struct page_pool *xenc_rx_pool_create(struct net_device *dev,
				      struct napi_struct *napi, u32 size);
struct sk_buff *xenc_rx_skb(struct napi_struct *napi, struct page_pool *pp,
			    const struct xenc_span *sp, u32 len);
struct sk_buff *xenc_rx_skb_page(struct page_pool *pp, struct page *page,
				 u32 off, u32 len, u32 meta);

/* Queue affinity (affinity.c). */
void xenc_set_xps(struct net_device *dev, u32 nq);
int xenc_flow_queue(const struct sk_buff *skb, u32 nq);
bool xenc_tx_ring_busy(const struct xenc_ring *r);
u16 xenc_pick_tx(struct net_device *dev, struct sk_buff *skb,
		 struct net_device *sb_dev, u32 nq, bool busy);

#endif /* XENC_SKB_H */

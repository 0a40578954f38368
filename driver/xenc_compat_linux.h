/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows which kernel (6.1 .. 6.12) we build against.
 * Features are detected, not versions compared.
 */
#ifndef XENC_COMPAT_LINUX_H
#define XENC_COMPAT_LINUX_H

#include <linux/ethtool.h>
#include <linux/netdevice.h>
#include <linux/string.h>

/* ethtool_puts() arrived in 6.8; this works on every kernel we support. */
static inline void xenc_ethtool_puts(u8 **data, const char *str)
{
	strscpy((char *)*data, str, ETH_GSTRING_LEN);
	*data += ETH_GSTRING_LEN;
}

/*
 * The page_pool headers split (types.h/helpers.h) in the same release
 * that gave page_pool_params its napi member (NAPI-local recycling).
 */
#if __has_include(<net/page_pool/helpers.h>)
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
#if __has_include(<uapi/linux/netdev.h>)
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

#endif /* XENC_COMPAT_LINUX_H */

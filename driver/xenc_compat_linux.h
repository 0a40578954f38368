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

#endif /* XENC_COMPAT_LINUX_H */

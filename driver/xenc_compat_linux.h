/* SPDX-License-Identifier: GPL-2.0 */
/* The only place that knows which kernel (6.1 .. 6.12) we build against. */
#ifndef XENC_COMPAT_LINUX_H
#define XENC_COMPAT_LINUX_H

#include <linux/version.h>

/* Per-queue stats through netdev_stat_ops and queue<->NAPI links: 6.8+. */
#define XENC_HAVE_QUEUE_STATS	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0))

#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0)
#include <linux/ethtool.h>
static inline void ethtool_puts(u8 **data, const char *str)
{
	ethtool_sprintf(data, "%s", str);
}
#endif

#endif /* XENC_COMPAT_LINUX_H */

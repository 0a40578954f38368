/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows which kernel (6.1 .. 6.12) we build against.
 * Features are detected, not versions compared.
 */
#ifndef XENC_COMPAT_LINUX_H
#define XENC_COMPAT_LINUX_H

#include <linux/ethtool.h>
#include <linux/string.h>

/* ethtool_puts() arrived in 6.8; this works on every kernel we support. */
static inline void xenc_ethtool_puts(u8 **data, const char *str)
{
	strscpy((char *)*data, str, ETH_GSTRING_LEN);
	*data += ETH_GSTRING_LEN;
}

#endif /* XENC_COMPAT_LINUX_H */

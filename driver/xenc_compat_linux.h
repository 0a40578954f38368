/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only place that knows which kernel (6.1 .. 6.12) we build against.
 * Features are detected, not versions compared.
 */
#ifndef XENC_COMPAT_LINUX_H
#define XENC_COMPAT_LINUX_H

#include <linux/ethtool.h>
#include <linux/pci.h>
#include <linux/string.h>

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

#endif /* XENC_COMPAT_LINUX_H */

// SPDX-License-Identifier: GPL-2.0
/*
 * xenc over a physical region (shm/phys.c): phys_region=SIZE@ADDR makes one
 * Linux-role xenc device at module load, removed at unload.  The co-kernel
 * maps the same range (xenc_peer's phys_region in a single-kernel test).
 */
#include <linux/module.h>
#include "xenc.h"

static char *xenc_phys_region;
module_param_named(phys_region, xenc_phys_region, charp, 0444);
MODULE_PARM_DESC(phys_region,
		 "Reserved physical range SIZE@ADDR shared with a co-kernel, e.g. 16M@0x70000000");

static struct net_device *xenc_phys_netdev;
static struct xenc_shm *xenc_phys_shm;

int xenc_phys_dev_init(void)
{
	struct net_device *dev;
	struct xenc_shm *shm;
	phys_addr_t addr;
	u64 size;
	int err;

	if (!xenc_phys_region || !*xenc_phys_region)
		return 0;
	err = xenc_phys_parse(xenc_phys_region, &addr, &size);
	if (err) {
		pr_err("xenc: phys_region=%s: want SIZE@ADDR, page-aligned\n",
		       xenc_phys_region);
		return err;
	}
	shm = xenc_phys_create(addr, size);
	if (IS_ERR(shm))
		return PTR_ERR(shm);
	dev = xenc_dev_create(shm);
	if (IS_ERR(dev)) {
		xenc_phys_destroy(shm);
		return PTR_ERR(dev);
	}
	xenc_phys_netdev = dev;
	xenc_phys_shm = shm;
	netdev_info(dev, "Linux end of %s, %lluK\n", shm->id, size >> 10);
	return 0;
}

void xenc_phys_dev_exit(void)
{
	if (!xenc_phys_netdev)
		return;
	xenc_dev_destroy(xenc_phys_netdev);
	xenc_phys_destroy(xenc_phys_shm);
	xenc_phys_netdev = NULL;
}

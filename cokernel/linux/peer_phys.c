// SPDX-License-Identifier: GPL-2.0
/*
 * The test peer on a physical region (shm/phys.c): phys_region=SIZE@ADDR
 * attaches one co-kernel end at module load.  With xenc's phys_region on
 * the same range, one kernel plays both sides of a partitioned machine.
 */
#include <linux/module.h>
#include <linux/rtnetlink.h>
#include "peer.h"

static char *peer_phys_region;
module_param_named(phys_region, peer_phys_region, charp, 0444);
MODULE_PARM_DESC(phys_region,
		 "Reserved physical range SIZE@ADDR to serve as the co-kernel end, e.g. 16M@0x70000000");

static struct xenc_shm *xpeer_phys_shm;

int xpeer_phys_init(void)
{
	struct xenc_shm *shm;
	phys_addr_t addr;
	u64 size;
	int err;

	if (!peer_phys_region || !*peer_phys_region)
		return 0;
	err = xenc_phys_parse(peer_phys_region, &addr, &size);
	if (err) {
		pr_err("xenc_peer: phys_region=%s: want SIZE@ADDR, page-aligned\n",
		       peer_phys_region);
		return err;
	}
	shm = xenc_phys_create(addr, size);
	if (IS_ERR(shm))
		return PTR_ERR(shm);
	rtnl_lock();
	err = xpeer_attach(shm);
	rtnl_unlock();
	if (err) {
		xenc_shm_put(shm);
		xenc_phys_destroy(shm);
		return err;
	}
	xpeer_phys_shm = shm;
	return 0;
}

void xpeer_phys_exit(void)
{
	LIST_HEAD(kill);

	if (!xpeer_phys_shm)
		return;
	rtnl_lock();
	xpeer_detach(xpeer_phys_shm, &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
	xenc_phys_destroy(xpeer_phys_shm);
	xpeer_phys_shm = NULL;
}

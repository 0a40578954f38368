// SPDX-License-Identifier: GPL-2.0
/*
 * xenc: a net_device per co-kernel VM, over rings in memory shared with
 * another kernel.  Module parameters and init/exit order live here.
 */
#include <linux/module.h>
#include <net/rtnetlink.h>
#include "xenc.h"
#define CREATE_TRACE_POINTS
#include "trace.h"

unsigned int xenc_heartbeat_ms = 100;
module_param_named(heartbeat_ms, xenc_heartbeat_ms, uint, 0644);
MODULE_PARM_DESC(heartbeat_ms, "Heartbeat and handshake poll period (ms)");

unsigned int xenc_stale_ticks = 30;
module_param_named(stale_ticks, xenc_stale_ticks, uint, 0644);
MODULE_PARM_DESC(stale_ticks,
		 "Heartbeat periods without peer progress before carrier off");

unsigned long xenc_region_kb = 8192;
module_param_named(region_kb, xenc_region_kb, ulong, 0444);
MODULE_PARM_DESC(region_kb, "Size of regions made by ip link add (KiB)");

bool xenc_offloads = true;
module_param_named(offloads, xenc_offloads, bool, 0644);
MODULE_PARM_DESC(offloads,
		 "Offer checksum and GSO offloads to peers (from the next connect)");

static int __init xenc_init(void)
{
	int err;

	if (xenc_region_kb < 64 || xenc_region_kb > (1ul << 20))
		return -EINVAL;
	xenc_debugfs_init();
	err = xenc_rtnl_init();
	if (err)
		goto err_debugfs;
	err = xenc_pci_init();
	if (err)
		goto err_rtnl;
	return 0;

err_rtnl:
	xenc_rtnl_exit();
	xenc_local_exit();
err_debugfs:
	xenc_debugfs_exit();
	return err;
}

static void __exit xenc_exit(void)
{
	xenc_pci_exit();
	xenc_rtnl_exit();
	xenc_local_exit();
	xenc_debugfs_exit();
}

module_init(xenc_init);
module_exit(xenc_exit);
MODULE_DESCRIPTION("xenc: co-kernel VM NIC over shared-memory rings");
MODULE_AUTHOR("xenc developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(XENC_VERSION);
MODULE_INFO(abi, __stringify(XENC_ABI_MAJOR) "." __stringify(XENC_ABI_MINOR));
MODULE_ALIAS_RTNL_LINK("xenc");

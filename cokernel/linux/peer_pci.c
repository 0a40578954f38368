// SPDX-License-Identifier: GPL-2.0
/*
 * The test peer on an ivshmem device: the co-kernel end of a region whose
 * Linux end is xenc, in another guest or on a second ivshmem device over
 * the same memory.  The driver has no ID table, so it binds only devices
 * the administrator hands it:
 *
 *   echo xenc_peer >/sys/bus/pci/devices/$BDF/driver_override
 *   echo $BDF >/sys/bus/pci/drivers/xenc/unbind     # if xenc had it
 *   echo $BDF >/sys/bus/pci/drivers_probe
 *
 * The transport is xenc.ko's (shm/ivshmem.c), shared, not copied.
 */
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include "peer.h"

static int xpeer_pci_probe(struct pci_dev *pdev,
			   const struct pci_device_id *id)
{
	struct xenc_shm *shm;
	int err;

	shm = xenc_ivshmem_create(pdev, KBUILD_MODNAME, XENC_SHM_PEER);
	if (IS_ERR(shm))
		return PTR_ERR(shm);
	rtnl_lock();
	err = xpeer_attach(shm);
	rtnl_unlock();
	if (err) {
		xenc_shm_put(shm);
		xenc_ivshmem_destroy(shm);
		return err;
	}
	pci_set_drvdata(pdev, shm);
	pci_info(pdev, "co-kernel end of %s\n", shm->id);
	return 0;
}

static void xpeer_pci_remove(struct pci_dev *pdev)
{
	struct xenc_shm *shm = pci_get_drvdata(pdev);
	LIST_HEAD(kill);

	/* Linux sees GONE and drops its carrier ("no partner"). */
	rtnl_lock();
	xpeer_detach(shm, &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();
	xenc_ivshmem_destroy(shm);
}

static struct pci_driver xpeer_pci_driver = {
	.name	= KBUILD_MODNAME,
	.probe	= xpeer_pci_probe,
	.remove	= xpeer_pci_remove,
};

int xpeer_pci_init(void)
{
	return pci_register_driver(&xpeer_pci_driver);
}

void xpeer_pci_exit(void)
{
	pci_unregister_driver(&xpeer_pci_driver);
}

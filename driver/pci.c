// SPDX-License-Identifier: GPL-2.0
/*
 * xenc PCI driver: each QEMU ivshmem device (1af4:1110) it binds becomes one
 * Linux-role xenc net_device.  The co-kernel end of the same region is bound
 * elsewhere (another guest, or xenc_peer through driver_override), so
 * ivshmem_autobind=0 leaves devices alone unless the administrator writes
 * "xenc" to their driver_override: a co-kernel guest, or a userspace relay
 * that mmaps BAR2 through sysfs, needs them unbound.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include "xenc.h"

static bool xenc_ivshmem_autobind = true;
module_param_named(ivshmem_autobind, xenc_ivshmem_autobind, bool, 0644);
MODULE_PARM_DESC(ivshmem_autobind,
		 "Bind every ivshmem device as a xenc net_device (0: only those whose driver_override is xenc)");

static int xenc_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct xenc_shm *shm;
	struct net_device *dev;

	if (!READ_ONCE(xenc_ivshmem_autobind) &&
	    !xenc_pci_override_is(pdev, KBUILD_MODNAME))
		return -ENODEV;
	shm = xenc_ivshmem_create(pdev, KBUILD_MODNAME, XENC_SHM_LINUX);
	if (IS_ERR(shm))
		return PTR_ERR(shm);
	dev = xenc_dev_create(shm);
	if (IS_ERR(dev)) {
		xenc_ivshmem_destroy(shm);
		return PTR_ERR(dev);
	}
	pci_set_drvdata(pdev, dev);
	netdev_info(dev, "Linux end of %s\n", shm->id);
	return 0;
}

static void xenc_pci_remove(struct pci_dev *pdev)
{
	struct net_device *dev = pci_get_drvdata(pdev);
	struct xenc_priv *priv = netdev_priv(dev);
	struct xenc_shm *shm = priv->shm;

	/* Carrier off, NAPI stopped, doorbells unbound, peer told GONE. */
	xenc_dev_destroy(dev);
	xenc_ivshmem_destroy(shm);
}

static const struct pci_device_id xenc_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT_QUMRANET, XENC_IVSHMEM_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, xenc_pci_ids);

static struct pci_driver xenc_pci_driver = {
	.name		= KBUILD_MODNAME,
	.id_table	= xenc_pci_ids,
	.probe		= xenc_pci_probe,
	.remove		= xenc_pci_remove,
};

int xenc_pci_init(void)
{
	return pci_register_driver(&xenc_pci_driver);
}

void xenc_pci_exit(void)
{
	pci_unregister_driver(&xenc_pci_driver);
}

// SPDX-License-Identifier: GPL-2.0
/*
 * ivshmem transport: QEMU's inter-VM shared memory PCI device (1af4:1110).
 * BAR2 is the shared region, RAM-backed on the host, so it is mapped
 * write-back like ordinary memory: the ring core does plain loads, stores
 * and memcpy on it.  ivshmem-plain has no interrupts (nvec 0: both sides
 * poll); ivshmem-doorbell adds MSI-X vectors and a doorbell register.
 *
 * The transport serves either role.  xenc.ko binds its PCI driver to make
 * Linux-role devices (driver/pci.c); xenc_peer.ko binds a second driver,
 * through driver_override only, for the co-kernel end.
 */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include "xenc_shm.h"

/* BAR0 registers (QEMU's ivshmem-spec.txt). */
#define IVSHMEM_INTR_MASK	0x00
#define IVSHMEM_INTR_STATUS	0x04
#define IVSHMEM_IV_POSITION	0x08
#define IVSHMEM_DOORBELL	0x0c
#define IVSHMEM_REGS_SIZE	0x10

#define IVSHMEM_BAR_REGS	0
#define IVSHMEM_BAR_MSIX	1
#define IVSHMEM_BAR_SHM		2

/* Doorbell ids are 16 bits wide; vectors the same. */
#define IVSHMEM_ID_MAX		0xffff

struct xenc_ivshmem;

struct xenc_ivshmem_vec {
	struct xenc_ivshmem *iv;
	u32 vector;
	bool requested;
	char name[32];
};

struct xenc_ivshmem {
	struct xenc_shm shm;
	struct kref ref;
	struct pci_dev *pdev;
	void __iomem *regs;
	bool enabled;
	bool regions;
	u32 own_id;		/* IVPosition, doorbell variant only */
	u32 peer_id;		/* where our doorbells go */
	struct xenc_ivshmem_vec vec[XENC_SHM_MAX_VECTORS];
};

static struct xenc_ivshmem *xenc_iv_of(struct xenc_shm *shm)
{
	return container_of(shm, struct xenc_ivshmem, shm);
}

static void xenc_ivshmem_kick(struct xenc_shm *shm, u32 vector)
{
	struct xenc_ivshmem *iv = xenc_iv_of(shm);

	/* writel() is ordered after our earlier stores to the region. */
	writel((iv->peer_id << 16) | (vector & IVSHMEM_ID_MAX),
	       iv->regs + IVSHMEM_DOORBELL);
}

static irqreturn_t xenc_ivshmem_irq(int irq, void *data)
{
	struct xenc_ivshmem_vec *v = data;
	struct xenc_shm *shm = &v->iv->shm;
	xenc_doorbell_fn fn;

	/* Pairs with the release in xenc_shm_bind(): ctx is set. */
	fn = smp_load_acquire(&shm->handler);
	if (fn)
		fn(READ_ONCE(shm->ctx), v->vector);
	return IRQ_HANDLED;
}

static void xenc_ivshmem_unbind(struct xenc_shm *shm)
{
	struct xenc_ivshmem *iv = xenc_iv_of(shm);
	u32 v;

	/* A handler that saw the old handler pointer has finished. */
	for (v = 0; v < shm->nvec; v++)
		if (iv->vec[v].requested)
			synchronize_irq(pci_irq_vector(iv->pdev, v));
}

static void xenc_ivshmem_release(struct kref *ref)
{
	struct xenc_ivshmem *iv = container_of(ref, struct xenc_ivshmem, ref);
	struct pci_dev *pdev = iv->pdev;

	if (iv->shm.base)
		memunmap(iv->shm.base);
	if (iv->regs)
		pci_iounmap(pdev, iv->regs);
	if (iv->regions)
		pci_release_regions(pdev);
	if (iv->enabled)
		pci_disable_device(pdev);
	pci_dev_put(pdev);
	kfree(iv);
}

static void xenc_ivshmem_put(struct xenc_shm *shm)
{
	kref_put(&xenc_iv_of(shm)->ref, xenc_ivshmem_release);
}

static const struct xenc_shm_ops xenc_ivshmem_ops = {
	.kick = xenc_ivshmem_kick,
	.unbind = xenc_ivshmem_unbind,
	.put = xenc_ivshmem_put,
};

static void xenc_ivshmem_free_irqs(struct xenc_ivshmem *iv)
{
	u32 v;

	for (v = 0; v < iv->shm.nvec; v++) {
		if (iv->vec[v].requested)
			free_irq(pci_irq_vector(iv->pdev, v), &iv->vec[v]);
		iv->vec[v].requested = false;
	}
	if (iv->shm.nvec)
		pci_free_irq_vectors(iv->pdev);
	iv->shm.nvec = 0;
}

/*
 * The doorbell variant has an MSI-X BAR.  Without one, or if vectors cannot
 * be had, the device is used without interrupts and both sides poll.
 */
static int xenc_ivshmem_setup_irqs(struct xenc_ivshmem *iv)
{
	struct pci_dev *pdev = iv->pdev;
	int n, v, err;

	if (!pci_resource_len(pdev, IVSHMEM_BAR_MSIX) || !pdev->msix_cap)
		return 0;
	n = pci_alloc_irq_vectors(pdev, 1, XENC_SHM_MAX_VECTORS, PCI_IRQ_MSIX);
	if (n < 0) {
		pci_info(pdev, "no MSI-X vectors (%d): polling\n", n);
		return 0;
	}
	iv->shm.nvec = n;
	for (v = 0; v < n; v++) {
		struct xenc_ivshmem_vec *vec = &iv->vec[v];

		vec->iv = iv;
		vec->vector = v;
		snprintf(vec->name, sizeof(vec->name), "xenc-%s-%d",
			 pci_name(pdev), v);
		err = request_irq(pci_irq_vector(pdev, v), xenc_ivshmem_irq, 0,
				  vec->name, vec);
		if (err) {
			xenc_ivshmem_free_irqs(iv);
			return err;
		}
		vec->requested = true;
	}
	return 0;
}

static int xenc_ivshmem_map(struct xenc_ivshmem *iv, const char *name)
{
	struct pci_dev *pdev = iv->pdev;
	resource_size_t start = pci_resource_start(pdev, IVSHMEM_BAR_SHM);
	resource_size_t len = pci_resource_len(pdev, IVSHMEM_BAR_SHM);
	int err;

	err = pci_enable_device_mem(pdev);
	if (err)
		return err;
	iv->enabled = true;
	err = pci_request_regions(pdev, name);
	if (err)
		return err;
	iv->regions = true;
	if (pci_resource_len(pdev, IVSHMEM_BAR_REGS) < IVSHMEM_REGS_SIZE ||
	    !(pci_resource_flags(pdev, IVSHMEM_BAR_SHM) & IORESOURCE_MEM) ||
	    !len) {
		pci_err(pdev, "not an ivshmem device: BAR0/BAR2 missing\n");
		return -ENODEV;
	}
	iv->regs = pci_iomap(pdev, IVSHMEM_BAR_REGS, IVSHMEM_REGS_SIZE);
	if (!iv->regs)
		return -ENOMEM;
	/* Host RAM behind the BAR: cacheable, like the peer's mapping. */
	iv->shm.base = memremap(start, len, MEMREMAP_WB);
	if (!iv->shm.base)
		return -ENOMEM;
	iv->shm.size = len;
	return 0;
}

/**
 * xenc_ivshmem_create() - map an ivshmem device as a xenc region
 * @pdev: the device, from a probe callback
 * @name: owner of the PCI regions (the binding driver's name)
 *
 * Returns a transport with two references: one for its user, dropped with
 * xenc_shm_put() (usually from a net_device destructor), and one for the
 * PCI driver, dropped by xenc_ivshmem_destroy() on remove.
 */
struct xenc_shm *xenc_ivshmem_create(struct pci_dev *pdev, const char *name)
{
	struct xenc_ivshmem *iv;
	int err;

	if (pdev->vendor != PCI_VENDOR_ID_REDHAT_QUMRANET ||
	    pdev->device != XENC_IVSHMEM_DEVICE_ID)
		return ERR_PTR(-ENODEV);
	iv = kzalloc(sizeof(*iv), GFP_KERNEL);
	if (!iv)
		return ERR_PTR(-ENOMEM);
	kref_init(&iv->ref);
	iv->pdev = pci_dev_get(pdev);
	iv->shm.ops = &xenc_ivshmem_ops;
	iv->shm.transport = "ivshmem";
	iv->shm.parent = &pdev->dev;
	err = xenc_ivshmem_map(iv, name);
	if (!err)
		err = xenc_ivshmem_setup_irqs(iv);
	if (err)
		goto err_put;
	/* Nothing may ring us through a masked legacy interrupt either. */
	writel(0, iv->regs + IVSHMEM_INTR_MASK);
	if (iv->shm.nvec) {
		iv->own_id = readl(iv->regs + IVSHMEM_IV_POSITION) &
			     IVSHMEM_ID_MAX;
		snprintf(iv->shm.id, sizeof(iv->shm.id), "ivshmem:%s#%u",
			 pci_name(pdev), iv->own_id);
	} else {
		snprintf(iv->shm.id, sizeof(iv->shm.id), "ivshmem:%s",
			 pci_name(pdev));
	}
	kref_get(&iv->ref);
	pci_info(pdev, "xenc region %lluK, %u doorbell vectors%s\n",
		 iv->shm.size >> 10, iv->shm.nvec,
		 iv->shm.nvec ? "" : " (polling)");
	return &iv->shm;

err_put:
	xenc_ivshmem_free_irqs(iv);
	kref_put(&iv->ref, xenc_ivshmem_release);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(xenc_ivshmem_create);

/**
 * xenc_ivshmem_destroy() - release the device on remove
 * @shm: from xenc_ivshmem_create(), its user already unbound
 *
 * Frees the interrupts now, as they belong to the bound driver; the mapping
 * stays until the user's reference is gone too.
 */
void xenc_ivshmem_destroy(struct xenc_shm *shm)
{
	struct xenc_ivshmem *iv = xenc_iv_of(shm);

	WARN_ON_ONCE(READ_ONCE(shm->handler));
	xenc_ivshmem_free_irqs(iv);
	kref_put(&iv->ref, xenc_ivshmem_release);
}
EXPORT_SYMBOL_GPL(xenc_ivshmem_destroy);

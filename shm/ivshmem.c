// SPDX-License-Identifier: GPL-2.0
/*
 * ivshmem transport: QEMU's inter-VM shared memory PCI device (1af4:1110).
 * BAR2 is the shared region, RAM-backed on the host, so it is mapped
 * write-back like ordinary memory: the ring core does plain loads, stores
 * and memcpy on it.  ivshmem-plain has no interrupts (nvec 0: both sides
 * poll); ivshmem-doorbell adds MSI-X vectors and a doorbell register.
 *
 * Doorbells need the other side's ID (its IVPosition, given out by the
 * ivshmem server).  The doorbell variant keeps the last 4 KiB of BAR2 for
 * itself: each role publishes its ID there, and reads the other's on each
 * kick, so a restarted guest with a new ID is found again.  The region
 * xenc sees ends before that block.  ivshmem_peer_id fixes the ID instead.
 * A doorbell that cannot interrupt (the self-test below rings our own ID
 * and waits) is dropped in favour of polling.
 *
 * The transport serves either role.  xenc.ko binds its PCI driver to make
 * Linux-role devices (driver/pci.c); xenc_peer.ko binds a second driver,
 * through driver_override only, for the co-kernel end.
 */
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/wait.h>
#include "xenc_shm.h"

static int xenc_ivshmem_peer_id = -1;
module_param_named(ivshmem_peer_id, xenc_ivshmem_peer_id, int, 0644);
MODULE_PARM_DESC(ivshmem_peer_id,
		 "ivshmem-doorbell: the other side's ID (-1: learn it from the region)");

static unsigned int xenc_ivshmem_selftest_ms = 2000;
module_param_named(ivshmem_selftest_ms, xenc_ivshmem_selftest_ms, uint, 0644);
MODULE_PARM_DESC(ivshmem_selftest_ms,
		 "ivshmem-doorbell: wait this long for a doorbell to ourselves before polling instead (0: no test)");

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

/*
 * The doorbell variant's ID block, in the last 4 KiB of BAR2.  Slot 0 is
 * the Linux role's, slot 1 the peer's; each side writes only its own.
 */
#define IVSHMEM_IDS_SIZE	4096
#define IVSHMEM_ID_VALID	0x80000000u

struct xenc_ivshmem_ids {
	u32 id[2];		/* IVSHMEM_ID_VALID | IVPosition, 0: absent */
	u32 nvec[2];		/* vectors, for a mismatch warning */
};

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
	void *map;		/* all of BAR2 */
	struct xenc_ivshmem_ids *ids;	/* doorbell variant only */
	enum xenc_shm_role role;
	bool enabled;
	bool regions;
	u32 own_id;		/* IVPosition, doorbell variant only */
	atomic_t irqs;		/* interrupts taken, for the self-test */
	wait_queue_head_t wq;
	struct xenc_ivshmem_vec vec[XENC_SHM_MAX_VECTORS];
};

static struct xenc_ivshmem *xenc_iv_of(struct xenc_shm *shm)
{
	return container_of(shm, struct xenc_ivshmem, shm);
}

static bool xenc_ivshmem_is_doorbell(struct pci_dev *pdev)
{
	return pci_resource_len(pdev, IVSHMEM_BAR_MSIX) && pdev->msix_cap;
}

static void xenc_ivshmem_ring(struct xenc_ivshmem *iv, u32 id, u32 vector)
{
	/* writel() is ordered after our earlier stores to the region. */
	writel((id << 16) | (vector & IVSHMEM_ID_MAX),
	       iv->regs + IVSHMEM_DOORBELL);
}

static void xenc_ivshmem_kick(struct xenc_shm *shm, u32 vector)
{
	struct xenc_ivshmem *iv = xenc_iv_of(shm);
	int fixed = READ_ONCE(xenc_ivshmem_peer_id);
	u32 id;

	if (fixed >= 0) {
		id = fixed;
	} else {
		/* Peer-written: any value only picks whom QEMU interrupts. */
		id = READ_ONCE(iv->ids->id[!iv->role]);
		if (!(id & IVSHMEM_ID_VALID))
			return;
	}
	xenc_ivshmem_ring(iv, id & IVSHMEM_ID_MAX, vector);
}

static irqreturn_t xenc_ivshmem_irq(int irq, void *data)
{
	struct xenc_ivshmem_vec *v = data;
	struct xenc_shm *shm = &v->iv->shm;
	xenc_doorbell_fn fn;

	if (atomic_inc_return(&v->iv->irqs) == 1)
		wake_up(&v->iv->wq);
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

	if (iv->map)
		memunmap(iv->map);
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
	if (iv->shm.nvec) {
		pci_free_irq_vectors(iv->pdev);
		pci_clear_master(iv->pdev);
	}
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

	if (!xenc_ivshmem_is_doorbell(pdev))
		return 0;
	/* An MSI is a memory write by the device: no bus master, no MSI. */
	pci_set_master(pdev);
	n = pci_alloc_irq_vectors(pdev, 1, XENC_SHM_MAX_VECTORS, PCI_IRQ_MSIX);
	if (n < 0) {
		/* E.g. -ENOTSUPP: no MSI domain, as in a guest without APIC. */
		pci_warn(pdev, "no MSI-X vectors (%pe): polling instead\n",
			 ERR_PTR(n));
		pci_clear_master(pdev);
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
	    len < 2 * IVSHMEM_IDS_SIZE) {
		pci_err(pdev, "not an ivshmem device: BAR0/BAR2 missing\n");
		return -ENODEV;
	}
	iv->regs = pci_iomap(pdev, IVSHMEM_BAR_REGS, IVSHMEM_REGS_SIZE);
	if (!iv->regs)
		return -ENOMEM;
	/* Host RAM behind the BAR: cacheable, like the peer's mapping. */
	iv->map = memremap(start, len, MEMREMAP_WB);
	if (!iv->map)
		return -ENOMEM;
	iv->shm.base = iv->map;
	iv->shm.size = len;
	return 0;
}

/*
 * Ring our own ID and wait for the interrupt: proves the whole path (our
 * eventfds from the server, QEMU's MSI-X delivery, our vector).  QEMU
 * ignores doorbells it cannot deliver, so silence is the only symptom.
 */
static bool xenc_ivshmem_selftest(struct xenc_ivshmem *iv)
{
	unsigned long end = jiffies +
			    msecs_to_jiffies(READ_ONCE(xenc_ivshmem_selftest_ms));

	if (!xenc_ivshmem_selftest_ms)
		return true;
	/* Ring again now and then: QEMU drops doorbells it cannot route. */
	do {
		xenc_ivshmem_ring(iv, iv->own_id, 0);
		if (wait_event_timeout(iv->wq, atomic_read(&iv->irqs),
				       msecs_to_jiffies(100)))
			return true;
	} while (time_before(jiffies, end));
	return false;
}

/*
 * Doorbell variant: our ID, the ID block, and proof that interrupts work.
 * The block is kept whatever the outcome, so both ends always agree on
 * where the region ends.
 */
static void xenc_ivshmem_setup_doorbell(struct xenc_ivshmem *iv)
{
	struct pci_dev *pdev = iv->pdev;
	u32 pos = readl(iv->regs + IVSHMEM_IV_POSITION);
	u32 other;

	iv->shm.size -= IVSHMEM_IDS_SIZE;
	iv->ids = iv->map + iv->shm.size;
	if (pos > IVSHMEM_ID_MAX) {
		pci_warn(pdev, "IVPosition %#x: no doorbells\n", pos);
		xenc_ivshmem_free_irqs(iv);
		return;
	}
	iv->own_id = pos;
	if (iv->shm.nvec && !xenc_ivshmem_selftest(iv)) {
		pci_warn(pdev, "doorbell self-test: no interrupt within %u ms of ringing our own ID %u; polling instead\n",
			 xenc_ivshmem_selftest_ms, pos);
		xenc_ivshmem_free_irqs(iv);
	}
	WRITE_ONCE(iv->ids->nvec[iv->role], iv->shm.nvec);
	/* Release: the other side that sees our ID sees our vector count. */
	smp_store_release(&iv->ids->id[iv->role], IVSHMEM_ID_VALID | pos);
	other = READ_ONCE(iv->ids->nvec[!iv->role]);
	if (other && iv->shm.nvec && other != iv->shm.nvec)
		pci_warn(pdev, "other side has %u vectors, we have %u: give both devices the same vectors=N\n",
			 other, iv->shm.nvec);
}

/**
 * xenc_ivshmem_create() - map an ivshmem device as a xenc region
 * @pdev: the device, from a probe callback
 * @name: owner of the PCI regions (the binding driver's name)
 * @role: which end of the region we are (slot in the doorbell ID block)
 *
 * Returns a transport with two references: one for its user, dropped with
 * xenc_shm_put() (usually from a net_device destructor), and one for the
 * PCI driver, dropped by xenc_ivshmem_destroy() on remove.
 */
struct xenc_shm *xenc_ivshmem_create(struct pci_dev *pdev, const char *name,
				     enum xenc_shm_role role)
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
	init_waitqueue_head(&iv->wq);
	iv->role = role;
	iv->pdev = pci_dev_get(pdev);
	iv->shm.ops = &xenc_ivshmem_ops;
	iv->shm.transport = "ivshmem";
	iv->shm.parent = &pdev->dev;
	err = xenc_ivshmem_map(iv, name);
	if (!err)
		err = xenc_ivshmem_setup_irqs(iv);
	if (err)
		goto err_put;
	/* No legacy INTx: we use MSI-X or nothing. */
	writel(0, iv->regs + IVSHMEM_INTR_MASK);
	if (xenc_ivshmem_is_doorbell(pdev))
		xenc_ivshmem_setup_doorbell(iv);
	if (iv->ids) {
		snprintf(iv->shm.id, sizeof(iv->shm.id), "ivshmem:%s#%u",
			 pci_name(pdev), iv->own_id);
	} else {
		snprintf(iv->shm.id, sizeof(iv->shm.id), "ivshmem:%s",
			 pci_name(pdev));
	}
	kref_get(&iv->ref);
	pci_info(pdev, "xenc %s end: region %lluK, %u doorbell vectors%s\n",
		 role == XENC_SHM_LINUX ? "Linux" : "peer", iv->shm.size >> 10,
		 iv->shm.nvec, iv->shm.nvec ? "" : " (polling)");
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
	/* Our ID goes stale with us: nobody should ring it any more. */
	if (iv->ids)
		WRITE_ONCE(iv->ids->id[iv->role], 0);
	xenc_ivshmem_free_irqs(iv);
	kref_put(&iv->ref, xenc_ivshmem_release);
}
EXPORT_SYMBOL_GPL(xenc_ivshmem_destroy);

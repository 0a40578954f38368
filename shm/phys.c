// SPDX-License-Identifier: GPL-2.0
/*
 * Physical-region transport: a range of physical memory both kernels of a
 * partitioned machine can address (a Pisces enclave's region, a memmap=
 * carve-out, a device-tree reserved-memory node).  Each kernel maps it
 * write-back; nothing else is shared, so there are no doorbells (nvec 0)
 * and both sides poll.  A machine-specific doorbell (an IPI vector, a
 * mailbox register) would add kick() and an interrupt handler here and
 * set nvec; nothing above this file changes.
 *
 * The range must not be RAM this kernel manages: it is refused unless it
 * is reserved (memmap=SIZE$ADDR, reserved-memory) or not RAM at all.
 */
#include <linux/io.h>
#include <linux/ioport.h>
#include <linux/kref.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "xenc_shm.h"

struct xenc_phys {
	struct xenc_shm shm;
	struct kref ref;
	phys_addr_t addr;
};

static struct xenc_phys *xenc_phys_of(struct xenc_shm *shm)
{
	return container_of(shm, struct xenc_phys, shm);
}

static void xenc_phys_release(struct kref *ref)
{
	struct xenc_phys *ph = container_of(ref, struct xenc_phys, ref);

	memunmap(ph->shm.base);
	kfree(ph);
}

static void xenc_phys_put(struct xenc_shm *shm)
{
	kref_put(&xenc_phys_of(shm)->ref, xenc_phys_release);
}

static void xenc_phys_kick(struct xenc_shm *shm, u32 vector)
{
	/* Never called: nvec is 0. */
}

static const struct xenc_shm_ops xenc_phys_ops = {
	.kick = xenc_phys_kick,
	.put = xenc_phys_put,
};

/**
 * xenc_phys_parse() - parse "SIZE@ADDR" (memparse suffixes, e.g. 16M@0x70000000)
 * @spec: the string
 * @addr: start, page-aligned
 * @size: length, a page multiple
 */
int xenc_phys_parse(const char *spec, phys_addr_t *addr, u64 *size)
{
	char *at;

	*size = memparse(spec, &at);
	if (*at != '@')
		return -EINVAL;
	*addr = memparse(at + 1, &at);
	if (*at && *at != '\n')
		return -EINVAL;
	if (!*size || !PAGE_ALIGNED(*size) || !PAGE_ALIGNED(*addr) ||
	    *addr + *size < *addr)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_GPL(xenc_phys_parse);

/**
 * xenc_phys_create() - map a physical range as a xenc region
 * @addr: start of the range
 * @size: its length
 *
 * Returns a transport with two references, like xenc_ivshmem_create():
 * one for its user (xenc_shm_put()) and one for the creator, dropped by
 * xenc_phys_destroy().
 */
struct xenc_shm *xenc_phys_create(phys_addr_t addr, u64 size)
{
	struct xenc_phys *ph;

	/* Mapping RAM the kernel hands out would corrupt it both ways. */
	if (region_intersects(addr, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("xenc: phys region %pa+%#llx is system RAM; reserve it first (memmap=SIZE$ADDR)\n",
		       &addr, size);
		return ERR_PTR(-EBUSY);
	}
	ph = kzalloc(sizeof(*ph), GFP_KERNEL);
	if (!ph)
		return ERR_PTR(-ENOMEM);
	kref_init(&ph->ref);
	ph->addr = addr;
	ph->shm.ops = &xenc_phys_ops;
	ph->shm.transport = "phys";
	snprintf(ph->shm.id, sizeof(ph->shm.id), "phys:%#llx",
		 (unsigned long long)addr);
	/* The other kernel maps it cacheable too: coherent like RAM. */
	ph->shm.base = memremap(addr, size, MEMREMAP_WB);
	if (!ph->shm.base) {
		kfree(ph);
		return ERR_PTR(-ENOMEM);
	}
	ph->shm.size = size;
	kref_get(&ph->ref);
	return &ph->shm;
}
EXPORT_SYMBOL_GPL(xenc_phys_create);

/* Drop the creator's reference, once the user is unbound. */
void xenc_phys_destroy(struct xenc_shm *shm)
{
	WARN_ON_ONCE(READ_ONCE(shm->handler));
	xenc_phys_put(shm);
}
EXPORT_SYMBOL_GPL(xenc_phys_destroy);

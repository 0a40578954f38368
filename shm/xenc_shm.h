/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenc shared-memory transports: a mapped region plus doorbells both ways.
 * The driver and the test peer see only this interface, so a new transport
 * (ivshmem, a physical carve-out, XEMEM) needs no change above it.
 */
#ifndef XENC_SHM_H
#define XENC_SHM_H

#include <linux/types.h>
#include <linux/module.h>
#include <linux/netlink.h>

struct xenc_shm;
struct pci_dev;

/* No transport delivers more vectors than there are queue pairs. */
#define XENC_SHM_MAX_VECTORS	16

typedef void (*xenc_doorbell_fn)(void *ctx, u32 vector);

struct xenc_shm_ops {
	/* Ring the other side's doorbell; may be called in any context. */
	void (*kick)(struct xenc_shm *shm, u32 vector);
	/* Start/stop delivering our doorbells; unbind waits for handlers. */
	int (*bind)(struct xenc_shm *shm);
	void (*unbind)(struct xenc_shm *shm);
	/* Drop the user's reference; the transport frees what it owns. */
	void (*put)(struct xenc_shm *shm);
};

struct xenc_shm {
	const struct xenc_shm_ops *ops;
	const char *transport;	/* "local", "ivshmem", "phys" */
	char id[32];		/* stable identity, e.g. "local:3" */
	void *base;
	u64 size;
	u32 nvec;		/* doorbell vectors, 0: no interrupts (poll) */
	struct device *parent;	/* for SET_NETDEV_DEV, may be NULL */
	xenc_doorbell_fn handler;
	void *ctx;
};

int xenc_shm_bind(struct xenc_shm *shm, xenc_doorbell_fn fn, void *ctx);
void xenc_shm_unbind(struct xenc_shm *shm);

static inline void xenc_shm_kick(struct xenc_shm *shm, u32 vector)
{
	if (shm->nvec)
		shm->ops->kick(shm, vector % shm->nvec);
}

static inline void xenc_shm_put(struct xenc_shm *shm)
{
	shm->ops->put(shm);
}

/* Local transport: both ends inside this kernel, for tests and demos. */
struct xenc_local_peer_ops {
	struct module *owner;
	/* Called under RTNL for each region without a peer. */
	int (*attach)(struct xenc_shm *peer_end);
	/* Called under RTNL: stop using peer_end, queue devices on @kill. */
	void (*detach)(struct xenc_shm *peer_end, struct list_head *kill);
};

struct xenc_local;

struct xenc_local *xenc_local_create(u64 size, bool with_peer,
				     struct netlink_ext_ack *ext);
struct xenc_shm *xenc_local_linux_end(struct xenc_local *lr);
struct xenc_shm *xenc_local_get_peer_end(struct xenc_local *lr);
void xenc_local_destroy(struct xenc_local *lr, struct list_head *kill);
int xenc_local_register_peer(const struct xenc_local_peer_ops *ops);
void xenc_local_unregister_peer(const struct xenc_local_peer_ops *ops);
void xenc_local_exit(void);

/* ivshmem transport (ivshmem.c): QEMU's inter-VM shared memory device. */
#define XENC_IVSHMEM_DEVICE_ID	0x1110

/* Which end of a region a transport instance serves. */
enum xenc_shm_role {
	XENC_SHM_LINUX = 0,	/* xenc: formats the region */
	XENC_SHM_PEER = 1,	/* the co-kernel endpoint */
};

struct xenc_shm *xenc_ivshmem_create(struct pci_dev *pdev, const char *name,
				     enum xenc_shm_role role);
void xenc_ivshmem_destroy(struct xenc_shm *shm);

#endif /* XENC_SHM_H */

/* SPDX-License-Identifier: GPL-2.0 */
/* xenc test peer internals, shared by its files. */
#ifndef XENC_PEER_H
#define XENC_PEER_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include "xenc_ep.h"
#include "xenc_shm.h"

struct xpeer;

struct xpeer_queue {
	struct napi_struct napi;
	struct hrtimer poll_timer;	/* polling mode: re-polls the rings */
	u32 poll_shift;			/* idle backoff of that timer */
	struct xpeer *xp;
	u32 index;
	u64_stats_t tx_packets;
	u64_stats_t tx_bytes;
	u64_stats_t tx_dropped;
	struct u64_stats_sync tx_syncp;
	u64_stats_t rx_packets;
	u64_stats_t rx_bytes;
	u64_stats_t rx_dropped;
	struct u64_stats_sync rx_syncp;
};

struct xpeer {
	struct net_device *dev;
	struct xenc_shm *shm;
	/* Data paths take it for read, the control path for write. */
	rwlock_t lock;
	struct xenc_ep ep;
	struct delayed_work tick;
	bool dying;
	bool attached;
	bool rx_paused;
	bool hostile;			/* write garbage, see hostile.c */
	u32 hostile_rng;
	u32 hostile_step;
	u32 linux_state_seen;
	struct dentry *dbg;
	struct xpeer_queue q[XENC_MAX_QUEUES];
};

void xpeer_hostile_step(struct xpeer *xp);

/* peer.c: one peer NIC per region, for every transport; under RTNL. */
int xpeer_attach(struct xenc_shm *shm);
void xpeer_detach(struct xenc_shm *shm, struct list_head *kill);

/* peer_pci.c: the ivshmem binding (driver_override only). */
int xpeer_pci_init(void);
void xpeer_pci_exit(void);

/* peer_phys.c: the physical-region binding (phys_region=). */
int xpeer_phys_init(void);
void xpeer_phys_exit(void);

#endif /* XENC_PEER_H */

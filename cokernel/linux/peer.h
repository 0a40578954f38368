/* SPDX-License-Identifier: GPL-2.0 */
/* xenc test peer internals, shared by its files. */
#ifndef XENC_PEER_H
#define XENC_PEER_H

#include <linux/netdevice.h>
#include <linux/seq_file.h>
#include <linux/u64_stats_sync.h>
#include "xenc_ep.h"
#include "xenc_shm.h"

struct xpeer;

struct xpeer_queue {
	struct napi_struct napi;
	struct hrtimer poll_timer;	/* polling mode: re-polls the rings */
	struct page_pool *pool;		/* large receive frames */
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
	u32 hcase;			/* fixed hostile case running, 0: none */
	u32 hcase_ticks;		/* ticks since it started */
	bool hold_ctrl;			/* no handshake, no heartbeat */
	bool hold_data;			/* rings left as the case wrote them */
	u32 linux_state_seen;
	struct dentry *dbg;
	struct xpeer_queue q[XENC_MAX_QUEUES];
};

void xpeer_hostile_step(struct xpeer *xp);
int xpeer_hcase_start(struct xpeer *xp, u32 c);
bool xpeer_hcase_stop(struct xpeer *xp);
void xpeer_hcase_tick(struct xpeer *xp);
void xpeer_hcase_list(struct seq_file *m);

/* peer.c: one peer NIC per region, for every transport; under RTNL. */
int xpeer_attach(struct xenc_shm *shm);
void xpeer_detach(struct xenc_shm *shm, struct list_head *kill);

/* peer_pci.c: the ivshmem binding (driver_override only). */
int xpeer_pci_init(void);
void xpeer_pci_exit(void);

/* inject: write a kind, plus XPEER_INJECT_QUIET to skip the doorbell. */
#define XPEER_INJECT_QUIET	0x100
int xpeer_inject(struct xpeer *xp, u32 kind);

#endif /* XENC_PEER_H */

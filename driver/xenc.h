/* SPDX-License-Identifier: GPL-2.0 */
/* xenc driver internals shared between its files. */
#ifndef XENC_H
#define XENC_H

#include <linux/netdevice.h>
#include <linux/u64_stats_sync.h>
#include <linux/workqueue.h>
#include <linux/atomic.h>
#include <net/xdp.h>
#include "xenc_ring.h"
#include "xenc_shm.h"
#include "xenc_skb.h"
#include "xenc_compat_linux.h"
#include "xenc_version.h"

#define XENC_DEFAULT_SLOTS	256
/* XDP_TX frames gathered before they go out under one lock. */
#define XENC_XDP_BATCH		16

/* Why the carrier is down; shown through get_link_ext_state and debugfs. */
enum xenc_down_reason {
	XENC_DOWN_NONE = 0,
	XENC_DOWN_NO_PEER,	/* peer never attached or detached */
	XENC_DOWN_PEER_RESET,	/* peer restarted or left the handshake */
	XENC_DOWN_PEER_STALE,	/* peer heartbeat stopped */
	XENC_DOWN_PEER_FAULT,	/* peer broke the protocol */
	XENC_DOWN_LAYOUT,	/* no layout fits what the peer accepts */
};

/* Written only by ndo_start_xmit, under the queue's xmit lock. */
struct xenc_tx_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t drop_toobig;
	u64_stats_t drop_down;
	u64_stats_t drop_fault;
	u64_stats_t stops;
	u64_stats_t ring_full;
	u64_stats_t kicks;
	u64_stats_t kicks_suppressed;
	u64_stats_t csum_offload;
	u64_stats_t gso_frames;
	u64_stats_t drop_offload;
	u64_stats_t xdp_xmit;
	u64_stats_t xdp_xmit_errors;
	struct u64_stats_sync syncp;
};

/* Written only by NAPI poll. */
struct xenc_rx_stats {
	u64_stats_t packets;
	u64_stats_t bytes;
	u64_stats_t drop_nomem;
	u64_stats_t drop_fault;
	u64_stats_t wakes;
	u64_stats_t kicks;
	u64_stats_t kicks_suppressed;
	u64_stats_t polls;
	u64_stats_t budget_exhausted;
	u64_stats_t csum_offload;
	u64_stats_t gso_frames;
	u64_stats_t drop_offload;
	u64_stats_t xdp_packets;
	u64_stats_t xdp_drop;
	u64_stats_t xdp_tx;
	u64_stats_t xdp_tx_errors;
	u64_stats_t xdp_redirect;
	u64_stats_t xdp_redirect_errors;
	u64_stats_t xdp_aborted;
	struct u64_stats_sync syncp;
};

/* XDP_TX pages and redirects of one NAPI poll, flushed at its end. */
struct xenc_xdp_batch {
	u32 n;
	bool redirect;
	struct page *page[XENC_XDP_BATCH];
	u16 off[XENC_XDP_BATCH];
	u16 len[XENC_XDP_BATCH];
};

struct xenc_priv;

/*
 * One queue pair.  Each group starts on its own cache line, and so does
 * the next queue: the receive side (NAPI, doorbell) and the transmit side
 * (xmit lock) of a queue, and different queues, never share a line.
 */
struct xenc_queue {
	/* Read-mostly: set up on (re)connect and MTU changes. */
	struct xenc_priv *priv;
	struct page_pool *pool;		/* large frames and XDP, see rxbuf.c */
	u16 index;
	u32 vector;
	u32 stop_slots;			/* stop when fewer free: one max frame */
	u32 wake_slots;			/* wake at this many free: hysteresis */

	/* Receive: NAPI poll and the doorbell that schedules it. */
	struct napi_struct napi ____cacheline_aligned_in_smp;
	struct xenc_ring rx;		/* p2l: we consume, in NAPI */
	atomic64_t doorbells;		/* received, from hard IRQ */
	atomic64_t timer_kicks;		/* deferred tx doorbells, from hrtimer */
	struct hrtimer rx_timer;	/* rx-usecs deadline, or poll tick */
	struct xdp_rxq_info xdp_rxq;
	struct xenc_rx_stats rxs ____cacheline_aligned_in_smp;

	/* Transmit: under the queue's xmit lock (NAPI reclaims under it). */
	struct xenc_ring tx ____cacheline_aligned_in_smp; /* l2p: we produce */
	u32 tx_unkicked;		/* frames published since last kick */
	u32 bql_done;			/* tx slots reported complete to BQL */
	struct hrtimer tx_timer;	/* tx-usecs deferred kick */
	u32 poll_shift;			/* polling: idle backoff, NAPI only */
	struct xenc_tx_stats txs ____cacheline_aligned_in_smp;
} ____cacheline_aligned_in_smp;

struct xenc_priv {
	struct net_device *dev;
	struct xenc_shm *shm;
	struct xenc_local *local;	/* set if created by ip link add */
	struct xenc_host host;		/* handshake, under RTNL */
	struct delayed_work link_work;
	bool live;			/* rings usable; flips under RTNL */
	bool quiescing;			/* live re-layout in progress */
	bool napi_on;			/* our NAPI instances are enabled */
	bool dying;
	unsigned long broken;		/* bit 0: a ring faulted, reset due */
	u32 peer_state_seen;		/* to spot state changes on doorbell */
	u32 offer_ticks;		/* link work ticks since the offer */
	enum xenc_down_reason reason;
	u32 req_queues;			/* wanted queue pairs */
	u32 num_queues;			/* queue pairs in the live layout */
	u32 l2p_slots;
	u32 p2l_slots;
	u32 rx_usecs;			/* ethtool -C, see coalesce.c */
	u32 rx_frames;
	u32 tx_usecs;
	u32 tx_frames;
	bool polling;			/* no doorbells either way */
	bool xdp_on;			/* offer XDP-sized frames, no offloads */
	struct bpf_prog __rcu *xdp_prog;
	atomic64_t faults[XENC_FAULT_COUNT];
	atomic64_t connects;
	atomic64_t reconfigs;
	atomic64_t disconnects;
	atomic_t fail_rx_alloc;		/* debugfs: fail this many rx allocs */
	struct dentry *dbg;
	struct xenc_queue queues[XENC_MAX_QUEUES];
};

/* main.c: module parameters */
extern unsigned int xenc_heartbeat_ms;
extern unsigned int xenc_stale_ticks;
extern unsigned long xenc_region_kb;
extern bool xenc_offloads;

/* netdev.c */
int xenc_dev_init(struct net_device *dev, struct xenc_shm *shm);
void xenc_dev_setup(struct net_device *dev);
void xenc_dev_update_mac(struct net_device *dev);
int xenc_rtnl_init(void);
struct net_device *xenc_dev_create(struct xenc_shm *shm);
void xenc_dev_destroy(struct net_device *dev);
struct net_device *xenc_kunit_create(struct xenc_shm **peer_end);
void xenc_kunit_destroy(struct net_device *dev);
void xenc_rtnl_exit(void);

/* tx.c */
netdev_tx_t xenc_start_xmit(struct sk_buff *skb, struct net_device *dev);
void xenc_tx_reclaim(struct xenc_queue *q, struct netdev_queue *txq);
void xenc_tx_set_thresholds(struct xenc_queue *q, unsigned int mtu);
void xenc_tx_flush(struct xenc_queue *q);
bool xenc_tx_usable(struct xenc_queue *q);
void xenc_tx_sync(struct xenc_priv *priv);
int xenc_tx_xdp_frame(struct xenc_queue *q, struct netdev_queue *txq,
		      const void *data, u32 len);
void xenc_tx_xdp_done(struct xenc_queue *q, struct netdev_queue *txq);

/* rx.c */
int xenc_poll(struct napi_struct *napi, int budget);
int xenc_rx_queue_init(struct xenc_queue *q);
void xenc_rx_queue_exit(struct xenc_queue *q);

/* xdp.c */
bool xenc_xdp_mtu_ok(struct xenc_priv *priv, int mtu);
u32 xenc_xdp_max_frame(struct xenc_priv *priv);
struct sk_buff *xenc_xdp_rx(struct xenc_queue *q, struct bpf_prog *prog,
			    const struct xenc_frame_hdr *fh,
			    const struct xenc_span *sp,
			    struct xenc_xdp_batch *b, bool *nomem);
void xenc_xdp_flush(struct xenc_queue *q, struct xenc_xdp_batch *b);
int xenc_xdp_xmit(struct net_device *dev, int n, struct xdp_frame **frames,
		  u32 flags);
int xenc_xdp(struct net_device *dev, struct netdev_bpf *bpf);

/* link.c */
void xenc_link_init(struct xenc_priv *priv);
void xenc_link_start(struct xenc_priv *priv);
void xenc_link_stop(struct xenc_priv *priv);
void xenc_link_kick(struct xenc_priv *priv);
void xenc_link_up(struct xenc_priv *priv);
void xenc_link_reset(struct xenc_priv *priv, enum xenc_down_reason why);
int xenc_link_offer(struct xenc_priv *priv);
void xenc_data_stop(struct xenc_priv *priv);
void xenc_link_fault(struct xenc_priv *priv, int rc);
void xenc_count_fault(struct xenc_priv *priv, u32 f);
u64 xenc_link_features(struct xenc_priv *priv);
void xenc_doorbell(void *ctx, u32 vector);
void xenc_queues_enable(struct xenc_priv *priv);
void xenc_queues_disable(struct xenc_priv *priv);
const char *xenc_reason_str(enum xenc_down_reason r);

/* reconfig.c */
int xenc_reconfig(struct xenc_priv *priv, u32 l2p, u32 p2l, u32 nq,
		  struct netlink_ext_ack *extack);

/* coalesce.c */
void xenc_kick(struct xenc_priv *priv, u32 vector);
void xenc_coalesce_init(struct xenc_queue *q);
void xenc_coalesce_stop(struct xenc_queue *q);
void xenc_coalesce_apply(struct xenc_priv *priv);
bool xenc_rx_rearm(struct xenc_queue *q, int done);
bool xenc_tx_coalesce_kick(struct xenc_queue *q, u32 frames, bool urgent);
int xenc_get_coalesce(struct net_device *dev, struct ethtool_coalesce *ec,
		      struct kernel_ethtool_coalesce *kec,
		      struct netlink_ext_ack *extack);
int xenc_set_coalesce(struct net_device *dev, struct ethtool_coalesce *ec,
		      struct kernel_ethtool_coalesce *kec,
		      struct netlink_ext_ack *extack);
int xenc_priv_flags_count(void);
void xenc_priv_flags_strings(u8 *data);
u32 xenc_get_priv_flags(struct net_device *dev);
int xenc_set_priv_flags(struct net_device *dev, u32 flags);

/* debugfs.c */
void xenc_debugfs_add(struct xenc_priv *priv);
void xenc_debugfs_del(struct xenc_priv *priv);
void xenc_debugfs_init(void);
void xenc_debugfs_exit(void);

/* stats.c */
void xenc_get_stats64(struct net_device *dev, struct rtnl_link_stats64 *s);
int xenc_stats_count(struct net_device *dev);
void xenc_stats_strings(struct net_device *dev, u8 *data);
void xenc_stats_fill(struct net_device *dev, u64 *data);
void xenc_stats_setup(struct net_device *dev);

/* pci.c */
int xenc_pci_init(void);
void xenc_pci_exit(void);

/* phys.c */
int xenc_phys_dev_init(void);
void xenc_phys_dev_exit(void);

/* ethtool.c */
extern const struct ethtool_ops xenc_ethtool_ops;

/* sysfs.c */
extern const struct attribute_group xenc_sysfs_group;

#endif /* XENC_H */

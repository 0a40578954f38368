/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * xenc co-kernel endpoint: the peer side of a region, in portable C.
 *
 * A port (Kitten/Palacios, a Jailhouse inmate, the Linux test peer) maps the
 * region, supplies a doorbell callback, calls xenc_ep_tick() periodically and
 * xenc_ep_poll() when Linux rings it, and moves frames with the send/recv
 * calls.  Nothing else is needed: no libc, no allocation, no locks (one
 * context per queue at a time, control calls serialised by the port).
 */
#ifndef XENC_EP_H
#define XENC_EP_H

#include "xenc_ring.h"

struct xenc_ep_config {
	u64 features;		/* XENC_F_* this port implements */
	u32 max_queues;		/* queue pairs it can serve */
	u32 max_frame;		/* largest frame it can take */
	u32 flags;		/* XENC_PEER_F_* */
	u32 stale_limit;	/* ticks of silent Linux before reset, 0: never */
};

/*
 * The two ring ends run on different CPUs, and so may the next queue's:
 * a full cache line of padding keeps each off the others' lines, however
 * the port aligns the endpoint (no alignment attribute is portable here).
 */
struct xenc_ep_queue {
	struct xenc_ring tx;	/* peer -> Linux (p2l), we produce */
	u8 pad_tx[XENC_CACHELINE];
	struct xenc_ring rx;	/* Linux -> peer (l2p), we consume */
	u32 vector;
	u8 pad_rx[XENC_CACHELINE];
};

enum xenc_ep_event {
	XENC_EP_NONE = 0,
	XENC_EP_CONNECTED,	/* rings usable (maybe with a new layout) */
	XENC_EP_DISCONNECTED,	/* rings unusable until CONNECTED again */
	XENC_EP_QUIESCE,	/* stop sending; keep receiving until drained */
};

struct xenc_ep {
	u8 *region;
	u64 size;		/* usable: min(mapped, what Linux formatted) */
	u64 map_size;		/* what the port mapped */
	struct xenc_ep_config cfg;
	void (*notify)(void *ctx, u32 vector);
	void *ctx;
	u32 state;		/* enum xenc_peer_state we published */
	u32 generation;		/* acknowledged generation */
	u32 cookie;
	bool quiescing;
	u64 features;		/* negotiated */
	u32 linux_flags;
	u64 heartbeat;
	u64 linux_hb_seen;
	u32 linux_hb_stale;
	u32 fault;		/* last enum xenc_fault seen */
	u64 faults[XENC_FAULT_COUNT];
	struct xenc_layout layout;
	struct xenc_ep_queue q[XENC_MAX_QUEUES];
};

int xenc_ep_attach(struct xenc_ep *ep, void *region, u64 size,
		   const struct xenc_ep_config *cfg,
		   void (*notify)(void *ctx, u32 vector), void *ctx,
		   u32 cookie);
void xenc_ep_detach(struct xenc_ep *ep);
enum xenc_ep_event xenc_ep_poll(struct xenc_ep *ep);
enum xenc_ep_event xenc_ep_tick(struct xenc_ep *ep);
bool xenc_ep_connected(const struct xenc_ep *ep);
u32 xenc_ep_num_queues(const struct xenc_ep *ep);

int xenc_ep_send(struct xenc_ep *ep, u32 q, const struct xenc_frame_hdr *fh,
		 struct xenc_span *sp);
int xenc_ep_send_buf(struct xenc_ep *ep, u32 q, const void *frame, u32 len);
void xenc_ep_flush(struct xenc_ep *ep, u32 q);
bool xenc_ep_tx_wait(struct xenc_ep *ep, u32 q, u32 want);
bool xenc_ep_tx_reclaim(struct xenc_ep *ep, u32 q);

int xenc_ep_recv(struct xenc_ep *ep, u32 q, struct xenc_frame_hdr *fh,
		 struct xenc_span *sp);
void xenc_ep_recv_done(struct xenc_ep *ep, u32 q,
		       const struct xenc_frame_hdr *fh);
void xenc_ep_recv_flush(struct xenc_ep *ep, u32 q);
bool xenc_ep_rx_rearm(struct xenc_ep *ep, u32 q);

#endif /* XENC_EP_H */

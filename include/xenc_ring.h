/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The xenc ring core: one source (ring/) built into the Linux driver, the
 * co-kernel endpoint and the native tests.  Nothing here trusts shared
 * memory: every value the other side wrote is read once, then validated.
 */
#ifndef XENC_RING_H
#define XENC_RING_H

#include "xenc_compat.h"
#include "uapi/xenc_abi.h"

/* Non-error results; faults are returned as -enum xenc_fault. */
#define XENC_OK		0
#define XENC_EMPTY	1	/* nothing to consume */
#define XENC_FULL	2	/* not enough free slots now */
#define XENC_TOOBIG	3	/* frame can never fit this ring */
#define XENC_NOQUEUE	4	/* xenc_ep: no such queue in this layout */

/* Where a frame's payload lives: one piece, or two if it wraps. */
struct xenc_span {
	u8 *p[2];
	u32 n[2];
};

/* Private state of one end of one ring.  Never placed in shared memory. */
struct xenc_ring {
	struct xenc_ring_hdr *hdr;
	u8 *data;
	u32 slots;		/* power of two */
	u32 shift;		/* log2(slot size) */
	u32 max_frame;
	u16 flags_ok;		/* XENC_FRAME_* allowed by features */
	u8 fault;		/* sticky enum xenc_fault, 0 while healthy */
	u8 rsvd;
	u32 head;		/* producer: next prod; consumer: next cons */
	u32 pub;		/* last index published to the other side */
	u32 snap;		/* last validated index of the other side */
};

bool xenc_is_pow2(u32 v);
u32 xenc_frame_slots(const struct xenc_ring *r, u32 len);
u16 xenc_frame_flags_ok(u64 features);
int xenc_frame_meta_check(const struct xenc_frame_hdr *fh, u32 max_frame);
int xenc_ring_init(struct xenc_ring *r, void *ring_base, u32 slots,
		   u32 slot_size, u32 max_frame, u64 features);
void xenc_ring_clear_shared(void *ring_base);

/* Producer. */
int xenc_ring_free(struct xenc_ring *r, u32 *free_slots);
int xenc_ring_put(struct xenc_ring *r, const struct xenc_frame_hdr *fh,
		  struct xenc_span *sp);
bool xenc_ring_publish(struct xenc_ring *r);
bool xenc_ring_wait_space(struct xenc_ring *r, u32 want);
u32 xenc_ring_used(const struct xenc_ring *r);

/* Consumer. */
int xenc_ring_peek(struct xenc_ring *r, struct xenc_frame_hdr *fh,
		   struct xenc_span *sp);
void xenc_ring_consume(struct xenc_ring *r, const struct xenc_frame_hdr *fh);
bool xenc_ring_release(struct xenc_ring *r);
bool xenc_ring_enable_notify(struct xenc_ring *r);
bool xenc_ring_enable_notify_at(struct xenc_ring *r, u32 batch);
void xenc_ring_set_polling(struct xenc_ring *r, bool consumer, bool on);

void xenc_span_to_buf(const struct xenc_span *sp, void *buf);
void xenc_span_read(const struct xenc_span *sp, u32 off, void *buf, u32 n);
void xenc_span_from_buf(const struct xenc_span *sp, const void *buf);

/* Layout: where each ring lives inside the region. */
struct xenc_layout {
	u32 num_queues;
	u32 slot_size;
	u32 max_frame;
	u32 l2p_slots;
	u32 p2l_slots;
	struct xenc_queue_desc q[XENC_MAX_QUEUES];
};

u64 xenc_ring_bytes(u32 slots, u32 slot_size);
int xenc_layout_build(struct xenc_layout *l, u64 region_size);
u32 xenc_layout_max_slots(u64 region_size, u32 num_queues, u32 other_slots,
			  u32 slot_size);
int xenc_layout_check(const struct xenc_layout *l, u64 region_size);

/* Linux side of the handshake (the region's owner). */
enum xenc_host_event {
	XENC_EV_NONE = 0,
	XENC_EV_PEER_HELLO,	/* peer waits for an offer */
	XENC_EV_CONNECTED,	/* peer acknowledged the offer */
	XENC_EV_DISCONNECTED,	/* peer reset, left or went silent */
	XENC_EV_QUIESCED,	/* peer stopped and drained */
	XENC_EV_FAULT,		/* peer broke the protocol */
};

/* A validated copy of the peer's info block. */
struct xenc_peer_snap {
	u32 state;
	u32 generation;
	u64 features;
	u64 heartbeat;
	u32 max_queues;
	u32 flags;
	u32 max_frame;
	u32 fault;
	u32 cookie;
	u16 abi_major;
	u16 abi_minor;
};

struct xenc_host {
	u8 *region;
	u64 size;
	u32 state;		/* enum xenc_linux_state, private copy */
	u32 generation;
	u64 features;		/* what Linux supports */
	u64 negotiated;
	u64 heartbeat;
	u32 flags;		/* XENC_LINUX_F_* */
	u32 fault;		/* last enum xenc_fault seen */
	struct xenc_layout layout;
	struct xenc_peer_snap peer;
	u64 peer_hb_seen;
	u32 peer_hb_stale;	/* heartbeat ticks without peer progress */
};

void xenc_host_format(struct xenc_host *h, void *region, u64 size,
		      u64 features, u32 first_generation);
int xenc_host_offer(struct xenc_host *h, const struct xenc_layout *l);
enum xenc_host_event xenc_host_poll(struct xenc_host *h);
void xenc_host_set_state(struct xenc_host *h, u32 state);
void xenc_host_set_flags(struct xenc_host *h, u32 flags);
bool xenc_host_heartbeat(struct xenc_host *h, u32 stale_limit);
void *xenc_region_at(const struct xenc_host *h, u64 off);

#endif /* XENC_RING_H */

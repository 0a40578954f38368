// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * xenc co-kernel endpoint.  See xenc_ep.h for the porting contract and
 * Documentation/abi.rst for the protocol.  Linux owns the region: it writes
 * the layout, we validate a private copy and only then touch the rings.
 */
#include "xenc_ep.h"

static struct xenc_region_hdr *ep_rhdr(struct xenc_ep *ep)
{
	return (struct xenc_region_hdr *)ep->region;
}

static struct xenc_linux_info *ep_linfo(struct xenc_ep *ep)
{
	return (struct xenc_linux_info *)(ep->region + XENC_OFF_LINUX);
}

static struct xenc_peer_info *ep_pinfo(struct xenc_ep *ep)
{
	return (struct xenc_peer_info *)(ep->region + XENC_OFF_PEER);
}

static void ep_kick(struct xenc_ep *ep, u32 vector)
{
	if (!(ep->linux_flags & XENC_LINUX_F_POLLING))
		ep->notify(ep->ctx, vector);
}

static void ep_set_state(struct xenc_ep *ep, u32 state)
{
	/* Release: fields written for this state are visible first. */
	xenc_store_release(&ep_pinfo(ep)->state, state);
	ep->state = state;
	/* Full barrier: later reads of Linux fields are not hoisted above. */
	xenc_mb();
	ep_kick(ep, 0);
}

static void ep_note_fault(struct xenc_ep *ep, int rc)
{
	u32 f = (u32)-rc;

	if (f >= XENC_FAULT_COUNT)
		f = XENC_FAULT_LAYOUT;
	ep->fault = f;
	ep->faults[f]++;
	xenc_store(&ep_pinfo(ep)->fault, f);
}

/* Check the region header Linux wrote; 0 if it is a formatted v1 region. */
static int ep_check_region(struct xenc_ep *ep)
{
	struct xenc_region_hdr *rh = ep_rhdr(ep);
	u64 size;

	if (xenc_load(&rh->magic) != XENC_MAGIC ||
	    xenc_load(&rh->abi_major) != XENC_ABI_MAJOR ||
	    xenc_load(&rh->ctrl_size) != XENC_CTRL_SIZE)
		return -XENC_FAULT_VERSION;
	size = xenc_load(&rh->region_size);
	if (size < XENC_CTRL_SIZE)
		return -XENC_FAULT_LAYOUT;
	/* Never trust Linux's size beyond what we mapped, nor ratchet down. */
	ep->size = size < ep->map_size ? size : ep->map_size;
	return XENC_OK;
}

static void ep_publish_caps(struct xenc_ep *ep)
{
	struct xenc_peer_info *pi = ep_pinfo(ep);

	xenc_store(&pi->generation, 0);
	xenc_store(&pi->features, ep->cfg.features & XENC_F_KNOWN);
	xenc_store(&pi->max_queues, ep->cfg.max_queues);
	xenc_store(&pi->flags, ep->cfg.flags & XENC_PEER_F_KNOWN);
	xenc_store(&pi->max_frame, ep->cfg.max_frame);
	xenc_store(&pi->abi_major, XENC_ABI_MAJOR);
	xenc_store(&pi->abi_minor, XENC_ABI_MINOR);
	xenc_store(&pi->cookie, ep->cookie);
}

/*
 * Attach to a region.  Returns -XENC_FAULT_VERSION while Linux has not
 * formatted it yet; the port simply calls attach again later.
 */
int xenc_ep_attach(struct xenc_ep *ep, void *region, u64 size,
		   const struct xenc_ep_config *cfg,
		   void (*notify)(void *ctx, u32 vector), void *ctx,
		   u32 cookie)
{
	int rc;

	xenc_memset(ep, 0, sizeof(*ep));
	ep->region = region;
	ep->size = size;
	ep->map_size = size;
	ep->cfg = *cfg;
	if (!ep->cfg.max_queues || ep->cfg.max_queues > XENC_MAX_QUEUES)
		ep->cfg.max_queues = XENC_MAX_QUEUES;
	if (ep->cfg.max_frame > XENC_FRAME_MAX)
		ep->cfg.max_frame = XENC_FRAME_MAX;
	ep->notify = notify;
	ep->ctx = ctx;
	ep->cookie = cookie;
	ep->state = XENC_PEER_ABSENT;
	if (size < XENC_CTRL_SIZE || ep->cfg.max_frame < XENC_FRAME_MIN)
		return -XENC_FAULT_LAYOUT;
	rc = ep_check_region(ep);
	if (rc)
		return rc;
	ep->linux_flags = xenc_load(&ep_linfo(ep)->flags) &
			  XENC_LINUX_F_KNOWN;
	ep_publish_caps(ep);
	ep_set_state(ep, XENC_PEER_HELLO);
	return XENC_OK;
}

void xenc_ep_detach(struct xenc_ep *ep)
{
	if (ep->state != XENC_PEER_ABSENT)
		ep_set_state(ep, XENC_PEER_GONE);
}

bool xenc_ep_connected(const struct xenc_ep *ep)
{
	return ep->state == XENC_PEER_READY && !ep->quiescing;
}

u32 xenc_ep_num_queues(const struct xenc_ep *ep)
{
	return ep->state == XENC_PEER_READY ? ep->layout.num_queues : 0;
}

/* Copy the offered layout once, validate it, and set up our ring ends. */
static int ep_accept_offer(struct xenc_ep *ep)
{
	struct xenc_linux_info *li = ep_linfo(ep);
	const struct xenc_queue_desc *qd;
	struct xenc_layout *l = &ep->layout;
	u64 feat;
	u32 q;
	int rc;

	xenc_memset(l, 0, sizeof(*l));
	feat = xenc_load(&li->features);
	l->num_queues = xenc_load(&li->num_queues);
	l->slot_size = xenc_load(&li->slot_size);
	l->max_frame = xenc_load(&li->max_frame);
	if ((feat & ~(ep->cfg.features & XENC_F_KNOWN)) ||
	    (l->num_queues > 1 && !(feat & XENC_F_MQ)) ||
	    l->num_queues > ep->cfg.max_queues ||
	    l->num_queues > XENC_MAX_QUEUES ||
	    l->max_frame > ep->cfg.max_frame)
		return -XENC_FAULT_LAYOUT;
	qd = (const struct xenc_queue_desc *)(ep->region + XENC_OFF_QUEUES);
	for (q = 0; q < l->num_queues; q++) {
		l->q[q].l2p_off = xenc_load(&qd[q].l2p_off);
		l->q[q].p2l_off = xenc_load(&qd[q].p2l_off);
		l->q[q].l2p_slots = xenc_load(&qd[q].l2p_slots);
		l->q[q].p2l_slots = xenc_load(&qd[q].p2l_slots);
		l->q[q].vector = xenc_load(&qd[q].vector);
	}
	l->l2p_slots = l->q[0].l2p_slots;
	l->p2l_slots = l->q[0].p2l_slots;
	rc = xenc_layout_check(l, ep->size);
	if (rc)
		return rc;
	for (q = 0; q < l->num_queues; q++) {
		struct xenc_ep_queue *eq = &ep->q[q];

		rc = xenc_ring_init(&eq->tx, ep->region + l->q[q].p2l_off,
				    l->p2l_slots, l->slot_size, l->max_frame,
				    feat);
		if (!rc)
			rc = xenc_ring_init(&eq->rx,
					    ep->region + l->q[q].l2p_off,
					    l->l2p_slots, l->slot_size,
					    l->max_frame, feat);
		if (rc)
			return rc;
		eq->vector = l->q[q].vector;
		if (ep->cfg.flags & XENC_PEER_F_POLLING) {
			xenc_ring_set_polling(&eq->rx, true, true);
			xenc_ring_set_polling(&eq->tx, false, true);
		}
	}
	ep->features = feat;
	return XENC_OK;
}

/* Quiescing is done once every frame Linux sent us has been consumed. */
static bool ep_drained(struct xenc_ep *ep)
{
	u32 q;

	for (q = 0; q < ep->layout.num_queues; q++) {
		struct xenc_ring *r = &ep->q[q].rx;

		if (!r->fault && xenc_load(&r->hdr->prod) != r->head)
			return false;
	}
	return true;
}

static enum xenc_ep_event ep_reset(struct xenc_ep *ep)
{
	bool was_up = ep->state == XENC_PEER_READY ||
		      ep->state == XENC_PEER_QUIESCED;

	ep->quiescing = false;
	ep->generation = 0;
	xenc_store(&ep_pinfo(ep)->generation, 0);
	ep_set_state(ep, XENC_PEER_HELLO);
	return was_up ? XENC_EP_DISCONNECTED : XENC_EP_NONE;
}

/* Handle a new offer from HELLO, READY or QUIESCED. */
static enum xenc_ep_event ep_offer(struct xenc_ep *ep, u32 gen)
{
	int rc;

	if (ep->state == XENC_PEER_READY && !ep->quiescing) {
		/* Linux restarted under us: drop the old rings first. */
		return ep_reset(ep);
	}
	rc = ep_accept_offer(ep);
	if (rc) {
		ep_note_fault(ep, rc);
		ep_reset(ep);
		return XENC_EP_NONE;
	}
	ep->generation = gen;
	ep->quiescing = false;
	/* Linux's silence counts from the connect, not from before. */
	ep->linux_hb_stale = 0;
	xenc_store(&ep_pinfo(ep)->generation, gen);
	ep_set_state(ep, XENC_PEER_READY);
	return XENC_EP_CONNECTED;
}

/* Report a fault seen in a ring and ask for a fresh handshake. */
static bool ep_ring_fault(struct xenc_ep *ep)
{
	u32 q;

	for (q = 0; q < ep->layout.num_queues; q++) {
		int f = ep->q[q].rx.fault ? ep->q[q].rx.fault :
					    ep->q[q].tx.fault;

		if (f) {
			ep_note_fault(ep, -f);
			return true;
		}
	}
	return false;
}

/* Advance the handshake from what Linux wrote.  Call on doorbell and tick. */
enum xenc_ep_event xenc_ep_poll(struct xenc_ep *ep)
{
	struct xenc_linux_info *li;
	u32 lstate, lgen;
	bool busy;
	int rc;

	if (ep->state == XENC_PEER_ABSENT || ep->state == XENC_PEER_GONE)
		return XENC_EP_NONE;
	rc = ep_check_region(ep);
	if (rc) {
		ep_note_fault(ep, rc);
		return ep_reset(ep);
	}
	li = ep_linfo(ep);
	lstate = xenc_load_acquire(&li->state);
	lgen = xenc_load(&li->generation);
	ep->linux_flags = xenc_load(&li->flags) & XENC_LINUX_F_KNOWN;
	if (lstate >= XENC_LINUX_STATE_COUNT) {
		ep_note_fault(ep, -XENC_FAULT_STATE);
		return ep_reset(ep);
	}
	busy = ep->state == XENC_PEER_READY || ep->state == XENC_PEER_QUIESCED;

	if (busy && ep_ring_fault(ep))
		return ep_reset(ep);
	if (lstate == XENC_LINUX_RESET || lstate == XENC_LINUX_GONE)
		return busy ? ep_reset(ep) : XENC_EP_NONE;
	if (lstate == XENC_LINUX_OFFER && (!busy || lgen != ep->generation))
		return ep_offer(ep, lgen);
	if (!busy)
		return XENC_EP_NONE;
	if (lgen != ep->generation)
		return ep_reset(ep);
	if (lstate == XENC_LINUX_QUIESCE && ep->state == XENC_PEER_READY) {
		if (!ep->quiescing) {
			ep->quiescing = true;
			return XENC_EP_QUIESCE;
		}
		if (ep_drained(ep))
			ep_set_state(ep, XENC_PEER_QUIESCED);
		return XENC_EP_NONE;
	}
	if (lstate == XENC_LINUX_RUNNING && ep->quiescing) {
		/* Linux cancelled the quiesce: carry on with the same rings. */
		ep->quiescing = false;
		if (ep->state == XENC_PEER_QUIESCED)
			ep_set_state(ep, XENC_PEER_READY);
		return XENC_EP_CONNECTED;
	}
	return XENC_EP_NONE;
}

/* Periodic: heartbeat out, watch Linux's heartbeat, retry attach, poll. */
enum xenc_ep_event xenc_ep_tick(struct xenc_ep *ep)
{
	u64 hb;

	if (ep->state == XENC_PEER_ABSENT) {
		struct xenc_ep_config cfg = ep->cfg;

		/* attach() clears *ep, so pass copies of what it needs. */
		if (xenc_ep_attach(ep, ep->region, ep->map_size, &cfg,
				   ep->notify, ep->ctx, ep->cookie))
			return XENC_EP_NONE;
	}
	if (ep->state == XENC_PEER_GONE)
		return XENC_EP_NONE;
	xenc_store(&ep_pinfo(ep)->heartbeat, ++ep->heartbeat);
	hb = xenc_load(&ep_linfo(ep)->heartbeat);
	if (hb != ep->linux_hb_seen) {
		ep->linux_hb_seen = hb;
		ep->linux_hb_stale = 0;
	} else if (ep->cfg.stale_limit &&
		   ++ep->linux_hb_stale >= ep->cfg.stale_limit &&
		   ep->state != XENC_PEER_HELLO) {
		ep->linux_hb_stale = 0;
		return ep_reset(ep);
	}
	return xenc_ep_poll(ep);
}

static bool ep_q_ok(const struct xenc_ep *ep, u32 q)
{
	return ep->state == XENC_PEER_READY && q < ep->layout.num_queues;
}

/*
 * Reserve a frame in queue q's ring to Linux; copy the payload into sp.
 * A queue the current layout does not have will not get room by waiting:
 * XENC_NOQUEUE tells the caller to drop (or requeue) the frame.
 */
int xenc_ep_send(struct xenc_ep *ep, u32 q, const struct xenc_frame_hdr *fh,
		 struct xenc_span *sp)
{
	if (ep->state != XENC_PEER_READY || ep->quiescing)
		return XENC_FULL;
	if (q >= ep->layout.num_queues)
		return XENC_NOQUEUE;
	return xenc_ring_put(&ep->q[q].tx, fh, sp);
}

int xenc_ep_send_buf(struct xenc_ep *ep, u32 q, const void *frame, u32 len)
{
	struct xenc_frame_hdr fh = { .len = len };
	struct xenc_span sp;
	int rc = xenc_ep_send(ep, q, &fh, &sp);

	if (rc == XENC_OK)
		xenc_span_from_buf(&sp, frame);
	return rc;
}

/* Publish everything sent on q and ring Linux if it asked for it. */
void xenc_ep_flush(struct xenc_ep *ep, u32 q)
{
	if (ep_q_ok(ep, q) && xenc_ring_publish(&ep->q[q].tx))
		ep_kick(ep, ep->q[q].vector);
}

/*
 * Re-read how far Linux has taken q's frames; true if it took them all.
 * Call it where xenc_ep_send() may be called.
 */
bool xenc_ep_tx_reclaim(struct xenc_ep *ep, u32 q)
{
	u32 free_slots;

	return ep_q_ok(ep, q) &&
	       xenc_ring_free(&ep->q[q].tx, &free_slots) == XENC_OK &&
	       free_slots == ep->q[q].tx.slots;
}

/* Ask for a kick when @want slots are free; true if they already are. */
bool xenc_ep_tx_wait(struct xenc_ep *ep, u32 q, u32 want)
{
	return ep_q_ok(ep, q) && xenc_ring_wait_space(&ep->q[q].tx, want);
}

int xenc_ep_recv(struct xenc_ep *ep, u32 q, struct xenc_frame_hdr *fh,
		 struct xenc_span *sp)
{
	if (!ep_q_ok(ep, q))
		return XENC_EMPTY;
	return xenc_ring_peek(&ep->q[q].rx, fh, sp);
}

void xenc_ep_recv_done(struct xenc_ep *ep, u32 q,
		       const struct xenc_frame_hdr *fh)
{
	if (ep_q_ok(ep, q))
		xenc_ring_consume(&ep->q[q].rx, fh);
}

/* Release consumed slots on q and ring Linux if it waits for room. */
void xenc_ep_recv_flush(struct xenc_ep *ep, u32 q)
{
	if (ep_q_ok(ep, q) && xenc_ring_release(&ep->q[q].rx))
		ep_kick(ep, ep->q[q].vector);
}

/* Re-arm the rx doorbell; true if frames are already waiting. */
bool xenc_ep_rx_rearm(struct xenc_ep *ep, u32 q)
{
	return ep_q_ok(ep, q) && xenc_ring_enable_notify(&ep->q[q].rx);
}

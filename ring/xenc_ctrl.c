// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * xenc control plane shared by both sides: region layout, and the Linux
 * (region owner) half of the connect handshake.  The co-kernel half lives in
 * cokernel/xenc_ep.c and uses the same layout checks.
 */
#include "xenc_ring.h"

static u64 xenc_align(u64 x, u64 a)
{
	return (x + a - 1) & ~(a - 1);
}

static struct xenc_region_hdr *xenc_rhdr(void *region)
{
	return region;
}

static struct xenc_linux_info *xenc_linfo(void *region)
{
	return (struct xenc_linux_info *)((u8 *)region + XENC_OFF_LINUX);
}

static struct xenc_peer_info *xenc_pinfo(void *region)
{
	return (struct xenc_peer_info *)((u8 *)region + XENC_OFF_PEER);
}

static struct xenc_queue_desc *xenc_qdesc(void *region, u32 q)
{
	return (struct xenc_queue_desc *)((u8 *)region + XENC_OFF_QUEUES) + q;
}

u64 xenc_ring_bytes(u32 slots, u32 slot_size)
{
	return xenc_align(XENC_RING_HDR_SIZE + (u64)slots * slot_size,
			  XENC_RING_ALIGN);
}

XENC_EXPORT(xenc_ring_bytes);

static bool xenc_slots_ok(u32 slots)
{
	return xenc_is_pow2(slots) && slots >= XENC_RING_SLOTS_MIN &&
	       slots <= XENC_RING_SLOTS_MAX;
}

/* Parameters common to every ring of a layout. */
static int xenc_layout_params_ok(const struct xenc_layout *l)
{
	u64 smallest;

	if (!l->num_queues || l->num_queues > XENC_MAX_QUEUES ||
	    !xenc_is_pow2(l->slot_size) || l->slot_size < XENC_SLOT_SIZE_MIN ||
	    l->slot_size > XENC_SLOT_SIZE_MAX ||
	    l->max_frame < XENC_FRAME_MIN || l->max_frame > XENC_FRAME_MAX ||
	    !xenc_slots_ok(l->l2p_slots) || !xenc_slots_ok(l->p2l_slots))
		return -XENC_FAULT_LAYOUT;
	smallest = l->l2p_slots < l->p2l_slots ? l->l2p_slots : l->p2l_slots;
	if ((u64)l->max_frame + XENC_FRAME_HDR_SIZE > smallest * l->slot_size)
		return -XENC_FAULT_LAYOUT;
	return XENC_OK;
}

/* Place every ring after the control area; fails if they do not all fit. */
int xenc_layout_build(struct xenc_layout *l, u64 region_size)
{
	u64 off = XENC_CTRL_SIZE;
	u32 q;
	int rc;

	rc = xenc_layout_params_ok(l);
	if (rc)
		return rc;
	xenc_memset(l->q, 0, sizeof(l->q));
	for (q = 0; q < l->num_queues; q++) {
		l->q[q].l2p_off = off;
		l->q[q].l2p_slots = l->l2p_slots;
		off += xenc_ring_bytes(l->l2p_slots, l->slot_size);
		l->q[q].p2l_off = off;
		l->q[q].p2l_slots = l->p2l_slots;
		off += xenc_ring_bytes(l->p2l_slots, l->slot_size);
		l->q[q].vector = q;
	}
	return off <= region_size ? XENC_OK : -XENC_FAULT_LAYOUT;
}

XENC_EXPORT(xenc_layout_build);

/* Largest ring (slots) that fits when every queue uses it in one direction. */
u32 xenc_layout_max_slots(u64 region_size, u32 num_queues, u32 other_slots,
			  u32 slot_size)
{
	u32 s = XENC_RING_SLOTS_MAX;
	u64 other = xenc_ring_bytes(other_slots, slot_size);

	if (!num_queues)
		return 0;
	for (; s >= XENC_RING_SLOTS_MIN; s >>= 1) {
		u64 need = XENC_CTRL_SIZE + (u64)num_queues *
			   (xenc_ring_bytes(s, slot_size) + other);

		if (need <= region_size)
			return s;
	}
	return 0;
}

XENC_EXPORT(xenc_layout_max_slots);

static bool xenc_span_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * Check a layout read from shared memory (the peer calls this on a private
 * copy): every ring inside the region, aligned, and no two overlapping.
 */
int xenc_layout_check(const struct xenc_layout *l, u64 region_size)
{
	u64 off[2 * XENC_MAX_QUEUES], len[2 * XENC_MAX_QUEUES];
	u32 n = 0, i, j, q;

	if (xenc_layout_params_ok(l))
		return -XENC_FAULT_LAYOUT;
	for (q = 0; q < l->num_queues; q++) {
		const struct xenc_queue_desc *d = &l->q[q];

		if (d->l2p_slots != l->l2p_slots || d->p2l_slots != l->p2l_slots)
			return -XENC_FAULT_LAYOUT;
		off[n] = d->l2p_off;
		len[n++] = xenc_ring_bytes(d->l2p_slots, l->slot_size);
		off[n] = d->p2l_off;
		len[n++] = xenc_ring_bytes(d->p2l_slots, l->slot_size);
	}
	for (i = 0; i < n; i++) {
		if (off[i] % XENC_CACHELINE || off[i] < XENC_CTRL_SIZE ||
		    off[i] > region_size || len[i] > region_size - off[i])
			return -XENC_FAULT_LAYOUT;
		for (j = 0; j < i; j++)
			if (xenc_span_overlap(off[i], len[i], off[j], len[j]))
				return -XENC_FAULT_LAYOUT;
	}
	return XENC_OK;
}

XENC_EXPORT(xenc_layout_check);

void *xenc_region_at(const struct xenc_host *h, u64 off)
{
	return h->region + off;
}

XENC_EXPORT(xenc_region_at);

void xenc_host_set_state(struct xenc_host *h, u32 state)
{
	/* Release: everything written for this state is visible first. */
	xenc_store_release(&xenc_linfo(h->region)->state, state);
	h->state = state;
	/* Full barrier: the next poll must not read peer fields from before. */
	xenc_mb();
}

XENC_EXPORT(xenc_host_set_state);

void xenc_host_set_flags(struct xenc_host *h, u32 flags)
{
	h->flags = flags & XENC_LINUX_F_KNOWN;
	xenc_store(&xenc_linfo(h->region)->flags, h->flags);
}

XENC_EXPORT(xenc_host_set_flags);

/* Claim and format a region.  The previous owner's data is discarded. */
void xenc_host_format(struct xenc_host *h, void *region, u64 size,
		      u64 features, u32 first_generation)
{
	struct xenc_region_hdr *rh = xenc_rhdr(region);
	struct xenc_linux_info *li = xenc_linfo(region);

	xenc_memset(h, 0, sizeof(*h));
	h->region = region;
	h->size = size;
	h->features = features & XENC_F_KNOWN;
	h->generation = first_generation;
	xenc_host_set_state(h, XENC_LINUX_RESET);

	xenc_store(&rh->magic, XENC_MAGIC);
	xenc_store(&rh->abi_major, XENC_ABI_MAJOR);
	xenc_store(&rh->abi_minor, XENC_ABI_MINOR);
	xenc_store(&rh->region_size, size);
	xenc_store(&rh->ctrl_size, XENC_CTRL_SIZE);
	xenc_store(&rh->max_queues, XENC_MAX_QUEUES);
	xenc_store(&li->generation, first_generation);
	xenc_store(&li->features, 0);
	xenc_store(&li->num_queues, 0);
	xenc_store(&li->abi_major, XENC_ABI_MAJOR);
	xenc_store(&li->abi_minor, XENC_ABI_MINOR);
	xenc_host_set_flags(h, 0);
	xenc_memset(xenc_qdesc(region, 0), 0,
		    XENC_MAX_QUEUES * sizeof(struct xenc_queue_desc));
	/* Full barrier: the formatted header precedes any later state. */
	xenc_mb();
}

XENC_EXPORT(xenc_host_format);

/* Write a new layout under a new generation and offer it to the peer. */
int xenc_host_offer(struct xenc_host *h, const struct xenc_layout *l)
{
	struct xenc_linux_info *li = xenc_linfo(h->region);
	u64 neg = h->features & h->peer.features;
	u32 q;
	int rc;

	/* A GSO frame must carry CSUM_PARTIAL: no GSO without CSUM. */
	if (!(neg & XENC_F_CSUM))
		neg &= ~XENC_F_GSO;

	rc = xenc_layout_check(l, h->size);
	if (rc)
		return rc;
	if ((l->num_queues > 1 && !(neg & XENC_F_MQ)) ||
	    l->num_queues > h->peer.max_queues ||
	    l->max_frame > h->peer.max_frame)
		return -XENC_FAULT_LAYOUT;

	xenc_host_set_state(h, XENC_LINUX_RESET);
	h->layout = *l;
	h->negotiated = neg;
	for (q = 0; q < XENC_MAX_QUEUES; q++)
		xenc_memcpy(xenc_qdesc(h->region, q), &l->q[q], sizeof(l->q[q]));
	for (q = 0; q < l->num_queues; q++) {
		xenc_ring_clear_shared(h->region + l->q[q].l2p_off);
		xenc_ring_clear_shared(h->region + l->q[q].p2l_off);
	}
	if (!++h->generation)
		h->generation = 1;
	xenc_store(&li->generation, h->generation);
	xenc_store(&li->features, neg);
	xenc_store(&li->num_queues, l->num_queues);
	xenc_store(&li->slot_size, l->slot_size);
	xenc_store(&li->max_frame, l->max_frame);
	xenc_host_set_state(h, XENC_LINUX_OFFER);
	return XENC_OK;
}

XENC_EXPORT(xenc_host_offer);

/* Copy the peer's block once, field by field, and sanity-check it. */
static int xenc_host_read_peer(struct xenc_host *h)
{
	const struct xenc_peer_info *pi = xenc_pinfo(h->region);
	struct xenc_peer_snap *p = &h->peer;

	p->state = xenc_load_acquire(&pi->state);
	p->generation = xenc_load(&pi->generation);
	p->features = xenc_load(&pi->features) & XENC_F_KNOWN;
	p->heartbeat = xenc_load(&pi->heartbeat);
	p->max_queues = xenc_load(&pi->max_queues);
	p->flags = xenc_load(&pi->flags) & XENC_PEER_F_KNOWN;
	p->max_frame = xenc_load(&pi->max_frame);
	p->fault = xenc_load(&pi->fault);
	p->cookie = xenc_load(&pi->cookie);
	p->abi_major = xenc_load(&pi->abi_major);
	p->abi_minor = xenc_load(&pi->abi_minor);

	if (p->state >= XENC_PEER_STATE_COUNT)
		return -XENC_FAULT_STATE;
	if (p->state == XENC_PEER_ABSENT || p->state == XENC_PEER_GONE)
		return XENC_OK;
	if (p->abi_major != XENC_ABI_MAJOR)
		return -XENC_FAULT_VERSION;
	if (p->max_queues > XENC_MAX_QUEUES)
		p->max_queues = XENC_MAX_QUEUES;
	if (!p->max_queues)
		p->max_queues = 1;
	if (p->max_frame > XENC_FRAME_MAX)
		p->max_frame = XENC_FRAME_MAX;
	if (p->max_frame < XENC_FRAME_MIN)
		return -XENC_FAULT_LAYOUT;
	if (p->fault >= XENC_FAULT_COUNT)
		p->fault = XENC_FAULT_NONE;
	return XENC_OK;
}

/* Peer acknowledges only generations we offered: never one from the future. */
static bool xenc_gen_ahead(u32 peer_gen, u32 our_gen)
{
	return (int)(peer_gen - our_gen) > 0;
}

/*
 * Advance the handshake from what the peer wrote.  The caller acts on the
 * event; the host state only moves here for OFFER->RUNNING.
 */
enum xenc_host_event xenc_host_poll(struct xenc_host *h)
{
	const struct xenc_peer_snap *p = &h->peer;
	bool ours, busy;
	int rc;

	rc = xenc_host_read_peer(h);
	if (rc) {
		h->fault = -rc;
		return XENC_EV_FAULT;
	}
	ours = p->generation == h->generation;
	busy = p->state == XENC_PEER_READY || p->state == XENC_PEER_QUIESCED;

	switch (h->state) {
	case XENC_LINUX_RESET:
		return p->state == XENC_PEER_HELLO ? XENC_EV_PEER_HELLO :
						     XENC_EV_NONE;
	case XENC_LINUX_OFFER:
		if (p->state == XENC_PEER_READY && ours) {
			xenc_host_set_state(h, XENC_LINUX_RUNNING);
			/* Staleness counts from the connect, not from before. */
			h->peer_hb_seen = p->heartbeat;
			h->peer_hb_stale = 0;
			return XENC_EV_CONNECTED;
		}
		if (busy && xenc_gen_ahead(p->generation, h->generation)) {
			h->fault = XENC_FAULT_GENERATION;
			return XENC_EV_FAULT;
		}
		return XENC_EV_NONE;
	case XENC_LINUX_RUNNING:
		if (p->state == XENC_PEER_READY && ours)
			return XENC_EV_NONE;
		if (busy) {
			h->fault = ours ? XENC_FAULT_STATE :
					  XENC_FAULT_GENERATION;
			return XENC_EV_FAULT;
		}
		return XENC_EV_DISCONNECTED;
	case XENC_LINUX_QUIESCE:
		if (busy && ours)
			return p->state == XENC_PEER_QUIESCED ?
			       XENC_EV_QUIESCED : XENC_EV_NONE;
		if (busy) {
			h->fault = XENC_FAULT_GENERATION;
			return XENC_EV_FAULT;
		}
		return XENC_EV_DISCONNECTED;
	default:
		return XENC_EV_NONE;
	}
}

XENC_EXPORT(xenc_host_poll);

/*
 * Bump our heartbeat and watch the peer's.  Returns true once the peer's
 * has not moved for @stale_limit consecutive calls (0: never).
 */
bool xenc_host_heartbeat(struct xenc_host *h, u32 stale_limit)
{
	u64 hb;

	xenc_store(&xenc_linfo(h->region)->heartbeat, ++h->heartbeat);
	if (!stale_limit)
		return false;
	hb = xenc_load(&xenc_pinfo(h->region)->heartbeat);
	if (hb != h->peer_hb_seen) {
		h->peer_hb_seen = hb;
		h->peer_hb_stale = 0;
		return false;
	}
	if (h->peer_hb_stale < stale_limit)
		h->peer_hb_stale++;
	return h->peer_hb_stale >= stale_limit;
}

XENC_EXPORT(xenc_host_heartbeat);

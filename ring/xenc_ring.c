// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * xenc ring core: the data plane shared by Linux and the co-kernel.
 *
 * A ring is a power-of-two array of fixed-size slots.  A frame starts at a
 * slot boundary with a struct xenc_frame_hdr and spans as many slots as it
 * needs, wrapping from the last slot to the first.  Indices are free-running
 * u32 slot counts; the producer owns prod and prod_event, the consumer owns
 * cons and cons_event.  Whatever the other side wrote is read once, checked,
 * and a violation makes the ring "broken" (sticky) until it is re-initialised.
 */
#include "xenc_ring.h"

bool xenc_is_pow2(u32 v)
{
	return v && !(v & (v - 1));
}

XENC_EXPORT(xenc_is_pow2);

static u32 xenc_log2(u32 v)
{
	u32 n = 0;

	while (v > 1) {
		v >>= 1;
		n++;
	}
	return n;
}

/* virtio's vring_need_event(): did new_idx pass event since old? */
static bool xenc_need_event(u32 event, u32 new_idx, u32 old_idx)
{
	return (u32)(new_idx - event - 1) < (u32)(new_idx - old_idx);
}

static int xenc_ring_break(struct xenc_ring *r, enum xenc_fault f)
{
	if (!r->fault)
		r->fault = (u8)f;
	return -(int)r->fault;
}

u32 xenc_frame_slots(const struct xenc_ring *r, u32 len)
{
	u32 slot = 1u << r->shift;

	return (len + XENC_FRAME_HDR_SIZE + slot - 1) >> r->shift;
}

XENC_EXPORT(xenc_frame_slots);

u16 xenc_frame_flags_ok(u64 features)
{
	u16 ok = 0;

	if (features & XENC_F_CSUM)
		ok |= XENC_FRAME_CSUM_PARTIAL | XENC_FRAME_DATA_VALID;
	if (features & XENC_F_GSO)
		ok |= XENC_FRAME_GSO;
	return ok;
}

XENC_EXPORT(xenc_frame_flags_ok);

/* Set up private state for a ring whose shared header starts at ring_base. */
int xenc_ring_init(struct xenc_ring *r, void *ring_base, u32 slots,
		   u32 slot_size, u32 max_frame, u64 features)
{
	xenc_memset(r, 0, sizeof(*r));
	if (!xenc_is_pow2(slots) || slots < XENC_RING_SLOTS_MIN ||
	    slots > XENC_RING_SLOTS_MAX || !xenc_is_pow2(slot_size) ||
	    slot_size < XENC_SLOT_SIZE_MIN || slot_size > XENC_SLOT_SIZE_MAX ||
	    max_frame < XENC_FRAME_MIN || max_frame > XENC_FRAME_MAX ||
	    (u64)max_frame + XENC_FRAME_HDR_SIZE > (u64)slots * slot_size)
		return -XENC_FAULT_LAYOUT;
	r->hdr = ring_base;
	r->data = (u8 *)ring_base + XENC_RING_HDR_SIZE;
	r->slots = slots;
	r->shift = xenc_log2(slot_size);
	r->max_frame = max_frame;
	r->flags_ok = xenc_frame_flags_ok(features);
	return XENC_OK;
}

XENC_EXPORT(xenc_ring_init);

/* Only the region owner calls this, before it offers a new layout. */
void xenc_ring_clear_shared(void *ring_base)
{
	xenc_memset(ring_base, 0, XENC_RING_HDR_SIZE);
}

XENC_EXPORT(xenc_ring_clear_shared);

static void xenc_span_at(const struct xenc_ring *r, u32 idx, u32 len,
			 struct xenc_span *sp)
{
	u32 size = r->slots << r->shift;
	u32 off = ((idx & (r->slots - 1)) << r->shift) + XENC_FRAME_HDR_SIZE;
	u32 first = size - off;

	sp->p[0] = r->data + off;
	if (first >= len) {
		sp->n[0] = len;
		sp->p[1] = NULL;
		sp->n[1] = 0;
	} else {
		sp->n[0] = first;
		sp->p[1] = r->data;
		sp->n[1] = len - first;
	}
}

static struct xenc_frame_hdr *xenc_slot(const struct xenc_ring *r, u32 idx)
{
	return (struct xenc_frame_hdr *)(r->data +
					 ((idx & (r->slots - 1)) << r->shift));
}

/* Producer: refresh the consumer index and report free slots. */
int xenc_ring_free(struct xenc_ring *r, u32 *free_slots)
{
	u32 cons;

	if (r->fault)
		return -(int)r->fault;
	/* Acquire: the consumer is done with the slots before we reuse them. */
	cons = xenc_load_acquire(&r->hdr->cons);
	if ((u32)(cons - r->snap) > (u32)(r->pub - r->snap))
		return xenc_ring_break(r, XENC_FAULT_CONS_RANGE);
	r->snap = cons;
	*free_slots = r->slots - (r->head - cons);
	return XENC_OK;
}

XENC_EXPORT(xenc_ring_free);

/* Slots the producer has put and the consumer has not yet released. */
u32 xenc_ring_used(const struct xenc_ring *r)
{
	return r->head - r->snap;
}

XENC_EXPORT(xenc_ring_used);

/*
 * Producer: reserve room for one frame, write its header and return where
 * the payload goes.  Nothing is visible to the consumer until publish.
 */
int xenc_ring_put(struct xenc_ring *r, const struct xenc_frame_hdr *fh,
		  struct xenc_span *sp)
{
	u32 need, free_slots;
	int rc;

	if (r->fault)
		return -(int)r->fault;
	if (fh->len < XENC_FRAME_MIN || fh->len > r->max_frame)
		return XENC_TOOBIG;
	need = xenc_frame_slots(r, fh->len);
	free_slots = r->slots - (r->head - r->snap);
	if (free_slots < need) {
		rc = xenc_ring_free(r, &free_slots);
		if (rc)
			return rc;
		if (free_slots < need)
			return XENC_FULL;
	}
	xenc_memcpy(xenc_slot(r, r->head), fh, sizeof(*fh));
	xenc_span_at(r, r->head, fh->len, sp);
	r->head += need;
	return XENC_OK;
}

XENC_EXPORT(xenc_ring_put);

/* Producer: make every put frame visible; true if the consumer wants a kick. */
bool xenc_ring_publish(struct xenc_ring *r)
{
	u32 old = r->pub;

	if (r->fault || r->head == old)
		return false;
	/* Release: frame contents are visible before the index that covers them. */
	xenc_store_release(&r->hdr->prod, r->head);
	r->pub = r->head;
	/* Full barrier: index store before event load, pairs with enable_notify. */
	xenc_mb();
	if (xenc_load(&r->hdr->cons_flags) & XENC_RING_F_NO_NOTIFY)
		return false;
	return xenc_need_event(xenc_load(&r->hdr->cons_event), r->head, old);
}

XENC_EXPORT(xenc_ring_publish);

/*
 * Producer: ask to be kicked once at least @want slots are free.  Returns
 * true if they already are, so the caller must not sleep on the kick.
 */
bool xenc_ring_wait_space(struct xenc_ring *r, u32 want)
{
	u32 free_slots;

	if (r->fault)
		return false;
	if (want > r->slots)
		want = r->slots;
	xenc_store(&r->hdr->prod_event, r->head - r->slots + want - 1);
	/* Full barrier: event store before cons load, pairs with release. */
	xenc_mb();
	if (xenc_ring_free(r, &free_slots))
		return false;
	return free_slots >= want;
}

XENC_EXPORT(xenc_ring_wait_space);

/*
 * Offload metadata of a frame whose flags are already known to be allowed
 * (private copy).  The consumer breaks the ring on a violation; a producer
 * calls it to never publish a frame the other side must reject.
 */
int xenc_frame_meta_check(const struct xenc_frame_hdr *fh, u32 max_frame)
{
	if (fh->flags & XENC_FRAME_CSUM_PARTIAL) {
		/* A checksum lies past the Ethernet header, inside the frame. */
		if (fh->csum_start < XENC_FRAME_MIN ||
		    (u32)fh->csum_start + fh->csum_offset + 2 > fh->len ||
		    (fh->flags & XENC_FRAME_DATA_VALID))
			return -XENC_FAULT_CSUM;
	}
	if (fh->flags & XENC_FRAME_GSO) {
		/* Segmenting needs a checksum to fill in each segment. */
		if (!(fh->flags & XENC_FRAME_CSUM_PARTIAL) ||
		    fh->gso_size < XENC_GSO_SIZE_MIN ||
		    fh->gso_size > max_frame ||
		    fh->gso_type == XENC_GSO_NONE ||
		    fh->gso_type > XENC_GSO_UDP_L4)
			return -XENC_FAULT_GSO;
	}
	return XENC_OK;
}

XENC_EXPORT(xenc_frame_meta_check);

/* Consumer: read, once, and validate the next frame's header. */
static int xenc_frame_check(struct xenc_ring *r, struct xenc_frame_hdr *fh,
			    u32 avail)
{
	const struct xenc_frame_hdr *s = xenc_slot(r, r->head);
	u32 len = xenc_load(&s->len);
	u16 flags = xenc_load(&s->flags);
	int rc;

	if (len < XENC_FRAME_MIN)
		return xenc_ring_break(r, XENC_FAULT_LEN_SHORT);
	if (len > r->max_frame)
		return xenc_ring_break(r, XENC_FAULT_LEN_LONG);
	if (xenc_frame_slots(r, len) > avail)
		return xenc_ring_break(r, XENC_FAULT_LEN_UNPUBLISHED);
	if (flags & ~r->flags_ok)
		return xenc_ring_break(r, XENC_FAULT_FLAGS);
	xenc_memset(fh, 0, sizeof(*fh));
	fh->len = len;
	fh->flags = flags;
	if (flags & XENC_FRAME_CSUM_PARTIAL) {
		fh->csum_start = xenc_load(&s->csum_start);
		fh->csum_offset = xenc_load(&s->csum_offset);
	}
	if (flags & XENC_FRAME_GSO) {
		fh->gso_size = xenc_load(&s->gso_size);
		fh->gso_type = xenc_load(&s->gso_type);
	}
	rc = xenc_frame_meta_check(fh, r->max_frame);
	return rc ? xenc_ring_break(r, (enum xenc_fault)-rc) : XENC_OK;
}

/* Consumer: look at the next frame without consuming it. */
int xenc_ring_peek(struct xenc_ring *r, struct xenc_frame_hdr *fh,
		   struct xenc_span *sp)
{
	u32 prod;
	int rc;

	if (r->fault)
		return -(int)r->fault;
	if (r->head == r->snap) {
		/* Acquire: the index before the frames it covers. */
		prod = xenc_load_acquire(&r->hdr->prod);
		/* Slots consumed but not yet released are still ours. */
		if ((u32)(prod - r->head) > r->slots - (r->head - r->pub))
			return xenc_ring_break(r, XENC_FAULT_PROD_RANGE);
		r->snap = prod;
		if (prod == r->head)
			return XENC_EMPTY;
	}
	rc = xenc_frame_check(r, fh, r->snap - r->head);
	if (rc)
		return rc;
	xenc_span_at(r, r->head, fh->len, sp);
	return XENC_OK;
}

XENC_EXPORT(xenc_ring_peek);

/* Consumer: step past the frame peek returned (fh is peek's copy). */
void xenc_ring_consume(struct xenc_ring *r, const struct xenc_frame_hdr *fh)
{
	r->head += xenc_frame_slots(r, fh->len);
}

XENC_EXPORT(xenc_ring_consume);

/* Consumer: hand consumed slots back; true if the producer wants a kick. */
bool xenc_ring_release(struct xenc_ring *r)
{
	u32 old = r->pub;

	if (r->fault || r->head == old)
		return false;
	/* Release: our reads of the slots complete before the producer reuses. */
	xenc_store_release(&r->hdr->cons, r->head);
	r->pub = r->head;
	/* Full barrier: index store before event load, pairs with wait_space. */
	xenc_mb();
	if (xenc_load(&r->hdr->prod_flags) & XENC_RING_F_NO_NOTIFY)
		return false;
	return xenc_need_event(xenc_load(&r->hdr->prod_event), r->head, old);
}

XENC_EXPORT(xenc_ring_release);

/*
 * Consumer: ask for a kick once @batch more frames' worth of slots are
 * published (1: the next publish).  Returns true if that many are already
 * there, so the caller must poll again instead of sleeping.
 */
bool xenc_ring_enable_notify_at(struct xenc_ring *r, u32 batch)
{
	if (r->fault)
		return false;
	if (!batch)
		batch = 1;
	xenc_store(&r->hdr->cons_event, r->head + batch - 1);
	/* Full barrier: event store before prod load, pairs with publish. */
	xenc_mb();
	return (u32)(xenc_load(&r->hdr->prod) - r->head) >= batch;
}

XENC_EXPORT(xenc_ring_enable_notify_at);

bool xenc_ring_enable_notify(struct xenc_ring *r)
{
	return xenc_ring_enable_notify_at(r, 1);
}

XENC_EXPORT(xenc_ring_enable_notify);

/* Tell the other side never to kick this end: it polls. */
void xenc_ring_set_polling(struct xenc_ring *r, bool consumer, bool on)
{
	u32 *f = consumer ? &r->hdr->cons_flags : &r->hdr->prod_flags;

	xenc_store(f, on ? XENC_RING_F_NO_NOTIFY : 0);
	/* Full barrier: a peer must not miss the flag when it next publishes. */
	xenc_mb();
}

XENC_EXPORT(xenc_ring_set_polling);

void xenc_span_to_buf(const struct xenc_span *sp, void *buf)
{
	xenc_memcpy(buf, sp->p[0], sp->n[0]);
	if (sp->n[1])
		xenc_memcpy((u8 *)buf + sp->n[0], sp->p[1], sp->n[1]);
}

XENC_EXPORT(xenc_span_to_buf);

/* Copy @n payload bytes starting at @off (off + n <= the frame length). */
void xenc_span_read(const struct xenc_span *sp, u32 off, void *buf, u32 n)
{
	u8 *d = buf;
	u32 k;

	if (off < sp->n[0]) {
		k = sp->n[0] - off < n ? sp->n[0] - off : n;
		xenc_memcpy(d, sp->p[0] + off, k);
		d += k;
		n -= k;
		off = 0;
	} else {
		off -= sp->n[0];
	}
	if (n)
		xenc_memcpy(d, sp->p[1] + off, n);
}

XENC_EXPORT(xenc_span_read);

void xenc_span_from_buf(const struct xenc_span *sp, const void *buf)
{
	xenc_memcpy(sp->p[0], buf, sp->n[0]);
	if (sp->n[1])
		xenc_memcpy(sp->p[1], (const u8 *)buf + sp->n[0], sp->n[1]);
}

XENC_EXPORT(xenc_span_from_buf);

// SPDX-License-Identifier: GPL-2.0
/*
 * Fault injection for the test peer: one precise protocol violation of a
 * chosen kind (enum xenc_fault), so a test can show that Linux counts
 * exactly that kind.  hostile.c is the random counterpart.
 */
#include "peer.h"

/* The next slot the peer would fill in its ring to Linux, and publish it. */
static void inject_frame(struct xenc_ring *r, u32 len, u16 flags, u8 gso_type)
{
	struct xenc_frame_hdr *s;

	s = (void *)(r->data + ((r->head & (r->slots - 1)) << r->shift));
	WRITE_ONCE(s->len, len);
	WRITE_ONCE(s->flags, flags);
	WRITE_ONCE(s->csum_start, 0xffff);
	WRITE_ONCE(s->csum_offset, 0xffff);
	WRITE_ONCE(s->gso_size, 0);
	WRITE_ONCE(s->gso_type, gso_type);
	/* The header is visible before the index that covers it. */
	xenc_store_release(&r->hdr->prod, r->head + 1);
}

/*
 * Under the peer's write lock.  Returns the doorbell vector that makes
 * Linux look (ring faults are found by its NAPI), or a negative errno.
 */
int xpeer_inject(struct xpeer *xp, u32 kind)
{
	struct xenc_ep *ep = &xp->ep;
	struct xenc_peer_info *pi = (void *)(ep->region + XENC_OFF_PEER);
	struct xenc_ring *p2l = &ep->q[0].tx, *l2p = &ep->q[0].rx;
	u32 slot = 1u << p2l->shift;

	if (kind < XENC_FAULT_STATE && !xenc_ep_connected(ep))
		return -ENOTCONN;
	switch (kind) {
	case XENC_FAULT_PROD_RANGE:
		WRITE_ONCE(p2l->hdr->prod, p2l->head + p2l->slots + 1);
		break;
	case XENC_FAULT_CONS_RANGE:
		WRITE_ONCE(l2p->hdr->cons, READ_ONCE(l2p->hdr->prod) + 7);
		break;
	case XENC_FAULT_LEN_SHORT:
		inject_frame(p2l, XENC_FRAME_MIN - 1, 0, 0);
		break;
	case XENC_FAULT_LEN_LONG:
		inject_frame(p2l, p2l->max_frame + 1, 0, 0);
		break;
	case XENC_FAULT_LEN_UNPUBLISHED:
		/* Two slots long, one published. */
		inject_frame(p2l, slot, 0, 0);
		break;
	case XENC_FAULT_FLAGS:
		inject_frame(p2l, 100, 0x8000, 0);
		break;
	case XENC_FAULT_CSUM:
		/* Offsets beyond the frame: a fault once CSUM is negotiated. */
		inject_frame(p2l, 100, XENC_FRAME_CSUM_PARTIAL, 0);
		break;
	case XENC_FAULT_GSO:
		inject_frame(p2l, 100, XENC_FRAME_GSO, XENC_GSO_UDP_L4 + 1);
		break;
	case XENC_FAULT_STATE:
		WRITE_ONCE(pi->state, XENC_PEER_STATE_COUNT + 7);
		return 0;
	case XENC_FAULT_GENERATION:
		WRITE_ONCE(pi->generation, READ_ONCE(pi->generation) + 5);
		return 0;
	case XENC_FAULT_LAYOUT:
		/* A frame limit below an Ethernet header; attach restores it. */
		WRITE_ONCE(pi->max_frame, XENC_FRAME_MIN - 1);
		return 0;
	case XENC_FAULT_VERSION:
		WRITE_ONCE(pi->abi_major, XENC_ABI_MAJOR + 1);
		return 0;
	default:
		return -EINVAL;
	}
	return ep->q[0].vector;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * Hostile mode of the test peer: write adversarial values into every field
 * the peer owns, so the Linux side can be shown to survive a buggy or
 * compromised co-kernel.  Seeded and reproducible; a fixed list of nasty
 * cases first, then random ones.
 */
#include <linux/random.h>
#include "peer.h"

static u32 hostile_rand(u32 *s)
{
	/* xorshift32: reproducible from the seed written to debugfs. */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static const u32 hostile_lens[] = { 0, 13, 65536, 0xffffffff, 65600 + 1 };

/* One adversarial write.  Called under the peer's write lock. */
void xpeer_hostile_step(struct xpeer *xp)
{
	struct xenc_ep *ep = &xp->ep;
	struct xenc_peer_info *pi = (void *)(ep->region + XENC_OFF_PEER);
	u32 r = hostile_rand(&xp->hostile_rng);
	u32 nq = ep->layout.num_queues;
	u32 step = xp->hostile_step++;
	struct xenc_ring_hdr *p2l = NULL, *l2p = NULL;
	struct xenc_frame_hdr *slot = NULL;
	u32 v;

	if (nq && ep->q[r % nq].tx.hdr) {
		p2l = ep->q[r % nq].tx.hdr;
		l2p = ep->q[r % nq].rx.hdr;
		slot = (void *)((u8 *)p2l + XENC_RING_HDR_SIZE +
				((READ_ONCE(p2l->prod) & (ep->q[r % nq].tx.slots - 1))
				 << ep->q[r % nq].tx.shift));
	}
	v = step < 16 ? step : hostile_rand(&xp->hostile_rng) % 16;
	switch (v) {
	case 0:	/* producer index jumps by +2^31 */
		if (p2l)
			WRITE_ONCE(p2l->prod, READ_ONCE(p2l->prod) + 0x80000000u);
		break;
	case 1:	/* producer index runs backwards */
		if (p2l)
			WRITE_ONCE(p2l->prod, READ_ONCE(p2l->prod) - 3);
		break;
	case 2:	/* consumer index ahead of the producer */
		if (l2p)
			WRITE_ONCE(l2p->cons, READ_ONCE(l2p->prod) + 7);
		break;
	case 3: case 4: case 5: case 6: case 7:	/* bad lengths, published */
		if (slot && p2l) {
			WRITE_ONCE(slot->len, hostile_lens[v - 3]);
			WRITE_ONCE(p2l->prod, READ_ONCE(p2l->prod) + 1);
		}
		break;
	case 8:	/* every flag bit */
		if (slot && p2l) {
			WRITE_ONCE(slot->len, 100);
			WRITE_ONCE(slot->flags, 0xffff);
			WRITE_ONCE(p2l->prod, READ_ONCE(p2l->prod) + 1);
		}
		break;
	case 9:	/* state out of range, then flapping */
		WRITE_ONCE(pi->state, r % 2 ? 0xdeadbeef : r % 5);
		break;
	case 10:	/* generation ahead */
		WRITE_ONCE(pi->generation, READ_ONCE(pi->generation) + 1 + r % 9);
		break;
	case 11:	/* heartbeat frozen: stop the tick's increments */
		ep->heartbeat--;
		break;
	case 12:	/* garbage capabilities */
		WRITE_ONCE(pi->max_queues, r);
		WRITE_ONCE(pi->max_frame, r >> 3);
		WRITE_ONCE(pi->abi_major, r);
		break;
	case 13:	/* event indices and flags anywhere */
		if (l2p) {
			WRITE_ONCE(l2p->cons_event, r);
			WRITE_ONCE(l2p->cons_flags, ~r);
		}
		if (p2l)
			WRITE_ONCE(p2l->prod_event, r);
		break;
	case 14:	/* random word anywhere in the region */
		WRITE_ONCE(*(u32 *)(ep->region + ((r % (ep->map_size - 4)) & ~3ull)),
			   hostile_rand(&xp->hostile_rng));
		break;
	default:	/* doorbell storm on every vector */
		for (v = 0; v < 256; v++)
			xenc_shm_kick(xp->shm, v);
		break;
	}
}

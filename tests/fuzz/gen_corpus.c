// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Writes the seed corpus for fuzz_ring.c into the directory given as argv[1]:
 * a handful of inputs that reach the interesting states quickly (valid
 * frames, index wrap, a real formatted region with an offer, a connected
 * handshake on the Linux side), from which the fuzzer mutates.  The control
 * areas are produced by the real xenc_host_format/xenc_host_offer, so the
 * seeds follow the ABI without hand-made byte tables.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenc_ring.h"
#include "xenc_ep.h"
#include "fuzz_ops.h"

struct seed {
	u8 b[8192];
	size_t n;
};

static void put(struct seed *s, u64 v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		s->b[s->n++] = (u8)(v >> (8 * i));
}

static void put_buf(struct seed *s, const void *p, size_t n)
{
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

static void put_fhdr(struct seed *s, u32 len, u16 flags, u16 cs, u16 co,
		     u16 gs, u8 gt)
{
	struct xenc_frame_hdr fh = { .len = len, .flags = flags,
				     .gso_size = gs, .csum_start = cs,
				     .csum_offset = co, .gso_type = gt };

	put_buf(s, &fh, sizeof(fh));
}

static const char *dir;
static int nseeds;

static void save(struct seed *s, const char *name)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/seed-%02d-%s", dir, nseeds++, name);
	f = fopen(path, "wb");
	if (!f || fwrite(s->b, 1, s->n, f) != s->n || fclose(f)) {
		perror(path);
		exit(1);
	}
	memset(s, 0, sizeof(*s));
}

/* ---- FZ_RING ---- */

static void ring_hdr(struct seed *s, u8 shift_sel, u8 slots_sel, u32 mf,
		     u8 feat, u32 base)
{
	put(s, FZ_RING, 1);
	put(s, shift_sel, 1);
	put(s, slots_sel, 1);
	put(s, mf - XENC_FRAME_MIN, 4);	/* fuzz_ring maps mf = 14 + v % .. */
	put(s, feat, 1);
	put(s, base, 4);
}

static void ring_seeds(void)
{
	struct seed s = { 0 };
	int i;

	/* Valid traffic both ways on a small-slot ring. */
	ring_hdr(&s, 0, 0, 4080, 0, 0);
	for (i = 0; i < 6; i++) {
		put(&s, R_LEGIT_PUT, 1); put(&s, 9, 1); put(&s, 100 * i, 2);
		put(&s, R_DRAIN, 1); put(&s, 255, 1);
		put(&s, R_RELEASE, 1);
		put(&s, R_PUT, 1); put(&s, 50 + 700 * i, 4); put(&s, 0, 9);
		put(&s, R_PUBLISH, 1);
		put(&s, R_LEGIT_GET, 1);
		put(&s, R_FREE, 1);
		put(&s, R_NOTIFY, 1);
		put(&s, R_WAIT, 1); put(&s, 8, 4);
	}
	save(&s, "ring-valid");

	/* Same around 2^32. */
	ring_hdr(&s, 0, 0, 4080, 0, 0xffffff00u);
	for (i = 0; i < 12; i++) {
		put(&s, R_LEGIT_PUT, 1); put(&s, 15, 1); put(&s, 300 * i, 2);
		put(&s, R_DRAIN, 1); put(&s, 255, 1);
		put(&s, R_RELEASE, 1);
		put(&s, R_PUT, 1); put(&s, 1000, 4); put(&s, 0, 9);
		put(&s, R_PUBLISH, 1);
		put(&s, R_LEGIT_GET, 1);
	}
	save(&s, "ring-wrap");

	/* Hand-written frames with checksum and GSO metadata. */
	ring_hdr(&s, 5, 1, 9000, XENC_F_CSUM | XENC_F_GSO, 12345);
	put(&s, R_FHDR, 1); put(&s, 0, 1);
	put_fhdr(&s, 1514, XENC_FRAME_CSUM_PARTIAL, 34, 16, 0, 0);
	put(&s, R_FHDR, 1); put(&s, 1, 1);
	put_fhdr(&s, 1000, XENC_FRAME_GSO | XENC_FRAME_DATA_VALID, 0, 0,
		 1448, XENC_GSO_TCPV4);
	put(&s, R_PROD, 1); put(&s, 2, 4);
	put(&s, R_DRAIN, 1); put(&s, 8, 1);
	put(&s, R_RELEASE, 1);
	put(&s, R_PUT, 1); put(&s, 9000, 4);
	put(&s, XENC_FRAME_CSUM_PARTIAL, 2); put(&s, 100, 2); put(&s, 6, 2);
	put(&s, 0, 2); put(&s, 0, 1);
	put(&s, R_PUBLISH, 1);
	put(&s, R_LEGIT_GET, 1);
	save(&s, "ring-meta");

	/* Hostile producer index and lengths. */
	ring_hdr(&s, 0, 2, 9000, XENC_F_KNOWN, 7);
	put(&s, R_FHDR, 1); put(&s, 0, 1); put_fhdr(&s, 13, 0, 0, 0, 0, 0);
	put(&s, R_PROD, 1); put(&s, 257, 4);
	put(&s, R_DRAIN, 1); put(&s, 4, 1);
	put(&s, R_PROD, 1); put(&s, 1, 4);
	put(&s, R_DRAIN, 1); put(&s, 4, 1);
	save(&s, "ring-hostile-prod");

	/* Hostile consumer index on the ring Linux produces. */
	ring_hdr(&s, 3, 0, 1514, 0, 0x7ffffff0u);
	for (i = 0; i < 8; i++) {
		put(&s, R_PUT, 1); put(&s, 1514, 4); put(&s, 0, 9);
	}
	put(&s, R_PUBLISH, 1);
	put(&s, R_CONS, 1); put(&s, 3, 4);
	put(&s, R_FREE, 1);
	put(&s, R_CONS, 1); put(&s, 0x80000000u, 4);
	put(&s, R_WAIT, 1); put(&s, 64, 4);
	put(&s, R_EVENTS, 1); put(&s, 1, 4); put(&s, 1, 4); put(&s, 2, 4);
	put(&s, 0, 4);
	save(&s, "ring-hostile-cons");

	/* Big slots, the largest frames. */
	ring_hdr(&s, 8, 0, 65535, 0, 0);
	put(&s, R_LEGIT_PUT, 1); put(&s, 3, 1); put(&s, 65535 - 14, 2);
	put(&s, R_DRAIN, 1); put(&s, 8, 1);
	put(&s, R_RELEASE, 1);
	put(&s, R_POLLING, 1); put(&s, 3, 1);
	put(&s, R_PUT, 1); put(&s, 65535, 4); put(&s, 0, 9);
	put(&s, R_PUBLISH, 1);
	put(&s, R_LEGIT_GET, 1);
	save(&s, "ring-big");
}

/* ---- FZ_EP ---- */

static u8 region[4096 * 64];

static void nop_notify(void *ctx, u32 vector)
{
	(void)ctx;
	(void)vector;
}

/*
 * A control area as real Linux code writes it: format, let a peer say
 * hello, offer a layout.  Returns the offered layout in *lay.
 */
static void make_ctrl(u64 size, u32 nq, u32 ssz, u32 slots, u32 mf,
		      u64 feat, struct xenc_layout *lay)
{
	struct xenc_host h;
	struct xenc_ep ep;
	struct xenc_ep_config cfg = { .features = feat, .max_queues = nq,
				      .max_frame = XENC_FRAME_MAX };

	memset(region, 0, sizeof(region));
	xenc_host_format(&h, region, size, feat, 1);
	if (xenc_ep_attach(&ep, region, size, &cfg, nop_notify, NULL, 1) ||
	    xenc_host_poll(&h) != XENC_EV_PEER_HELLO) {
		fprintf(stderr, "gen_corpus: handshake failed\n");
		exit(1);
	}
	memset(lay, 0, sizeof(*lay));
	lay->num_queues = nq;
	lay->slot_size = ssz;
	lay->l2p_slots = slots;
	lay->p2l_slots = slots;
	lay->max_frame = mf;
	if (xenc_layout_build(lay, size) || xenc_host_offer(&h, lay)) {
		fprintf(stderr, "gen_corpus: bad seed layout\n");
		exit(1);
	}
}

static void ep_hdr(struct seed *s, u8 pages, u64 feat, u8 maxq, u32 mf,
		   u8 flags, u8 stale)
{
	put(s, FZ_EP, 1);
	put(s, pages - 1, 1);
	put(s, feat, 1);
	put(s, maxq, 1);
	put(s, mf, 4);
	put(s, flags, 1);
	put(s, stale, 1);
	put_buf(s, region, FZ_CTRL_BYTES);
}

static void ep_traffic(struct seed *s, u32 nq)
{
	u32 q;

	put(s, E_POLL, 1);
	for (q = 0; q < nq; q++) {
		put(s, E_SEND, 1); put(s, q, 1); put(s, 100 + q, 2);
		put(s, E_FHDR, 1); put(s, q, 1); put(s, 0, 1);
		put_fhdr(s, 200, 0, 0, 0, 0, 0);
		put(s, E_RING, 1); put(s, q, 1); put(s, 0, 1); put(s, 1, 4);
		put(s, E_RECV, 1); put(s, q, 1); put(s, 4, 1);
		put(s, E_REARM, 1); put(s, q, 1); put(s, 1, 1);
	}
	put(s, E_HEARTBEAT, 1);
	put(s, E_TICK, 1);
}

static void ep_seeds(void)
{
	struct seed s = { 0 };
	struct xenc_layout lay;

	/* One queue, connects on the first poll. */
	make_ctrl(4096 * 40, 1, 1024, 64, 1514, 0, &lay);
	ep_hdr(&s, 40, 0, 1, 9000, 0, 0);
	ep_traffic(&s, 1);
	save(&s, "ep-connect");

	/* Four queues with every feature, then a quiesce. */
	make_ctrl(4096 * 64, 4, 256, 64, 9000, XENC_F_KNOWN, &lay);
	ep_hdr(&s, 64, XENC_F_KNOWN, 4, 65535, 0, 3);
	ep_traffic(&s, 4);
	put(&s, E_WRITE, 1); put(&s, XENC_OFF_LINUX, 2);
	put(&s, XENC_LINUX_QUIESCE, 4);
	put(&s, E_POLL, 1);
	put(&s, E_POLL, 1);
	put(&s, E_WRITE, 1); put(&s, XENC_OFF_LINUX + 4, 2); put(&s, 3, 4);
	put(&s, E_WRITE, 1); put(&s, XENC_OFF_LINUX, 2);
	put(&s, XENC_LINUX_OFFER, 4);
	put(&s, E_POLL, 1);
	put(&s, E_TICK, 1);
	save(&s, "ep-mq-quiesce");

	/* Small slots, polling peer, re-attach. */
	make_ctrl(4096 * 8, 1, 64, 64, 512, XENC_F_CSUM, &lay);
	ep_hdr(&s, 8, XENC_F_CSUM, 0, 512, XENC_PEER_F_POLLING, 1);
	ep_traffic(&s, 1);
	put(&s, E_ATTACH, 1); put(&s, 1, 1);
	put(&s, E_ATTACH, 1); put(&s, 0, 1);
	put(&s, E_TICK, 1);
	put(&s, E_TICK, 1);
	save(&s, "ep-small");

	/* Layout check against the oracle, starting from a valid layout. */
	make_ctrl(4096 * 32, 2, 256, 64, 1514, XENC_F_MQ, &lay);
	ep_hdr(&s, 32, XENC_F_MQ, 2, 9000, 0, 0);
	put(&s, E_LAYOUT, 1);
	put_buf(&s, &lay, sizeof(lay));
	put(&s, E_POLL, 1);
	put(&s, E_WRITE, 1); put(&s, XENC_OFF_QUEUES, 2); put(&s, 64, 4);
	put(&s, E_WRITE, 1); put(&s, XENC_OFF_LINUX + 4, 2); put(&s, 9, 4);
	put(&s, E_POLL, 1);
	put(&s, E_POLL, 1);
	save(&s, "ep-layout");

	/* Unformatted region: attach fails until "Linux" writes the magic. */
	memset(region, 0, sizeof(region));
	ep_hdr(&s, 4, 0, 1, 1514, 0, 0);
	put(&s, E_TICK, 1);
	put(&s, E_WRITE, 1); put(&s, 0, 2); put(&s, XENC_MAGIC, 4);
	put(&s, E_WRITE, 1); put(&s, 4, 2); put(&s, XENC_ABI_MAJOR, 4);
	put(&s, E_WRITE, 1); put(&s, 8, 2); put(&s, 4096 * 4, 4);
	put(&s, E_WRITE, 1); put(&s, 16, 2); put(&s, XENC_CTRL_SIZE, 4);
	put(&s, E_TICK, 1);
	save(&s, "ep-unformatted");
}

/* ---- FZ_HOST ---- */

static void h_peer(struct seed *s, u32 off, u32 v)
{
	put(s, H_PEER, 1);
	put(s, off, 1);
	put(s, v, 4);
}

static void host_seeds(void)
{
	struct seed s = { 0 };

	/* A peer that says hello, gets an offer and acknowledges it. */
	put(&s, FZ_HOST, 1);
	put(&s, XENC_F_KNOWN, 1);
	put(&s, 41, 4);			/* first generation: offers 42 */
	h_peer(&s, offsetof(struct xenc_peer_info, features), XENC_F_KNOWN);
	h_peer(&s, offsetof(struct xenc_peer_info, max_queues), 4);
	h_peer(&s, offsetof(struct xenc_peer_info, max_frame), 9000);
	h_peer(&s, offsetof(struct xenc_peer_info, abi_major), XENC_ABI_MAJOR);
	h_peer(&s, offsetof(struct xenc_peer_info, state), XENC_PEER_HELLO);
	put(&s, H_POLL, 1);
	put(&s, H_OFFER, 1);
	put(&s, 0, 1); put(&s, 5, 1); put(&s, 0, 1); put(&s, 1, 1);
	put(&s, 1514, 4);
	h_peer(&s, offsetof(struct xenc_peer_info, generation), 42);
	h_peer(&s, offsetof(struct xenc_peer_info, state), XENC_PEER_READY);
	put(&s, H_POLL, 1);
	put(&s, H_FHDR, 1); put(&s, 0, 1);
	put_fhdr(&s, 100, XENC_FRAME_CSUM_PARTIAL, 14, 16, 0, 0);
	put(&s, H_RX, 1); put(&s, 1, 4); put(&s, 4, 1);
	put(&s, H_TX, 1); put(&s, 0, 4); put(&s, 60, 2);
	put(&s, H_HEARTBEAT, 1); put(&s, 2, 1);
	put(&s, H_HEARTBEAT, 1); put(&s, 2, 1);
	put(&s, H_STATE, 1); put(&s, XENC_LINUX_QUIESCE, 1);
	h_peer(&s, offsetof(struct xenc_peer_info, state), XENC_PEER_QUIESCED);
	put(&s, H_POLL, 1);
	save(&s, "host-connect");

	/* Garbage peer block. */
	put(&s, FZ_HOST, 1);
	put(&s, 0, 1);
	put(&s, 0xffffffffu, 4);
	h_peer(&s, 0, 0xdeadbeef);
	put(&s, H_POLL, 1);
	h_peer(&s, 0, XENC_PEER_READY);
	h_peer(&s, offsetof(struct xenc_peer_info, generation), 5);
	put(&s, H_POLL, 1);
	save(&s, "host-garbage");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s corpus-dir\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	ring_seeds();
	ep_seeds();
	host_seeds();
	printf("gen_corpus: %d seeds in %s\n", nseeds, dir);
	return 0;
}

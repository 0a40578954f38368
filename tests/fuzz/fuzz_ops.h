/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Input format of the xenc fuzz target (fuzz_ring.c), shared with the seed
 * generator (gen_corpus.c).  An input is
 *
 *	mode:u8  header (per mode)  op:u8 args ... op:u8 args ...
 *
 * Multi-byte values are little-endian; a value read past the end of the
 * input is 0, so every byte string is a valid input.
 *
 * mode % 3 == FZ_RING: the data plane.  Ring A is consumed by the code under
 *   test while the input plays its (hostile) producer; ring B is produced
 *   by the code under test while the input plays its consumer.
 *   header: shift_sel:u8 slots_sel:u8 max_frame:u32 features:u8 base:u32
 * mode % 3 == FZ_EP: the co-kernel endpoint against a hostile Linux side.
 *   header: pages:u8 features:u8 max_queues:u8 max_frame:u32 flags:u8
 *           stale:u8 ctrl[FZ_CTRL_BYTES]   (the control area as Linux
 *           wrote it: region header, linux info, peer info, queue descs)
 * mode % 3 == FZ_HOST: the Linux side of the handshake against a hostile
 *   peer.  header: features:u8 first_generation:u32
 */
#ifndef XENC_FUZZ_OPS_H
#define XENC_FUZZ_OPS_H

#define FZ_RING		0
#define FZ_EP		1
#define FZ_HOST		2

#define FZ_CTRL_BYTES	(XENC_OFF_QUEUES + XENC_MAX_QUEUES * 32)	/* 704 */
#define FZ_MAX_OPS	512

/* FZ_RING ops */
enum {
	R_PROD,		/* delta:u32	A.prod = A.head + delta */
	R_FHDR,		/* k:u8 hdr[16]	frame header at A slot head + k */
	R_DRAIN,	/* budget:u8	peek/consume up to budget frames */
	R_RELEASE,	/*		release on A */
	R_NOTIFY,	/*		enable_notify on A */
	R_CONS,		/* delta:u32	B.cons = B.snap + delta */
	R_PUT,		/* len:u32 flags:u16 cs:u16 co:u16 gs:u16 gt:u8 */
	R_PUBLISH,	/*		publish on B */
	R_WAIT,		/* want:u32	wait_space on B */
	R_FREE,		/*		ring_free on B */
	R_EVENTS,	/* 4 x u32	A.prod_event/flags, B.cons_event/flags */
	R_LEGIT_PUT,	/* n:u8 len:u16	a correct producer puts n frames on A */
	R_LEGIT_GET,	/*		a correct consumer drains B */
	R_POLLING,	/* on:u8	set_polling on A (consumer) / B */
	R_COUNT
};

/* FZ_EP ops */
enum {
	E_WRITE,	/* off:u16 val:u32	u32 into the control area */
	E_POLL,		/*			xenc_ep_poll */
	E_TICK,		/*			xenc_ep_tick */
	E_RECV,		/* q:u8 budget:u8	recv loop + recv_flush */
	E_SEND,		/* q:u8 len:u16		send_buf + flush */
	E_RING,		/* q:u8 which:u8 val:u32 ring index/event words */
	E_FHDR,		/* q:u8 k:u8 hdr[16]	frame header into l2p */
	E_ATTACH,	/* what:u8		detach, or attach again */
	E_LAYOUT,	/* struct xenc_layout	xenc_layout_check vs oracle */
	E_HEARTBEAT,	/*			Linux heartbeat moves */
	E_REARM,	/* q:u8			rx_rearm / tx_wait */
	E_COUNT
};

/* FZ_HOST ops */
enum {
	H_PEER,		/* off:u8 val:u32	u32 into the peer info block */
	H_POLL,		/*			xenc_host_poll */
	H_OFFER,	/* nq:u8 ssz:u8 l2p:u8 p2l:u8 mf:u32 */
	H_HEARTBEAT,	/* limit:u8 */
	H_STATE,	/* state:u8		xenc_host_set_state */
	H_RX,		/* delta:u32 budget:u8	peer prod, then Linux drains */
	H_FHDR,		/* k:u8 hdr[16]		frame header into p2l */
	H_TX,		/* cons:u32 len:u16	peer cons, then Linux sends */
	H_COUNT
};

#endif /* XENC_FUZZ_OPS_H */

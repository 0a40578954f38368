/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * xenc shared-memory ABI: the one header Linux and the co-kernel both compile.
 *
 * All fields are little-endian and naturally aligned; every structure has
 * explicit padding so no layout is left to the compiler.  Each field has
 * exactly one writer, named in its comment ("linux" or "peer").  The full
 * specification is Documentation/abi.rst.
 */
#ifndef XENC_ABI_H
#define XENC_ABI_H

#if defined(__KERNEL__)
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define XENC_MAGIC		0x434e4558u	/* "XENC" read as LE u32 */
#define XENC_ABI_MAJOR		1	/* incompatible layout changes */
#define XENC_ABI_MINOR		0	/* compatible additions */

#define XENC_CACHELINE		64
#define XENC_CTRL_SIZE		4096	/* control area; rings follow */
#define XENC_RING_ALIGN		4096
#define XENC_MAX_QUEUES		16

#define XENC_SLOT_SIZE_MIN	64
#define XENC_SLOT_SIZE_MAX	16384
#define XENC_SLOT_SIZE_DEFAULT	2048
#define XENC_RING_SLOTS_MIN	64
#define XENC_RING_SLOTS_MAX	32768

#define XENC_FRAME_MIN		14	/* an Ethernet header */
#define XENC_FRAME_MAX		65600	/* MTU 65535 + Ethernet/VLAN headers */

/* Feature bits (xenc_linux_info.features / xenc_peer_info.features). */
#define XENC_F_CSUM		(1ull << 0)	/* frames may carry csum metadata */
#define XENC_F_GSO		(1ull << 1)	/* frames may carry GSO metadata */
#define XENC_F_MQ		(1ull << 2)	/* more than one queue pair */
#define XENC_F_QUIESCE		(1ull << 3)	/* live re-layout via QUIESCE */
#define XENC_F_KNOWN		(XENC_F_CSUM | XENC_F_GSO | XENC_F_MQ | \
				 XENC_F_QUIESCE)

/* xenc_linux_info.state */
enum xenc_linux_state {
	XENC_LINUX_RESET = 0,	/* layout being (re)written, do not touch */
	XENC_LINUX_OFFER = 1,	/* layout for .generation is valid */
	XENC_LINUX_RUNNING = 2,	/* peer acknowledged .generation */
	XENC_LINUX_QUIESCE = 3,	/* peer: stop producing, drain, ack */
	XENC_LINUX_GONE = 4,	/* Linux side detached */
	XENC_LINUX_STATE_COUNT
};

/* xenc_peer_info.state */
enum xenc_peer_state {
	XENC_PEER_ABSENT = 0,	/* nobody attached */
	XENC_PEER_HELLO = 1,	/* attached, capabilities valid, wants offer */
	XENC_PEER_READY = 2,	/* using the layout of .generation */
	XENC_PEER_QUIESCED = 3,	/* stopped and drained for .generation */
	XENC_PEER_GONE = 4,	/* detached on purpose */
	XENC_PEER_STATE_COUNT
};

/* xenc_peer_info.flags */
#define XENC_PEER_F_POLLING	(1u << 0)	/* peer polls; send no doorbells */
#define XENC_PEER_F_KNOWN	XENC_PEER_F_POLLING

/* xenc_linux_info.flags */
#define XENC_LINUX_F_POLLING	(1u << 0)	/* Linux polls; send no doorbells */
#define XENC_LINUX_F_KNOWN	XENC_LINUX_F_POLLING

/*
 * Faults one side can detect in what the other wrote.  Numbers are ABI: a
 * peer may report the last one it saw in xenc_peer_info.fault.
 */
enum xenc_fault {
	XENC_FAULT_NONE = 0,
	XENC_FAULT_PROD_RANGE = 1,	/* producer index beyond ring size */
	XENC_FAULT_CONS_RANGE = 2,	/* consumer index outside published */
	XENC_FAULT_LEN_SHORT = 3,	/* frame shorter than XENC_FRAME_MIN */
	XENC_FAULT_LEN_LONG = 4,	/* frame longer than max_frame */
	XENC_FAULT_LEN_UNPUBLISHED = 5,	/* frame runs past producer index */
	XENC_FAULT_FLAGS = 6,		/* unknown or unnegotiated flag */
	XENC_FAULT_CSUM = 7,		/* checksum offsets outside frame */
	XENC_FAULT_GSO = 8,		/* bad GSO metadata */
	XENC_FAULT_STATE = 9,		/* unknown state value */
	XENC_FAULT_GENERATION = 10,	/* generation not the offered one */
	XENC_FAULT_LAYOUT = 11,		/* layout outside region/overlapping */
	XENC_FAULT_VERSION = 12,	/* bad magic or ABI major */
	XENC_FAULT_COUNT
};

/* Offset 0, written by linux while its state is RESET. */
struct xenc_region_hdr {
	uint32_t magic;
	uint16_t abi_major;
	uint16_t abi_minor;
	uint64_t region_size;		/* bytes Linux formatted */
	uint32_t ctrl_size;		/* XENC_CTRL_SIZE */
	uint32_t max_queues;		/* xenc_queue_desc entries */
	uint8_t rsvd[40];
};

/* Offset 64, written by linux. */
struct xenc_linux_info {
	uint32_t state;			/* enum xenc_linux_state */
	uint32_t generation;		/* bumped on every new layout */
	uint64_t features;		/* negotiated for .generation */
	uint64_t heartbeat;		/* increments while Linux is alive */
	uint32_t num_queues;		/* queue pairs in .generation */
	uint32_t slot_size;		/* bytes per ring slot, power of 2 */
	uint32_t max_frame;		/* largest frame either way */
	uint32_t flags;			/* XENC_LINUX_F_* */
	uint16_t abi_major;
	uint16_t abi_minor;
	uint8_t rsvd[20];
};

/* Offset 128, written by peer. */
struct xenc_peer_info {
	uint32_t state;			/* enum xenc_peer_state */
	uint32_t generation;		/* generation acknowledged */
	uint64_t features;		/* everything the peer supports */
	uint64_t heartbeat;		/* increments while the peer is alive */
	uint32_t max_queues;		/* queue pairs the peer can serve */
	uint32_t flags;			/* XENC_PEER_F_* */
	uint32_t max_frame;		/* largest frame the peer handles */
	uint32_t fault;			/* last enum xenc_fault it saw */
	uint16_t abi_major;
	uint16_t abi_minor;
	uint32_t cookie;		/* changes on every peer (re)attach */
	uint8_t rsvd[16];
};

/*
 * Offset 192 + 32 * q, written by linux while its state is RESET.  Offsets
 * are from the region start and point at a struct xenc_ring_hdr.
 */
struct xenc_queue_desc {
	uint64_t l2p_off;		/* ring Linux produces, peer consumes */
	uint64_t p2l_off;		/* ring peer produces, Linux consumes */
	uint32_t l2p_slots;
	uint32_t p2l_slots;
	uint32_t vector;		/* doorbell vector for this queue */
	uint32_t rsvd;
};

#define XENC_OFF_LINUX		64
#define XENC_OFF_PEER		128
#define XENC_OFF_QUEUES		192

/*
 * Ring header.  Each index sits alone on a cache line so that the two sides
 * never write the same line.  Indices are free-running slot counters.
 */
struct xenc_ring_hdr {
	uint32_t prod;			/* producer: slots published */
	uint8_t rsvd0[60];
	uint32_t cons;			/* consumer: slots released */
	uint8_t rsvd1[60];
	uint32_t cons_event;		/* consumer: notify when prod passes */
	uint32_t cons_flags;		/* consumer: XENC_RING_F_* */
	uint8_t rsvd2[56];
	uint32_t prod_event;		/* producer: notify when cons passes */
	uint32_t prod_flags;		/* producer: XENC_RING_F_* */
	uint8_t rsvd3[56];
};

/* Slots follow the ring header directly. */
#define XENC_RING_HDR_SIZE	256

/* cons_flags / prod_flags */
#define XENC_RING_F_NO_NOTIFY	(1u << 0)	/* polling: never ring for me */

/*
 * Every frame starts at a slot boundary with this header; the payload
 * follows it and may wrap from the last slot to the first.
 */
struct xenc_frame_hdr {
	uint32_t len;			/* payload bytes */
	uint16_t flags;			/* XENC_FRAME_* */
	uint16_t gso_size;		/* MSS if XENC_FRAME_GSO */
	uint16_t csum_start;		/* if XENC_FRAME_CSUM_PARTIAL */
	uint16_t csum_offset;
	uint8_t gso_type;		/* XENC_GSO_* */
	uint8_t rsvd[3];
};

#define XENC_FRAME_HDR_SIZE	16

#define XENC_FRAME_CSUM_PARTIAL	(1u << 0)	/* needs XENC_F_CSUM */
#define XENC_FRAME_DATA_VALID	(1u << 1)	/* needs XENC_F_CSUM */
#define XENC_FRAME_GSO		(1u << 2)	/* needs XENC_F_GSO */

#define XENC_GSO_NONE		0
#define XENC_GSO_TCPV4		1
#define XENC_GSO_TCPV6		2
#define XENC_GSO_UDP_L4		3

/* Smallest gso_size: a TCP MSS can be no smaller (Linux's floor too). */
#define XENC_GSO_SIZE_MIN	8

/* A compile-time check both kernels run: an array of size -1 fails. */
#define XENC_ABI_ASSERT(c) \
	extern char xenc_abi_assert[(c) ? 1 : -1]

XENC_ABI_ASSERT(sizeof(struct xenc_region_hdr) == 64);
XENC_ABI_ASSERT(sizeof(struct xenc_linux_info) == 64);
XENC_ABI_ASSERT(sizeof(struct xenc_peer_info) == 64);
XENC_ABI_ASSERT(sizeof(struct xenc_queue_desc) == 32);
XENC_ABI_ASSERT(sizeof(struct xenc_ring_hdr) == XENC_RING_HDR_SIZE);
XENC_ABI_ASSERT(sizeof(struct xenc_frame_hdr) == XENC_FRAME_HDR_SIZE);
XENC_ABI_ASSERT(XENC_OFF_QUEUES + XENC_MAX_QUEUES *
		sizeof(struct xenc_queue_desc) <= XENC_CTRL_SIZE);

#endif /* XENC_ABI_H */

/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenc-relay: the baseline xenc replaces.  A re-implementation of the seed
 * paper's lnxtapd: one user-space process owns every co-kernel VM's region,
 * plays the Linux side of the handshake (the ring core in ring/, linked
 * natively), and copies frames between each VM's rings and one TAP device
 * per VM, which sits on the Linux bridge.
 *
 * Like the original it has no doorbells: it busy-polls every ring and every
 * TAP in one loop, declares XENC_LINUX_F_POLLING so the peer never rings it,
 * uses rings of one fixed size, and drops a frame from the TAP when the ring
 * towards the VM is full (the sender is not told).
 */
#ifndef XENC_RELAY_H
#define XENC_RELAY_H

#include "xenc_ring.h"

#define RELAY_SLOTS_DEFAULT	256	/* fixed, as the paper's rings were */
#define RELAY_MTU_DEFAULT	1500	/* a TAP device's MTU */
#define RELAY_BUDGET_DEFAULT	64	/* frames per ring per pass */
#define RELAY_CTRL_NS		10000000ull	/* handshake poll: 10 ms */
#define RELAY_HB_NS		100000000ull	/* heartbeat: 100 ms */
#define RELAY_STALE_TICKS	30	/* 3 s of silent peer: reset */

/* Counters of one VM; the bench reads them from the exit report. */
struct relay_stats {
	u64 to_vm_frames;	/* TAP -> l2p ring */
	u64 to_vm_bytes;
	u64 from_vm_frames;	/* p2l ring -> TAP */
	u64 from_vm_bytes;
	u64 drop_ring_full;	/* TAP frame dropped: l2p ring full */
	u64 drop_bad_len;	/* TAP frame shorter or longer than allowed */
	u64 drop_write;		/* p2l frame the TAP refused */
	u64 connects;
	u64 disconnects;
	u64 faults;		/* ring or handshake faults seen */
};

struct relay_vm {
	const char *name;
	u8 *region;
	u64 size;
	int fd;			/* TAP: one frame per read() / write() */
	u32 slots;		/* ring size, fixed for the life of the relay */
	u32 max_frame;		/* MTU + Ethernet/VLAN header */
	struct xenc_host h;
	struct xenc_ring tx;	/* l2p: the relay produces */
	struct xenc_ring rx;	/* p2l: the relay consumes */
	bool running;
	u32 offer_ticks;
	u64 next_ctrl_ns;
	u64 next_hb_ns;
	struct relay_stats st;
};

struct relay {
	struct relay_vm *vms;
	u32 nvm;
	u32 budget;
	u8 *buf;		/* one frame read from a TAP */
	u32 buf_len;
};

int relay_vm_init(struct relay_vm *vm, const char *name, void *region,
		  u64 size, int fd, u32 slots, u32 mtu, u32 first_gen);
void relay_vm_ctrl(struct relay_vm *vm, bool heartbeat);
int relay_vm_from_vm(struct relay_vm *vm, u32 budget);
int relay_vm_to_vm(struct relay_vm *vm, u32 budget, u8 *buf, u32 buf_len);
void relay_vm_detach(struct relay_vm *vm);

int relay_init(struct relay *r, struct relay_vm *vms, u32 nvm, u32 budget);
void relay_free(struct relay *r);
u32 relay_pass(struct relay *r, u64 now_ns);

#endif /* XENC_RELAY_H */

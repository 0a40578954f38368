/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * What a co-kernel supplies to run the xenc endpoint: the port skeleton
 * (xenc_port.c) calls these and nothing else besides memcpy and memset.
 * make cokernel-freestanding links the skeleton and fails if it needs any
 * other symbol, so this list is the whole porting surface.
 */
#ifndef XENC_PLAT_H
#define XENC_PLAT_H

#include "xenc_compat.h"

/* Map the shared region (cache-coherent with Linux); NULL on failure. */
void *plat_map_region(u64 phys, u64 size);

/* Interrupt Linux with @vector, ordered after earlier stores. */
void plat_doorbell_send(u32 vector);

/* Call @fn(vector) from the interrupt Linux raises for us. */
int plat_doorbell_register(void (*fn)(u32 vector));

/* Call @fn() every @ms milliseconds from the co-kernel's own context. */
int plat_timer_every(u32 ms, void (*fn)(void));

/* Hand one received Ethernet frame to the co-kernel's network stack. */
void plat_netif_rx(const void *frame, u32 len);

/* Tell the co-kernel's stack the link went up or down. */
void plat_netif_carrier(bool up);

/* A random 32-bit value (a cookie; need not be cryptographic). */
u32 plat_random_u32(void);

#endif /* XENC_PLAT_H */

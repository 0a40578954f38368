/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Stand-in for include/xenc_compat.h in the ThreadSanitizer build only
 * (force-included with -include, it claims the XENC_COMPAT_H guard first).
 *
 * The hosted compat maps xenc_load/xenc_store to volatile accesses, which
 * TSan treats as plain ones, so every event-index access would be reported
 * as a race.  Here they are relaxed atomics: the same code on x86 and what
 * READ_ONCE/WRITE_ONCE mean in the kernel memory model.  Everything else is
 * identical, so TSan checks what matters: that frame headers and payloads
 * are ordered by the acquire/release pairs on prod and cons.
 */
#ifndef XENC_COMPAT_H
#define XENC_COMPAT_H

#include <stdbool.h>
#include <stddef.h>

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;

#define xenc_load(p)		__atomic_load_n(p, __ATOMIC_RELAXED)
#define xenc_store(p, v)	__atomic_store_n(p, v, __ATOMIC_RELAXED)
#define xenc_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define xenc_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define xenc_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xenc_memcpy(d, s, n)	__builtin_memcpy(d, s, n)
#define xenc_memset(d, c, n)	__builtin_memset(d, c, n)
#define XENC_EXPORT(sym)

#endif /* XENC_COMPAT_H */

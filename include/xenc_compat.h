/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * The only environment-specific part of the ring core: types, one-shot
 * shared-memory accesses, barriers and memcpy.  Three builds use it: the
 * Linux kernel (__KERNEL__), a freestanding co-kernel (XENC_FREESTANDING)
 * and hosted native tests.  Both non-kernel builds need only the compiler.
 */
#ifndef XENC_COMPAT_H
#define XENC_COMPAT_H

#if defined(__KERNEL__)

#include <linux/types.h>
#include <linux/compiler.h>
#include <linux/export.h>
#include <linux/string.h>
#include <asm/barrier.h>

#define xenc_load(p)			READ_ONCE(*(p))
#define xenc_store(p, v)		WRITE_ONCE(*(p), (v))
/* virt_*(): the other side may be another kernel, even on a UP build. */
#define xenc_load_acquire(p)		virt_load_acquire(p)
/* Same as above: ordering against another kernel, not just another CPU. */
#define xenc_store_release(p, v)	virt_store_release(p, v)
/* Same as above. */
#define xenc_mb()			virt_mb()
#define xenc_memcpy(d, s, n)		memcpy(d, s, n)
#define xenc_memset(d, c, n)		memset(d, c, n)
/* The test peer and KUnit modules link the ring core from xenc.ko. */
#define XENC_EXPORT(sym)		EXPORT_SYMBOL_GPL(sym)

#else /* freestanding or hosted: compiler builtins only */

#include <stdbool.h>
#include <stddef.h>

typedef __UINT8_TYPE__ u8;
typedef __UINT16_TYPE__ u16;
typedef __UINT32_TYPE__ u32;
typedef __UINT64_TYPE__ u64;

/* Relaxed atomics: single-copy accesses, and race-free for TSan. */
#define xenc_load(p)		__atomic_load_n(p, __ATOMIC_RELAXED)
#define xenc_store(p, v)	__atomic_store_n(p, v, __ATOMIC_RELAXED)
#define xenc_load_acquire(p)	__atomic_load_n(p, __ATOMIC_ACQUIRE)
#define xenc_store_release(p, v) __atomic_store_n(p, v, __ATOMIC_RELEASE)
#define xenc_mb()		__atomic_thread_fence(__ATOMIC_SEQ_CST)
/* A freestanding port supplies memcpy/memset, as GCC requires anyway. */
#define xenc_memcpy(d, s, n)	__builtin_memcpy(d, s, n)
#define xenc_memset(d, c, n)	__builtin_memset(d, c, n)
/* Nothing to export outside a kernel: an empty declaration. */
#define XENC_EXPORT(sym)	struct xenc_export_##sym

#endif

#endif /* XENC_COMPAT_H */

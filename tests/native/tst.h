/* SPDX-License-Identifier: (GPL-2.0 OR MIT) */
/*
 * Tiny test helpers for the xenc native tests: no framework, just
 *
 *	TST_RUN(fn);		runs void fn(void), prints "PASS ring/fn"
 *	TST_CHECK(cond);	on failure records "file:line: cond" and returns
 *	TST_EQ(a, b);		same, and prints both values
 *
 * plus a shared-memory region fenced by PROT_NONE guard pages (any stray
 * access by the code under test faults at once), a deterministic PRNG and a
 * fast payload hash.  Each binary ends with "return tst_done();".
 */
#ifndef XENC_TST_H
#define XENC_TST_H

#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "xenc_ring.h"

/*
 * The kernel's spellings of the few attributes and helpers the tests use, so
 * that they read (and pass checkpatch) like the code under test.  Each one
 * is defined only if nothing included before has defined it already.
 * TST_ATTR() is the one place that spells out __attribute__: checkpatch
 * would flag these very definitions otherwise.
 */
#define TST_ATTR(a)	__attribute__((a))

#ifndef __aligned
#define __aligned(x)	TST_ATTR(aligned(x))
#endif
#ifndef __printf
#define __printf(a, b)	TST_ATTR(format(printf, a, b))
#endif
#ifndef __maybe_unused
#define __maybe_unused	TST_ATTR(unused)
#endif
#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define TST_UNUSED	__maybe_unused

static const char *tst_suite = "native";
static int tst_nfail, tst_npass;
static int tst_failed;
static char tst_why[512];

static TST_UNUSED __printf(3, 4)
void tst_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;
	int n;

	/* Keep the first failure of a test: later ones are usually fallout. */
	if (tst_failed++)
		return;
	n = snprintf(tst_why, sizeof(tst_why), "%s:%d: ", file, line);
	va_start(ap, fmt);
	vsnprintf(tst_why + n, sizeof(tst_why) - n, fmt, ap);
	va_end(ap);
}

#define TST_CHECK_R(c, ret) do {					\
	if (!(c)) {							\
		tst_fail(__FILE__, __LINE__, "%s", #c);			\
		return ret;						\
	}								\
} while (0)

#define TST_EQ_R(a, b, ret) do {					\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		tst_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)",	\
			 #a, #b, _a, _b);				\
		return ret;						\
	}								\
} while (0)

/* The same two for void tests and helpers. */
#define TST_CHECK(c) do {						\
	if (!(c)) {							\
		tst_fail(__FILE__, __LINE__, "%s", #c);			\
		return;							\
	}								\
} while (0)

#define TST_EQ(a, b) do {						\
	long long _a = (long long)(a), _b = (long long)(b);		\
	if (_a != _b) {							\
		tst_fail(__FILE__, __LINE__, "%s == %s (%lld != %lld)",	\
			 #a, #b, _a, _b);				\
		return;							\
	}								\
} while (0)

/* For helpers returning int: 0 on success, -1 after a recorded failure. */
#define TST_CHECK_I(c)	TST_CHECK_R(c, -1)
#define TST_EQ_I(a, b)	TST_EQ_R(a, b, -1)

static TST_UNUSED void tst_run(const char *name, void (*fn)(void))
{
	tst_failed = 0;
	tst_why[0] = 0;
	fn();
	if (tst_failed) {
		tst_nfail++;
		printf("FAIL %s/%s: %s\n", tst_suite, name, tst_why);
	} else {
		tst_npass++;
		printf("PASS %s/%s\n", tst_suite, name);
	}
	fflush(stdout);
}

#define TST_RUN(fn)	tst_run(#fn, fn)

/*
 * A test for a known bug in the code under test (see the report that added
 * it): while the bug is there it prints "XFAIL", which the result counters
 * ignore; once the bug is fixed it prints PASS and should become TST_RUN.
 */
static TST_UNUSED void tst_run_xfail(const char *name, void (*fn)(void),
				     const char *bug)
{
	tst_failed = 0;
	tst_why[0] = 0;
	fn();
	if (tst_failed) {
		printf("XFAIL %s/%s: %s [known: %s]\n", tst_suite, name,
		       tst_why, bug);
	} else {
		tst_npass++;
		printf("PASS %s/%s\n", tst_suite, name);
	}
	fflush(stdout);
}

#define TST_RUN_XFAIL(fn, bug)	tst_run_xfail(#fn, fn, bug)

static TST_UNUSED int tst_done(void)
{
	fprintf(stderr, "%s: %d passed, %d failed\n", tst_suite, tst_npass,
		tst_nfail);
	return tst_nfail ? 1 : 0;
}

/* Pin the calling thread to a CPU (-1: leave it alone). */
static TST_UNUSED void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

static TST_UNUSED double tst_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Spin-wait hint for the busy loops of the stress test and benchmark. */
static inline void tst_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ volatile("yield" ::: "memory");
#else
	__asm__ volatile("" ::: "memory");
#endif
}

/* splitmix64: deterministic, seedable, good enough for sizes and bytes. */
static TST_UNUSED u64 tst_rand(u64 *s)
{
	u64 z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static TST_UNUSED u32 tst_rand_range(u64 *s, u32 lo, u32 hi)
{
	return lo + (u32)(tst_rand(s) % ((u64)hi - lo + 1));
}

/* Word-at-a-time hash so that payload checks stay cheap under ASan. */
static TST_UNUSED u64 tst_hash(const void *buf, size_t n, u64 seed)
{
	const u8 *p = buf;
	u64 h = seed ^ (n * 0x9e3779b97f4a7c15ull), w;

	for (; n >= 8; n -= 8, p += 8) {
		memcpy(&w, p, 8);
		h = (h ^ w) * 0x100000001b3ull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, p, n);
	h = (h ^ w ^ ((u64)n << 56)) * 0x100000001b3ull;
	return h ^ (h >> 32);
}

/* Deterministic payload bytes for (seed, len). */
static TST_UNUSED void tst_fill(void *buf, size_t n, u64 seed)
{
	u8 *p = buf;
	u64 w;

	for (; n >= 8; n -= 8, p += 8) {
		w = tst_rand(&seed);
		memcpy(p, &w, 8);
	}
	w = tst_rand(&seed);
	memcpy(p, &w, n);
}

/*
 * A region standing in for the shared memory, with an inaccessible page
 * directly before and after it.  size is rounded up to a page so that the
 * byte after the last one the code may use is already a guard page.
 */
struct tst_region {
	u8 *base;
	u64 size;
	void *map;
	size_t map_len;
};

static TST_UNUSED int tst_region_alloc(struct tst_region *rg, u64 size)
{
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	size_t len = (size + pg - 1) / pg * pg;
	u8 *m;

	m = mmap(NULL, len + 2 * pg, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	if (mprotect(m, pg, PROT_NONE) ||
	    mprotect(m + pg + len, pg, PROT_NONE)) {
		munmap(m, len + 2 * pg);
		return -1;
	}
	rg->map = m;
	rg->map_len = len + 2 * pg;
	rg->base = m + pg;
	rg->size = len;
	return 0;
}

static TST_UNUSED void tst_region_free(struct tst_region *rg)
{
	if (rg->map)
		munmap(rg->map, rg->map_len);
	memset(rg, 0, sizeof(*rg));
}

/*
 * One ring with both of its ends, as the data-plane tests use it: the
 * producer and consumer private states share a guarded ring header.
 */
struct tst_pair {
	struct tst_region rg;
	struct xenc_ring p;	/* producer end */
	struct xenc_ring c;	/* consumer end */
};

static TST_UNUSED int tst_pair_init(struct tst_pair *tp, u32 slots,
				    u32 slot_size, u32 max_frame, u64 feat)
{
	memset(tp, 0, sizeof(*tp));
	TST_CHECK_I(!tst_region_alloc(&tp->rg, XENC_RING_HDR_SIZE +
				      (u64)slots * slot_size));
	xenc_ring_clear_shared(tp->rg.base);
	TST_EQ_I(xenc_ring_init(&tp->p, tp->rg.base, slots, slot_size,
				max_frame, feat), XENC_OK);
	TST_EQ_I(xenc_ring_init(&tp->c, tp->rg.base, slots, slot_size,
				max_frame, feat), XENC_OK);
	return 0;
}

/* Start both ends (and the shared indices) at a chosen free-running index. */
static TST_UNUSED void tst_pair_set_index(struct tst_pair *tp, u32 idx)
{
	tp->p.head = idx;
	tp->p.pub = idx;
	tp->p.snap = idx;
	tp->c.head = idx;
	tp->c.pub = idx;
	tp->c.snap = idx;
	tp->p.hdr->prod = idx;
	tp->p.hdr->cons = idx;
	/* Like a freshly cleared ring: events sit at the start index. */
	tp->p.hdr->cons_event = idx;
	tp->p.hdr->prod_event = idx;
}

static TST_UNUSED void tst_pair_free(struct tst_pair *tp)
{
	tst_region_free(&tp->rg);
}

/* True if [p, p+n) lies inside the ring's slot array. */
static TST_UNUSED int tst_in_ring(const struct xenc_ring *r, const u8 *p,
				  u32 n)
{
	const u8 *lo = r->data, *hi = r->data + ((u64)r->slots << r->shift);

	return p >= lo && p <= hi && n <= (u64)(hi - p);
}

/*
 * Put one frame whose payload is tst_fill(seed); first 4 bytes carry the
 * length so a misplaced frame cannot pass for another.  Returns put's rc.
 */
static TST_UNUSED int tst_put(struct xenc_ring *r, u32 len, u64 seed,
			      u8 *scratch)
{
	struct xenc_frame_hdr fh = { .len = len };
	struct xenc_span sp;
	int rc;

	rc = xenc_ring_put(r, &fh, &sp);
	if (rc != XENC_OK)
		return rc;
	tst_fill(scratch, len, seed);
	memcpy(scratch, &len, 4);
	xenc_span_from_buf(&sp, scratch);
	return XENC_OK;
}

/* Peek one frame and check it is exactly what tst_put(len, seed) wrote. */
static TST_UNUSED int tst_get(struct xenc_ring *r, u32 len, u64 seed,
			      u8 *scratch, u8 *want)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;

	TST_EQ_I(xenc_ring_peek(r, &fh, &sp), XENC_OK);
	TST_EQ_I(fh.len, len);
	TST_EQ_I(sp.n[0] + sp.n[1], len);
	TST_CHECK_I(tst_in_ring(r, sp.p[0], sp.n[0]));
	TST_CHECK_I(!sp.n[1] || tst_in_ring(r, sp.p[1], sp.n[1]));
	xenc_span_to_buf(&sp, scratch);
	tst_fill(want, len, seed);
	memcpy(want, &len, 4);
	TST_CHECK_I(!memcmp(scratch, want, len));
	xenc_ring_consume(r, &fh);
	return 0;
}

#endif /* XENC_TST_H */

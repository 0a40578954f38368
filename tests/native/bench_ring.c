// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Ring micro-benchmark: frames/s and GB/s between a producer thread and a
 * consumer thread (pinned to two CPUs when there are two), each copying the
 * payload once as the driver does (producer: buffer -> ring, consumer:
 * ring -> buffer), next to single-threaded memcpy bandwidth for the same
 * frame size (in cache, and through memory) and to the same two copies
 * with no ring protocol (xcopy),
 * measured in the same run.  Both sides busy-poll; doorbells
 * are not part of what is measured.  Never asserts anything.
 *
 * Usage: bench_ring [seconds-per-size [csv-file]]
 */
#include "tst.h"		/* first: it defines _GNU_SOURCE */

#include <pthread.h>
#include <sched.h>

#define SLOT_SIZE	2048
#define SLOTS		512		/* 1 MiB of slots */
#define MAX_FRAME	65535
/* Each of the two buffers of the memory-bandwidth memcpy: beyond any cache. */
#define BIG		((size_t)256 << 20)
#define BATCH		16
/* Or a quarter of the ring: 16 large frames would be the whole ring. */
#define BATCH_SLOTS	(SLOTS / 4)

struct bench {
	struct xenc_ring p, c;
	u32 size;
	double secs;
	u64 produced;		/* set by the producer when it stops */
	/* Written by different threads: each on its own cache line. */
	int done __aligned(64);
	u64 consumed __aligned(64);
};

static int cpu0 = -1, cpu1 = -1;
static u8 *src, *dst;

static void *producer(void *arg)
{
	struct bench *b = arg;
	struct xenc_frame_hdr fh = { .len = b->size };
	struct xenc_span sp;
	double end = tst_now() + b->secs;
	u64 n = 0;
	u32 batch = 0;

	pin(cpu0);
	for (;;) {
		if (!(n & 255) && tst_now() >= end)
			break;
		while (xenc_ring_put(&b->p, &fh, &sp) != XENC_OK) {
			xenc_ring_publish(&b->p);
			batch = 0;
			tst_cpu_relax();
		}
		xenc_span_from_buf(&sp, src);
		n++;
		if (++batch == BATCH || b->p.head - b->p.pub >= BATCH_SLOTS) {
			xenc_ring_publish(&b->p);
			batch = 0;
		}
	}
	xenc_ring_publish(&b->p);
	b->produced = n;
	__atomic_store_n(&b->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *consumer(void *arg)
{
	struct bench *b = arg;
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u64 n = 0;
	u32 batch = 0;

	pin(cpu1);
	for (;;) {
		int rc = xenc_ring_peek(&b->c, &fh, &sp);

		if (rc == XENC_EMPTY) {
			xenc_ring_release(&b->c);
			batch = 0;
			if (__atomic_load_n(&b->done, __ATOMIC_ACQUIRE) &&
			    n == b->produced)
				break;
			tst_cpu_relax();
			continue;
		}
		if (rc != XENC_OK) {
			fprintf(stderr, "bench_ring: peek failed: %d\n", rc);
			exit(1);
		}
		xenc_span_to_buf(&sp, dst);
		xenc_ring_consume(&b->c, &fh);
		n++;
		if (++batch == BATCH || b->c.head - b->c.pub >= BATCH_SLOTS) {
			xenc_ring_release(&b->c);
			batch = 0;
		}
	}
	b->consumed = n;
	return NULL;
}

/* Start the consumer, then the producer; seconds until both are done. */
static double run_pair(void *(*prod)(void *), void *(*cons)(void *),
		       void *arg)
{
	pthread_t pt, ct;
	double t0 = tst_now();

	pthread_create(&ct, NULL, cons, arg);
	pthread_create(&pt, NULL, prod, arg);
	pthread_join(pt, NULL);
	pthread_join(ct, NULL);
	return tst_now() - t0;
}

/* Ring throughput for one frame size: frames per second. */
static double run_ring(void *ring_mem, u32 size, double secs, u64 *frames)
{
	static struct bench b;
	double dt;

	memset(&b, 0, sizeof(b));
	xenc_ring_clear_shared(ring_mem);
	if (xenc_ring_init(&b.p, ring_mem, SLOTS, SLOT_SIZE, MAX_FRAME, 0) ||
	    xenc_ring_init(&b.c, ring_mem, SLOTS, SLOT_SIZE, MAX_FRAME, 0)) {
		fprintf(stderr, "bench_ring: ring_init failed\n");
		exit(1);
	}
	b.size = size;
	b.secs = secs;
	dt = run_pair(producer, consumer, &b);
	*frames = b.consumed;
	return b.consumed / dt;
}

/* Bytes a frame takes in the ring: header and payload, whole slots. */
static u32 frame_step(u32 size)
{
	return (size + XENC_FRAME_HDR_SIZE + SLOT_SIZE - 1) / SLOT_SIZE *
	       SLOT_SIZE;
}

/*
 * The cross-core limit: the same two copies on the same two CPUs through
 * a buffer of the ring's size, handed over a quarter at a time with no
 * per-frame protocol.  What the ring would reach if its indices, headers
 * and checks cost nothing.
 */
#define QUARTER		((size_t)SLOTS * SLOT_SIZE / 4)

struct xcopy {
	u8 *buf;
	u32 size;
	double secs;
	u64 produced;		/* set by the producer when it stops */
	/* Written by different threads: each on its own cache line. */
	u64 consumed __aligned(64);
	u32 done __aligned(64);
	u32 full[4] __aligned(64);	/* frames in each quarter, 0: free */
};

static void *xcopy_producer(void *arg)
{
	struct xcopy *x = arg;
	u32 step = frame_step(x->size), per = QUARTER / step, q = 0, i;
	double end = tst_now() + x->secs;
	u64 n = 0;

	pin(cpu0);
	while (tst_now() < end) {
		u8 *base = x->buf + q * QUARTER;

		while (__atomic_load_n(&x->full[q], __ATOMIC_ACQUIRE))
			tst_cpu_relax();
		for (i = 0; i < per; i++)
			memcpy(base + i * step, src, x->size);
		__atomic_store_n(&x->full[q], per, __ATOMIC_RELEASE);
		n += per;
		q = (q + 1) % 4;
	}
	x->produced = n;
	__atomic_store_n(&x->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

static void *xcopy_consumer(void *arg)
{
	struct xcopy *x = arg;
	u32 step = frame_step(x->size), q = 0, i, k;
	u64 n = 0;

	pin(cpu1);
	for (;;) {
		u8 *base = x->buf + q * QUARTER;

		k = __atomic_load_n(&x->full[q], __ATOMIC_ACQUIRE);
		if (!k) {
			if (__atomic_load_n(&x->done, __ATOMIC_ACQUIRE) &&
			    n == x->produced)
				break;
			tst_cpu_relax();
			continue;
		}
		for (i = 0; i < k; i++) {
			memcpy(dst, base + i * step, x->size);
			__asm__ volatile("" : : "r"(dst) : "memory");
		}
		n += k;
		__atomic_store_n(&x->full[q], 0, __ATOMIC_RELEASE);
		q = (q + 1) % 4;
	}
	x->consumed = n;
	return NULL;
}

/* Frames per second through the protocol-free handover. */
static double run_xcopy(u8 *buf, u32 size, double secs)
{
	static struct xcopy x;
	double dt;

	memset(&x, 0, sizeof(x));
	x.buf = buf;
	x.size = size;
	x.secs = secs;
	dt = run_pair(xcopy_producer, xcopy_consumer, &x);
	return x.consumed / dt;
}

/*
 * memcpy of the same frames on one thread, from @from (@from_len bytes)
 * into @buf (@total bytes) at slot-aligned offsets.  With the ring-sized
 * buffer and one hot frame as source, the footprint matches the ring's and
 * stays in one core's cache; with two buffers far larger than the caches
 * it is the machine's memory bandwidth, the usual "memcpy bandwidth".
 */
static double run_memcpy(u8 *buf, u64 total, const u8 *from, u64 from_len,
			 u32 size, double secs)
{
	u32 step = frame_step(size);
	u64 n = 0, off = 0;
	double t0 = tst_now(), end = t0 + secs;

	pin(cpu0);
	for (;;) {
		if (!(n & 255) && tst_now() >= end)
			break;
		if (off + size > total || off + size > from_len)
			off = 0;
		memcpy(buf + off, from + (from_len > MAX_FRAME ? off : 0), size);
		/* Keep the compiler from dropping or merging the copies. */
		__asm__ volatile("" : : "r"(buf + off) : "memory");
		off += step;
		n++;
	}
	return n / (tst_now() - t0);
}

int main(int argc, char **argv)
{
	static const u32 sizes[] = { 64, 1500, 9000, 65535 };
	double secs = argc > 1 ? atof(argv[1]) : 1.0;
	const char *csv_path = argc > 2 ? argv[2] : NULL;
	struct tst_region rg;
	cpu_set_t set;
	FILE *csv = NULL;
	u8 *cbuf, *big_src, *big_dst;
	unsigned int i;

	if (!sched_getaffinity(0, sizeof(set), &set) && CPU_COUNT(&set) >= 2) {
		for (int c = 0; c < CPU_SETSIZE; c++) {
			if (!CPU_ISSET(c, &set))
				continue;
			if (cpu0 < 0)
				cpu0 = c;
			else if (cpu1 < 0)
				cpu1 = c;
		}
	}
	src = malloc(MAX_FRAME);
	dst = malloc(MAX_FRAME);
	cbuf = malloc((size_t)SLOTS * SLOT_SIZE);
	big_src = malloc(BIG);
	big_dst = malloc(BIG);
	if (!src || !dst || !cbuf || !big_src || !big_dst ||
	    tst_region_alloc(&rg, XENC_RING_HDR_SIZE + (u64)SLOTS * SLOT_SIZE)) {
		fprintf(stderr, "bench_ring: out of memory\n");
		return 1;
	}
	tst_fill(src, MAX_FRAME, 1);
	memset(dst, 0, MAX_FRAME);
	memset(cbuf, 0, (size_t)SLOTS * SLOT_SIZE);
	memset(big_src, 1, BIG);
	memset(big_dst, 0, BIG);
	if (csv_path) {
		csv = fopen(csv_path, "w");
		if (!csv) {
			perror(csv_path);
			return 1;
		}
		fprintf(csv,
			"frame_bytes,frames,mframes_per_s,ring_gb_per_s,memcpy_gb_per_s,ring_over_memcpy,xcopy_gb_per_s,ring_over_xcopy,memcpy_mem_gb_per_s,ring_over_memcpy_mem\n");
	}

	printf("bench-ring: %u x %u B slots, batch %u frames or %u slots, %.1f s per size, ",
	       SLOTS, SLOT_SIZE, BATCH, BATCH_SLOTS, secs);
	printf("producer cpu %d, consumer cpu %d\n", cpu0, cpu1);
	printf("%8s %12s %10s %10s %12s %7s %11s %7s %11s %7s\n", "frame B",
	       "frames", "Mframes/s", "ring GB/s", "memcpy GB/s", "ratio",
	       "xcopy GB/s", "ratio", "mem GB/s", "ratio");
	/* Warm up caches, page tables and CPU clocks. */
	{
		u64 f;

		run_ring(rg.base, 1500, secs / 4, &f);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		u64 frames;
		double fps = run_ring(rg.base, sizes[i], secs, &frames);
		double mfps = run_memcpy(cbuf, (u64)SLOTS * SLOT_SIZE, src,
					 MAX_FRAME, sizes[i], secs);
		double bfps = run_memcpy(big_dst, BIG, big_src, BIG, sizes[i],
					 secs);
		double xfps = run_xcopy(cbuf, sizes[i], secs);
		double rg_gbs = fps * sizes[i] / 1e9;
		double mc_gbs = mfps * sizes[i] / 1e9;
		double bg_gbs = bfps * sizes[i] / 1e9;
		double xc_gbs = xfps * sizes[i] / 1e9;

		printf("%8u %12llu %10.3f %10.2f %12.2f %7.2f %11.2f %7.2f %11.2f %7.2f\n",
		       sizes[i], (unsigned long long)frames, fps / 1e6, rg_gbs,
		       mc_gbs, rg_gbs / mc_gbs, xc_gbs, rg_gbs / xc_gbs,
		       bg_gbs, rg_gbs / bg_gbs);
		if (csv)
			fprintf(csv, "%u,%llu,%.4f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f,%.3f\n",
				sizes[i], (unsigned long long)frames, fps / 1e6,
				rg_gbs, mc_gbs, rg_gbs / mc_gbs, xc_gbs,
				rg_gbs / xc_gbs, bg_gbs, rg_gbs / bg_gbs);
	}
	if (csv)
		fclose(csv);
	tst_region_free(&rg);
	free(big_src);
	free(big_dst);
	return 0;
}

// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Two-thread stress test: a producer and a consumer thread move N frames of
 * mixed sizes (mostly small, a few up to 65,535 bytes, sizes from a seeded
 * PRNG both threads can recompute) through one ring, waiting for each other
 * only through the real event-index protocol:
 *
 *   consumer: ring empty -> release, snapshot the data doorbell,
 *             enable_notify(); if that says "frames arrived" poll again,
 *             else spin/yield until the doorbell moves.
 *   producer: ring full -> publish, snapshot the space doorbell,
 *             wait_space(); if that says "room already" retry, else
 *             spin/yield until the doorbell moves.
 *   a "doorbell" is rung exactly when publish()/release() return true.
 *
 * A lost wakeup therefore shows up as a stall (reported after 10 s), and
 * every frame carries its sequence number and a hash of its bytes, so loss,
 * reordering and corruption are all caught.  Usage: test_stress [frames
 * [seed]].
 */
#include "tst.h"		/* first: it defines _GNU_SOURCE */

#include <pthread.h>
#include <sched.h>

#define SLOT_SIZE	256
#define SLOTS		2048
#define MAX_FRAME	65535
#define FEATURES	(XENC_F_CSUM | XENC_F_GSO)
#define STALL_SECS	10.0

struct stress {
	struct tst_region rg;
	struct xenc_ring p, c;
	u64 frames;
	u64 seed;
	/* Each bell on its own line: the two threads write different ones. */
	u32 data_bell __aligned(64);	/* producer rings */
	u32 space_bell __aligned(64);	/* consumer rings */
	int stop __aligned(64);
	char why[256];
	/* Statistics, each written by one thread only. */
	u64 bytes, data_kicks, space_kicks, data_sleeps, space_sleeps;
	u64 rearm_races, room_races;
};

static int cpu0 = -1, cpu1 = -1;

static void stress_fail(struct stress *st, const char *fmt, u64 a, u64 b)
{
	/* First failure wins; the other thread sees stop and leaves. */
	if (!__atomic_exchange_n(&st->stop, 1, __ATOMIC_ACQ_REL))
		snprintf(st->why, sizeof(st->why), fmt,
			 (unsigned long long)a, (unsigned long long)b);
}

/* Frame geometry and metadata, a pure function of (seed, seq). */
struct plan {
	u32 len;
	u16 flags;
	u16 csum_start, csum_offset, gso_size;
	u8 gso_type;
};

static void plan_of(u64 seed, u64 seq, struct plan *pl)
{
	u64 s = seed ^ (seq * 0x9e3779b97f4a7c15ull), r = tst_rand(&s);
	u32 pick = (u32)(r % 10000), x = (u32)(r >> 32);

	memset(pl, 0, sizeof(*pl));
	if (pick < 9000)
		pl->len = 14 + x % (256 - 14 + 1);
	else if (pick < 9900)
		pl->len = 257 + x % (1514 - 257 + 1);
	else if (pick < 9990)
		pl->len = 1515 + x % (9000 - 1515 + 1);
	else
		pl->len = 9001 + x % (MAX_FRAME - 9001 + 1);
	/* Every so often the biggest and smallest frames, exactly. */
	if (seq % 100003 == 0)
		pl->len = MAX_FRAME;
	if (seq % 1009 == 0)
		pl->len = 14;
	/* Any metadata xenc_frame_meta_check() accepts, edges included. */
	r = tst_rand(&s);
	if (r % 8 == 0 && pl->len >= XENC_FRAME_MIN + 2) {
		pl->flags |= XENC_FRAME_CSUM_PARTIAL;
		pl->csum_start = (u16)(XENC_FRAME_MIN + (r >> 8) %
				       (pl->len - 2 - XENC_FRAME_MIN + 1));
		pl->csum_offset = (u16)((r >> 24) % (pl->len - 2 -
						     pl->csum_start + 1));
		if (r % 32 == 8) {
			pl->flags |= XENC_FRAME_GSO;
			pl->gso_size = XENC_GSO_SIZE_MIN +
				       (u16)((r >> 40) % 9000);
			pl->gso_type = 1 + (u8)((r >> 56) % 3);
		}
	} else if (r % 16 == 1) {
		pl->flags |= XENC_FRAME_DATA_VALID;
	}
}

/* Payload: [seq:4][hash of the rest:4][bytes]. */
static void make_payload(u8 *buf, u32 len, u64 seq, u64 seed)
{
	u32 h;

	tst_fill(buf + 8, len - 8, seed + seq);
	h = (u32)tst_hash(buf + 8, len - 8, seq);
	memcpy(buf, &seq, 4);
	memcpy(buf + 4, &h, 4);
}

static void ring_bell(u32 *bell)
{
	__atomic_fetch_add(bell, 1, __ATOMIC_RELEASE);
}

/*
 * Spin, then yield, until *bell leaves `seen`; false on stop or stall.  A
 * stall is reported as "<who> stalled: lost <kick> kick (bell <seen>)".
 */
static bool wait_bell(struct stress *st, u32 *bell, u32 seen, const char *who,
		      const char *kick)
{
	double t0 = 0;
	u32 spins = 0;
	char fmt[64];

	while (__atomic_load_n(bell, __ATOMIC_ACQUIRE) == seen) {
		if (__atomic_load_n(&st->stop, __ATOMIC_ACQUIRE))
			return false;
		if (++spins < 256) {
			tst_cpu_relax();
			continue;
		}
		sched_yield();
		if (!(spins & 1023)) {
			if (!t0) {
				t0 = tst_now();
			} else if (tst_now() - t0 > STALL_SECS) {
				snprintf(fmt, sizeof(fmt),
					 "%s stalled: lost %s kick (bell %%llu)",
					 who, kick);
				stress_fail(st, fmt, seen, 0);
				return false;
			}
		}
	}
	return true;
}

/*
 * Pause until the other thread has gone to sleep waiting for us (its
 * counter moves), so both waits are exercised on any scheduler; at most
 * 1 s, well below the other side's stall limit.  The two threads pause
 * half a cycle (32Ki frames) apart, never waiting for each other.
 */
static void stall_until_waits(struct stress *st, u64 *sleeps)
{
	u64 s0 = __atomic_load_n(sleeps, __ATOMIC_RELAXED);
	int i;

	for (i = 0; i < 1000; i++) {
		if (__atomic_load_n(sleeps, __ATOMIC_RELAXED) != s0 ||
		    __atomic_load_n(&st->stop, __ATOMIC_RELAXED))
			return;
		usleep(1000);
	}
}

static void *producer(void *arg)
{
	struct stress *st = arg;
	struct xenc_ring *r = &st->p;
	u8 *buf = malloc(MAX_FRAME);
	u64 seq, rnd = st->seed ^ 0xbadc0ffee;
	u32 batch = 0, target = 1;
	struct plan pl;

	pin(cpu0);
	for (seq = 0; seq < st->frames; seq++) {
		struct xenc_frame_hdr fh;
		struct xenc_span sp;
		int rc;

		plan_of(st->seed, seq, &pl);
		fh = (struct xenc_frame_hdr){ .len = pl.len, .flags = pl.flags,
					      .csum_start = pl.csum_start,
					      .csum_offset = pl.csum_offset,
					      .gso_size = pl.gso_size,
					      .gso_type = pl.gso_type };
		make_payload(buf, pl.len, seq, st->seed);
		for (;;) {
			u32 bell;

			rc = xenc_ring_put(r, &fh, &sp);
			if (rc == XENC_OK)
				break;
			if (rc != XENC_FULL) {
				stress_fail(st, "put returned %lld at seq %llu",
					    (u64)(long long)rc, seq);
				goto out;
			}
			/* Let the consumer see what is there, then wait. */
			if (xenc_ring_publish(r)) {
				st->data_kicks++;
				ring_bell(&st->data_bell);
			}
			batch = 0;
			bell = __atomic_load_n(&st->space_bell,
					       __ATOMIC_ACQUIRE);
			if (xenc_ring_wait_space(r, xenc_frame_slots(r,
								     pl.len))) {
				st->room_races++;
				continue;
			}
			__atomic_fetch_add(&st->space_sleeps, 1,
					   __ATOMIC_RELAXED);
			if (!wait_bell(st, &st->space_bell, bell, __func__,
				       "space"))
				goto out;
		}
		xenc_span_from_buf(&sp, buf);
		if (++batch >= target) {
			if (xenc_ring_publish(r)) {
				st->data_kicks++;
				ring_bell(&st->data_bell);
			}
			batch = 0;
			target = 1 + (u32)(tst_rand(&rnd) % 32);
		}
		/* Now and then the consumer must run dry and wait for a kick. */
		if (!((seq + 1) & 0xffff)) {
			if (xenc_ring_publish(r)) {
				st->data_kicks++;
				ring_bell(&st->data_bell);
			}
			batch = 0;
			stall_until_waits(st, &st->data_sleeps);
		}
		if (__atomic_load_n(&st->stop, __ATOMIC_RELAXED))
			goto out;
	}
	if (xenc_ring_publish(r)) {
		st->data_kicks++;
		ring_bell(&st->data_bell);
	}
out:
	free(buf);
	return NULL;
}

static void *consumer(void *arg)
{
	struct stress *st = arg;
	struct xenc_ring *r = &st->c;
	u8 *buf = malloc(MAX_FRAME);
	u64 seq = 0, rnd = st->seed ^ 0xfeedbeef;
	u32 n = 0, target = 1, h, got;
	struct plan pl;

	pin(cpu1);
	while (seq < st->frames) {
		struct xenc_frame_hdr fh;
		struct xenc_span sp;
		int rc = xenc_ring_peek(r, &fh, &sp);

		if (rc == XENC_EMPTY) {
			u32 bell;

			if (xenc_ring_release(r)) {
				st->space_kicks++;
				ring_bell(&st->space_bell);
			}
			n = 0;
			bell = __atomic_load_n(&st->data_bell,
					       __ATOMIC_ACQUIRE);
			if (xenc_ring_enable_notify(r)) {
				st->rearm_races++;
				continue;
			}
			__atomic_fetch_add(&st->data_sleeps, 1,
					   __ATOMIC_RELAXED);
			if (!wait_bell(st, &st->data_bell, bell, __func__,
				       "data"))
				goto out;
			continue;
		}
		if (rc != XENC_OK) {
			stress_fail(st, "peek returned %lld at seq %llu",
				    (u64)(long long)rc, seq);
			goto out;
		}
		plan_of(st->seed, seq, &pl);
		if (fh.len != pl.len) {
			stress_fail(st, "length %llu, want %llu", fh.len,
				    pl.len);
			goto out;
		}
		if (fh.flags != pl.flags ||
		    (pl.flags & XENC_FRAME_CSUM_PARTIAL &&
		     (fh.csum_start != pl.csum_start ||
		      fh.csum_offset != pl.csum_offset)) ||
		    (pl.flags & XENC_FRAME_GSO &&
		     (fh.gso_size != pl.gso_size ||
		      fh.gso_type != pl.gso_type))) {
			stress_fail(st, "metadata of seq %llu (flags %llu)",
				    seq, fh.flags);
			goto out;
		}
		xenc_span_to_buf(&sp, buf);
		memcpy(&got, buf, 4);
		if (got != (u32)seq) {
			stress_fail(st, "got seq %llu, want %llu", got,
				    (u32)seq);
			goto out;
		}
		memcpy(&got, buf + 4, 4);
		h = (u32)tst_hash(buf + 8, fh.len - 8, seq);
		if (got != h) {
			stress_fail(st, "payload of seq %llu corrupt (len %llu)",
				    seq, fh.len);
			goto out;
		}
		st->bytes += fh.len;
		xenc_ring_consume(r, &fh);
		/*
		 * Stall now and then so the producer fills the ring and must
		 * wait for a space kick, whatever the scheduler does.
		 */
		if (((seq + 1) & 0xffff) == 0x8000)
			stall_until_waits(st, &st->space_sleeps);
		seq++;
		if (++n >= target) {
			if (xenc_ring_release(r)) {
				st->space_kicks++;
				ring_bell(&st->space_bell);
			}
			n = 0;
			target = 1 + (u32)(tst_rand(&rnd) % 64);
		}
		if (__atomic_load_n(&st->stop, __ATOMIC_RELAXED))
			goto out;
	}
	xenc_ring_release(r);
	/* Nothing beyond the last frame. */
	{
		struct xenc_frame_hdr fh;
		struct xenc_span sp;
		int rc = xenc_ring_peek(r, &fh, &sp);

		if (rc != XENC_EMPTY)
			stress_fail(st, "extra frame after the last (rc %lld, %llu)",
				    (u64)(long long)rc, 0);
	}
out:
	free(buf);
	return NULL;
}

static struct stress st;

static void two_threads(void)
{
	pthread_t pt, ct;
	cpu_set_t set;
	double t0, dt;

	if (!sched_getaffinity(0, sizeof(set), &set) && CPU_COUNT(&set) >= 2) {
		for (int i = 0; i < CPU_SETSIZE; i++) {
			if (!CPU_ISSET(i, &set))
				continue;
			if (cpu0 < 0)
				cpu0 = i;
			else if (cpu1 < 0)
				cpu1 = i;
		}
	}
	TST_CHECK(!tst_region_alloc(&st.rg, XENC_RING_HDR_SIZE +
				    (u64)SLOTS * SLOT_SIZE));
	xenc_ring_clear_shared(st.rg.base);
	TST_EQ(xenc_ring_init(&st.p, st.rg.base, SLOTS, SLOT_SIZE, MAX_FRAME,
			      FEATURES), XENC_OK);
	TST_EQ(xenc_ring_init(&st.c, st.rg.base, SLOTS, SLOT_SIZE, MAX_FRAME,
			      FEATURES), XENC_OK);
	t0 = tst_now();
	TST_CHECK(!pthread_create(&ct, NULL, consumer, &st));
	TST_CHECK(!pthread_create(&pt, NULL, producer, &st));
	pthread_join(pt, NULL);
	pthread_join(ct, NULL);
	dt = tst_now() - t0;
	printf("# stress: %llu frames, %.1f MB in %.2f s (%.2f Mframes/s), cpus %d,%d\n",
	       (unsigned long long)st.frames, st.bytes / 1e6, dt,
	       st.frames / dt / 1e6, cpu0, cpu1);
	printf("# stress: data kicks %llu sleeps %llu rearm-races %llu; "
	       "space kicks %llu sleeps %llu room-races %llu\n",
	       (unsigned long long)st.data_kicks,
	       (unsigned long long)st.data_sleeps,
	       (unsigned long long)st.rearm_races,
	       (unsigned long long)st.space_kicks,
	       (unsigned long long)st.space_sleeps,
	       (unsigned long long)st.room_races);
	if (st.stop) {
		tst_fail(__FILE__, __LINE__, "%s", st.why);
		return;
	}
	TST_EQ(st.p.fault, 0);
	TST_EQ(st.c.fault, 0);
	TST_EQ(st.p.head, st.c.head);
	TST_EQ(st.p.hdr->prod, st.p.head);
	TST_EQ(st.c.hdr->cons, st.c.head);
	/* The protocol really was exercised both ways. */
	TST_CHECK(st.data_sleeps > 0 && st.space_sleeps > 0);
	tst_region_free(&st.rg);
}

#ifndef TST_FLAVOR
#define TST_FLAVOR "native"
#endif

int main(int argc, char **argv)
{
	/* One name per build, so the result lines stay distinct. */
	tst_suite = "stress-" TST_FLAVOR;
	st.frames = argc > 1 ? strtoull(argv[1], NULL, 0) : 10000000;
	st.seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	TST_RUN(two_threads);
	return tst_done();
}

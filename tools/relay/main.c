// SPDX-License-Identifier: GPL-2.0
/*
 * xenc-relay: the paper's lnxtapd, as a baseline for xenc.
 *
 *   xenc-relay [-b BRIDGE] [-s SLOTS] [-m MTU] [-B BUDGET] [-i IDLE_US]
 *              REGION=TAP [REGION=TAP ...]
 *
 * REGION is a file to map shared: a PCI BAR (/sys/bus/pci/devices/BDF/
 * resource2 of an ivshmem-plain device, enabled first) or a file in
 * /dev/shm.  One process serves every region.  It busy-polls; -i sleeps
 * that many microseconds after a pass that moved nothing (default 0:
 * sched_yield() only, the core stays busy).  SIGUSR1 prints the counters,
 * SIGINT/SIGTERM print them, publish GONE and exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <sched.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "relay.h"
#include "tap.h"

#define RELAY_MAX_VMS	64
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Set by signal handlers: lock-free atomics are async-signal-safe. */
static int relay_stop, relay_dump;

static void relay_signal(int sig)
{
	__atomic_store_n(sig == SIGUSR1 ? &relay_dump : &relay_stop, 1,
			 __ATOMIC_RELAXED);
}

static u64 relay_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ull + (u64)ts.tv_nsec;
}

/* A PCI BAR can only be mapped once its device is enabled. */
static void relay_enable_pci(const char *path)
{
	char dir[4096], en[4200];
	int fd;

	if (strncmp(path, "/sys/", 5))
		return;
	snprintf(dir, sizeof(dir), "%s", path);
	snprintf(en, sizeof(en), "%s/enable", dirname(dir));
	fd = open(en, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		perror(en);
	close(fd);
}

static void *relay_map(const char *path, u64 *size)
{
	struct stat st;
	void *p;
	int fd;

	relay_enable_pci(path);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		perror(path);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	*size = (u64)st.st_size;
	p = mmap(NULL, *size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		perror(path);
		return NULL;
	}
	return p;
}

#define RELAY_FIELD(f)	{ #f, offsetof(struct relay_stats, f) }

static const struct {
	const char *name;
	size_t off;
} relay_fields[] = {
	RELAY_FIELD(to_vm_frames), RELAY_FIELD(to_vm_bytes),
	RELAY_FIELD(from_vm_frames), RELAY_FIELD(from_vm_bytes),
	RELAY_FIELD(drop_ring_full), RELAY_FIELD(drop_bad_len),
	RELAY_FIELD(drop_write), RELAY_FIELD(connects),
	RELAY_FIELD(disconnects), RELAY_FIELD(faults),
};

/* One line per VM: "vm=NAME key=value ...", for the bench to parse. */
static void relay_print(const struct relay *r)
{
	u32 i, f;

	for (i = 0; i < r->nvm; i++) {
		const u8 *s = (const u8 *)&r->vms[i].st;

		printf("vm=%s", r->vms[i].name);
		for (f = 0; f < ARRAY_SIZE(relay_fields); f++) {
			u64 v;

			memcpy(&v, s + relay_fields[f].off, sizeof(v));
			printf(" %s=%llu", relay_fields[f].name,
			       (unsigned long long)v);
		}
		printf("\n");
	}
	fflush(stdout);
}

static void relay_usage(void)
{
	fprintf(stderr,
		"usage: xenc-relay [-b BRIDGE] [-s SLOTS] [-m MTU] [-B BUDGET] [-i IDLE_US]\n"
		"                  REGION=TAP [REGION=TAP ...]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static struct relay_vm vms[RELAY_MAX_VMS];
	unsigned int slots = RELAY_SLOTS_DEFAULT, mtu = RELAY_MTU_DEFAULT;
	unsigned int budget = RELAY_BUDGET_DEFAULT, idle_us = 0;
	const char *bridge = NULL;
	struct sigaction sa;
	struct relay r;
	u32 nvm = 0, i;
	int opt;

	while ((opt = getopt(argc, argv, "b:s:m:B:i:h")) != -1) {
		switch (opt) {
		case 'b':
			bridge = optarg;
			break;
		case 's':
			slots = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'm':
			mtu = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'B':
			budget = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'i':
			idle_us = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		default:
			relay_usage();
		}
	}
	if (optind >= argc || argc - optind > RELAY_MAX_VMS)
		relay_usage();
	srand((unsigned int)relay_now() ^ (unsigned int)getpid());

	for (i = (u32)optind; i < (u32)argc; i++) {
		char *tap = strchr(argv[i], '=');
		void *region;
		u64 size;
		int fd, rc;

		if (!tap || tap == argv[i] || !tap[1])
			relay_usage();
		*tap++ = 0;
		region = relay_map(argv[i], &size);
		if (!region)
			return 1;
		fd = relay_tap_open(tap, mtu, bridge);
		if (fd < 0)
			return 1;
		rc = relay_vm_init(&vms[nvm], tap, region, size, fd, slots, mtu,
				   (u32)rand() | 1);
		if (rc) {
			fprintf(stderr, "xenc-relay: %s: %s\n", argv[i],
				rc == -ENOSPC ? "fixed rings do not fit the region" :
				"bad ring size or MTU");
			return 1;
		}
		nvm++;
	}
	if (relay_init(&r, vms, nvm, budget))
		return 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = relay_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);

	printf("xenc-relay: ready, %u VMs, %u slots per ring, MTU %u\n", nvm,
	       slots, mtu);
	fflush(stdout);
	while (!__atomic_load_n(&relay_stop, __ATOMIC_RELAXED)) {
		if (__atomic_exchange_n(&relay_dump, 0, __ATOMIC_RELAXED))
			relay_print(&r);
		if (relay_pass(&r, relay_now()))
			continue;
		if (idle_us)
			usleep(idle_us);
		else
			sched_yield();
	}
	for (i = 0; i < nvm; i++)
		relay_vm_detach(&vms[i]);
	relay_print(&r);
	relay_free(&r);
	return 0;
}

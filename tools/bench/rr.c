// SPDX-License-Identifier: GPL-2.0
/*
 * xenc-rr: UDP request/response latency, one transaction in flight.
 *
 *   xenc-rr -s [-p PORT]                       echo server
 *   xenc-rr -c ADDR [-p PORT] [-n COUNT] [-l LEN] [-w WARMUP] [-t TIMEOUT_MS]
 *
 * The client sends COUNT requests of LEN bytes, each after the previous
 * answer, and prints one line of key=value pairs: transactions, lost
 * (no answer within the timeout), and round-trip times in microseconds
 * (min, mean, p50, p90, p99, max) plus transactions per second.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define RR_MAX_LEN	65507

static double rr_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int rr_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int rr_server(int fd)
{
	static char buf[RR_MAX_LEN];
	struct sockaddr_in from;
	socklen_t fl;
	ssize_t n;

	for (;;) {
		fl = sizeof(from);
		n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from,
			     &fl);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("xenc-rr: recvfrom");
			return 1;
		}
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, fl);
	}
}

/* One transaction: -1 if no matching answer came within the timeout. */
static double rr_once(int fd, char *buf, size_t len, uint32_t seq)
{
	double t0 = rr_now_us();
	uint32_t got;
	ssize_t n;

	memcpy(buf, &seq, sizeof(seq));
	if (send(fd, buf, len, 0) != (ssize_t)len)
		return -1;
	for (;;) {
		n = recv(fd, buf, len, 0);
		if (n < 0)
			return -1;	/* timeout (or error): lost */
		memcpy(&got, buf, sizeof(got));
		if (n == (ssize_t)len && got == seq)
			return rr_now_us() - t0;
		/* A late answer to an earlier, timed-out request: skip it. */
	}
}

static int rr_client(int fd, unsigned int count, size_t len,
		     unsigned int warmup)
{
	static char buf[RR_MAX_LEN];
	double *rtt, sum = 0, t0, el;
	unsigned int i, n = 0, lost = 0;

	rtt = calloc(count ? count : 1, sizeof(*rtt));
	if (!rtt)
		return 1;
	memset(buf, 0x5a, len);
	for (i = 0; i < warmup; i++)
		rr_once(fd, buf, len, 0x80000000u + i);
	t0 = rr_now_us();
	for (i = 0; i < count; i++) {
		double r = rr_once(fd, buf, len, i);

		if (r < 0) {
			lost++;
			continue;
		}
		rtt[n++] = r;
		sum += r;
	}
	el = rr_now_us() - t0;
	if (!n) {
		printf("transactions=0 lost=%u lost_pct=100.00 len=%zu\n", lost,
		       len);
		free(rtt);
		return 1;
	}
	qsort(rtt, n, sizeof(*rtt), rr_cmp);
	printf("transactions=%u lost=%u lost_pct=%.2f len=%zu", n, lost,
	       100.0 * lost / (n + lost), len);
	printf(" min_us=%.1f mean_us=%.1f p50_us=%.1f p90_us=%.1f",
	       rtt[0], sum / n, rtt[n / 2], rtt[n * 9 / 10]);
	printf(" p99_us=%.1f max_us=%.1f tps=%.1f\n", rtt[n * 99 / 100],
	       rtt[n - 1], n / (el / 1e6));
	free(rtt);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int count = 1000, warmup = 20, port = 7007, tmo_ms = 1000;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	const char *addr = NULL;
	size_t len = 64;
	struct timeval tv;
	bool server = false;
	int opt, fd;

	while ((opt = getopt(argc, argv, "sc:p:n:l:w:t:")) != -1) {
		switch (opt) {
		case 's':
			server = true;
			break;
		case 'c':
			addr = optarg;
			break;
		case 'p':
			port = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'n':
			count = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'l':
			len = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			warmup = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 't':
			tmo_ms = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	if (server == !!addr || len < sizeof(uint32_t) || len > RR_MAX_LEN)
		goto usage;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		perror("xenc-rr: socket");
		return 1;
	}
	sa.sin_port = htons((uint16_t)port);
	if (server) {
		sa.sin_addr.s_addr = htonl(INADDR_ANY);
		if (bind(fd, (struct sockaddr *)&sa, sizeof(sa))) {
			perror("xenc-rr: bind");
			return 1;
		}
		return rr_server(fd);
	}
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "xenc-rr: cannot use address %s\n", addr);
		return 1;
	}
	tv.tv_sec = tmo_ms / 1000;
	tv.tv_usec = (tmo_ms % 1000) * 1000;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return rr_client(fd, count, len, warmup);
usage:
	fprintf(stderr,
		"usage: xenc-rr -s [-p PORT] | -c ADDR [-p PORT] [-n COUNT] [-l LEN] [-w WARMUP] [-t MS]\n");
	return 2;
}

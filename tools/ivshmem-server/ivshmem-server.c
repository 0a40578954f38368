// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * ivshmem-server: hands QEMU's ivshmem-doorbell devices their shared memory
 * and each other's interrupt eventfds, following the client-server protocol
 * of QEMU's ivshmem-spec.txt.  Debian ships no server; this one is small
 * enough to read in one sitting.
 *
 *   ivshmem-server -S SOCKET [-M SHM_PATH] [-l SIZE] [-n VECTORS] [-v]
 *
 * Every message is one little-endian int64, optionally with one file
 * descriptor (SCM_RIGHTS).  A client that connects gets, in order:
 *   0 (protocol version); its ID; -1 with the shared memory fd;
 *   for each other client, its ID VECTORS times, each with one eventfd
 *   (to interrupt that client on vector 0..VECTORS-1);
 *   its own ID VECTORS times, each with one eventfd (to be interrupted).
 * The others then get the new client's ID VECTORS times with its eventfds,
 * and, when it disconnects, its ID once without a descriptor.
 *
 * IDs are handed out in turn, never the one a peer has just left: QEMU 7.2
 * writes a returning peer's eventfds into the array it freed for the old.
 * Runs in the foreground until SIGINT/SIGTERM; -v logs events to stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define MAX_CLIENTS	64
#define MAX_VECTORS	64
#define ID_MAX		65535

struct client {
	int sock;		/* -1: slot free */
	int id;
	int efd[MAX_VECTORS];	/* peers ring us through these */
};

static struct client clients[MAX_CLIENTS];
static int nvec = 1;
static int shm_fd = -1;
static bool verbose;

static void vlog(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	fputs("ivshmem-server: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static void die(const char *what)
{
	fprintf(stderr, "ivshmem-server: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* One message: an int64 in little-endian order, and fd if fd >= 0. */
static int send_msg(int sock, int64_t val, int fd)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int))];
	} ctl;
	unsigned char le[8];
	struct iovec iov = { .iov_base = le, .iov_len = sizeof(le) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	uint64_t v = (uint64_t)val;
	ssize_t n;
	int i;

	for (i = 0; i < 8; i++)
		le[i] = v >> (8 * i);
	if (fd >= 0) {
		struct cmsghdr *c;

		memset(&ctl, 0, sizeof(ctl));
		msg.msg_control = ctl.buf;
		msg.msg_controllen = sizeof(ctl.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	do {
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n == (ssize_t)sizeof(le) ? 0 : -1;
}

/* Tell @to about @c: its ID once per vector, with the eventfd for it. */
static int send_peer(struct client *to, const struct client *c)
{
	int v;

	for (v = 0; v < nvec; v++)
		if (send_msg(to->sock, c->id, c->efd[v]))
			return -1;
	return 0;
}

static void client_free(struct client *c)
{
	int v;

	for (v = 0; v < nvec; v++)
		if (c->efd[v] >= 0)
			close(c->efd[v]);
	if (c->sock >= 0)
		close(c->sock);
	c->sock = -1;
}

static void client_drop(struct client *c)
{
	int id = c->id, i;

	vlog("client %d left", id);
	client_free(c);
	/* Disconnect notification: the ID without a descriptor. */
	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].sock >= 0 && send_msg(clients[i].sock, id, -1))
			vlog("client %d: send failed", clients[i].id);
}

/*
 * IDs are handed out in turn, never the one a peer just left: QEMU 7.2
 * keeps a departed peer's freed eventfd array and writes into it when the
 * same ID returns (heap corruption, abort).  QEMU's own server does the same.
 */
static int next_id;

static int fresh_id(void)
{
	int n, id, i;

	for (n = 0; n <= ID_MAX; n++) {
		id = next_id;
		next_id = next_id == ID_MAX ? 0 : next_id + 1;
		for (i = 0; i < MAX_CLIENTS; i++)
			if (clients[i].sock >= 0 && clients[i].id == id)
				break;
		if (i == MAX_CLIENTS)
			return id;
	}
	return -1;
}

static void client_new(int sock)
{
	struct client *c = NULL;
	int i, v;

	for (i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i].sock < 0) {
			c = &clients[i];
			break;
		}
	}
	if (!c) {
		vlog("too many clients, refusing one");
		close(sock);
		return;
	}
	c->id = fresh_id();
	for (v = 0; v < MAX_VECTORS; v++)
		c->efd[v] = -1;
	for (v = 0; v < nvec; v++) {
		c->efd[v] = eventfd(0, EFD_CLOEXEC);
		if (c->efd[v] < 0) {
			vlog("eventfd: %s", strerror(errno));
			c->sock = sock;
			client_free(c);
			return;
		}
	}
	c->sock = sock;
	if (send_msg(sock, 0, -1) || send_msg(sock, c->id, -1) ||
	    send_msg(sock, -1, shm_fd))
		goto err;
	for (i = 0; i < MAX_CLIENTS; i++)
		if (&clients[i] != c && clients[i].sock >= 0 &&
		    send_peer(c, &clients[i]))
			goto err;
	if (send_peer(c, c))
		goto err;
	vlog("client %d joined", c->id);
	for (i = 0; i < MAX_CLIENTS; i++)
		if (&clients[i] != c && clients[i].sock >= 0 &&
		    send_peer(&clients[i], c))
			vlog("client %d: send failed", clients[i].id);
	return;
err:
	vlog("client %d: setup failed", c->id);
	client_free(c);
}

static long long parse_size(const char *s)
{
	char *end;
	long long n = strtoll(s, &end, 0);

	switch (*end) {
	case 'k': case 'K':
		n <<= 10; end++;
		break;
	case 'm': case 'M':
		n <<= 20; end++;
		break;
	case 'g': case 'G':
		n <<= 30; end++;
		break;
	}
	return *end ? -1 : n;
}

static void print_help(void)
{
	fprintf(stderr,
		"usage: ivshmem-server -S SOCKET [-M SHM_PATH] [-l SIZE] [-n VECTORS] [-v]\n"
		"  -S  UNIX socket to listen on (replaced if it exists)\n"
		"  -M  shared memory file, created and sized if needed\n"
		"      (default: an anonymous memfd)\n"
		"  -l  size, a power of two with optional K/M/G (default 4M)\n"
		"  -n  interrupt vectors per client, 1..%d (default 1)\n"
		"  -v  log clients joining and leaving to stderr\n",
		MAX_VECTORS);
	exit(2);
}

int main(int argc, char **argv)
{
	const char *sock_path = NULL, *shm_path = NULL;
	struct pollfd pfd[MAX_CLIENTS + 2];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	long long size = 4 << 20;
	int lsock, sigfd, opt, i, n;
	sigset_t sigs;

	while ((opt = getopt(argc, argv, "S:M:l:n:v")) != -1) {
		switch (opt) {
		case 'S':
			sock_path = optarg;
			break;
		case 'M':
			shm_path = optarg;
			break;
		case 'l':
			size = parse_size(optarg);
			break;
		case 'n':
			nvec = atoi(optarg);
			break;
		case 'v':
			verbose = true;
			break;
		default:
			print_help();
		}
	}
	if (!sock_path || optind != argc || nvec < 1 || nvec > MAX_VECTORS ||
	    size <= 0 || (size & (size - 1)) ||
	    strlen(sock_path) >= sizeof(sa.sun_path))
		print_help();

	if (shm_path)
		shm_fd = open(shm_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	else
		shm_fd = memfd_create("ivshmem", MFD_CLOEXEC);
	if (shm_fd < 0)
		die(shm_path ? shm_path : "memfd_create");
	if (ftruncate(shm_fd, size))
		die("ftruncate");

	for (i = 0; i < MAX_CLIENTS; i++)
		clients[i].sock = -1;
	/* SIGINT/SIGTERM arrive as a readable fd in the poll loop. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &sigs, NULL);
	sigfd = signalfd(-1, &sigs, SFD_CLOEXEC);
	if (sigfd < 0)
		die("signalfd");
	signal(SIGPIPE, SIG_IGN);

	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsock < 0)
		die("socket");
	memcpy(sa.sun_path, sock_path, strlen(sock_path) + 1);
	unlink(sock_path);
	if (bind(lsock, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(lsock, 16))
		die(sock_path);
	vlog("listening on %s, %lld bytes, %d vectors", sock_path, size, nvec);

	for (;;) {
		struct client *idx[MAX_CLIENTS + 2];

		n = 0;
		pfd[n].fd = sigfd;
		pfd[n++].events = POLLIN;
		pfd[n].fd = lsock;
		pfd[n++].events = POLLIN;
		for (i = 0; i < MAX_CLIENTS; i++) {
			if (clients[i].sock < 0)
				continue;
			idx[n] = &clients[i];
			pfd[n].fd = clients[i].sock;
			pfd[n++].events = POLLIN;
		}
		if (poll(pfd, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (pfd[0].revents)
			break;
		/* Clients never talk: readable means gone (or junk, dropped). */
		for (i = 2; i < n; i++) {
			char junk[64];
			ssize_t r;

			if (!pfd[i].revents)
				continue;
			r = recv(pfd[i].fd, junk, sizeof(junk), MSG_DONTWAIT);
			if (r > 0 || (r < 0 && (errno == EAGAIN || errno == EINTR)))
				continue;
			client_drop(idx[i]);
		}
		if (pfd[1].revents & POLLIN) {
			int s = accept4(lsock, NULL, NULL, SOCK_CLOEXEC);

			if (s >= 0)
				client_new(s);
		}
	}
	for (i = 0; i < MAX_CLIENTS; i++)
		if (clients[i].sock >= 0)
			client_free(&clients[i]);
	close(lsock);
	unlink(sock_path);
	return 0;
}

// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Protocol test of tools/ivshmem-server with fake clients: each connects,
 * reads the messages QEMU's ivshmem-doorbell would read, and checks them
 * against ivshmem-spec.txt; the eventfds really connect the clients, the
 * memory really is shared, and a disconnect is announced to the others.
 *
 *   test_ivshmem_server PATH_TO_SERVER
 */
#include "tst.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#define NVEC		3
#define SHM_SIZE	(1024 * 1024)	/* an int: printed with %d */
#define WAIT_MS		5000

struct fake {
	int sock;
	long long id;
	int shm;			/* -1 after close */
	u8 *mem;
	int own[NVEC];			/* we are rung through these */
	long long peer_id[4];		/* peers we were told about */
	int peer[4][NVEC];		/* to ring them */
	int npeers;
};

static char sock_path[108];
static pid_t server;

/* One message: an int64 LE and maybe a descriptor.  -1: error/timeout. */
static int recv_msg(int sock, long long *val, int *fd, int timeout_ms)
{
	union {
		struct cmsghdr hdr;
		char buf[CMSG_SPACE(sizeof(int) * 4)];
	} ctl;
	unsigned char le[8];
	struct pollfd p = { .fd = sock, .events = POLLIN };
	size_t got = 0;
	u64 v = 0;
	int i;

	*fd = -1;
	while (got < sizeof(le)) {
		struct iovec iov = { le + got, sizeof(le) - got };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};
		struct cmsghdr *c;
		ssize_t n;

		if (poll(&p, 1, timeout_ms) != 1)
			return -1;
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
		if (n <= 0)
			return -1;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level != SOL_SOCKET ||
			    c->cmsg_type != SCM_RIGHTS)
				continue;
			/* Exactly one descriptor per message. */
			if (*fd >= 0 || c->cmsg_len != CMSG_LEN(sizeof(int)))
				return -1;
			memcpy(fd, CMSG_DATA(c), sizeof(int));
		}
		got += n;
	}
	for (i = 7; i >= 0; i--)
		v = v << 8 | le[i];
	*val = (long long)v;
	return 0;
}

/* Nothing more is waiting on @sock within @ms. */
static int quiet(int sock, int ms)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };

	return poll(&p, 1, ms) == 0;
}

static int connect_server(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s, tries;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock_path);
	for (tries = 0; tries < 500; tries++) {
		s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			return -1;
		if (!connect(s, (struct sockaddr *)&sa, sizeof(sa)))
			return s;
		close(s);
		usleep(10000);
	}
	return -1;
}

/*
 * Connect and read the setup sequence: version, ID, memory, the existing
 * peers (@npeers of them), our own vectors.
 */
static int fake_connect(struct fake *f, long long want_id, int npeers)
{
	struct stat st;
	long long v;
	int fd, p, i;

	memset(f, 0, sizeof(*f));
	f->sock = connect_server();
	TST_CHECK_I(f->sock >= 0);
	TST_CHECK_I(!recv_msg(f->sock, &v, &fd, WAIT_MS));
	TST_EQ_I(v, 0);			/* protocol version */
	TST_EQ_I(fd, -1);
	TST_CHECK_I(!recv_msg(f->sock, &f->id, &fd, WAIT_MS));
	TST_EQ_I(fd, -1);
	TST_EQ_I(f->id, want_id);
	TST_CHECK_I(!recv_msg(f->sock, &v, &f->shm, WAIT_MS));
	TST_EQ_I(v, -1);
	TST_CHECK_I(f->shm >= 0);
	TST_CHECK_I(!fstat(f->shm, &st));
	TST_EQ_I(st.st_size, SHM_SIZE);
	f->mem = mmap(NULL, SHM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		      f->shm, 0);
	TST_CHECK_I(f->mem != MAP_FAILED);
	for (p = 0; p < npeers; p++) {
		for (i = 0; i < NVEC; i++) {
			TST_CHECK_I(!recv_msg(f->sock, &v, &fd, WAIT_MS));
			TST_CHECK_I(fd >= 0);
			if (i)
				TST_EQ_I(v, f->peer_id[p]);
			TST_CHECK_I(v != f->id && v >= 0 && v <= 65535);
			f->peer_id[p] = v;
			f->peer[p][i] = fd;
		}
	}
	f->npeers = npeers;
	for (i = 0; i < NVEC; i++) {
		TST_CHECK_I(!recv_msg(f->sock, &v, &f->own[i], WAIT_MS));
		TST_EQ_I(v, f->id);
		TST_CHECK_I(f->own[i] >= 0);
	}
	TST_CHECK_I(quiet(f->sock, 100));
	return 0;
}

/* @f hears that @id joined: NVEC messages, each with a descriptor. */
static int fake_hear_join(struct fake *f, long long id)
{
	long long v;
	int fd, i;

	for (i = 0; i < NVEC; i++) {
		TST_CHECK_I(!recv_msg(f->sock, &v, &fd, WAIT_MS));
		TST_EQ_I(v, id);
		TST_CHECK_I(fd >= 0);
		f->peer[f->npeers][i] = fd;
	}
	f->peer_id[f->npeers++] = id;
	return 0;
}

/* @f hears that @id left: one message without a descriptor. */
static int fake_hear_leave(struct fake *f, long long id)
{
	long long v;
	int fd, p, i;

	TST_CHECK_I(!recv_msg(f->sock, &v, &fd, WAIT_MS));
	TST_EQ_I(v, id);
	TST_EQ_I(fd, -1);
	for (p = 0; p < f->npeers; p++) {
		if (f->peer_id[p] != id)
			continue;
		for (i = 0; i < NVEC; i++)
			close(f->peer[p][i]);
		f->peer_id[p] = f->peer_id[--f->npeers];
		memcpy(f->peer[p], f->peer[f->npeers], sizeof(f->peer[p]));
		break;
	}
	return 0;
}

static int peer_index(const struct fake *f, long long id)
{
	int p;

	for (p = 0; p < f->npeers; p++)
		if (f->peer_id[p] == id)
			return p;
	return -1;
}

/* @from rings @to on every vector; @to sees exactly that vector fire. */
static int ring_all(struct fake *from, struct fake *to)
{
	int p = peer_index(from, to->id), v, w;
	u64 one = 1, got;

	TST_CHECK_I(p >= 0);
	for (v = 0; v < NVEC; v++) {
		TST_EQ_I(write(from->peer[p][v], &one, 8), 8);
		for (w = 0; w < NVEC; w++) {
			struct pollfd pf = { .fd = to->own[w], .events = POLLIN };
			int ready = poll(&pf, 1, w == v ? WAIT_MS : 0);

			TST_EQ_I(ready, w == v);
		}
		TST_EQ_I(read(to->own[v], &got, 8), 8);
		TST_EQ_I(got, 1);
	}
	return 0;
}

static void fake_close(struct fake *f)
{
	int p, i;

	for (p = 0; p < f->npeers; p++)
		for (i = 0; i < NVEC; i++)
			close(f->peer[p][i]);
	for (i = 0; i < NVEC; i++)
		close(f->own[i]);
	if (f->mem && f->mem != MAP_FAILED)
		munmap(f->mem, SHM_SIZE);
	close(f->shm);
	close(f->sock);
	f->sock = -1;
}

static struct fake a, b, c, d;

static void first_client_gets_id0_memory_and_vectors(void)
{
	TST_CHECK(!fake_connect(&a, 0, 0));
}

static void second_client_learns_first_and_vice_versa(void)
{
	TST_CHECK(!fake_connect(&b, 1, 1));
	TST_EQ(b.peer_id[0], 0);
	TST_CHECK(!fake_hear_join(&a, 1));
	TST_CHECK(quiet(a.sock, 100));
}

static void memory_is_shared(void)
{
	a.mem[0] = 0x5a;
	a.mem[SHM_SIZE - 1] = 0xa5;
	TST_EQ(b.mem[0], 0x5a);
	TST_EQ(b.mem[SHM_SIZE - 1], 0xa5);
}

static void eventfds_connect_both_ways_per_vector(void)
{
	TST_CHECK(!ring_all(&a, &b));
	TST_CHECK(!ring_all(&b, &a));
}

static void disconnect_is_announced(void)
{
	fake_close(&b);
	TST_CHECK(!fake_hear_leave(&a, 1));
	TST_EQ(a.npeers, 0);
	TST_CHECK(quiet(a.sock, 100));
}

static void freed_id_is_not_reused(void)
{
	/* ID 1 just left: a returning guest gets a new one (QEMU 7.2 aborts). */
	TST_CHECK(!fake_connect(&c, 2, 1));
	TST_CHECK(!fake_hear_join(&a, 2));
	TST_CHECK(!ring_all(&a, &c));
	TST_CHECK(!ring_all(&c, &a));
}

static void third_client_learns_everyone(void)
{
	TST_CHECK(!fake_connect(&d, 3, 2));
	TST_CHECK(peer_index(&d, 0) >= 0 && peer_index(&d, 2) >= 0);
	TST_CHECK(!fake_hear_join(&a, 3));
	TST_CHECK(!fake_hear_join(&c, 3));
	TST_CHECK(!ring_all(&d, &c));
	TST_CHECK(!ring_all(&a, &d));
}

static void client_junk_is_ignored(void)
{
	/* QEMU never writes; a client that does is not a protocol error. */
	TST_EQ(write(c.sock, "junk", 4), 4);
	TST_CHECK(quiet(a.sock, 100));
	TST_CHECK(!ring_all(&c, &a));
}

static void first_client_leaves_last_two_hear_it(void)
{
	fake_close(&a);
	TST_CHECK(!fake_hear_leave(&c, 0));
	TST_CHECK(!fake_hear_leave(&d, 0));
	TST_CHECK(!ring_all(&c, &d));
	/* The next client gets the next ID, not the departed 0. */
	TST_CHECK(!fake_connect(&a, 4, 2));
	TST_CHECK(!fake_hear_join(&c, 4));
	TST_CHECK(!fake_hear_join(&d, 4));
}

static void server_exits_on_sigterm(void)
{
	int status;

	fake_close(&a);
	fake_close(&c);
	fake_close(&d);
	TST_EQ(kill(server, SIGTERM), 0);
	TST_EQ(waitpid(server, &status, 0), server);
	TST_CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	TST_CHECK(access(sock_path, F_OK) && errno == ENOENT);
	server = 0;
}

int main(int argc, char **argv)
{
	char dir[] = "/tmp/xenc-ivserver-XXXXXX";

	tst_suite = "ivshmem-server";
	if (argc != 2 || !mkdtemp(dir)) {
		fprintf(stderr, "usage: %s PATH_TO_SERVER\n", argv[0]);
		return 2;
	}
	snprintf(sock_path, sizeof(sock_path), "%s/sock", dir);
	server = fork();
	if (!server) {
		char n[8], l[16];

		snprintf(n, sizeof(n), "%d", NVEC);
		snprintf(l, sizeof(l), "%d", SHM_SIZE);
		execl(argv[1], argv[1], "-S", sock_path, "-n", n, "-l", l,
		      (char *)NULL);
		_exit(127);
	}
	TST_RUN(first_client_gets_id0_memory_and_vectors);
	TST_RUN(second_client_learns_first_and_vice_versa);
	TST_RUN(memory_is_shared);
	TST_RUN(eventfds_connect_both_ways_per_vector);
	TST_RUN(disconnect_is_announced);
	TST_RUN(freed_id_is_not_reused);
	TST_RUN(third_client_learns_everyone);
	TST_RUN(client_junk_is_ignored);
	TST_RUN(first_client_leaves_last_two_hear_it);
	TST_RUN(server_exits_on_sigterm);
	if (server > 0)
		kill(server, SIGKILL);
	rmdir(dir);
	return tst_done();
}

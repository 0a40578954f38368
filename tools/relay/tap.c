// SPDX-License-Identifier: GPL-2.0
/*
 * One TAP device per co-kernel VM, as lnxtapd had: created non-blocking
 * without packet information, given the relay's MTU, put on the bridge and
 * brought up.  It lives as long as the relay holds its file descriptor.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>

#include "tap.h"

static int tap_ifreq(int sock, unsigned long req, struct ifreq *ifr,
		     const char *what)
{
	if (ioctl(sock, req, ifr) < 0) {
		fprintf(stderr, "xenc-relay: %s %s: %s\n", what, ifr->ifr_name,
			strerror(errno));
		return -1;
	}
	return 0;
}

int relay_tap_open(const char *name, unsigned int mtu, const char *bridge)
{
	struct ifreq ifr;
	int fd, sock, rc = -1;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		perror("xenc-relay: /dev/net/tun");
		return -1;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (tap_ifreq(fd, TUNSETIFF, &ifr, "TUNSETIFF")) {
		close(fd);
		return -1;
	}
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		perror("xenc-relay: socket");
		close(fd);
		return -1;
	}
	ifr.ifr_mtu = (int)mtu;
	if (tap_ifreq(sock, SIOCSIFMTU, &ifr, "set MTU of"))
		goto out;
	if (bridge) {
		struct ifreq br;

		memset(&br, 0, sizeof(br));
		snprintf(br.ifr_name, sizeof(br.ifr_name), "%s", bridge);
		br.ifr_ifindex = (int)if_nametoindex(ifr.ifr_name);
		if (!br.ifr_ifindex ||
		    tap_ifreq(sock, SIOCBRADDIF, &br, "add port to bridge"))
			goto out;
	}
	if (tap_ifreq(sock, SIOCGIFFLAGS, &ifr, "get flags of"))
		goto out;
	ifr.ifr_flags |= IFF_UP;
	if (tap_ifreq(sock, SIOCSIFFLAGS, &ifr, "bring up"))
		goto out;
	rc = 0;
out:
	close(sock);
	if (rc) {
		close(fd);
		return -1;
	}
	return fd;
}

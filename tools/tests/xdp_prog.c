// SPDX-License-Identifier: GPL-2.0
/*
 * XDP programs for tools/tests/xdp.sh, one section each, loaded with
 * "ip link set dev xenc0 xdp obj xdp_prog.o sec <name>".  Built with the
 * kernel's UAPI headers and libbpf's helper headers (libbpf-dev):
 *   clang -O2 -target bpf -I/usr/include/$(gcc -dumpmachine) -c xdp_prog.c
 *
 * Each acts on IPv4 ICMP echo requests and on UDP data to port 5201 and
 * passes everything else, so ARP and the iperf3 control connection keep
 * working while a test runs.  iperf3 opens a UDP stream with a 4-byte
 * datagram each way: those pass too, or the flood would never start.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

/* <linux/icmp.h> drags in libc's socket headers; this is all we need. */
struct icmphdr {
	__u8 type;
	__u8 code;
	__u16 checksum;
	__u32 rest;
};

#define ICMP_ECHOREPLY	0
#define ICMP_ECHO	8

/* The redirect target: xdp.sh creates it with "ip link add ... index". */
#define REDIRECT_IFINDEX	4242
#define TEST_UDP_PORT		5201
/* iperf3's UDP data: its own header alone is 12 bytes or more. */
#define TEST_UDP_MIN_LEN	(8 + 12)
/* Echo requests to this address get answered by xdp_tx itself. */
#define REFLECT_IP		0x0a090063	/* 10.9.0.99 */

char _license[] SEC("license") = "GPL";

enum kind { K_OTHER, K_ECHO, K_UDP_TEST };

static __always_inline enum kind
classify(struct xdp_md *ctx, struct ethhdr **eth, struct iphdr **ip)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *e = data;
	struct iphdr *i = (void *)(e + 1);
	struct icmphdr *ic = (void *)(i + 1);
	struct udphdr *u = (void *)(i + 1);

	if ((void *)(i + 1) > end || e->h_proto != bpf_htons(ETH_P_IP) ||
	    i->ihl != 5)
		return K_OTHER;
	*eth = e;
	*ip = i;
	if (i->protocol == IPPROTO_ICMP && (void *)(ic + 1) <= end &&
	    ic->type == ICMP_ECHO)
		return K_ECHO;
	if (i->protocol == IPPROTO_UDP && (void *)(u + 1) <= end &&
	    u->dest == bpf_htons(TEST_UDP_PORT) &&
	    bpf_ntohs(u->len) >= TEST_UDP_MIN_LEN)
		return K_UDP_TEST;
	return K_OTHER;
}

SEC("xdp_pass")
int prog_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp_drop")
int prog_drop(struct xdp_md *ctx)
{
	struct ethhdr *e;
	struct iphdr *i;

	return classify(ctx, &e, &i) == K_OTHER ? XDP_PASS : XDP_DROP;
}

/* Answer echo requests to REFLECT_IP from inside the driver. */
SEC("xdp_tx")
int prog_tx(struct xdp_md *ctx)
{
	unsigned char mac[ETH_ALEN];
	struct icmphdr *ic;
	struct ethhdr *e;
	struct iphdr *i;
	__u32 sum;
	__be32 a;
	int k;

	if (classify(ctx, &e, &i) != K_ECHO || i->daddr != bpf_htonl(REFLECT_IP))
		return XDP_PASS;
	ic = (void *)(i + 1);
	for (k = 0; k < ETH_ALEN; k++) {
		mac[k] = e->h_dest[k];
		e->h_dest[k] = e->h_source[k];
		e->h_source[k] = mac[k];
	}
	a = i->saddr;
	i->saddr = i->daddr;
	i->daddr = a;
	/* Type 8 -> 0: add 0x0800 to the checksum, end-around carry. */
	ic->type = ICMP_ECHOREPLY;
	sum = bpf_ntohs(ic->checksum) + 0x0800;
	ic->checksum = bpf_htons((__u16)(sum + (sum >> 16)));
	return XDP_TX;
}

SEC("xdp_redirect")
int prog_redirect(struct xdp_md *ctx)
{
	struct ethhdr *e;
	struct iphdr *i;

	if (classify(ctx, &e, &i) == K_OTHER)
		return XDP_PASS;
	return bpf_redirect(REDIRECT_IFINDEX, 0);
}

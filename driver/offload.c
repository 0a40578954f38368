// SPDX-License-Identifier: GPL-2.0
/*
 * Checksum and GSO offloads across the ring, for the driver and the test
 * peer alike.  A CHECKSUM_PARTIAL skb crosses with csum_start/offset and is
 * CHECKSUM_PARTIAL again on the other side, so no checksum is computed for
 * traffic that never leaves the machine; the stack computes it
 * (skb_checksum_help) only where a frame goes out through a device without
 * checksum offload.  A GSO skb of up to 64 KB crosses as one frame and is
 * segmented only where it leaves through a device without TSO.
 *
 * Metadata from the other side goes through virtio_net_hdr_to_skb(), the
 * parser tun, tap and af_packet use for untrusted headers, and the skb is
 * marked SKB_GSO_DODGY so that the GSO layer re-checks its headers, unless
 * they pass the checks GRO applies to what it merges.
 */
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/tcp.h>
#include "xenc_skb.h"
#include "xenc_compat_linux.h"

/* What a device may advertise for a negotiated XENC_F_* set. */
netdev_features_t xenc_offload_features(u64 negotiated)
{
	netdev_features_t f = 0;

	if (negotiated & XENC_F_CSUM)
		f |= NETIF_F_HW_CSUM | NETIF_F_RXCSUM;
	if ((negotiated & XENC_F_CSUM) && (negotiated & XENC_F_GSO))
		f |= XENC_GSO_FEATURES;
	return f;
}
EXPORT_SYMBOL_GPL(xenc_offload_features);

static int xenc_gso_type(const struct sk_buff *skb)
{
	unsigned int t = skb_shinfo(skb)->gso_type & ~SKB_GSO_DODGY;

	switch (t) {
	case SKB_GSO_TCPV4:
		return XENC_GSO_TCPV4;
	case SKB_GSO_TCPV6:
		return XENC_GSO_TCPV6;
	case SKB_GSO_UDP_L4:
		return XENC_GSO_UDP_L4;
	default:
		/* ECN, fixed IDs, tunnels: the ABI cannot say; segment here. */
		return -EOPNOTSUPP;
	}
}

/*
 * Describe @skb's checksum and GSO state in @fh.  -EOPNOTSUPP if the ring
 * (its allowed flags, its largest frame) cannot carry it as it is.
 */
int xenc_offload_to_frame(const struct sk_buff *skb,
			  struct xenc_frame_hdr *fh, u16 flags_ok,
			  u32 max_frame)
{
	int type;

	memset(fh, 0, sizeof(*fh));
	fh->len = skb->len;
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		int start = skb_checksum_start_offset(skb);

		if (!(flags_ok & XENC_FRAME_CSUM_PARTIAL) || start < 0 ||
		    start > U16_MAX)
			return -EOPNOTSUPP;
		fh->flags = XENC_FRAME_CSUM_PARTIAL;
		fh->csum_start = start;
		fh->csum_offset = skb->csum_offset;
	} else if (skb->ip_summed == CHECKSUM_UNNECESSARY &&
		   (flags_ok & XENC_FRAME_DATA_VALID)) {
		fh->flags = XENC_FRAME_DATA_VALID;
	}
	if (skb_is_gso(skb)) {
		type = xenc_gso_type(skb);
		if (type < 0 || !(flags_ok & XENC_FRAME_GSO))
			return -EOPNOTSUPP;
		fh->flags |= XENC_FRAME_GSO;
		fh->gso_type = type;
		fh->gso_size = skb_shinfo(skb)->gso_size;
	}
	/* Never publish what the other side must reject as a fault. */
	if (xenc_frame_meta_check(fh, max_frame))
		return -EOPNOTSUPP;
	return 0;
}
EXPORT_SYMBOL_GPL(xenc_offload_to_frame);

/*
 * ndo_features_check: leave to the stack (software GSO, skb_checksum_help)
 * whatever xenc_offload_to_frame() would refuse for this skb.
 */
netdev_features_t xenc_offload_check(struct sk_buff *skb, u16 flags_ok,
				     u32 max_frame,
				     netdev_features_t features)
{
	struct xenc_frame_hdr fh;
	int start;

	if (skb->ip_summed != CHECKSUM_PARTIAL && !skb_is_gso(skb))
		return features;
	if (!xenc_offload_to_frame(skb, &fh, flags_ok, max_frame) &&
	    skb->len <= max_frame)
		return features;
	features &= ~NETIF_F_GSO_MASK;
	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return features;
	/* Each segment keeps csum_start/offset, and the ring's rules. */
	start = skb_checksum_start_offset(skb);
	if (!(flags_ok & XENC_FRAME_CSUM_PARTIAL) || start < XENC_FRAME_MIN ||
	    start > U16_MAX)
		features &= ~NETIF_F_CSUM_MASK;
	return features;
}
EXPORT_SYMBOL_GPL(xenc_offload_check);

/*
 * A DODGY GSO skb is segmented in software by every device without
 * NETIF_F_GSO_ROBUST (veth, most NICs) even where it could go on whole.
 * A TCP frame whose headers check out here the way GRO checks what it
 * merges (plain IPv4 or IPv6, the TCP header where csum_start says, all
 * lengths consistent, no SYN/RST/URG/CWR) is what GRO would have built:
 * trust it like GRO's output and give it an exact gso_segs.  Anything
 * else stays DODGY, for the GSO layer to re-check.
 */
static void xenc_gso_trust(struct sk_buff *skb)
{
	struct skb_shared_info *si = skb_shinfo(skb);
	u32 start = skb_checksum_start_offset(skb), hlen;
	const struct ethhdr *eth;
	const struct tcphdr *th;

	if (!(si->gso_type & (SKB_GSO_TCPV4 | SKB_GSO_TCPV6)) ||
	    (si->gso_type & ~(SKB_GSO_TCPV4 | SKB_GSO_TCPV6 | SKB_GSO_DODGY)))
		return;
	if (!pskb_may_pull(skb, start + sizeof(*th)))
		return;
	eth = (const struct ethhdr *)skb->data;
	if (si->gso_type & SKB_GSO_TCPV4) {
		const struct iphdr *iph = (const struct iphdr *)(eth + 1);

		if (eth->h_proto != htons(ETH_P_IP) ||
		    start != ETH_HLEN + sizeof(*iph) || iph->version != 4 ||
		    iph->ihl != 5 || iph->protocol != IPPROTO_TCP ||
		    ntohs(iph->tot_len) != skb->len - ETH_HLEN ||
		    (iph->frag_off & htons(IP_MF | IP_OFFSET)) ||
		    ip_fast_csum(iph, iph->ihl))
			return;
	} else {
		const struct ipv6hdr *ip6 = (const struct ipv6hdr *)(eth + 1);

		if (eth->h_proto != htons(ETH_P_IPV6) ||
		    start != ETH_HLEN + sizeof(*ip6) || ip6->version != 6 ||
		    ip6->nexthdr != IPPROTO_TCP ||
		    ntohs(ip6->payload_len) != skb->len - start)
			return;
	}
	th = (const struct tcphdr *)(skb->data + start);
	hlen = start + __tcp_hdrlen(th);
	if (th->doff < 5 || th->syn || th->rst || th->urg || th->cwr ||
	    hlen >= skb->len || !pskb_may_pull(skb, hlen))
		return;
	si = skb_shinfo(skb);	/* the pull may have moved the head */
	/*
	 * The peer chose gso_size: trusted, the skb may reach a TSO NIC
	 * whole, so its segments must fit this link's MTU (as GRO's do),
	 * carry a sane MSS, and be more than one.
	 */
	if (si->gso_size < TCP_MIN_SND_MSS ||
	    si->gso_size + hlen > skb->dev->mtu + ETH_HLEN ||
	    skb->len - hlen <= si->gso_size)
		return;
	si->gso_segs = DIV_ROUND_UP(skb->len - hlen, si->gso_size);
	si->gso_type &= ~SKB_GSO_DODGY;
}

/*
 * Apply a received frame's metadata (already checked by the ring core) to
 * its skb, whose data still starts at the Ethernet header.  -EINVAL if it
 * does not match the packet: the frame must be dropped.
 */
int xenc_offload_from_frame(struct sk_buff *skb,
			    const struct xenc_frame_hdr *fh)
{
	struct virtio_net_hdr h = {};
	bool udp_l4 = false;

	if (fh->flags & XENC_FRAME_CSUM_PARTIAL) {
		h.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		h.csum_start = __cpu_to_virtio16(true, fh->csum_start);
		h.csum_offset = __cpu_to_virtio16(true, fh->csum_offset);
	}
	if (fh->flags & XENC_FRAME_GSO) {
		switch (fh->gso_type) {
		case XENC_GSO_TCPV4:
			h.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
			break;
		case XENC_GSO_TCPV6:
			h.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
			break;
		case XENC_GSO_UDP_L4:
			udp_l4 = true;
			break;
		default:
			return -EINVAL;
		}
		h.gso_size = __cpu_to_virtio16(true, fh->gso_size);
	}
	if (h.flags) {
		if (xenc_vnet_hdr_to_skb(skb, &h, udp_l4))
			return -EINVAL;
		if (skb_is_gso(skb))
			xenc_gso_trust(skb);
	} else if (fh->flags & XENC_FRAME_DATA_VALID) {
		skb->ip_summed = CHECKSUM_UNNECESSARY;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(xenc_offload_from_frame);

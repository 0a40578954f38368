#!/bin/bash
# Checksum and GSO offloads negotiated through the ABI feature bits: on
# when both sides offer them (64 KB GSO frames cross as one frame each
# way), correct checksums where a frame leaves through a device without
# checksum offload, and off, with traffic still flowing, against an old
# peer or an old Linux side that does not offer them.
. "$(dirname "$0")/lib.sh"

feature() { ethtool -k "$1" | grep -qx "$2: $3"; }
# tcp NAME CLIENT-NS SERVER-IP [iperf3 args]: a short TCP run that moved data.
tcp() {
	local name=$1 ns=$2 ip=$3 j=$OUT/offload-$1.json
	shift 3
	ip netns exec "$ns" iperf3 -c "$ip" -t 2 -J "$@" >"$j" 2>"$j.err"
	check "$name" iperf_ok "$j"
}
# Re-attach the test peer so that a new handshake renegotiates features.
reattach() {
	local knob
	knob=$(peer_knob xenc0 attached)
	echo 0 >"$knob"
	wait_for 10 carrier xenc0 0
	echo 1 >"$knob"
	wait_for 20 carrier xenc0
}

topo_up 1 || fail offload-topo-up "bridge with xenc0 did not come up"
ip netns exec lnx iperf3 -s -D >/dev/null
ip netns exec cok0 iperf3 -s -D >/dev/null
sleep 0.3

# Both sides offer CSUM and GSO.
check offload-negotiated-csum feature xenc0 tx-checksumming on
check offload-negotiated-tso feature xenc0 tcp-segmentation-offload on
check offload-sg feature xenc0 scatter-gather on
tcp offload-tcp-lnx-to-cok lnx 10.9.0.2
p0=$(link_stat "" veth-lnx tx packets) b0=$(link_stat "" veth-lnx tx bytes)
tcp offload-tcp-cok-to-lnx cok0 10.9.0.1
# The peer's GSO frames pass GRO's header checks, so the bridge hands them
# to veth whole instead of segmenting them: frames average above the MTU.
p1=$(link_stat "" veth-lnx tx packets) b1=$(link_stat "" veth-lnx tx bytes)
check offload-gso-forwarded-whole test $(( (b1 - b0) / (p1 - p0 + 1) )) -gt 1514
# lnx's TSO skbs cross xenc0 whole, and so do the peer's towards Linux.
check offload-tx-gso-frames test "$(qstat xenc0 tx_gso_frames)" -gt 0
check offload-tx-csum-partial test "$(qstat xenc0 tx_csum_offload)" -gt 0
check offload-rx-gso-frames test "$(qstat xenc0 rx_gso_frames)" -gt 0
check offload-rx-csum test "$(qstat xenc0 rx_csum_offload)" -gt 0
check offload-no-meta-drops test "$(( $(qstat xenc0 rx_drop_offload) + $(qstat xenc0 tx_drop_offload) ))" -eq 0
check offload-no-peer-faults test "$(( $(stat xenc0 peer_fault_csum) + $(stat xenc0 peer_fault_gso) ))" -eq 0

# A device without checksum offload on the way: the stack completes the
# partial checksums, and lnx verifies every one in software.
ethtool -K veth-lnx tx off >/dev/null 2>&1
ip netns exec lnx ethtool -K eth0 rx off >/dev/null 2>&1
c0=$(snmp lnx Tcp InCsumErrors) u0=$(snmp lnx Udp InCsumErrors)
tcp offload-tcp-cok-to-lnx-sw-csum cok0 10.9.0.1
j=$OUT/offload-udp-sw-csum.json
ip netns exec cok0 iperf3 -c 10.9.0.1 -u -b 8M -l 1400 -t 1 -J >"$j" 2>"$j.err"
check offload-udp-sw-csum-no-loss udp_ok "$j"
check offload-sw-csum-no-errors test "$(( $(snmp lnx Tcp InCsumErrors) - c0 + $(snmp lnx Udp InCsumErrors) - u0 ))" -eq 0
ethtool -K veth-lnx tx on >/dev/null 2>&1
ip netns exec lnx ethtool -K eth0 rx on >/dev/null 2>&1

# An old peer: offers neither; Linux must not use them, traffic flows.
echo 0 >/sys/module/xenc_peer/parameters/peer_offloads
reattach
check offload-old-peer-carrier carrier xenc0
check offload-old-peer-csum-off feature xenc0 tx-checksumming off
check offload-old-peer-tso-off feature xenc0 tcp-segmentation-offload off
g0=$(( $(qstat xenc0 tx_gso_frames) + $(qstat xenc0 rx_gso_frames) ))
p0=$(( $(qstat xenc0 tx_csum_offload) + $(qstat xenc0 rx_csum_offload) ))
tcp offload-old-peer-tcp-lnx-to-cok lnx 10.9.0.2
tcp offload-old-peer-tcp-cok-to-lnx cok0 10.9.0.1
check offload-old-peer-no-gso test "$(( $(qstat xenc0 tx_gso_frames) + $(qstat xenc0 rx_gso_frames) ))" -eq "$g0"
check offload-old-peer-no-csum test "$(( $(qstat xenc0 tx_csum_offload) + $(qstat xenc0 rx_csum_offload) ))" -eq "$p0"
echo 1 >/sys/module/xenc_peer/parameters/peer_offloads

# An old Linux side: the new peer offers them, Linux does not.
echo 0 >/sys/module/xenc/parameters/offloads
reattach
check offload-old-linux-tso-off feature xenc0 tcp-segmentation-offload off
g0=$(( $(qstat xenc0 tx_gso_frames) + $(qstat xenc0 rx_gso_frames) ))
tcp offload-old-linux-tcp-cok-to-lnx cok0 10.9.0.1
check offload-old-linux-no-gso test "$(( $(qstat xenc0 tx_gso_frames) + $(qstat xenc0 rx_gso_frames) ))" -eq "$g0"
echo 1 >/sys/module/xenc/parameters/offloads

# Both offer again: back on after the next handshake.
reattach
check offload-renegotiated-tso feature xenc0 tcp-segmentation-offload on
check offload-no-faults-at-end test "$(( $(qstat xenc0 rx_drop_fault) + $(qstat xenc0 tx_drop_fault) ))" -eq 0

topo_down

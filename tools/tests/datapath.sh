#!/bin/bash
# xenc0 carries real traffic through a bridge: the paper's LNX-LWK case
# (Linux-hosted VM <-> co-kernel VM) and LWK case (two co-kernel VMs).
. "$(dirname "$0")/lib.sh"

topo_up 2 || fail topo-up "bridge with two xenc devices did not come up"
check bridge-has-xenc0 bash -c "bridge link show | grep -q 'xenc0.*master br0'"
check carrier-xenc0 carrier xenc0
check ping-lnx-to-cok ip netns exec lnx ping -c 3 -i 0.2 -W 2 10.9.0.2
check ping-cok-to-lnx ip netns exec cok0 ping -c 3 -i 0.2 -W 2 10.9.0.1
check ping-large-cok-to-lnx ip netns exec cok0 ping -c 2 -s 30000 -W 3 10.9.0.1

ip netns exec cok0 iperf3 -s -D >/dev/null
ip netns exec cok1 iperf3 -s -D >/dev/null
ip netns exec lnx iperf3 -s -D >/dev/null
sleep 0.5

# TCP both directions.
for dir in "" -R; do
	j=$OUT/tcp$dir.json
	ip netns exec lnx iperf3 -c 10.9.0.2 -t 3 -J $dir >"$j" 2>"$j.err"
	check "iperf3-tcp${dir:-}-lnx-cok" iperf_ok "$j"
done

# UDP at several rates and datagram sizes, 64 KB included: nothing lost,
# and the link counters on both ends agree with what iperf3 sent.
udp() {
	local rate=$1 len=$2 j=$OUT/udp-$1-$2.json
	local tx0 rx0 ptx0 prx0 tx1 rx1 ptx1 prx1
	tx0=$(link_stat "" xenc0 tx packets) ptx0=$(link_stat cok0 eth0 tx packets)
	rx0=$(link_stat "" xenc0 rx packets) prx0=$(link_stat cok0 eth0 rx packets)
	ip netns exec lnx iperf3 -c 10.9.0.2 -u -b "$rate" -l "$len" -t 2 -J >"$j" 2>"$j.err"
	sleep 0.5
	tx1=$(link_stat "" xenc0 tx packets) ptx1=$(link_stat cok0 eth0 tx packets)
	rx1=$(link_stat "" xenc0 rx packets) prx1=$(link_stat cok0 eth0 rx packets)
	check "udp-$rate-$len-no-loss" udp_ok "$j" cok0
	check "udp-$rate-$len-counters-agree" test $((tx1 - tx0)) -eq $((prx1 - prx0)) -a \
		$((ptx1 - ptx0)) -eq $((rx1 - rx0)) -a $((tx1 - tx0)) -gt 0
}
# XENC_UDP_CASES: RATE/LEN pairs (make check runs three of them).
for c in ${XENC_UDP_CASES:-1M/64 8M/1400 8M/8000 16M/32000 16M/65000}; do
	udp "${c%/*}" "${c#*/}"
done

# Many parallel TCP streams.
j=$OUT/tcp-p8.json
ip netns exec lnx iperf3 -c 10.9.0.2 -t 3 -P 8 -J >"$j" 2>"$j.err"
check iperf3-tcp-8-streams iperf_ok "$j"

# LWK: two co-kernel VMs talk through the bridge, xenc0 <-> xenc1.
check ping-cok0-to-cok1 ip netns exec cok0 ping -c 3 -i 0.2 -W 2 10.9.0.3
j=$OUT/tcp-lwk.json
ip netns exec cok0 iperf3 -c 10.9.0.3 -t 3 -J >"$j" 2>"$j.err"
check iperf3-tcp-cok0-cok1 iperf_ok "$j"
j=$OUT/udp-lwk.json
ip netns exec cok0 iperf3 -c 10.9.0.3 -u -b 8M -l 65000 -t 2 -J >"$j" 2>"$j.err"
check udp-64k-cok0-cok1-no-loss udp_ok "$j" cok1

# ethtool -i / -S: identity and per-queue counters that moved.
check ethtool-i-driver bash -c "ethtool -i xenc0 | grep -qx 'driver: xenc'"
check ethtool-i-version bash -c "ethtool -i xenc0 | grep -q '^version: [0-9]'"
check ethtool-i-transport bash -c "ethtool -i xenc0 | grep -q '^bus-info: local:'"
check ethtool-S-tx-packets test "$(qstat xenc0 tx_packets)" -gt 0
check ethtool-S-rx-bytes test "$(qstat xenc0 rx_bytes)" -gt 0
check ethtool-S-doorbells-sent test "$(qstat xenc0 tx_doorbells_sent)" -gt 0
check ethtool-S-doorbells-received test "$(qstat xenc0 doorbells_received)" -gt 0
check ethtool-S-no-drops test "$(( $(qstat xenc0 tx_drop_toobig) + $(qstat xenc0 tx_drop_fault) + $(qstat xenc0 rx_drop_fault) ))" -eq 0
check ethtool-S-stats-match-ip-s test "$(qstat xenc0 tx_packets)" -eq "$(link_stat "" xenc0 tx packets)"

# Software transmit timestamps (ptp4l -S, chrony): advertised, and taken.
check ethtool-T-software-transmit bash -c "ethtool -T xenc0 | grep -q software-transmit"
check tx-software-timestamp python3 "$(dirname "$0")/tx_tstamp.py" xenc0

# A VLAN on top of xenc0 keeps its offloads: TCP crosses as GSO frames.
ip link add link xenc0 name xenc0.100 type vlan id 100
ip addr add 10.99.0.1/24 dev xenc0.100
ip link set xenc0.100 up
ip -n cok0 link add link eth0 name eth0.100 type vlan id 100
ip -n cok0 addr add 10.99.0.2/24 dev eth0.100
ip -n cok0 link set eth0.100 up
g0=$(qstat xenc0 tx_gso_frames)
j=$OUT/tcp-vlan.json
iperf3 -c 10.99.0.2 -t 2 -J >"$j" 2>"$j.err"
check iperf3-tcp-over-vlan iperf_ok "$j"
check vlan-keeps-gso test "$(qstat xenc0 tx_gso_frames)" -gt "$g0"
ip link del xenc0.100
ip -n cok0 link del eth0.100

id=$(bus_info xenc0)
check debugfs-state-peer-ready grep -q '^peer: state 2 ' "/sys/kernel/debug/xenc/$id/state"
check debugfs-state-queue-indices grep -q 'tx(l2p): slots 256' "/sys/kernel/debug/xenc/$id/state"

topo_down

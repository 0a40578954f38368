#!/bin/bash
# UDP under overload: iperf3 -u at unlimited rate through xenc0, each way.
# Every datagram the sender's kernel sent reaches the receiver's UDP layer
# or is counted by a named drop counter along the path, to the datagram;
# what reached UDP was read by iperf3, counted as a receive error
# (socket buffer full, RcvbufErrors), had no socket (NoPorts), or was
# still queued when iperf3 closed its socket; iperf3's lost count is
# covered by all of these; and xenc itself drops nothing, since a full
# ring holds frames in the qdisc.
#   Linux -> peer: lnx Udp OutDatagrams = cok0 UDP input
#     + xenc0 qdisc drops + xenc0 tx_dropped + peer NIC rx_dropped
#     + cok0 IP input discards
#   peer -> Linux: cok0 Udp OutDatagrams = lnx UDP input
#     + peer NIC tx_dropped + xenc0 rx_dropped + veth-lnx tx_dropped
#     + lnx IP input discards
# UDP input is Ip InDelivers - Tcp InSegs - Icmp InMsgs (Udp InDatagrams
# counts only what the application read).  Drops at the sender's own
# egress (lnx's veth, the peer NIC's qdisc) are refused to the IP layer:
# they are in the sender's Ip OutDiscards, never in OutDatagrams.
#   XENC_OVERLOAD_SECS (4)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-campaign.sh"

secs=${XENC_OVERLOAD_SECS:-4}

topo_up 1 || fail topo-up "bridge with xenc0 did not come up"
# Receivers that fall behind: on a one-CPU guest the sender otherwise runs
# the whole path itself, datagram by datagram, and never overloads it.
# With more CPUs, a niced receiver alone on its own CPU keeps up; every
# iperf3 shares the first CPU, as on one, while xenc's NAPI and doorbells
# still run wherever their vectors go.
on1=(taskset -c "$(cut -d, -f1 /sys/devices/system/cpu/online | cut -d- -f1)")
wmem0=$(sysctl -n net.core.wmem_max) rmem0=$(sysctl -n net.core.rmem_max)
sysctl -qw net.core.wmem_max=4194304 net.core.rmem_max=4194304
# No ARP either, which a full qdisc could drop: fixed neighbours.
ip -n lnx neigh replace 10.9.0.2 dev eth0 nud permanent \
	lladdr "$(ip -n cok0 -j link show dev eth0 | jq -r '.[0].address')"
ip -n cok0 neigh replace 10.9.0.1 dev eth0 nud permanent \
	lladdr "$(ip -n lnx -j link show dev eth0 | jq -r '.[0].address')"
nice -n 19 "${on1[@]}" ip netns exec cok0 iperf3 -s -D >/dev/null
nice -n 19 "${on1[@]}" ip netns exec lnx iperf3 -s -D >/dev/null
sleep 0.5

declare -A C
# snap PREFIX: every counter of the path into C[PREFIX.name].
snap() {
	local p=$1 ns f k v
	for ns in lnx cok0; do
		# /proc/net/snmp: a header line then a value line per protocol.
		while read -r -a hdr && read -r -a val; do
			for ((f = 1; f < ${#hdr[@]}; f++)); do
				C[$p.$ns.${hdr[0]%:}.${hdr[$f]}]=${val[$f]}
			done
		done < <(ip netns exec "$ns" cat /proc/net/snmp)
	done
	while read -r k v; do C[$p.$k]=$v; done < <(
		{ ip -s -j link show dev xenc0; ip -s -j link show dev veth-lnx
		  ip -n cok0 -s -j link show dev eth0 | sed 's/"eth0"/"peer"/'; } |
		jq -r '.[0] | .ifname as $n | .stats64 |
			"\($n).rx_dropped \(.rx.dropped)", "\($n).tx_dropped \(.tx.dropped)"')
	C[$p.xenc0.qdisc_drops]=$(qdrops)
	C[$p.peer.qdisc_drops]=$(tc -n cok0 -s -j qdisc show dev eth0 |
		jq '[.[] | select(.root == true) | .drops] | add // 0')
	C[$p.xenc0.xenc_tx_drops]=$(($(qstat xenc0 tx_drop_toobig) + $(qstat xenc0 tx_drop_link_down) +
		$(qstat xenc0 tx_drop_fault)))
}
d() { echo $((C[b.$1] - C[a.$1])); }
# Received IP packets the IP layer threw away before any protocol.
ip_in_drops() {
	echo $(($(d "$1.Ip.InHdrErrors") + $(d "$1.Ip.InAddrErrors") + $(d "$1.Ip.InDiscards") +
		$(d "$1.Ip.ReasmFails")))
}
# Datagrams handed to UDP: every delivery that was not TCP or ICMP.
udp_in() {
	echo $(($(d "$1.Ip.InDelivers") - $(d "$1.Tcp.InSegs") - $(d "$1.Icmp.InMsgs")))
}
# Wait until nothing is in flight: two snapshots a second apart agree.
settle() {
	local s1 s2 i
	for i in $(seq 20); do
		s1=$(ip -s -j link show dev xenc0; tc -s -j qdisc show dev xenc0
		     ip netns exec cok0 cat /proc/net/snmp; ip netns exec lnx cat /proc/net/snmp)
		sleep 1
		s2=$(ip -s -j link show dev xenc0; tc -s -j qdisc show dev xenc0
		     ip netns exec cok0 cat /proc/net/snmp; ip netns exec lnx cat /proc/net/snmp)
		[ "$s1" = "$s2" ] && return 0
	done
	return 1
}

qdrops() { tc -s -j qdisc show dev xenc0 | jq '[.[] | select(.root == true) | .drops] | add // 0'; }
qdrops_above() { [ "$(qdrops)" -gt "$1" ]; }
tx_above() { [ "$(link_stat "" xenc0 tx packets)" -gt "$1" ]; }

# run NAME DIR [pause]: DIR l2p (lnx sends) or p2l (cok0 sends).
run() {
	local name=$1 dir=$2 pause=${3:-} j=$OUT/overload-$1.json src dst rcv
	local sent in path lost named egress read errs unread tx0 q0
	snap a
	if [ "$dir" = l2p ]; then src=lnx dst=10.9.0.2 rcv=cok0; else src=cok0 dst=10.9.0.1 rcv=lnx; fi
	if [ -n "$pause" ]; then
		# A small ring and qdisc, so that a short stall overflows both.
		ethtool -G xenc0 tx 64
		ip link set xenc0 txqueuelen 64
	fi
	# Long enough for the stall to start while the flood still runs.  A
	# datagram stays charged to its socket all the way into xenc0's qdisc,
	# so a small send buffer blocks the sender before the qdisc fills (no
	# loss at all); the stalled run gives it room to overflow the qdisc.
	# The full qdisc must drop only datagrams: TOS "throughput" puts them
	# in pfifo_fast's band 2, away from the TCP acks of iperf3's control
	# connection (band 1), which would otherwise be counted as path drops.
	local w=32K tos=0
	[ -z "$pause" ] || w=2M tos=8
	# timeout: a path that stalls for good fails iperf3-ran, not the guest.
	timeout 120 "${on1[@]}" ip netns exec "$src" iperf3 -c "$dst" -u -b 0 -l 1400 -w "$w" -S "$tos" \
		-t $((${pause:+3 *} secs)) -J >"$j" 2>"$j.err" &
	local ipf=$!
	if [ -n "$pause" ]; then
		# Once the flood runs, the peer stops consuming until the qdisc
		# has had to drop: the ring fills, the queue stops, and the
		# qdisc, not xenc, holds or drops.
		tx0=$(link_stat "" xenc0 tx packets) q0=$(qdrops)
		wait_for 60 tx_above $((tx0 + 50))
		echo 1 >"$(peer_knob xenc0 rx_paused)"
		wait_for 30 qdrops_above "$q0"
		echo 0 >"$(peer_knob xenc0 rx_paused)"
	fi
	wait "$ipf"
	settle || log "$name: counters still moving after 20 s"
	snap b
	if [ "$dir" = l2p ]; then
		sent=$(d lnx.Udp.OutDatagrams) egress=$(d lnx.Ip.OutDiscards)
		named="qdisc=$(d xenc0.qdisc_drops) xenc_tx=$(d xenc0.tx_dropped) peer_rx=$(d peer.rx_dropped)"
		named+=" ip_in=$(ip_in_drops cok0)"
		path=$(($(d xenc0.qdisc_drops) + $(d xenc0.tx_dropped) + $(d peer.rx_dropped) +
			$(ip_in_drops cok0)))
	else
		sent=$(d cok0.Udp.OutDatagrams) egress=$(d cok0.Ip.OutDiscards)
		named="peer_tx=$(d peer.tx_dropped) xenc_rx=$(d xenc0.rx_dropped) veth=$(d veth-lnx.tx_dropped)"
		named+=" ip_in=$(ip_in_drops lnx)"
		path=$(($(d peer.tx_dropped) + $(d xenc0.rx_dropped) + $(d veth-lnx.tx_dropped) +
			$(ip_in_drops lnx)))
	fi
	in=$(udp_in "$rcv") read=$(d "$rcv.Udp.InDatagrams")
	errs=$(($(d "$rcv.Udp.InErrors") + $(d "$rcv.Udp.NoPorts")))
	unread=$((in - read - errs))
	lost=$(jq '.end.sum.lost_packets // -1' "$j")
	log "$name: sent $sent; path drops $path ($named); UDP input $in: read $read," \
		"InErrors $(d "$rcv.Udp.InErrors") (RcvbufErrors $(d "$rcv.Udp.RcvbufErrors")), NoPorts" \
		"$(d "$rcv.Udp.NoPorts"), unread at close $unread; sender egress discards $egress;" \
		"iperf3 lost $lost of $(jq '.end.sum.packets' "$j")"
	check "overload-$name-iperf3-ran" iperf_ok "$j"
	check "overload-$name-overloaded" test $((path + errs + egress)) -gt 0
	check_eq "overload-$name-every-datagram-accounted" "$sent" $((in + path))
	check "overload-$name-socket-accounted" test "$unread" -ge 0
	check "overload-$name-iperf3-losses-accounted" test "$lost" -ge 0 -a \
		"$lost" -le $((egress + path + errs + unread))
	check "overload-$name-xenc-drops-nothing" test "$(d xenc0.xenc_tx_drops)" -eq 0 -a \
		"$(d xenc0.rx_dropped)" -eq 0
	if [ -n "$pause" ]; then
		check "overload-$name-qdisc-held-the-excess" test "$(d xenc0.qdisc_drops)" -gt 0
		ethtool -G xenc0 tx 256
		ip link set xenc0 txqueuelen 1000
	fi
}

run linux-to-peer l2p
run linux-to-peer-stalled l2p pause
run peer-to-linux p2l
topo_down
sysctl -qw net.core.wmem_max="$wmem0" net.core.rmem_max="$rmem0"

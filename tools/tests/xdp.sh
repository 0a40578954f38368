#!/bin/bash
# XDP on xenc0's receive path: PASS passes, DROP drops (counters, and
# nothing reaches lnx) even under a UDP flood, TX bounces frames back to
# the co-kernel VM, REDIRECT moves them to another xenc device through its
# ndo_xdp_xmit; attach renegotiates plain page-sized frames and detach
# restores the offloads; an MTU too large for one page is refused.
# Programs: tools/tests/xdp_prog.c, built here with clang -target bpf.
. "$(dirname "$0")/lib.sh"

obj=$OUT/xdp_prog.o
redirect_ifindex=4242	# REDIRECT_IFINDEX in xdp_prog.c

attach() { ip -force link set dev xenc0 xdp obj "$obj" sec "$1"; }
attached() { ip link show dev xenc0 | grep -q 'prog/xdp'; }
feature() { ethtool -k xenc0 | grep -qx "$1: $2"; }
# Counter deltas since snap().
snap() {
	e0=$(snmp lnx Icmp InEchos) u0=$(snmp lnx Udp InDatagrams)
	pk0=$(qstat xenc0 xdp_packets) dr0=$(qstat xenc0 xdp_drop)
	tx0=$(qstat xenc0 xdp_tx) rd0=$(qstat xenc0 xdp_redirect)
	rde0=$(qstat xenc0 xdp_redirect_errors)
	xm0=$(qstat xenc1 xdp_xmit) xme0=$(qstat xenc1 xdp_xmit_errors)
	p10=$(link_stat cok1 eth0 rx packets)
}
d_echo() { echo $(( $(snmp lnx Icmp InEchos) - e0 )); }
d_udp() { echo $(( $(snmp lnx Udp InDatagrams) - u0 )); }
d() { echo $(( $(qstat "$1" "$2") - $3 )); }
# flood NAME: one second of UDP at line rate from cok0 to lnx.  Sets
# sent (datagrams iperf3 sent), lo (sent less what cok0's own stack and
# NIC dropped before xenc0 saw it) and recvd (what iperf3 received).
flood() {
	local j=$OUT/xdp-flood-$1.json sb0 pt0
	sb0=$(snmp cok0 Udp SndbufErrors) pt0=$(link_stat cok0 eth0 tx dropped)
	timeout 120 ip netns exec cok0 iperf3 -c 10.9.0.1 -u -b 0 -l 1400 -t 1 -J >"$j" 2>&1
	check "xdp-$1-flood-ran" iperf_sent "$j"
	sent=$(jq '.end.sum_sent.packets // 0' "$j") recvd=$(jq '.end.sum_received.packets // -1' "$j")
	lo=$((sent - $(snmp cok0 Udp SndbufErrors) + sb0 - $(link_stat cok0 eth0 tx dropped) + pt0))
	log "xdp flood $1: sent $sent, reached xenc0 at least $lo, iperf3 received $recvd"
}
iperf_sent() { jq -e '(.error | not) and .end.sum_sent.packets > 0' "$1" >/dev/null; }

topo_up 1 || fail xdp-topo-up "bridge with xenc0 did not come up"
# The redirect target, at the ifindex the program names.
ip link add xenc1 index "$redirect_ifindex" type xenc
ip link set xenc1 up
pdev=$(peer_of xenc1)
ip netns add cok1
ip link set "$pdev" netns cok1
ip -n cok1 link set "$pdev" name eth0
ip -n cok1 addr add 10.9.0.3/24 dev eth0
ip -n cok1 link set eth0 up
check xdp-target-carrier wait_for 10 carrier xenc1
ip netns exec lnx iperf3 -s -D >/dev/null

check xdp-prog-builds clang -O2 -target bpf -I"/usr/include/$(gcc -dumpmachine)" \
	-c "$XENC/tools/tests/xdp_prog.c" -o "$obj"
check xdp-offloads-on-before feature tcp-segmentation-offload on

# Refused while the MTU does not fit one page, with a reason.
ip link set xenc0 mtu 9000
out=$(ip link set dev xenc0 xdp obj "$obj" sec xdp_pass 2>&1)
check xdp-attach-refused-big-mtu test $? -ne 0
check xdp-attach-refused-says-why grep -q "MTU too large" <<<"$out"
check xdp-not-attached-big-mtu bash -c "! ip link show dev xenc0 | grep -q prog/xdp"
ip link set xenc0 mtu 1500

# PASS: attach renegotiates (no offloads, page-sized frames), frames pass.
check xdp-attach-pass attach xdp_pass
check xdp-attached attached
check xdp-carrier-after-attach wait_for 10 carrier xenc0
check xdp-offloads-off-while-attached feature tcp-segmentation-offload off
check xdp-mtu-refused-while-attached bash -c "! ip link set xenc0 mtu 9000 2>/dev/null"
snap
check xdp-pass-ping ip netns exec cok0 ping -c 5 -i 0.2 -W 2 10.9.0.1
check xdp-pass-delivered test "$(d_echo)" -eq 5
check xdp-pass-counted test "$(d xenc0 xdp_packets "$pk0")" -ge 5

# DROP (replacing the program in place): counted, nothing delivered.
check xdp-attach-drop attach xdp_drop
snap
check xdp-drop-ping-fails bash -c "! ip netns exec cok0 ping -c 5 -i 0.2 -W 1 10.9.0.1"
check xdp-drop-counted test "$(d xenc0 xdp_drop "$dr0")" -eq 5
check xdp-drop-not-delivered test "$(d_echo)" -eq 0
# At line rate: a UDP flood is dropped in the driver, none reaches lnx.
snap
flood drop
n=$(d xenc0 xdp_drop "$dr0")
check xdp-drop-flood-counted test "$n" -ge "$lo" -a "$n" -le "$sent"
check xdp-drop-flood-not-received test "$recvd" -eq 0
# Only the 4-byte datagram that opens iperf3's stream reaches a socket.
check xdp-drop-flood-not-delivered test "$(d_udp)" -le 1

# TX: echo requests to 10.9.0.99 are answered by the program itself.
check xdp-attach-tx attach xdp_tx
ip -n cok0 neigh replace 10.9.0.99 lladdr 02:00:00:00:00:99 dev eth0
snap
check xdp-tx-reflects ip netns exec cok0 ping -c 5 -i 0.2 -W 2 10.9.0.99
check xdp-tx-counted test "$(d xenc0 xdp_tx "$tx0")" -eq 5
check xdp-tx-not-delivered test "$(d_echo)" -eq 0
check xdp-tx-no-errors test "$(qstat xenc0 xdp_tx_errors)" -eq 0

# REDIRECT to xenc1: its ndo_xdp_xmit puts them in cok1's ring.
check xdp-attach-redirect attach xdp_redirect
snap
check xdp-redirect-ping-fails bash -c "! ip netns exec cok0 ping -c 5 -i 0.2 -W 1 10.9.0.1"
check xdp-redirect-counted test "$(d xenc0 xdp_redirect "$rd0")" -eq 5
check xdp-redirect-xmit-counted test "$(d xenc1 xdp_xmit "$xm0")" -eq 5
check xdp-redirect-arrives test "$(( $(link_stat cok1 eth0 rx packets) - p10 ))" -ge 5
check xdp-redirect-not-delivered test "$(d_echo)" -eq 0
# At line rate: every redirected frame is sent or counted as an error.
snap
flood redirect
r=$(d xenc0 xdp_redirect "$rd0") m=$(d xenc1 xdp_xmit "$xm0")
n=$((r + $(d xenc0 xdp_redirect_errors "$rde0")))
check xdp-redirect-flood-counted test "$n" -ge "$lo" -a "$n" -le "$sent"
check xdp-redirect-flood-not-received test "$recvd" -eq 0
check xdp-redirect-flood-accounted test "$r" -eq "$(( m + $(d xenc1 xdp_xmit_errors "$xme0") ))"
check xdp-redirect-flood-arrives test "$(( $(link_stat cok1 eth0 rx packets) - p10 ))" -ge "$m"
check xdp-redirect-flood-not-delivered test "$(d_udp)" -le 1

# Detach: offloads and full-size frames come back, traffic flows.
check xdp-detach ip link set dev xenc0 xdp off
check xdp-detached bash -c "! ip link show dev xenc0 | grep -q prog/xdp"
check xdp-carrier-after-detach wait_for 10 carrier xenc0
check xdp-offloads-back feature tcp-segmentation-offload on
check xdp-ping-after-detach ip netns exec cok0 ping -c 2 -i 0.2 -W 2 10.9.0.1
check xdp-no-aborted test "$(qstat xenc0 xdp_aborted)" -eq 0

topo_down

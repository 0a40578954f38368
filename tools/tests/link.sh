#!/bin/bash
# Link behaviour: backpressure instead of loss, carrier that follows the
# peer, the control path's errors, and teardown in any state.
. "$(dirname "$0")/lib.sh"

topo_up 1 || fail topo-up "bridge with xenc0 did not come up"
ip netns exec cok0 iperf3 -s -D >/dev/null
sleep 0.3

# A peer that stops polling stops xenc0's queue; xenc drops nothing, the
# ring holds what it can, and everything held arrives once the peer polls.
# One queue, and BQL kept out of the way.  Its floor takes effect at the
# next completion (a queue reset leaves BQL's adjusted limit as it was).
ethtool -L xenc0 combined 1
bql=/sys/class/net/xenc0/queues/tx-0/byte_queue_limits
echo $((1 << 30)) >$bql/limit_min
ip netns exec lnx ping -c 2 -i 0.2 -W 2 10.9.0.2 >/dev/null
wait_for 10 bash -c "[ \$(cat $bql/limit) -ge $((1 << 30)) ]"
stops0=$(qstat xenc0 tx_queue_stops)
wakes0=$(qstat xenc0 tx_queue_wakes)
echo 1 >"$(peer_knob xenc0 rx_paused)"
tx0=$(link_stat "" xenc0 tx packets)
prx0=$(link_stat cok0 eth0 rx packets)
# No one listens on port 9: each held datagram that arrives is a NoPorts.
# (Device counters can differ by a frame that was in flight at the pause.)
np0=$(snmp cok0 Udp NoPorts)
# Datagrams that need no answer; the sender itself blocks once the qdisc
# holds its socket buffer, which is the backpressure we want.
ip netns exec lnx bash -c "dd if=/dev/zero bs=1400 count=2000 2>/dev/null |
	socat -u -b1400 - UDP-SENDTO:10.9.0.2:9" &
snd=$!
check backpressure-queue-stopped wait_for 60 txq "$(dbg_state xenc0)" 0 stopped ||
	{ cat "$(dbg_state xenc0)"; grep . /sys/class/net/xenc0/queues/tx-0/byte_queue_limits/*; tc -s qdisc show dev xenc0; }
tx1=$(link_stat "" xenc0 tx packets)
check backpressure-stop-counted test "$(qstat xenc0 tx_queue_stops)" -gt "$stops0"
check backpressure-ring-holds-frames test $((tx1 - tx0)) -ge 200
check backpressure-sender-blocked kill -0 $snd
check backpressure-peer-got-nothing test "$(link_stat cok0 eth0 rx packets)" -eq "$prx0"
check backpressure-no-xenc-drops test "$(( $(qstat xenc0 tx_drop_toobig) + $(qstat xenc0 tx_drop_link_down) + $(qstat xenc0 tx_drop_fault) ))" -eq 0
echo 0 >"$(peer_knob xenc0 rx_paused)"
check backpressure-queue-woken wait_for 30 bash -c "[ \$(ethtool -S xenc0 | awk '/_tx_queue_wakes:/ { s += \$2 } END { print s }') -gt $wakes0 ]"
wait $snd
delivered() { [ $(($(snmp cok0 Udp NoPorts) - np0)) -eq 2000 ]; }
check backpressure-held-frames-delivered wait_for 60 delivered ||
	{ log "sent $(($(link_stat "" xenc0 tx packets) - tx0)), peer got $(($(link_stat cok0 eth0 rx packets) - prx0)), peer dropped $(link_stat cok0 eth0 rx dropped), datagrams arrived $(($(snmp cok0 Udp NoPorts) - np0)) of 2000"
	  cat "$(dbg_state xenc0)"; ip netns exec cok0 ethtool -S eth0 2>/dev/null | grep -v ': 0$'; }
check backpressure-traffic-resumes ip netns exec lnx ping -c 2 -W 2 10.9.0.2

# Peer detach mid-stream: carrier goes down with a reason, and comes back on
# reattach without reloading anything.
ip netns exec lnx iperf3 -c 10.9.0.2 -t 6 >/dev/null 2>&1 &
sleep 1
echo 0 >"$(peer_knob xenc0 attached)"
check detach-carrier-down wait_for 10 carrier xenc0 0
check detach-reason bash -c "ethtool xenc0 | grep -q 'Link detected: no (Autoneg, No partner detected)'"
check detach-operstate bash -c "ip link show xenc0 | grep -q NO-CARRIER"
check detach-ethtool-i-no-peer bash -c "ethtool -i xenc0 | grep -qx 'expansion-rom-version: no peer'"
echo 1 >"$(peer_knob xenc0 attached)"
check reattach-carrier-up wait_for 10 carrier xenc0 1
# What the peer advertised (the test peer: at least MQ and QUIESCE, 16
# queue pairs, 64 KB frames, our ABI) in ethtool -i and, by name, debugfs.
check peer-caps-ethtool-i bash -c "ethtool -i xenc0 | grep -Eqx 'expansion-rom-version: feat 0x[0-9a-f]+ q16 frame 65600'"
check peer-caps-ethtool-i-abi bash -c "ethtool -i xenc0 | grep -qx 'firmware-version: abi \([0-9.]*\) peer \1'"
check peer-caps-debugfs grep -Eq '^peer features:( [a-z]+)* mq( [a-z]+)* quiesce' \
	"$(dbg_state xenc0)"
check reattach-traffic wait_for 10 ip netns exec lnx ping -c 1 -W 1 10.9.0.2
check reattach-counted test "$(stat xenc0 link_connects)" -ge 2
wait

# Bad requests are refused with a message and leave xenc0 untouched.
check mtu-too-big-refused bash -c "! ip link set xenc0 mtu 65536 2>/dev/null"
check mtu-too-small-refused bash -c "! ip link set xenc0 mtu 67 2>/dev/null"
check mtu-64k-accepted ip link set xenc0 mtu 65535
check mtu-restored ip link set xenc0 mtu 1500
check create-bad-mtu-refused bash -c "ip link add xbad type xenc mtu 70000 2>&1 | grep -qi 'mtu'"
check create-bad-mtu-no-device bash -c "! ip link show xbad 2>/dev/null"
check xenc0-untouched ip netns exec lnx ping -c 1 -W 2 10.9.0.2

# Create/destroy cycles, in every state (down, up, mid-handshake); one ip
# batch per step (each exec is slow on the debug guest).
ok=1
for i in $(seq 1 20); do
	echo "link add xc$i type xenc"
	[ $((i % 2)) -eq 0 ] && echo "link set xc$i up"
done | ip -b - || ok=0
nap 0.2
for i in $(seq 1 20); do echo "link del xc$i"; done | ip -b - || ok=0
check create-destroy-20 test $ok -eq 1
check no-leftover-devices bash -c "! ls /sys/class/net | grep -q '^xc'"

# Unload under traffic: the kernel log check of the whole run catches splats.
ip netns exec lnx iperf3 -c 10.9.0.2 -t 6 -P 4 >/dev/null 2>&1 &
sleep 2
check rmmod-peer-under-traffic rmmod xenc_peer
check carrier-down-after-peer-rmmod wait_for 10 carrier xenc0 0
check rmmod-xenc-with-devices rmmod xenc
check no-xenc-devices-left bash -c "! ls /sys/class/net | grep -q '^xenc'"
# The stream's far end is gone: do not wait for TCP to give up.
pkill iperf3
wait
topo_down

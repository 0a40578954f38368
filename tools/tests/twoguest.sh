#!/bin/bash
# Two kernels for real (tools/guest/run2.sh --layout "a=0 b=0"): guest a is
# Linux, the master enclave (xenc over ivshmem region 0, bridge br0, a
# Linux-hosted VM vm1); guest b is the co-kernel (the endpoint presenting
# the co-kernel VM's NIC, vm2).  Guest a drives every step; guest b serves
# its commands (sync.sh).  Also the two-node recipe: each guest is a node
# with xenc + its own co-kernel VM (nd1, nd2) + bridge brn, the bridges
# joined by VXLAN over the virtio-net link between the guests.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
. "$here/sync.sh"
. "$here/topo-lib.sh"
sync_init

COK=$TOPO_NET.2 LNX=$TOPO_NET.1
NC_BYTES=2M
# XENC_2G_VXLAN=0: without the two-node VXLAN part (make check runs it).
vxlan=${XENC_2G_VXLAN:-1}

# Guest b: present the co-kernel VM, then serve until the run ends (or
# until run2.sh kills this QEMU).
if [ "$XENC_GUEST" = b ]; then
	sysctl -qw net.core.rmem_max=8388608 net.core.wmem_max=8388608
	if ! topo_setup lnx-lwk ||
	   { [ "$XENC_BOOT" = 1 ] && [ "$vxlan" = 1 ] && ! node_up 2 nd2; }; then
		ev_set failed.b
		exit 1
	fi
	# The traffic the tests send to the co-kernel VMs ends here.
	ip netns exec vm2 iperf3 -s -D
	[ "$XENC_BOOT" = 1 ] && [ "$vxlan" = 1 ] && ip netns exec nd2 iperf3 -s -D
	ev_set ready.b
	serve_cmds
	exit 0
fi

b() { on_guest b "$@"; }
b_ready() { ev_is ready.b || ev_is failed.b || ev_is down.b; }
wait_b() { wait_for 300 b_ready && ev_is ready.b; }
b_carrier() { b ip netns exec vm2 cat /sys/class/net/eth0/carrier | grep -qx "$1"; }
b_carrier_changes() { b ip netns exec vm2 cat /sys/class/net/eth0/carrier_changes; }
b_sum_is() { [ "$(b cat /tmp/nc.sum 2>/dev/null)" = "$1" ]; }
a_sum_is() { [ "$(cat /tmp/nc.sum 2>/dev/null)" = "$1" ]; }
# The co-kernel VM's NIC rx packets and its UDP receive buffer overflows
# (a loss iperf3 does not always report: datagrams dropped after its last
# count), in one round trip.
b_udp_counters() {
	b ip netns exec vm2 bash -c "ip -j -s link show dev eth0 | jq '.[0].stats64.rx.packets';
		nstat -as UdpRcvbufErrors | awk '\$1 == \"UdpRcvbufErrors\" { n = \$2 } END { print n + 0 }'" |
		tr '\n' ' '
}
# xenc's tx counter moved exactly as much as the peer NIC's rx counter, and
# the VM's socket dropped nothing.
udp_delivered() {
	local rx e
	read -r rx e < <(b_udp_counters)
	[ "$e" -eq "$3" ] && [ $((rx - $2)) -eq $(($(link_stat "" "$dev" tx packets) - $1)) ]
}
tx_beyond() { [ "$(link_stat "" "$dev" tx packets)" -gt "$1" ]; }
tcp2() {	# tcp2 NAME FROM TO [iperf3 options]: 2 s of TCP
	local name=$1 from=$2 to=$3 j=$OUT/$1.json
	shift 3
	ep_exec "$from" iperf3 -c "$(ep_addr "$to")" -t 2 -J "$@" >"$j" 2>"$j.err"
	check "$name" iperf_ok "$j" &&
		jq -r '"\(.end.sum_received.bits_per_second / 1e6 * 100 | floor / 100) Mbit/s"' "$j" 2>/dev/null | sed "s/^/$name: /"
}

# Room for iperf3 -w (UDP bursts of 64 KB datagrams).
sysctl -qw net.core.rmem_max=8388608 net.core.wmem_max=8388608
topo_setup lnx-lwk || fail 2g-setup-a "topology did not come up in guest a"
[ "$vxlan" = 1 ] && { node_up 1 nd1 || fail 2g-setup-node1 "node 1 did not come up"; }
# Without guest b nothing below can pass; do not wait for every step.
must() { check "$@"; grep -q "^PASS $1\$" "$RESULTS" || exit 1; }
must 2g-guest-b-ready wait_b
dev=$(region_dev 0)
check 2g-xenc-on-ivshmem bash -c "ethtool -i $dev | grep -q '^bus-info: .*$(region_pci 0)'"
check 2g-carrier wait_for 60 carrier "$dev"
ifindex0=$(cat "/sys/class/net/$dev/ifindex")

# Ping both ways, then iperf3 TCP both ways and UDP up to 64 KB datagrams.
check 2g-ping-lnx-to-cok wait_for 30 ep_exec vm1 ping -c 1 -W 2 "$COK"
check 2g-ping-cok-to-lnx ep_exec vm2 ping -c 2 -i 0.3 -W 3 "$LNX"
check 2g-ping-large-cok-to-lnx ep_exec vm2 ping -c 1 -s 30000 -W 5 "$LNX"
tcp2 2g-iperf3-tcp vm1 vm2
tcp2 2g-iperf3-tcp-R vm1 vm2 -R

# ivshmem-doorbell (run2.sh --doorbell): real interrupts both ways.
b_irqs() {
	b awk '/xenc-/ { for (i = 2; i <= NF && $i ~ /^[0-9]+$/; i++) n += $i } END { print n + 0 }' \
		/proc/interrupts
}
if [ "${XENC_VECTORS:-0}" -gt 0 ]; then
	check 2g-doorbell-not-polling bash -c "ethtool --show-priv-flags $dev | grep -q '^polling *: off'"
	check 2g-doorbell-irqs-in-a test "$(qstat "$dev" doorbells_received)" -gt 0
	check 2g-doorbell-irqs-in-b test "$(b_irqs)" -gt 0
fi

# Rates this path sustains on a loaded 2-core TCG host; nothing lost.
udp() {
	local rate=$1 len=$2 j=$OUT/2g-udp-$1-$2.json e0 tx0 rx0
	read -r rx0 e0 < <(b_udp_counters)
	tx0=$(link_stat "" "$dev" tx packets)
	ep_exec vm1 iperf3 -c "$COK" -u -b "$rate" -l "$len" -w 4M -t 2 -J >"$j" 2>"$j.err"
	check "2g-udp-$rate-$len-no-loss" udp_ok "$j"
	check "2g-udp-$rate-$len-all-delivered" wait_for 10 udp_delivered "$tx0" "$rx0" "$e0"
}
udp 4M 1400
udp 8M 65000

# A sha256-checked transfer each way with nc.
head -c "$NC_BYTES" /dev/urandom >/tmp/blob
sum=$(sha256sum </tmp/blob)
b bash -c "rm -f /tmp/nc.sum; { ip netns exec vm2 nc -l 5002 | sha256sum >/tmp/nc.tmp; mv /tmp/nc.tmp /tmp/nc.sum; } >/dev/null 2>&1 &"
check 2g-nc-lnx-to-cok-sent wait_for 20 ep_exec vm1 nc -N -w 30 "$COK" 5002 </tmp/blob
check 2g-nc-lnx-to-cok-sha256 wait_for 30 b_sum_is "$sum"
rm -f /tmp/nc.sum
{ ep_exec vm1 nc -l 5003 | sha256sum >/tmp/nc.tmp; mv /tmp/nc.tmp /tmp/nc.sum; } >/dev/null 2>&1 &
sum=$(b bash -c "head -c $NC_BYTES /dev/urandom >/tmp/blob; sha256sum </tmp/blob;
	for i in {1..50}; do ip netns exec vm2 nc -N -w 30 $LNX 5003 </tmp/blob && break; sleep 0.2; done")
check 2g-nc-cok-to-lnx-sha256 wait_for 30 a_sum_is "$sum"

# Two nodes: co-kernel VM nd1 (node 1 = guest a) to nd2 (node 2 = guest
# b), each behind its node's xenc and bridge, the bridges joined by VXLAN.
if [ "$vxlan" = 1 ]; then
	check 2g-vxlan-ping wait_for 30 ep_exec nd1 ping -c 1 -W 2 "$NODE_NET.2"
	check 2g-vxlan-ping-back ep_exec nd2 ping -c 1 -W 2 "$NODE_NET.1"
	tcp2 2g-vxlan-iperf3-tcp nd1 nd2
fi

# The co-kernel's driver goes away and comes back, XENC_2G_DETACHES
# (100) times, mid-stream.  Guest b runs the loop and, after each
# re-attach, waits until Linux answers a ping (so Linux, not only the
# peer, completed the handshake); each cycle must take xenc's carrier
# down and up exactly once.  ping retries every 50 ms until the deadline:
# a new ping per second would make the wait, not the handshake, the cost.
# The loop runs inside vm2's namespace (one exec per try, not two), and
# the stream is paced: frames are in flight at every detach either way,
# and a saturated TCG guest would make each exec, not the cycle, the cost.
detaches=${XENC_2G_DETACHES:-100}
knob=$(b bash -c 'ls -d /sys/kernel/debug/xenc_peer/*/attached | head -n 1')
c0=$(stat "$dev" link_connects) d0=$(stat "$dev" link_disconnects)
ch0=$(cat "/sys/class/net/$dev/carrier_changes")
ep_exec vm2 iperf3 -s -D -p 5210 >/dev/null
nap 0.5
ip netns exec vm1 iperf3 -c "$COK" -p 5210 -t 3600 -b 20M >/dev/null 2>&1 &
ipid=$!
t0=${EPOCHREALTIME/./}
check "2g-detach-$detaches-peer-loop" b -t 1800 ip netns exec vm2 bash -c "
	# ip netns exec mounted a fresh /sys over debugfs.
	mount -t debugfs none /sys/kernel/debug || exit 1
	up() { ping -c 1 -i 0.05 -w 5 $LNX >/dev/null 2>&1; }
	for ((i = 0; i < $detaches; i++)); do
		echo 0 >$knob
		echo 1 >$knob
		for ((w = 0; w < 12; w++)); do up && continue 2; done
		echo \"cycle \$i: Linux did not come back\"
		exit 1
	done"
log "2g: $detaches detach/attach cycles in $(((${EPOCHREALTIME/./} - t0) / 1000)) ms"
check "2g-detach-$detaches-carrier-up" wait_for 30 carrier "$dev"
check_n() { [ "$(($2 - $3))" -eq "$4" ] || { echo "$1: +$(($2 - $3)), want +$4"; return 1; }; }
check "2g-detach-$detaches-connects" check_n connects "$(stat "$dev" link_connects)" "$c0" "$detaches"
check "2g-detach-$detaches-disconnects" check_n disconnects "$(stat "$dev" link_disconnects)" "$d0" "$detaches"
check "2g-detach-$detaches-carrier-changes" check_n carrier_changes \
	"$(cat "/sys/class/net/$dev/carrier_changes")" "$ch0" $((2 * detaches))
check "2g-detach-$detaches-stream-survived" kill -0 "$ipid"
kill "$ipid" 2>/dev/null
wait "$ipid" 2>/dev/null
check "2g-detach-$detaches-ping" wait_for 30 ep_exec vm1 ping -c 1 -W 2 "$COK"

# Guest b dies mid-stream (its QEMU is SIGKILLed): xenc's carrier goes down
# with the reason, nothing oopses (run2.sh scans both consoles), and the
# link returns when b boots again, with the same xenc device.
ip netns exec vm1 iperf3 -c "$COK" -t 60 >/dev/null 2>&1 &
ipid=$!
tx0=$(link_stat "" "$dev" tx packets)
check 2g-kill-b-mid-stream wait_for 20 tx_beyond $((tx0 + 100))
check 2g-kill-b-requested host_req "kill b"
check 2g-kill-b-carrier-down wait_for 60 carrier "$dev" 0
ethtool "$dev" >"$OUT/2g-kill-ethtool.txt"
check 2g-kill-b-reason-ethtool grep -q 'Link detected: no (Logical mismatch)' "$OUT/2g-kill-ethtool.txt"
check 2g-kill-b-reason-log bash -c "dmesg | grep -q '$dev: link down: peer heartbeat stale'"
kill "$ipid" 2>/dev/null
wait "$ipid" 2>/dev/null
check 2g-kill-b-no-traffic bash -c "! ip netns exec vm1 ping -c 1 -W 1 $COK"
connects=$(stat "$dev" link_connects)
ev_clear ready.b
check 2g-reboot-b-requested host_req "boot b"
must 2g-reboot-b-ready wait_b
check 2g-reboot-b-carrier-up wait_for 120 carrier "$dev"
check 2g-reboot-b-same-device test "$(cat "/sys/class/net/$dev/ifindex" 2>/dev/null)" = "$ifindex0"
check 2g-reboot-b-reconnect-counted test "$(stat "$dev" link_connects)" -gt "$connects"
check 2g-reboot-b-ping wait_for 30 ep_exec vm1 ping -c 1 -W 2 "$COK"
tcp2 2g-reboot-b-iperf3-tcp vm1 vm2

# xenc reloaded in guest a while guest b stays up: b's peer sees Linux go
# and come back, and reconnects by itself.
changes0=$(b_carrier_changes)
rmmod xenc_peer 2>/dev/null
check 2g-reload-rmmod-xenc rmmod xenc
check 2g-reload-peer-carrier-down wait_for 60 b_carrier 0
load_ivshmem_linux
check 2g-reload-device wait_for 30 region_dev 0
dev=$(region_dev 0)
ip link set "$dev" master br0 up
check 2g-reload-carrier-up wait_for 60 carrier "$dev"
check 2g-reload-peer-carrier-up wait_for 30 b_carrier 1
check 2g-reload-peer-reconnected test "$(b_carrier_changes)" -ge $((changes0 + 2))
check 2g-reload-ping wait_for 30 ep_exec vm1 ping -c 1 -W 2 "$COK"
check 2g-reload-ping-back ep_exec vm2 ping -c 1 -W 2 "$LNX"
true

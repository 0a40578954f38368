#!/bin/bash
# The physical-region transport in one guest that reserved memory at boot
# (memmap=SIZE$ADDR, added by guest-check.sh): xenc maps the range as the
# Linux end, the test peer maps the same range as the co-kernel end, as the
# two kernels of a partitioned machine would.  No doorbells: both poll.
. "$(dirname "$0")/lib.sh"

# memmap=16M$0x70000000 on the command line -> region 16M@0x70000000.
spec=$(tr ' ' '\n' </proc/cmdline | sed -n 's/^memmap=\([0-9]*[KMG]\)\$\(0x[0-9a-fA-F]*\)$/\1@\2/p' | head -n 1)
if [ -z "$spec" ]; then
	fail phys-reserved "no memmap=SIZE\$ADDR reservation on the kernel command line"
	exit 0
fi
addr=${spec#*@}
log "reserved region $spec"

unload_modules
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
check phys-range-reserved grep -qi "^ *${addr#0x}-.* : Reserved" /proc/iomem
# Memory the kernel owns is refused, and nothing is left behind.
check phys-refuses-system-ram bash -c "! insmod $XENC/xenc.ko ivshmem_autobind=0 phys_region=16M@0x10000000 2>/dev/null"
check phys-bad-spec-refused bash -c "! insmod $XENC/xenc.ko ivshmem_autobind=0 phys_region=16M 2>/dev/null"
check phys-no-module-left bash -c "! lsmod | grep -q '^xenc '"

insmod "$XENC/xenc.ko" ivshmem_autobind=0 phys_region="$spec"
insmod "$XENC/xenc_peer.ko" phys_region="$spec"
x= p=
for d in /sys/class/net/*; do
	d=${d##*/}
	info=$(ethtool -i "$d" 2>/dev/null) || continue
	echo "$info" | grep -qx "bus-info: phys:$addr" || continue
	echo "$info" | grep -qx 'driver: xenc' && x=$d
	echo "$info" | grep -qx 'driver: xenc_peer' && p=$d
done
check phys-xenc-device test -n "$x"
check phys-peer-device test -n "$p"
check phys-polling bash -c "ethtool --show-priv-flags $x | grep -q '^polling *: on'"

ip link add br0 type bridge
ip link set br0 up
ip netns add lnx
ip netns add cok
ip link add veth-lnx type veth peer name eth0 netns lnx
ip link set veth-lnx master br0 up
ip link set "$x" master br0 up
ip link set "$p" netns cok
ip -n cok link set "$p" name eth0
for ns in lnx cok; do ip -n "$ns" link set lo up; done
ip -n lnx addr add 10.9.0.1/24 dev eth0
ip -n lnx link set eth0 up
ip -n cok addr add 10.9.0.2/24 dev eth0
ip -n cok link set eth0 up
check phys-carrier-up wait_for 60 carrier "$x"
check phys-ping-lnx-to-cok wait_for 30 ip netns exec lnx ping -c 1 -W 1 10.9.0.2
check phys-ping-cok-to-lnx ip netns exec cok ping -c 2 -i 0.2 -W 2 10.9.0.1

ip netns exec cok iperf3 -s -D >/dev/null
sleep 0.5
for dir in "" -R; do
	j=$OUT/phys-tcp$dir.json
	ip netns exec lnx iperf3 -c 10.9.0.2 -t 2 -J $dir >"$j" 2>"$j.err"
	check "phys-iperf3-tcp${dir:-}" iperf_ok "$j"
	log "phys TCP${dir:+ reverse}: $(jq -r '(.end.sum_received.bits_per_second // 0) / 1e6 | floor' "$j") Mbit/s"
done

head -c 1M /dev/urandom >/tmp/phys-src
ip netns exec cok timeout 600 nc -l 5302 >/tmp/phys-dst &
srv=$!
wait_for 10 bash -c "ip netns exec cok ss -ltn | grep -q ':5302 '"
ip netns exec lnx timeout 600 nc -N 10.9.0.2 5302 </tmp/phys-src
wait "$srv"
check phys-nc-sha256 test "$(sha256sum </tmp/phys-src)" = "$(sha256sum </tmp/phys-dst)"
rm -f /tmp/phys-src /tmp/phys-dst
check phys-region-formatted bash -c "grep -q 'transport phys region phys:$addr' /sys/kernel/debug/xenc/phys:$addr/state"

# Unload in either order, devices busy: the peer first, then xenc.
ip netns exec lnx iperf3 -c 10.9.0.2 -t 5 >/dev/null 2>&1 &
sleep 1
check phys-rmmod-peer rmmod xenc_peer
check phys-carrier-down wait_for 30 carrier "$x" 0
check phys-rmmod-xenc rmmod xenc
pkill iperf3
wait

for ns in lnx cok; do ip netns del "$ns"; done
ip link del br0
ip link del veth-lnx 2>/dev/null
true

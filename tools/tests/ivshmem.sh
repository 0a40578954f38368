#!/bin/bash
# The ivshmem transport in one guest: two ivshmem-plain devices over the
# same host file (guest-check.sh adds them).  The first is bound by xenc
# (Linux role, bridged with a Linux VM's veth), the second by the test peer
# through driver_override (the co-kernel VM's NIC in its own netns).  No
# interrupts: both sides poll.  Traffic both ways, then the co-kernel end
# unbinds and rebinds, and the Linux end does the same with autobind off.
. "$(dirname "$0")/lib.sh"

ivshmem_devs() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = 0x1110 ] &&
			echo "${d##*/}"
	done
}
driver_of() { basename "$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null)" 2>/dev/null; }
netdev_of() { ls "/sys/bus/pci/devices/$1/net" 2>/dev/null | head -n 1; }

mapfile -t devs < <(ivshmem_devs)
if [ ${#devs[@]} -lt 2 ]; then
	fail ivshmem-devices "need two ivshmem-plain devices over one file, found ${#devs[@]}"
	exit 0
fi
lbdf=${devs[0]} cbdf=${devs[1]}
log "Linux end $lbdf, co-kernel end $cbdf"
pcidev=/sys/bus/pci/devices

unload_modules
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
# The co-kernel end is the peer's before xenc loads, so autobind skips it.
echo xenc_peer >"$pcidev/$cbdf/driver_override"
insmod "$XENC/xenc.ko"
insmod "$XENC/xenc_peer.ko" peer_poll_us=100
echo "$cbdf" >/sys/bus/pci/drivers_probe
check xenc-autobinds-linux-end test "$(driver_of "$lbdf")" = xenc
check peer-binds-by-override test "$(driver_of "$cbdf")" = xenc_peer
check same-region-size test "$(command stat -c %s "$pcidev/$lbdf/resource2")" -eq \
	"$(command stat -c %s "$pcidev/$cbdf/resource2")"
x=$(netdev_of "$lbdf")
p=$(netdev_of "$cbdf")
check xenc-netdev-created test -n "$x"
check peer-netdev-created test -n "$p"
check ethtool-bus-info bash -c "ethtool -i $x | grep -qx 'bus-info: ivshmem:$lbdf'"
check polling-forced bash -c "ethtool --show-priv-flags $x | grep -q '^polling *: on'"
check polling-cannot-be-cleared bash -c "! ethtool --set-priv-flags $x polling off 2>/dev/null"

# Linux VM (netns lnx) and xenc on br0; the co-kernel VM's NIC in netns cok.
ip link add br0 type bridge
ip link set br0 up
ip netns add lnx
ip netns add cok
for ns in lnx cok; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip -n "$ns" link set lo up
done
ip link add veth-lnx type veth peer name eth0 netns lnx
ip link set veth-lnx master br0 up
ip -n lnx addr add 10.9.0.1/24 dev eth0
ip -n lnx link set eth0 up
ip link set "$x" master br0 up

# peer_up: the (new) peer NIC into netns cok as eth0, addressed and up.
peer_up() {
	p=$(netdev_of "$cbdf")
	[ -n "$p" ] || return 1
	ip link set "$p" netns cok
	ip -n cok link set "$p" name eth0
	ip -n cok addr add 10.9.0.2/24 dev eth0
	ip -n cok link set eth0 up
}
peer_up
check carrier-up wait_for 60 carrier "$x"
cat "/sys/kernel/debug/xenc/ivshmem:$lbdf/state"
check ping-lnx-to-cok wait_for 30 ip netns exec lnx ping -c 1 -W 1 10.9.0.2
check ping-cok-to-lnx ip netns exec cok ping -c 3 -i 0.2 -W 2 10.9.0.1
check ping-large ip netns exec cok ping -c 2 -s 30000 -W 3 10.9.0.1

ip netns exec cok iperf3 -s -D >/dev/null
ip netns exec lnx iperf3 -s -D >/dev/null
sleep 0.5
for dir in "" -R; do
	j=$OUT/ivshmem-tcp$dir.json
	ip netns exec lnx iperf3 -c 10.9.0.2 -t 3 -J $dir >"$j" 2>"$j.err"
	check "iperf3-tcp${dir:-}" iperf_ok "$j"
	log "TCP${dir:+ reverse}: $(jq -r '(.end.sum_received.bits_per_second // 0) / 1e6 | floor' "$j") Mbit/s"
done
# 64 KB datagrams both ways, at a rate a polled TCG guest sustains.
for dir in "" -R; do
	j=$OUT/ivshmem-udp64k$dir.json
	ip netns exec lnx iperf3 -c 10.9.0.2 -u -b 8M -l 65000 -t 3 -J $dir >"$j" 2>"$j.err"
	check "udp-64k${dir:-}-no-loss" udp_ok "$j"
done

# A file crosses intact, both ways.
head -c 8M /dev/urandom >/tmp/ivshmem-src
want=$(sha256sum </tmp/ivshmem-src)
xfer() {
	local from=$1 to=$2 addr=$3
	rm -f /tmp/ivshmem-dst
	ip netns exec "$to" timeout 60 nc -l 5301 >/tmp/ivshmem-dst &
	local srv=$!
	wait_for 10 bash -c "ip netns exec $to ss -ltn | grep -q ':5301 '"
	ip netns exec "$from" timeout 60 nc -N "$addr" 5301 </tmp/ivshmem-src
	wait "$srv"
	[ "$(sha256sum </tmp/ivshmem-dst)" = "$want" ]
}
check nc-sha256-lnx-to-cok xfer lnx cok 10.9.0.2
check nc-sha256-cok-to-lnx xfer cok lnx 10.9.0.1
rm -f /tmp/ivshmem-src /tmp/ivshmem-dst

check no-doorbells-sent test "$(qstat "$x" tx_doorbells_sent)" -eq 0
check no-doorbells-received test "$(qstat "$x" doorbells_received)" -eq 0
check no-faults test "$(( $(qstat "$x" tx_drop_fault) + $(qstat "$x" rx_drop_fault) ))" -eq 0

# The co-kernel end unbinds mid-stream: carrier down with the reason.
ip netns exec lnx iperf3 -c 10.9.0.2 -t 8 >/dev/null 2>&1 &
sleep 2
echo "$cbdf" >/sys/bus/pci/drivers/xenc_peer/unbind
check peer-unbound test -z "$(driver_of "$cbdf")$(netdev_of "$cbdf")"
check unbind-carrier-down wait_for 30 carrier "$x" 0
check unbind-reason bash -c "ethtool $x | grep -q 'Link detected: no (Autoneg, No partner detected)'"
pkill -f "iperf3 -c 10.9.0.2"
wait
echo "$cbdf" >/sys/bus/pci/drivers_probe
check peer-rebound test "$(driver_of "$cbdf")" = xenc_peer
peer_up
check rebind-carrier-up wait_for 60 carrier "$x"
check rebind-traffic wait_for 30 ip netns exec lnx ping -c 1 -W 1 10.9.0.2

# The Linux end goes and comes back while the co-kernel end stays: with
# autobind off a plain probe leaves the device alone (a relay can map it),
# driver_override=xenc binds it again.
echo 0 >/sys/module/xenc/parameters/ivshmem_autobind
echo "$lbdf" >/sys/bus/pci/drivers/xenc/unbind
check linux-unbind-netdev-gone bash -c "! ip link show $x 2>/dev/null"
check peer-sees-linux-gone wait_for 30 nscarrier cok eth0 0
echo "$lbdf" >/sys/bus/pci/drivers_probe
check no-autobind-leaves-unbound test -z "$(driver_of "$lbdf")"
echo xenc >"$pcidev/$lbdf/driver_override"
echo "$lbdf" >/sys/bus/pci/drivers_probe
check override-binds-xenc test "$(driver_of "$lbdf")" = xenc
x=$(netdev_of "$lbdf")
[ -n "$x" ] && ip link set "$x" master br0 up
check relink-carrier-up wait_for 60 carrier "$x"
check relink-peer-carrier-up wait_for 30 nscarrier cok eth0 1
check relink-traffic wait_for 30 ip netns exec lnx ping -c 1 -W 1 10.9.0.2
echo 1 >/sys/module/xenc/parameters/ivshmem_autobind

# Unload with both ends bound and busy.
ip netns exec lnx iperf3 -c 10.9.0.2 -t 6 >/dev/null 2>&1 &
sleep 2
check rmmod-peer-bound rmmod xenc_peer
check rmmod-peer-carrier-down wait_for 30 carrier "$x" 0
check rmmod-xenc-bound rmmod xenc
check rmmod-devices-unbound test -z "$(driver_of "$lbdf")$(driver_of "$cbdf")"
pkill iperf3
wait

for b in "$lbdf" "$cbdf"; do echo >"$pcidev/$b/driver_override"; done
for ns in lnx cok; do ip netns del "$ns"; done
ip link del br0
ip link del veth-lnx 2>/dev/null
true

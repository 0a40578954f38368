#!/bin/bash
# The ivshmem transport in one guest (devices added by guest-check.sh):
#  - a pair of ivshmem-plain devices over one host file: no interrupts,
#    both sides poll;
#  - a pair of ivshmem-doorbell devices from tools/ivshmem-server (if
#    present): MSI-X doorbells, or polling with the reason in the log when
#    the guest has no MSI (no local APIC; XENC_IVSHMEM_REQUIRE_MSI=1 makes
#    that a failure, see ivshmem-doorbell-check.sh).
# The first device of a pair is xenc's (Linux role, on br0 with a Linux VM's
# veth), the second the test peer's through driver_override (the co-kernel
# VM's NIC in its own netns).  Traffic both ways, then the co-kernel end
# unbinds and rebinds, the Linux end does the same with autobind off, and
# both modules unload with every device bound and busy.
. "$(dirname "$0")/lib.sh"

pcidev=/sys/bus/pci/devices
# ivshmem_devs plain|doorbell: BDFs of that variant (doorbell has BAR1).
ivshmem_devs() {
	local d
	for d in "$pcidev"/*; do
		[ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = 0x1110 ] || continue
		if [ -e "$d/resource1" ]; then
			[ "$1" = doorbell ] && echo "${d##*/}"
		else
			[ "$1" = plain ] && echo "${d##*/}"
		fi
	done
}
driver_of() { basename "$(readlink "$pcidev/$1/driver" 2>/dev/null)" 2>/dev/null; }
netdev_of() { ls "$pcidev/$1/net" 2>/dev/null | head -n 1; }

mapfile -t plain < <(ivshmem_devs plain)
mapfile -t bell < <(ivshmem_devs doorbell)
if [ ${#plain[@]} -lt 2 ]; then
	fail ivshmem-devices "need two ivshmem-plain devices over one file, found ${#plain[@]}"
	exit 0
fi
lbdf=${plain[0]} cbdf=${plain[1]}
dl=${bell[0]:-} dc=${bell[1]:-}
log "plain: Linux end $lbdf, co-kernel end $cbdf; doorbell: ${dl:-none} ${dc:-}"

unload_modules
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
# Co-kernel ends are the peer's before xenc loads, so autobind skips them.
for b in $cbdf $dc; do echo xenc_peer >"$pcidev/$b/driver_override"; done
dmesg -C
insmod "$XENC/xenc.ko"
insmod "$XENC/xenc_peer.ko"
for b in $cbdf $dc; do echo "$b" >/sys/bus/pci/drivers_probe; done
check xenc-autobinds-linux-end test "$(driver_of "$lbdf")" = xenc
check peer-binds-by-override test "$(driver_of "$cbdf")" = xenc_peer
check same-region-size test "$(command stat -c %s "$pcidev/$lbdf/resource2")" -eq \
	"$(command stat -c %s "$pcidev/$cbdf/resource2")"
x=$(netdev_of "$lbdf")
check netdevs-created test -n "$x" -a -n "$(netdev_of "$cbdf")"
check ethtool-bus-info bash -c "ethtool -i $x | grep -qx 'bus-info: ivshmem:$lbdf'"
check polling-forced bash -c "ethtool --show-priv-flags $x | grep -q '^polling *: on'"
check polling-cannot-be-cleared bash -c "! ethtool --set-priv-flags $x polling off 2>/dev/null"

# Linux VM (netns lnx, .1) and the xenc devices on br0; co-kernel VMs in
# netns cok (.2, plain pair) and cokd (.3, doorbell pair).
ip link add br0 type bridge
ip link set br0 up
ip netns add lnx
ip link add veth-lnx type veth peer name eth0 netns lnx
ip link set veth-lnx master br0 up
ip -n lnx addr add 10.9.0.1/24 dev eth0
ip -n lnx link set eth0 up
ip -n lnx link set lo up
ip link set "$x" master br0 up

# peer_up BDF NS ADDR: the (new) peer NIC of BDF into NS as eth0, up.
peer_up() {
	local p
	p=$(netdev_of "$1")
	[ -n "$p" ] || return 1
	ip netns list | grep -qw "$2" || ip netns add "$2"
	ip link set "$p" netns "$2"
	ip -n "$2" link set "$p" name eth0
	ip -n "$2" addr add "$3/24" dev eth0
	ip -n "$2" link set eth0 up
}
peer_up "$cbdf" cok 10.9.0.2
check carrier-up wait_for 60 carrier "$x"
check ping-lnx-to-cok wait_for 30 ip netns exec lnx ping -c 1 -W 1 10.9.0.2
check ping-cok-to-lnx ip netns exec cok ping -c 2 -i 0.2 -W 2 10.9.0.1
check ping-large ip netns exec cok ping -c 1 -s 30000 -W 3 10.9.0.1

ip netns exec cok iperf3 -s -D >/dev/null
ip netns exec lnx iperf3 -s -D >/dev/null
sleep 0.5
for dir in "" -R; do
	j=$OUT/ivshmem-tcp$dir.json
	ip netns exec lnx iperf3 -c 10.9.0.2 -t 2 -J $dir >"$j" 2>"$j.err"
	check "iperf3-tcp${dir:-}" iperf_ok "$j"
	log "plain TCP${dir:+ reverse}: $(jq -r '(.end.sum_received.bits_per_second // 0) / 1e6 | floor' "$j") Mbit/s"
done
# 64 KB datagrams both ways, at a rate a polled TCG guest sustains.
for dir in "" -R; do
	j=$OUT/ivshmem-udp64k$dir.json
	ip netns exec lnx iperf3 -c 10.9.0.2 -u -b 4M -l 65000 -t 2 -J $dir >"$j" 2>"$j.err"
	check "udp-64k${dir:-}-no-loss" udp_ok "$j"
done

# A file crosses intact (1 MB: each ring wraps a few times).
head -c 1M /dev/urandom >/tmp/ivshmem-src
ip netns exec cok timeout 600 nc -l 5301 >/tmp/ivshmem-dst &
srv=$!
wait_for 10 bash -c "ip netns exec cok ss -ltn | grep -q ':5301 '"
ip netns exec lnx timeout 600 nc -N 10.9.0.2 5301 </tmp/ivshmem-src
wait "$srv"
check nc-sha256 test "$(sha256sum </tmp/ivshmem-src)" = "$(sha256sum </tmp/ivshmem-dst)"
rm -f /tmp/ivshmem-src /tmp/ivshmem-dst
check no-doorbells-sent test "$(qstat "$x" tx_doorbells_sent)" -eq 0
check no-doorbells-received test "$(qstat "$x" doorbells_received)" -eq 0
check no-faults test "$(( $(qstat "$x" tx_drop_fault) + $(qstat "$x" rx_drop_fault) ))" -eq 0

# The doorbell pair: interrupts if the guest can have them, else polling
# with the reason logged; traffic either way.
if [ -n "$dc" ]; then
	xd=$(netdev_of "$dl")
	ip link set "$xd" master br0 up
	peer_up "$dc" cokd 10.9.0.3
	check doorbell-bus-info-has-id bash -c "ethtool -i $xd | grep -qE '^bus-info: ivshmem:$dl#[0-9]+$'"
	check doorbell-carrier-up wait_for 60 carrier "$xd"
	check doorbell-ping wait_for 30 ip netns exec lnx ping -c 2 -W 2 10.9.0.3
	ip netns exec cokd iperf3 -s -D >/dev/null
	sleep 0.5
	j=$OUT/ivshmem-doorbell-tcp.json
	ip netns exec lnx iperf3 -c 10.9.0.3 -t 2 -J >"$j" 2>"$j.err"
	check doorbell-iperf3-tcp iperf_ok "$j"
	log "doorbell TCP: $(jq -r '(.end.sum_received.bits_per_second // 0) / 1e6 | floor' "$j") Mbit/s"
	if grep -q "xenc-$dl-0" /proc/interrupts; then
		log "doorbell pair has MSI-X vectors: $(grep -c "xenc-$dl-" /proc/interrupts)"
		check doorbell-interrupts-received test "$(qstat "$xd" doorbells_received)" -gt 0
		check doorbell-interrupts-sent test "$(qstat "$xd" tx_doorbells_sent)" -gt 0
		check doorbell-not-polling bash -c "ethtool --show-priv-flags $xd | grep -q '^polling *: off'"
	elif [ "${XENC_IVSHMEM_REQUIRE_MSI:-0}" = 1 ]; then
		fail doorbell-msi "no MSI-X vectors: $(dmesg | grep -E "$dl: " | tail -n 2 | tr '\n' ' ')"
	else
		why=$(dmesg | grep -E "$dl: .*(polling instead|no doorbells)" | head -n 1)
		log "doorbell pair polls: ${why:-no reason logged}"
		check doorbell-fallback-explained test -n "$why"
		check doorbell-fallback-polls bash -c "ethtool --show-priv-flags $xd | grep -q '^polling *: on'"
	fi
fi

# The co-kernel end unbinds mid-stream: carrier down with the reason.
ip netns exec lnx iperf3 -c 10.9.0.2 -t 8 >/dev/null 2>&1 &
sleep 2
echo "$cbdf" >/sys/bus/pci/drivers/xenc_peer/unbind
check peer-unbound test -z "$(driver_of "$cbdf")$(netdev_of "$cbdf")"
check unbind-carrier-down wait_for 30 carrier "$x" 0
check unbind-reason bash -c "ethtool $x | grep -q 'Link detected: no (Autoneg, No partner detected)'"
pkill -f "iperf3 -c 10.9.0.2"
wait
ip netns del cok
echo "$cbdf" >/sys/bus/pci/drivers_probe
check peer-rebound test "$(driver_of "$cbdf")" = xenc_peer
peer_up "$cbdf" cok 10.9.0.2
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

# Unload with every device bound and busy.
ip netns exec lnx iperf3 -c 10.9.0.2 -t 6 >/dev/null 2>&1 &
sleep 2
check rmmod-peer-bound rmmod xenc_peer
check rmmod-peer-carrier-down wait_for 30 carrier "$x" 0
check rmmod-xenc-bound rmmod xenc
check rmmod-devices-unbound test -z "$(for b in $lbdf $cbdf $dl $dc; do driver_of "$b"; done)"
pkill iperf3
wait

for b in $lbdf $cbdf $dl $dc; do echo >"$pcidev/$b/driver_override"; done
for ns in $(ip netns list | awk '{ print $1 }'); do ip netns del "$ns"; done
ip link del br0
ip link del veth-lnx 2>/dev/null
true

#!/bin/bash
# Every ip/ethtool/bridge/tc command of Documentation/admin-guide.rst runs,
# in the guide's order, against real xenc devices: the guide cannot drift
# from the driver.  tools/docs-commands.py lists them (and, on the host,
# make check proves none escaped the list).  A veth named eth0 stands in
# for the physical uplink the guide bridges.
. "$(dirname "$0")/lib.sh"

guide=$XENC/Documentation/admin-guide.rst
list=$(python3 "$XENC/tools/docs-commands.py" list "$guide")
check docs-commands-found test "$(echo "$list" | grep -c .)" -ge 20

load_modules
sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
ip netns add uplink
ip link add eth0 type veth peer name eth0 netns uplink
ip -n uplink link set eth0 up
ip link set eth0 up

# Hooks on the guide's own commands: the test peer's NIC (the co-kernel
# VM's side) goes into a namespace once xenc0 exists, and the uplink must
# reach it through br0 once xenc0 is bridged and again before removal.
hooks=0
hook() {
	local name=$1
	shift
	if "$@" >/dev/null 2>&1; then
		pass "$name"
		hooks=$((hooks + 1))
	else
		fail "$name" "$*"
	fi
}
while IFS=$'\t' read -r -u 3 line cmd; do
	case $cmd in
	"ip link set xenc0 nomaster")
		hook docs-traffic-after-tuning \
			ip netns exec uplink ping -c 2 -W 2 10.9.1.2 ;;
	esac
	check "admin-guide-l$line" bash -c "$cmd"
	case $cmd in
	"ip link add xenc0 type xenc")
		pdev=$(peer_of xenc0)
		ip netns add cok
		hook docs-cokernel-nic bash -c "ip link set '$pdev' netns cok &&
			ip -n cok addr add 10.9.1.2/24 dev '$pdev' &&
			ip -n cok link set '$pdev' up" ;;
	"ip link set xenc0 master br0")
		ip -n uplink addr add 10.9.1.1/24 dev eth0
		check docs-xenc0-carrier wait_for 20 carrier xenc0
		hook docs-uplink-reaches-cokernel \
			wait_for 20 ip netns exec uplink ping -c 1 -W 1 10.9.1.2 ;;
	esac
done 3<<<"$list"
check docs-hooks-ran test $hooks -eq 3

check docs-devices-removed bash -c "! ip link show xenc0 2>/dev/null && ! ip link show br0 2>/dev/null"
ip link del eth0 2>/dev/null
ip netns del uplink
ip netns del cok 2>/dev/null
unload_modules

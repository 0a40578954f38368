#!/bin/bash
# The paper's four configurations (and the two-node VXLAN one) as
# topologies, built piecewise in each guest of a run2.sh run.  Every VM is
# a network namespace whose NIC is eth0:
#   Linux-hosted VM: a veth on guest a's bridge br0;
#   co-kernel VM:    the test peer's NIC of one shared region, in the
#                    co-kernel guest (ivshmem) or in guest a itself (local).
# Each guest records its VMs in $SYNC/ep.<guest> as "NAME GUEST KIND NETNS
# ADDR" lines; every topology names its two VMs under test vm1 and vm2, so
# a benchmark runs the same command in all of them:
#   ep_exec vm2 iperf3 -s -D; ep_exec vm1 iperf3 -c "$(ep_addr vm2)" -J
# Sourced after lib.sh and sync.sh.

TOPO_NET=10.9.0		# the bridge's subnet, VMs .1, .2, ...
NODE_NET=10.20.0	# two-node overlay: VMs on both nodes' bridges
LINK_NET=192.168.78	# underlay between guests a (.1) and b (.2)

# shellcheck disable=SC2034 # for tools/topo.sh
topologies="lnx lnx-lwk lwk lwk-lwk nodes"

# topo_layout NAME [local]: run2.sh --layout for a topology.
topo_layout() {
	case $1 in lnx|nodes) set -- "$1" ;; esac	# no co-kernel to move
	case $1${2:+-$2} in
	lnx|lnx-lwk-local|lwk-local) echo "a=" ;;
	lnx-lwk) echo "a=0 b=0" ;;
	lwk) echo "a=0,1 b=0,1" ;;
	lwk-lwk) echo "a=0,1 b=0 c=1" ;;
	nodes) echo "a= b=" ;;
	*) return 1 ;;
	esac
}

ep_add() { echo "$1 $XENC_GUEST $2 $3 $4" >>"$SYNC/ep.$XENC_GUEST"; }
ep_list() { cat "$SYNC"/ep.[a-z] 2>/dev/null; }
_ep() { ep_list | awk -v n="$1" -v f="$2" '$1 == n { print $f; exit }'; }
ep_guest() { _ep "$1" 2; }
ep_kind() { _ep "$1" 3; }
ep_ns() { _ep "$1" 4; }
ep_addr() { _ep "$1" 5; }

# ep_exec NAME CMD...: run CMD inside VM NAME, whichever guest holds it.
ep_exec() {
	local name=$1 g ns
	shift
	g=$(ep_guest "$name") ns=$(ep_ns "$name")
	[ -n "$g" ] || { echo "ep_exec: no VM named $name" >&2; return 1; }
	if [ "$g" = "$XENC_GUEST" ]; then
		ip netns exec "$ns" "$@"
	else
		on_guest "$g" ip netns exec "$ns" "$@"
	fi
}

quiet_ipv6() {
	# No IPv6 chatter: tests compare packet counters exactly.
	sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
}

vm_ns() {
	ip netns add "$1"
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	ip -n "$1" link set lo up
}

# vm_mac ADDR: a locally administered MAC unique to a VM's address.  The
# drivers derive MACs from the region's id ("local:0", a PCI address),
# which is the same on every node.
vm_mac() {
	local IFS=.
	# shellcheck disable=SC2086 # split at the dots
	printf '06:78:%02x:%02x:%02x:%02x' $1
}

# vm_nic NS DEV ADDR: move DEV into VM NS as eth0 with ADDR/24.
vm_nic() {
	ip link set "$2" netns "$1"
	ip -n "$1" link set "$2" name eth0 address "$(vm_mac "$3")"
	ip -n "$1" addr add "$3/24" dev eth0
	ip -n "$1" link set eth0 up
}

bridge_up() {
	ip link show "$1" >/dev/null 2>&1 && return 0
	quiet_ipv6
	ip link add "$1" type bridge
	ip link set "$1" up
}

# vm_linux NAME ADDR BRIDGE: a Linux-hosted VM on the bridge.
vm_linux() {
	vm_ns "$1"
	ip link add "v-$1" type veth peer name eth0 netns "$1"
	ip link set "v-$1" master "$3" up
	ip -n "$1" addr add "$2/24" dev eth0
	ip -n "$1" link set eth0 up
	ep_add "$1" lnx "$1" "$2"
}

# The test peer's NIC for a local xenc device (same bus-info); lib.sh's
# peer_of, asking ethtool only about the peer's devices (xvmN).
local_peer_of() {
	local id d
	id=$(ethtool -i "$1" | awk '/^bus-info:/ { print $2 }')
	for d in /sys/class/net/xvm*; do
		d=${d##*/}
		ethtool -i "$d" 2>/dev/null | grep -qx "bus-info: $id" && { echo "$d"; return 0; }
	done
	return 1
}

# vm_local NAME ADDR BRIDGE: a co-kernel VM over the local transport, its
# xenc device (xenc-NAME) on the bridge, its NIC (the test peer's) in NAME.
vm_local() {
	local dev=xenc-$1 pdev
	load_modules
	ip link add "$dev" type xenc
	ip link set "$dev" master "$3" up
	pdev=$(local_peer_of "$dev")
	vm_ns "$1"
	vm_nic "$1" "$pdev" "$2"
	wait_for 20 carrier "$dev"
	ep_add "$1" lwk "$1" "$2"
}

# Shared region R is ivshmem device 0000:00:(0x10+R).0 (run2.sh).
region_pci() { printf '0000:00:%02x.0' $((0x10 + $1)); }

# region_dev R: the net_device the ivshmem transport made for region R
# (xenc in guest a, the test peer's NIC in a co-kernel guest).
region_dev() {
	local pci d
	pci=$(region_pci "$1")
	for d in /sys/bus/pci/devices/"$pci"/net/*; do
		[ -e "$d" ] && { echo "${d##*/}"; return 0; }
	done
	for d in /sys/class/net/*; do
		d=${d##*/}
		ethtool -i "$d" 2>/dev/null | grep -q "^bus-info: .*$pci" &&
			{ echo "$d"; return 0; }
	done
	return 1
}

# xenc_region R BRIDGE (guest a): region R's xenc device on the bridge.
xenc_region() {
	local dev
	wait_for 20 region_dev "$1" || { echo "no xenc device for region $1" >&2; return 1; }
	dev=$(region_dev "$1")
	ip link set "$dev" master "$2" up
	echo "$dev"
}

# vm_region NAME ADDR R (co-kernel guest): region R's co-kernel VM.
vm_region() {
	local dev
	wait_for 20 region_dev "$3" || { echo "no peer device for region $3" >&2; return 1; }
	dev=$(region_dev "$3")
	vm_ns "$1"
	vm_nic "$1" "$dev" "$2"
	ep_add "$1" lwk "$1" "$2"
}

# The ivshmem roles.  Guest a: xenc binds every ivshmem device (its
# autobind), one xenc net_device each.  A co-kernel guest: the test peer
# takes its regions through driver_override, one co-kernel VM NIC each.
load_ivshmem_linux() {
	lsmod | grep -q '^xenc ' || insmod "$XENC/xenc.ko" ivshmem_autobind=1
	load_modules
}
load_ivshmem_peer() {
	local r pci
	for r in $XENC_REGIONS; do
		echo xenc_peer >"/sys/bus/pci/devices/$(region_pci "$r")/driver_override"
	done
	load_modules
	for r in $XENC_REGIONS; do
		pci=$(region_pci "$r")
		[ -e "/sys/bus/pci/devices/$pci/driver" ] || echo "$pci" >/sys/bus/pci/drivers_probe
	done
}

# link_up: the virtio-net link between guests a and b (the underlay).
link_dev() {
	local d
	for d in /sys/class/net/*; do
		grep -qx "52:54:00:78:65:0$XENC_GUEST" "$d/address" 2>/dev/null &&
			{ echo "${d##*/}"; return 0; }
	done
	return 1
}
link_addr() { case $1 in a) echo "$LINK_NET.1" ;; b) echo "$LINK_NET.2" ;; esac; }
link_up() {
	local dev
	dev=$(link_dev) || { echo "no link device" >&2; return 1; }
	# Room for VXLAN's 50 bytes: the VMs keep a 1500-byte MTU.
	ip link set "$dev" mtu 1600 up
	ip addr add "$(link_addr "$XENC_GUEST")/24" dev "$dev"
	echo "$dev"
}

# node_up N VM: one node of the two-node recipe: xenc + its own co-kernel
# VM (local transport) + a bridge joined to the other node's by VXLAN.
node_up() {
	local n=$1 vm=$2 me other dev
	me=$XENC_GUEST
	other=$([ "$me" = a ] && echo b || echo a)
	dev=$(link_up) || return 1
	bridge_up brn
	ip link add vxn type vxlan id 42 dstport 4789 dev "$dev" \
		local "$(link_addr "$me")" remote "$(link_addr "$other")"
	ip link set vxn master brn up
	vm_local "$vm" "$NODE_NET.$n" brn
}

# topo_setup NAME [local]: this guest's part of a topology.
topo_setup() {
	local t=$1 mode=${2:-}
	case $t in lnx|nodes) mode= ;; esac
	: >"$SYNC/ep.$XENC_GUEST"	# a rebooted guest starts afresh
	case $t-$mode-$XENC_GUEST in
	lnx--a)
		bridge_up br0
		vm_linux vm1 "$TOPO_NET.1" br0
		vm_linux vm2 "$TOPO_NET.2" br0 ;;
	lnx-lwk-local-a)
		bridge_up br0
		vm_linux vm1 "$TOPO_NET.1" br0
		vm_local vm2 "$TOPO_NET.2" br0 ;;
	lwk-local-a)
		bridge_up br0
		vm_local vm1 "$TOPO_NET.1" br0
		vm_local vm2 "$TOPO_NET.2" br0 ;;
	lnx-lwk--a)
		load_ivshmem_linux
		bridge_up br0
		vm_linux vm1 "$TOPO_NET.1" br0
		xenc_region 0 br0 >/dev/null ;;
	lnx-lwk--b)
		load_ivshmem_peer
		vm_region vm2 "$TOPO_NET.2" 0 ;;
	lwk--a|lwk-lwk--a)
		load_ivshmem_linux
		bridge_up br0
		xenc_region 0 br0 >/dev/null
		xenc_region 1 br0 >/dev/null ;;
	lwk--b)
		load_ivshmem_peer
		vm_region vm1 "$TOPO_NET.1" 0
		vm_region vm2 "$TOPO_NET.2" 1 ;;
	lwk-lwk--b)
		load_ivshmem_peer
		vm_region vm1 "$TOPO_NET.1" 0 ;;
	lwk-lwk--c)
		load_ivshmem_peer
		vm_region vm2 "$TOPO_NET.2" 1 ;;
	nodes--a) node_up 1 vm1 ;;
	nodes--b) node_up 2 vm2 ;;
	*) echo "topo_setup: no part for guest $XENC_GUEST in '$t${mode:+ $mode}'" >&2; return 1 ;;
	esac
}

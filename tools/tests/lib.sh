#!/bin/bash
# Shared helpers for the guest tests (netns.sh style): every check names
# what it asserts, uses the real tools and records PASS/FAIL in $OUT.
# Sourced by the scripts in this directory; runs inside the test guest.

XENC=${XENC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
RESULTS=${RESULTS:-$OUT/results.txt}
export LC_ALL=C

log() { read -r up _ </proc/uptime; echo "[${up}s] $*"; }

pass() { echo "PASS $1" >>"$RESULTS"; log "PASS $1"; }
fail() { echo "FAIL $1: ${2:-}" >>"$RESULTS"; log "FAIL $1: ${2:-}"; }

# check NAME CMD...: PASS if CMD succeeds; returns CMD's verdict.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name" "$(echo "$out" | tail -n 3 | tr '\n' ' ')"
		return 1
	fi
}

# nap SECS: sleep without a fork (each exec costs 0.1-0.4 s on the debug
# guest): wait for input that never comes on a FIFO we hold open.
nap() {
	if [ -z "${XENC_NAP_FD:-}" ]; then
		rm -f /tmp/.xenc-nap.$$
		mkfifo /tmp/.xenc-nap.$$
		exec {XENC_NAP_FD}<>/tmp/.xenc-nap.$$
		rm -f /tmp/.xenc-nap.$$
	fi
	read -rt "$1" -u "$XENC_NAP_FD" || :
}

nap 0

# wait_for SECS CMD...: poll CMD every 0.1 s until it succeeds.
wait_for() {
	local deadline=$((${EPOCHREALTIME/./} + $1 * 1000000))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "${EPOCHREALTIME/./}" -lt "$deadline" ] || return 1
		nap 0.1
	done
}

# reap SECS PID: let a process end on its own for SECS, then kill it; wait.
reap() {
	wait_for "$1" bash -c "! kill -0 $2" || kill "$2"
	wait "$2"
}

carrier() { local c; read -r c <"/sys/class/net/$1/carrier" 2>/dev/null && [ "$c" = "${2:-1}" ]; }
nscarrier() { ip netns exec "$1" cat "/sys/class/net/$2/carrier" 2>/dev/null | grep -qx "${3:-1}"; }

# One ethtool -S counter of a device (in the current namespace).
stat() { ethtool -S "$1" | awk -v k="$2:" '$1 == k { print $2 }'; }
# snmp NETNS PROTO FIELD: one counter of /proc/net/snmp in a namespace.
snmp() {
	ip netns exec "$1" cat /proc/net/snmp | awk -v p="$2:" -v f="$3" '
		$1 == p && !h { for (i = 2; i <= NF; i++) col[$i] = i; h = 1; next }
		$1 == p && h { print $(col[f]); exit }'
}
# Sum of one per-queue counter over all queues.
qstat() { ethtool -S "$1" | awk -v k="_$2:" 'index($1, k) && $1 ~ /^q[0-9]+_/ { s += $2 } END { printf "%.0f\n", s }'; }
# The counters ip -s link shows: link_stat NS DEV rx|tx packets|bytes|dropped
link_stat() {
	local ns=$1 dev=$2 dir=$3 what=$4
	ip ${ns:+-n "$ns"} -j -s link show dev "$dev" |
		jq ".[0].stats64.$dir.$what"
}

# A xenc device's debugfs state file.
dbg_state() { echo "/sys/kernel/debug/xenc/$(bus_info "$1")/state"; }
# txq STATE_FILE Q STATE: transmit queue Q is "stopped" or "running"
# (fork-free, for polling loops).
txq() {
	local l
	while read -r l; do
		[[ $l == "queue $2 vector "*" txq $3 "* ]] && return 0
	done <"$1"
	return 1
}

# bus_info DEV: ethtool -i's bus-info (a xenc region id); a xenc device
# has it in sysfs too, which costs no exec.
bus_info() {
	local i
	if [ -r "/sys/class/net/$1/xenc/region" ]; then
		read -r i <"/sys/class/net/$1/xenc/region" && echo "$i"
		return
	fi
	i=$(ethtool -i "$1" 2>/dev/null) || return 1
	[[ $i =~ bus-info:\ ([^$'\n']*) ]] && echo "${BASH_REMATCH[1]}"
}

# The test peer's device for a xenc device: same bus-info (region id).  The
# peer's own names (xvmN) come first: each ethtool costs an exec.
peer_of() {
	local id d i
	id=$(bus_info "$1") || return 1
	for d in /sys/class/net/xvm* /sys/class/net/*; do
		[ -e "$d" ] || continue
		i=$(ethtool -i "${d##*/}" 2>/dev/null) || continue
		[[ $i == *$'driver: xenc_peer\n'* && $i =~ bus-info:\ ([^$'\n']*) ]] &&
			[ "${BASH_REMATCH[1]}" = "$id" ] && echo "${d##*/}" && return 0
	done
	return 1
}
peer_knob() {
	echo "/sys/kernel/debug/xenc_peer/$(bus_info "$1")/$2"
}

# XENC_MODULES=installed: load what make install / make dkms-install put
# under /lib/modules (modprobe), not the build tree's .ko files.  ivshmem
# devices in the boot belong to ivshmem.sh: do not autobind them.
load_modules() {
	if [ "${XENC_MODULES:-}" = installed ]; then
		lsmod | grep -q '^xenc ' || modprobe xenc ivshmem_autobind=0 "$@"
		lsmod | grep -q '^xenc_peer ' || modprobe xenc_peer
		return
	fi
	[ -d /sys/module/xenc ] || insmod "$XENC/xenc.ko" ivshmem_autobind=0 "$@"
	[ -d /sys/module/xenc_peer ] || insmod "$XENC/xenc_peer.ko"
}

unload_modules() {
	rmmod xenc_peer 2>/dev/null
	rmmod xenc 2>/dev/null
	! compgen -G '/sys/module/xenc*' >/dev/null
}

# iperf_ok FILE: the iperf3 -J run finished without error and moved data.
iperf_ok() {
	jq -e '(.error | not) and
		((.end.sum_received.bytes // .end.sum.bytes // 0) > 0)' "$1" >/dev/null
}
# udp_ok FILE [NS]: an iperf3 -J UDP run that lost no datagram.  If one
# was lost, say how many and where the receiver's netns NS dropped them.
udp_ok() {
	jq -e '(.error | not) and .end.sum.packets > 0 and
		.end.sum.lost_packets == 0' "$1" >/dev/null && return
	jq -r '"lost \(.end.sum.lost_packets) of \(.end.sum.packets)"' "$1" 2>/dev/null
	[ -n "${2:-}" ] && ip netns exec "$2" awk '
		/^Ip: [0-9]/ { print "ReasmFails", $17 }
		/^Udp: [0-9]/ { print "RcvbufErrors", $6, "InErrors", $4 }' /proc/net/snmp
	return 1
}

# Bridge br0 with a Linux-hosted VM (netns lnx, 10.9.0.1) and one co-kernel
# VM per xenc device (netns cokN, 10.9.0.(N+2)) whose NIC is the test peer.
topo_up() {
	local n=${1:-1} i ns pdev
	load_modules
	# No IPv6 chatter: tests compare packet counters exactly.
	echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6
	echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
	# Few ip batches: each exec costs 0.1-0.4 s on the debug guest.
	{
		echo "netns add lnx"
		for ((i = 0; i < n; i++)); do echo "netns add cok$i"; done
	} | ip -b - || return 1
	# A new namespace does not inherit IPv6's "default" from init_net.
	for ns in lnx $(seq -f 'cok%g' 0 $((n - 1))); do
		ip netns exec "$ns" sysctl -qw \
			net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
	{
		echo "link add br0 type bridge"
		echo "link set br0 up"
		echo "link add veth-lnx type veth peer name eth0 netns lnx"
		echo "link set veth-lnx master br0 up"
		for ((i = 0; i < n; i++)); do
			echo "link add xenc$i type xenc"
			echo "link set xenc$i master br0 up"
		done
	} | ip -b - || return 1
	printf '%s\n' "link set lo up" "addr add 10.9.0.1/24 dev eth0" "link set eth0 up" |
		ip -n lnx -b - || return 1
	for ((i = 0; i < n; i++)); do
		pdev=$(peer_of "xenc$i") || return 1
		ip link set "$pdev" netns "cok$i" || return 1
		printf '%s\n' "link set $pdev name eth0" "link set lo up" \
			"addr add 10.9.0.$((i + 2))/24 dev eth0" "link set eth0 up" |
			ip -n "cok$i" -b - || return 1
	done
	for ((i = 0; i < n; i++)); do
		wait_for 10 carrier "xenc$i" || return 1
	done
	# Let the bridge learn and forward.
	wait_for 10 ip netns exec lnx ping -c 1 -W 1 10.9.0.2
}

topo_down() {
	local d
	pkill iperf3 2>/dev/null
	{
		for d in /sys/class/net/xenc*; do
			[ -e "$d" ] && echo "link del ${d##*/}"
		done
		for d in /run/netns/*; do
			[ -e "$d" ] && echo "netns del ${d##*/}"
		done
	} | ip -force -b - 2>/dev/null
	ip link del br0 2>/dev/null
	ip link del veth-lnx 2>/dev/null
	true
}

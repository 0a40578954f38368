#!/bin/bash
# Helpers of the hardening campaign (hostile, faults, integrity, overload,
# soak), sourced after lib.sh.  Loops that run hundreds of times use only
# bash builtins: on the debug kernel under TCG every fork costs 0.1-0.4 s.

# A file descriptor nobody ever writes: `read -t` on it is a fork-free sleep.
exec {XENC_SLEEP_FD}<> <(:)

# nap SECS: sleep without forking (fractions allowed).
nap() { read -r -t "$1" -u "$XENC_SLEEP_FD" _ || true; }

now_ms() { local t=${EPOCHREALTIME/./}; echo $((t / 1000)); }

# fast_wait SECS CMD...: poll CMD (a shell function or builtin) every 20 ms.
fast_wait() {
	local t=${EPOCHREALTIME/./} deadline
	deadline=$((t + $1 * 1000000))
	shift
	until "$@"; do
		t=${EPOCHREALTIME/./}
		[ "$t" -lt "$deadline" ] || return 1
		nap 0.02
	done
}

# carrier_is DEV 0|1, reading sysfs without a fork.
carrier_is() {
	local c=
	read -r c <"/sys/class/net/$1/carrier" 2>/dev/null
	[ "$c" = "$2" ]
}

# sysval FILE: print a sysfs/proc value without a fork.
sysval() {
	local v=
	read -r v <"$1" 2>/dev/null
	echo "${v:-0}"
}

# ethtool_stats ARRAY DEV: every ethtool -S counter of DEV into ARRAY.
ethtool_stats() {
	local -n _a=$1
	local k v
	_a=()
	while read -r k v; do
		[ -n "$v" ] && _a[${k%:}]=$v
	done < <(ethtool -S "$2")
}

# The fault kinds the driver counts, as ethtool -S names them.
FAULT_KINDS="prod_range cons_range len_short len_long len_unpublished flags
csum gso state generation layout version"
RING_FAULTS="prod_range cons_range len_short len_long len_unpublished flags csum gso"

# fault_total DEV: sum of every peer_fault_* counter.
fault_total() {
	ethtool -S "$1" | awk '/peer_fault_/ { s += $2 } END { print s + 0 }'
}

# per_queue DEV NAME: one per-queue counter for each real queue, "N N ...".
per_queue() {
	local n
	n=$(ls -d /sys/class/net/"$1"/queues/tx-* | wc -l)
	ethtool -S "$1" | awk -v n="$n" -v k="_$2:" '
		$1 ~ /^q[0-9]+_/ && substr($1, length($1) - length(k) + 1) == k {
			q = substr($1, 2) + 0; if (q < n) v[q] = $2 }
		END { for (i = 0; i < n; i++) printf "%d ", v[i] + 0 }'
}

# meminfo KEY: a /proc/meminfo value in KiB.
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }

# check_eq NAME GOT WANT: PASS if the numbers are equal, else say both.
check_eq() {
	if [ "$2" -eq "$3" ] 2>/dev/null; then pass "$1"; else fail "$1" "got $2, want $3"; fi
}

# Traffic generators yield to the test's own commands: on a one-CPU guest
# a few unlimited flows otherwise starve every check for minutes.
bg() { nice -n 10 "$@"; }

# path_report: where the bridge path lnx <-> xenc0 <-> cok0 stands, for a
# transfer that stopped moving: sockets, both ends' counters, the rings,
# and whether a fresh ping still crosses.
path_report() {
	local ns
	for ns in lnx cok0; do
		echo "== $ns"
		ip netns exec "$ns" ss -tin
		ip -n "$ns" -s -s link show dev eth0
		tc -n "$ns" -s qdisc show dev eth0
		ip netns exec "$ns" nstat -as | tr -s ' ' | paste -sd' '
	done
	echo "== xenc0"
	ip -s -s link show dev xenc0
	tc -s qdisc show dev xenc0
	cat "$(dbg_state xenc0)"
	ethtool -S xenc0 | grep -v ': 0$'
	bridge fdb show br br0 | grep -v permanent
	echo "== ping both ways"
	ip netns exec cok0 ping -c 2 -W 1 10.9.0.1
	ip netns exec lnx ping -c 2 -W 1 10.9.0.2
	ip netns exec cok0 ss -tin
}

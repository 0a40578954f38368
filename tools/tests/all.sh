#!/bin/bash
# Guest entry point for make check: every guest test, in one boot.
# Each test's wall time goes to $OUT/timings.txt (for budgeting make check).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export RESULTS=$OUT/results.txt
: >"$RESULTS"
: >"$OUT/timings.txt"
# "kmemleak-off" in the list: report the leaks so far as init.sh does at
# the end (objects younger than 5 s are never reported, hence two scans),
# then stop tracking.  Every exec costs about 40 % less after it, which
# the operational suites (counters, ethtool, docs) are put after it for.
kmemleak_off() {
	local f=/sys/kernel/debug/kmemleak
	[ -w "$f" ] || return 0
	echo scan >"$f"
	sleep 5
	echo scan >"$f"
	cat "$f" >"$OUT/kmemleak-early.txt"
	cat "$OUT/kmemleak-early.txt" >/dev/console
	echo "xenc-test: kmemleak switched off on purpose" >/dev/console
	echo off >"$f"
	touch /run/xenc-kmemleak-off
}

# XENC_SUITE_TIMEOUT (seconds, 0 = none): a suite that hangs fails alone,
# with what it was waiting on, and the suites after it still run.
limit=${XENC_SUITE_TIMEOUT:-0}
hung() {
	local t=$1 p c
	echo "FAIL $t-finished: still running after $limit s, stopped; see $t-hung.txt" \
		>>"$RESULTS"
	{
		ps -eo pid,stat,etime,wchan:24,args
		# Where each user process sleeps in the kernel.
		for p in /proc/[0-9]*; do
			c=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)
			[ -n "$c" ] || continue
			echo "== ${p#/proc/} $c"
			cat "$p/stack" 2>/dev/null
		done
		ip -s -d link
		for d in /sys/class/net/xenc*; do
			[ -e "$d" ] && ethtool -S "${d##*/}"
		done
		# Ring indices, queue states, handshake: both ends.
		for d in /sys/kernel/debug/xenc*/*/state; do
			[ -e "$d" ] && echo "== $d" && cat "$d"
		done
		dmesg | tail -n 50
	} >"$OUT/$t-hung.txt" 2>&1
	# Blocked kernel tasks' stacks, to the console log.
	{ echo w >/proc/sysrq-trigger; } 2>/dev/null
	(. "$here/lib.sh"; topo_down) >/dev/null 2>&1
}

for t in ${XENC_TESTS:-kunit datapath reconfig coalesce counters qstats trace hostile faults integrity overload soak link ivshmem phys version docs examples dkms offload xdp bench_smoke}; do
	if [ "$t" = kmemleak-off ]; then
		kmemleak_off
		continue
	fi
	echo "=== $t"
	t0=$(date +%s)
	timeout -k 10 "$limit" bash "$here/$t.sh"
	rc=$? el=$(($(date +%s) - t0))
	if [ "$limit" -gt 0 ] && [ "$el" -ge "$limit" ] && { [ $rc -eq 124 ] || [ $rc -eq 137 ]; }; then
		hung "$t"
	fi
	echo "$t $el" >>"$OUT/timings.txt"
done
! grep -q '^FAIL' "$RESULTS"

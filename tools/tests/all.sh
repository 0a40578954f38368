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

for t in ${XENC_TESTS:-kunit datapath reconfig coalesce counters qstats trace hostile faults integrity overload soak link ivshmem phys version docs examples dkms offload xdp bench_smoke}; do
	if [ "$t" = kmemleak-off ]; then
		kmemleak_off
		continue
	fi
	echo "=== $t"
	t0=$(date +%s)
	bash "$here/$t.sh"
	echo "$t $(($(date +%s) - t0))" >>"$OUT/timings.txt"
done
! grep -q '^FAIL' "$RESULTS"

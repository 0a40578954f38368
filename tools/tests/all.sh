#!/bin/bash
# Guest entry point for make check: every guest test, in one boot.
# Each test's wall time goes to $OUT/timings.txt (for budgeting make check).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export RESULTS=$OUT/results.txt
: >"$RESULTS"
: >"$OUT/timings.txt"
for t in ${XENC_TESTS:-kunit datapath reconfig coalesce counters qstats trace hostile faults integrity overload soak link ivshmem phys version docs examples dkms offload xdp bench_smoke}; do
	echo "=== $t"
	t0=$(date +%s)
	bash "$here/$t.sh"
	echo "$t $(($(date +%s) - t0))" >>"$OUT/timings.txt"
done
! grep -q '^FAIL' "$RESULTS"

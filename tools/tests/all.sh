#!/bin/bash
# Guest entry point for make check: every guest test, in one boot.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export RESULTS=$OUT/results.txt
: >"$RESULTS"
for t in ${XENC_TESTS:-kunit datapath reconfig coalesce counters qstats trace hostile faults integrity overload soak link ivshmem phys version docs examples dkms offload xdp bench_smoke}; do
	echo "=== $t"
	bash "$here/$t.sh"
done
! grep -q '^FAIL' "$RESULTS"

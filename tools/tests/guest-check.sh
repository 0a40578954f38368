#!/bin/bash
# Host side of the guest tests: boot, run all.sh, collect PASS/FAIL lines,
# and count a clean kernel log (no splat) as one more test per boot.
# With XENC_TESTS set, one guest runs those tests in $OUTDIR.  Otherwise
# the make check list runs as XENC_SHARDS ("tests | tests ..."), one guest
# per shard, all at once in $OUTDIR/<n>: a guest keeps about one host core
# busy, since the tests mostly wait on traffic and timers.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: guest-check.sh RESULTS_FILE}
. "$top/tools/guest/visible.sh"
export OUTDIR=${OUTDIR:-$top/build/guest}
rm -rf "$OUTDIR"; mkdir -p "$OUTDIR"
. "$top/tools/tests/ivshmem-qemu.sh"

# boot DIR SUFFIX: one guest running $XENC_TESTS; results in DIR/verdict.txt.
boot() {
	local dir=$1 sfx=$2 rc
	export XENC_TESTS
	mkdir -p "$dir"
	# ivshmem.sh's devices and server, phys.sh's reserved memory.
	ivshmem_qemu_start "$top"
	OUTDIR=$dir "$top/tools/guest/run.sh" --timeout "${XENC_GUEST_TIMEOUT:-3000}" \
		--qemu-extra "$ivshmem_args" --append "$phys_append" \
		-- "$top/tools/tests/all.sh" >"$dir/run.log" 2>&1
	rc=$?
	ivshmem_qemu_stop
	cp "$dir/results.txt" "$dir/verdict.txt" 2>/dev/null || : >"$dir/verdict.txt"
	if grep -q '^run.sh: FAIL: kernel splat' "$dir/run.log"; then
		echo "FAIL guest$sfx-kernel-log-clean: see $dir/console.log" >>"$dir/verdict.txt"
	elif [ $rc -ge 124 ]; then
		echo "FAIL guest$sfx-completed: rc=$rc (timeout or crash), see $dir/console.log" >>"$dir/verdict.txt"
	else
		echo "PASS guest$sfx-kernel-log-clean" >>"$dir/verdict.txt"
	fi
}

if [ -n "${XENC_TESTS:-}" ]; then
	boot "$OUTDIR" ""
	cp "$OUTDIR/verdict.txt" "$out"
else
	shards=${XENC_SHARDS:-kunit datapath reconfig coalesce counters qstats trace hostile faults integrity overload soak link ivshmem phys version docs examples dkms offload xdp bench_smoke}
	IFS='|' read -ra list <<<"$shards"
	for i in "${!list[@]}"; do
		XENC_TESTS=${list[$i]} boot "$OUTDIR/$i" "-$i" &
	done
	wait
	cat "$OUTDIR"/*/verdict.txt >"$out" 2>/dev/null
	for i in "${!list[@]}"; do
		echo "guest $i ($(echo ${list[$i]})): $(awk '{ s += $2 } END { print s }' "$OUTDIR/$i/timings.txt" 2>/dev/null) s of tests"
	done
fi
grep -E '^(PASS|FAIL)' "$out"
! grep -q '^FAIL' "$out"

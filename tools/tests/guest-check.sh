#!/bin/bash
# Host side of the guest tests: boot once, run all.sh, collect PASS/FAIL
# lines, and count a clean kernel log (no splat) as one more test.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: guest-check.sh RESULTS_FILE}
. "$top/tools/guest/visible.sh"
export OUTDIR=${OUTDIR:-$top/build/guest}
rm -rf "$OUTDIR"; mkdir -p "$OUTDIR"
# ivshmem.sh's devices and server, phys.sh's reserved memory.
. "$top/tools/tests/ivshmem-qemu.sh"
ivshmem_qemu_start "$top"
"$top/tools/guest/run.sh" --timeout "${XENC_GUEST_TIMEOUT:-3000}" --qemu-extra "$ivshmem_args" \
	--append "$phys_append" \
	-- "$top/tools/tests/all.sh" >"$OUTDIR/run.log" 2>&1
rc=$?
ivshmem_qemu_stop
cp "$OUTDIR/results.txt" "$out" 2>/dev/null || : >"$out"
if grep -q '^run.sh: FAIL: kernel splat' "$OUTDIR/run.log"; then
	echo "FAIL guest-kernel-log-clean: see $OUTDIR/console.log" >>"$out"
elif [ $rc -ge 124 ]; then
	echo "FAIL guest-completed: rc=$rc (timeout or crash), see $OUTDIR/console.log" >>"$out"
else
	echo "PASS guest-kernel-log-clean" >>"$out"
fi
grep -E '^(PASS|FAIL)' "$out"
! grep -q '^FAIL' "$out"

#!/bin/bash
# Host side of the guest tests: boot once, run all.sh, collect PASS/FAIL
# lines, and count a clean kernel log (no splat) as one more test.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: guest-check.sh RESULTS_FILE}
. "$top/tools/guest/visible.sh"
export OUTDIR=${OUTDIR:-$top/build/guest}
rm -rf "$OUTDIR"; mkdir -p "$OUTDIR"
# ivshmem.sh: two ivshmem-plain devices over one fresh host file.
ivshm=/dev/shm/xenc-ivshmem-$$-$RANDOM
ivdev() { echo "-object memory-backend-file,id=xiv$1,size=16M,share=on,mem-path=$ivshm -device ivshmem-plain,memdev=xiv$1,addr=$2"; }
"$top/tools/guest/run.sh" --timeout "${XENC_GUEST_TIMEOUT:-1500}" \
	--qemu-extra "$(ivdev 0 0x10) $(ivdev 1 0x11)" \
	-- "$top/tools/tests/all.sh" >"$OUTDIR/run.log" 2>&1
rc=$?
rm -f "$ivshm"
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

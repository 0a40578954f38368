#!/bin/bash
# Host side of the two-guest tests (make twoguest-test, part of make
# check): guests a (Linux + xenc) and b (the co-kernel) share ivshmem
# region 0 and a virtio-net link; tools/tests/twoguest.sh runs in both and
# guest b is killed and booted again on the way.  Collects the PASS/FAIL
# lines of every boot plus run2.sh's per-boot kernel-log verdicts.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
out=${1:?usage: twoguest-check.sh RESULTS_FILE}
. "$top/tools/guest/visible.sh"
export OUTDIR=${OUTDIR:-$top/build/twoguest}
rm -rf "$OUTDIR"; mkdir -p "$OUTDIR"
"$top/tools/guest/run2.sh" --layout "a=0 b=0" --timeout 900 -- \
	"$top/tools/tests/twoguest.sh" >"$OUTDIR/run.log" 2>&1
rc=$?
cp "$OUTDIR/results.txt" "$out" 2>/dev/null || : >"$out"
[ -s "$out" ] || echo "FAIL twoguest-ran: rc=$rc, see $OUTDIR/run.log" >>"$out"
grep -E '^(PASS|FAIL)' "$out"
grep "^run2.sh: .* boots in" "$OUTDIR/run.log" || true
! grep -q '^FAIL' "$out"

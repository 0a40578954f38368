#!/bin/bash
# The bench harness works (make bench's guest side, the relay baseline, the
# CSV checker, the plots and the report generator), not how fast anything
# is: one very short run of every data path this guest offers, then the
# report tools on what it wrote.  No threshold on any measured value.
. "$(dirname "$0")/lib.sh"

B=$OUT/bench-smoke
rm -rf "$B"
XENC_BENCH_MODE=smoke XENC_BENCH_OUT=$B bash "$XENC/tools/bench/guest.sh" \
	>"$OUT/bench-smoke.log" 2>&1
check bench-smoke-ran test $? -eq 0
check bench-smoke-no-failed-measurement test ! -s "$B/log/errors.txt"

paths=$(awk -F, '$1 == "paths" { print $2 }' "$B/meta.csv" 2>/dev/null)
check bench-smoke-paths-listed test -n "$paths"
for p in $paths; do
	check "bench-smoke-$p-udp-row" grep -q "^$p,LNX-LWK,1470,8," "$B/udp.csv"
	check "bench-smoke-$p-tcp-row" grep -q "^$p,LNX-LWK,1," "$B/tcp.csv"
	check "bench-smoke-$p-rr-row" grep -q "^$p,LNX-LWK,rr,64," "$B/lat.csv"
done
# The paired round ran both paths (xenc and veth VMs on one bridge).
for p in xenc veth; do
	[[ " $paths " == *" $p "* ]] &&
		check "bench-smoke-paired-$p-tcp" grep -q "^1,tcp1,LNX-LWK,$p,[0-9]" "$B/paired.csv"
done
# Doorbells were counted on the doorbell-driven xenc path (issue 8).
db=$(awk -F, '$1 == "xenc" && $2 == "LNX-LWK" { print $NF; exit }' "$B/tcp.csv" 2>/dev/null)
[[ " $paths " == *" xenc "* ]] &&
	check bench-smoke-xenc-doorbells-counted test "${db:-0}" -gt 0
# The relay really carried the frames: both directions, no fault.
if [[ " $paths " == *" relay "* ]]; then
	line=$(grep '^vm=rtap0 ' "$B"/log/relay-*.log | tail -n 1)
	val() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$line"; }
	check bench-smoke-relay-to-vm test "$(val to_vm_frames)" -gt 0
	check bench-smoke-relay-from-vm test "$(val from_vm_frames)" -gt 0
	check bench-smoke-relay-no-fault test "$(val faults)" -eq 0
	check bench-smoke-relay-linked test "$(val connects)" -ge 1
fi

report=$XENC/tools/bench/report.py
check bench-smoke-csv-well-formed python3 "$report" check "$B"
check bench-smoke-plots python3 "$report" plot "$B" "$B"
check bench-smoke-plot-tcp test -s "$B/tcp.png"
check bench-smoke-report python3 "$report" report "$B" "$B/results.rst" \
	--plots "$B/plots"
for p in $paths; do
	check "bench-smoke-report-$p-column" grep -q "  $p  " "$B/results.rst"
done
check bench-smoke-report-ratios grep -q '^Side by side' "$B/results.rst"
check bench-smoke-report-paired grep -q '^Paired rounds' "$B/results.rst"
check bench-smoke-report-says-tcg grep -q 'TCG' "$B/results.rst"
[[ " $paths " == *" xenc "* ]] &&
	check bench-smoke-report-doorbells grep -q '^Doorbells per Gbit' "$B/results.rst"

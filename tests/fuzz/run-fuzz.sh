#!/bin/sh
# Run the libFuzzer target for a bounded time/number of runs from the
# committed seeds, and report one "PASS fuzz/NAME" / "FAIL fuzz/NAME" line
# (also appended to RESULTS).  New inputs go to a scratch corpus under
# build/, never into the committed one; a crash leaves its reproducer there.
#
#   run-fuzz.sh FUZZER RESULTS NAME SEEDS WORKDIR [libFuzzer flags...]
set -u

fuzzer=$1 results=$2 name=$3 seeds=$4 work=$5
shift 5
log=$work/$name.log

mkdir -p "$work/$name-corpus" "${results%/*}"
"$fuzzer" -print_final_stats=1 -artifact_prefix="$work/$name-" "$@" \
	"$work/$name-corpus" "$seeds" >"$log" 2>&1
rc=$?
tail -n 12 "$log"
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
	line="PASS fuzz/$name"
	echo "# fuzz/$name: $runs runs, $eps exec/s"
else
	art=$(ls "$work/$name"-crash-* "$work/$name"-leak-* \
		"$work/$name"-timeout-* "$work/$name"-oom-* 2>/dev/null | head -n 1)
	line="FAIL fuzz/$name: libFuzzer exit $rc after ${runs:-?} runs${art:+, reproducer $art}"
	[ "$rc" -eq 0 ] && rc=1
fi
echo "$line"
echo "$line" >>"$results"
exit "$rc"

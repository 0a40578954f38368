#!/bin/sh
# Run one native test binary, show its output, and append its result lines
# ("PASS name" / "FAIL name: why") to a results file for `make check`.
# A binary that dies without printing a FAIL line (crash, sanitizer abort,
# timeout) still gets one, so a failure can never go uncounted.
#
#   run-test.sh RESULTS NAME TIMEOUT_SECS CMD [ARGS...]
set -u

results=$1 name=$2 limit=$3
shift 3
log=${results%/*}/$name.log

mkdir -p "${results%/*}"
start=$(date +%s)
timeout -k 5 "$limit" "$@" >"$log" 2>&1
rc=$?
end=$(date +%s)
cat "$log"
grep -E '^(PASS|FAIL) ' "$log" >>"$results"
if [ "$rc" -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
	if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
		why="timed out after ${limit}s"
	else
		why="exit status $rc without a FAIL line (see $log)"
	fi
	echo "FAIL $name: $why" | tee -a "$results"
fi
if [ "$rc" -eq 0 ] && ! grep -q '^PASS ' "$log"; then
	echo "FAIL $name: no test ran" | tee -a "$results"
	rc=1
fi
echo "# $name: exit $rc in $((end - start)) s"
exit "$rc"

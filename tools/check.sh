#!/bin/bash
# make check: build everything, run every test, print "N passed, N failed".
# Each step leaves PASS/FAIL lines in build/results/*.txt; logs are in
# build/logs/.  A failed build step still lets the independent ones run.
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
res=$top/build/results
logs=$top/build/logs
mkdir -p "$res" "$logs"
cd "$top"
start=$(date +%s)

# step NAME CMD...: one PASS/FAIL line for a command's exit status.
step() {
	local name=$1 t0=$(date +%s)
	shift
	if "$@" >"$logs/$name.log" 2>&1; then
		echo "PASS $name" >>"$res/steps.txt"
		echo "PASS $name ($(($(date +%s) - t0))s)"
	else
		echo "FAIL $name" >>"$res/steps.txt"
		echo "FAIL $name ($(($(date +%s) - t0))s), log: build/logs/$name.log"
		tail -n 20 "$logs/$name.log" | sed 's/^/    /'
	fi
}

tools/deps.sh || { echo "0 passed, 1 failed"; exit 1; }
step kernel-build tools/guest/build-kernel.sh
step modules-6.12-W1 bash -c 'make -s modules 2>&1 | tee /dev/stderr | { ! grep -E "warning|error"; }'
# W=1 + sparse against every kernel here (Debian headers, test kernel).
step kernels-W1-sparse tools/build-kernels.sh
step dkms-6.1 make -s dkms-build-6.1
# The guest's DKMS test installs this (no compiling in the TCG guest).
step dkms-6.12-tarball make -s dkms-tarball
step install-staged make -s install-check
step checkpatch make -s checkpatch
step cokernel-freestanding make -s cokernel-freestanding
step version-consistent make -s version-check
step docs-commands-and-rst make -s docs-check
step native-build make -s native-build
make -s native-test >"$logs/native.log" 2>&1 || true
step guest-tests make -s guest-test
step twoguest-tests make -s twoguest-test

results=("$res"/*.txt "$top"/build/native/results.txt)
pass=$(cat "${results[@]}" 2>/dev/null | grep -c '^PASS')
fail=$(cat "${results[@]}" 2>/dev/null | grep -c '^FAIL')
cat "${results[@]}" 2>/dev/null | grep '^FAIL' | sed 's/^/  /'
echo "make check took $(($(date +%s) - start))s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

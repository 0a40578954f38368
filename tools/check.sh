#!/bin/bash
# make check: build everything, run every test, print "N passed, N failed".
# Each step leaves PASS/FAIL lines in build/results/*.txt; logs are in
# build/logs/.  A failed build step still lets the independent ones run.
# Steps run one after another: the guests' tests are timing-sensitive and
# ran twice as long beside the build checks.  XENC_CHECK_FULL=1 (make
# check-full) runs every guest suite at full length.
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
		echo "PASS $name" >>"$res/steps-$name.txt"
		echo "PASS $name ($(($(date +%s) - t0))s)"
	else
		echo "FAIL $name" >>"$res/steps-$name.txt"
		echo "FAIL $name ($(($(date +%s) - t0))s), log: build/logs/$name.log"
		tail -n 20 "$logs/$name.log" | sed 's/^/    /'
		return 1
	fi
}

tools/deps.sh || { echo "0 passed, 1 failed"; exit 1; }
j=-j$(nproc)
step kernel-build tools/guest/build-kernel.sh
# The test kernel's build is W=1 + sparse (C=2: every file) itself; then
# the same against every other kernel here (Debian's headers).
step modules-6.12-W1-sparse bash -c "make -s $j modules C=2 2>&1 | tee /dev/stderr | { ! grep -E 'warning|error'; }"
step kernels-W1-sparse tools/build-kernels.sh /usr/src/linux-headers-*-amd64
full=${XENC_CHECK_FULL:-0}
# Packaging: a DKMS build against Debian's 6.1 headers, the tarball the
# guest's DKMS test installs (no compiling in the TCG guest), and make
# install into a staging root.  Three more module builds: check-full only.
if [ "$full" = 1 ]; then
	step dkms-6.1 make -s dkms-build-6.1
	step dkms-6.12-tarball make -s dkms-tarball
	step install-staged make -s $j install-check
fi
step checkpatch make -s checkpatch
step cokernel-freestanding make -s cokernel-freestanding
step version-consistent make -s version-check
step docs-commands-and-rst make -s docs-check
step native-build make -s $j native-build
make -s native-test >"$logs/native.log" 2>&1 || true
step guest-tools make -s bench-tools ivshmem-server
step guest-tests make -s guest-test-run
step twoguest-tests make -s twoguest-test-run

results=("$res"/*.txt "$top"/build/native/results.txt)
pass=$(cat "${results[@]}" 2>/dev/null | grep -c '^PASS')
fail=$(cat "${results[@]}" 2>/dev/null | grep -c '^FAIL')
cat "${results[@]}" 2>/dev/null | grep '^FAIL' | sed 's/^/  /'
echo "make check took $(($(date +%s) - start))s"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]

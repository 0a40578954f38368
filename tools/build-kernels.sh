#!/bin/bash
# Build the modules against every kernel available here, W=1 and sparse
# (C=1; every file is compiled, so every file is checked), and fail on any
# warning or error.  Kernels: each /usr/src/linux-headers-*-amd64 (Debian's
# packaged headers), the test kernel, and XENC_KDIRS (space-separated).
# Each kernel gets its own copy of the sources (objects never mix) and one
# PASS/FAIL line in RESULTS (default build/results/kernels.txt).
#
# usage: tools/build-kernels.sh [KDIR...]   (default: the list above)
set -uo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
res=${RESULTS:-$top/build/results/kernels.txt}
out=$top/build/kernels
mkdir -p "$(dirname "$res")" "$out"

if [ $# -eq 0 ]; then
	set -- /usr/src/linux-headers-*-amd64 "$("$top/tools/guest/kdir.sh")" \
		${XENC_KDIRS:-}
fi

fail=0 n=0
for kdir in "$@"; do
	[ -f "$kdir/Makefile" ] || continue
	kver=$(cat "$kdir/include/config/kernel.release" 2>/dev/null) || continue
	name=$kver
	case $kdir in */linux-headers-*) name=${kdir##*/linux-headers-} ;; esac
	src=$out/$name
	rm -rf "$src"; mkdir -p "$src"
	(cd "$top" && cp -r Kbuild include ring shm driver cokernel kunit "$src/")
	find "$src" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o \
		-name '*.mod*' \) -delete
	n=$((n + 1))
	if make -s -j"$(nproc)" -C "$kdir" M="$src" W=1 C=1 modules >"$src.log" 2>&1 &&
		! grep -E 'warning|error' "$src.log" &&
		ls "$src"/xenc.ko "$src"/xenc_peer.ko >/dev/null; then
		echo "PASS build-$name-W1-sparse" | tee -a "$res"
	else
		echo "FAIL build-$name-W1-sparse: see $src.log" | tee -a "$res"
		tail -n 20 "$src.log" | sed 's/^/    /'
		fail=1
	fi
done
[ $n -gt 0 ] || { echo "FAIL build-kernels: no kernel build tree found" | tee -a "$res"; exit 1; }
exit $fail

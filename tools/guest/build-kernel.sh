#!/bin/bash
# Build (or reuse) the xenc test kernel and print its build dir (KDIR) as
# the last stdout line. Cache: ${XENC_CACHE:-/var/cache/xenc}/linux-6.12-<key>
# (see kdir.sh for the key). A no-op when the entry's stamp exists; the stamp
# is written last, so an interrupted build is resumed (incrementally, without
# re-extracting the tarball if extraction had finished).
# Env: XENC_CACHE, XENC_KFLAVOR (debug|base), XENC_JOBS (default nproc).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kdir=$("$here/kdir.sh")
cache=$(dirname "$kdir")
stamp=$kdir/.xenc-built
log=$kdir.log
tarball=/usr/src/linux-source-6.12.tar.xz
flavor=${XENC_KFLAVOR:-debug}
frags=("$here/config/base.config")
[ "$flavor" = debug ] && frags+=("$here/config/debug.config")

if [ -e "$stamp" ]; then
	echo "$kdir"
	exit 0
fi

mkdir -p "$cache"
# Serialize concurrent builders of the same key (e.g. two parallel makes).
exec 9>"$kdir.lock"
flock 9
if [ -e "$stamp" ]; then   # someone else finished it while we waited
	echo "$kdir"
	exit 0
fi

fail() {
	echo "build-kernel.sh: $1; last lines of $log:" >&2
	tail -n 40 "$log" >&2 || true
	exit 1
}

: >"$log"
echo "build-kernel.sh: building $flavor kernel in $kdir (log: $log)" >&2
start=$(date +%s)

if [ ! -e "$kdir/.xenc-extracted" ]; then
	[ -r "$tarball" ] || { echo "build-kernel.sh: $tarball missing; run tools/deps.sh" >&2; exit 1; }
	rm -rf "$kdir" "$kdir.partial"
	mkdir -p "$kdir.partial"
	tar -C "$kdir.partial" --strip-components=1 -xf "$tarball" >>"$log" 2>&1 ||
		fail "extracting $tarball failed"
	mv "$kdir.partial" "$kdir"
	touch "$kdir/.xenc-extracted"
fi

cd "$kdir"
# ARCH=x86_64 (not the default ARCH=x86) so allnoconfig keeps 64BIT=y.
export ARCH=x86_64
# merge_config.sh -n: merged fragments become KCONFIG_ALLCONFIG of allnoconfig.
scripts/kconfig/merge_config.sh -n "${frags[@]}" >>"$log" 2>&1 ||
	fail "merge_config.sh failed"
# merge_config only warns about options Kconfig dropped; make that fatal.
"$here/check-config.sh" .config "${frags[@]}" 2>&1 | tee -a "$log" >&2 ||
	fail "fragments do not survive into .config"

make -j"${XENC_JOBS:-$(nproc)}" bzImage modules >>"$log" 2>&1 ||
	fail "kernel build failed"

# Byte-compile kunit.py's modules now: in the guest the tree is read-only
# and compiling them on every ktap.sh call costs ~4 s on the debug kernel.
python3 -m compileall -q tools/testing/kunit >>"$log" 2>&1 ||
	fail "compiling tools/testing/kunit failed"

touch "$stamp"
echo "build-kernel.sh: done in $(( $(date +%s) - start ))s" >&2
echo "$kdir"

#!/bin/bash
# DKMS add + build of this tree against one kernel build tree, in private
# DKMS trees under build/dkms/<release>/ (nothing registered on the host, no
# signing key made), failing on any compiler warning.  With --tarball, also
# pack the sources and the built modules into a DKMS tarball that
# "make dkms-install DKMS_TARBALL=..." installs without compiling (a build
# host serving compute nodes; the guest's DKMS test).
#
# usage: tools/dkms-private.sh KDIR [--tarball]   (prints the tarball path)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kdir=${1:?usage: dkms-private.sh KDIR [--tarball]}
tarball=${2:-}
ver=$(make -s -C "$top" version | awk '{ print $2 }')
# Debian's headers: the release is the directory's (uname -r), not the
# upstream one in kernel.release.
kdir=${kdir%/}
case $kdir in
*/linux-headers-*) kver=${kdir##*/linux-headers-} ;;
/lib/modules/*/build) kver=${kdir#/lib/modules/}; kver=${kver%/build} ;;
*) kver=$(cat "$kdir/include/config/kernel.release") ;;
esac
base=$top/build/dkms/$kver
out=$top/build/dkms/xenc-$ver-$kver.dkms.tar.gz

# A tarball newer than every packaged file and the kernel is up to date.
if [ "$tarball" = --tarball ] && [ -f "$out" ] && [ "$out" -nt "$kdir/Module.symvers" ] &&
	[ -z "$(cd "$top" && find Kbuild dkms.conf include ring shm driver cokernel kunit \
		"${BASH_SOURCE[0]}" -newer "$out" -print -quit)" ]; then
	echo "$out"
	exit 0
fi
flags=(--sourcetree "$base/src" --dkmstree "$base/tree")
log=$base/tree/xenc/$ver/$kver/x86_64/log/make.log

rm -rf "$base"
mkdir -p "$base/tree"
make -s -C "$top" dkms-src DKMS_SRCDIR="$base/src" >/dev/null
export sign_file=/nonexistent
dkms add "${flags[@]}" -m xenc -v "$ver" >"$base/dkms.log" 2>&1
if ! dkms build "${flags[@]}" -m xenc -v "$ver" -k "$kver" \
	--kernelsourcedir "$kdir" >>"$base/dkms.log" 2>&1; then
	cat "$base/dkms.log" "$log" 2>/dev/null >&2
	exit 1
fi
if grep -E 'warning|error' "$log" >&2; then
	exit 1
fi
ls "$base/tree/xenc/$ver/$kver"/*/module/xenc.ko* \
	"$base/tree/xenc/$ver/$kver"/*/module/xenc_peer.ko* >/dev/null
if [ "$tarball" = --tarball ]; then
	dkms mktarball "${flags[@]}" -m xenc -v "$ver" -k "$kver" \
		--archive "$out" >>"$base/dkms.log" 2>&1
	echo "$out"
fi

#!/bin/bash
# Package a kernel build tree's headers for building external modules, as
# a linux-headers package would ship them (the kernel's own
# scripts/package/install-extmod-build, plus .config), into one tar file:
# build/kheaders/<release>.tar.  The guest's DKMS test unpacks it into a
# tmpfs /lib/modules/<release>/build: compiling against the read-only 9p
# tree itself costs minutes per object under TCG (thousands of header
# lookups over 9p), against tmpfs seconds.
#
# usage: tools/kheaders.sh [KDIR]   (default: the test kernel); prints the
# tar's path.  Rebuilt only when KDIR's Module.symvers is newer.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kdir=${1:-$("$top/tools/guest/kdir.sh")}
kver=$(cat "$kdir/include/config/kernel.release")
out=$top/build/kheaders
tar=$out/$kver.tar

if [ -f "$tar" ] && [ "$tar" -nt "$kdir/Module.symvers" ] &&
	[ "$tar" -nt "${BASH_SOURCE[0]}" ]; then
	echo "$tar"
	exit 0
fi
mkdir -p "$out"
stage=$(mktemp -d "$out/.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
cc=${CC:-gcc}
(
	cd "$kdir"
	srctree=. SRCARCH=x86 CC=$cc HOSTCC=$cc MAKE=make \
		sh scripts/package/install-extmod-build "$stage" >&2
	cp .config "$stage/.config"
)
tar -C "$stage" -cf "$tar.tmp" .
mv "$tar.tmp" "$tar"
echo "$tar"

#!/bin/bash
# Print the kernel build dir (KDIR) for the current cache key, without
# building. Meant for Makefiles:  KDIR ?= $(shell tools/guest/kdir.sh)
# Env: XENC_CACHE (default /var/cache/xenc)
#      XENC_KFLAVOR debug (default: base+debug fragments) | base
# The key hashes everything that decides the build's result: the flavor,
# its fragments, the linux-source-6.12 package version and build-kernel.sh.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${XENC_CACHE:-/var/cache/xenc}
flavor=${XENC_KFLAVOR:-debug}

case $flavor in
base)  frags=("$here/config/base.config") ;;
debug) frags=("$here/config/base.config" "$here/config/debug.config") ;;
*) echo "kdir.sh: unknown XENC_KFLAVOR '$flavor' (debug|base)" >&2; exit 2 ;;
esac

if ! ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) || [ -z "$ver" ]; then
	echo "kdir.sh: linux-source-6.12 is not installed; run tools/deps.sh" >&2
	exit 1
fi

key=$({
	echo "flavor=$flavor"
	echo "linux-source-6.12=$ver"
	for f in "${frags[@]}"; do echo "== ${f##*/}"; cat "$f"; done
	echo "== build-kernel.sh"; cat "$here/build-kernel.sh"
} | sha256sum | cut -c1-16)

echo "$cache/linux-6.12-$key"

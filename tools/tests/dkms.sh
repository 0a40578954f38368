#!/bin/bash
# make dkms-install from a fresh copy of the tree, then modprobe and traffic
# on the installed modules, then make dkms-uninstall.  The guest's root is
# the host's, read-only: tmpfs goes over everything DKMS writes
# (/usr/src, /var/lib/dkms, /lib/modules), and /lib/modules/$(uname -r)/build
# points at the test kernel, as a linux-headers package would.
#
# XENC_DKMS_FROM=tarball (default when build/dkms/ has one for this kernel;
# make check's dkms-6.12 step makes it): DKMS loads the sources and the
# modules the host built for this kernel, the build-host-for-nodes flow.
# XENC_DKMS_FROM=source (make dkms-guest-check): DKMS compiles here, which
# takes minutes under TCG.
. "$(dirname "$0")/lib.sh"

kver=$(uname -r)
ver=$(sed -n 's/^#define XENC_VERSION[[:space:]]*"\(.*\)"/\1/p' "$XENC/include/xenc_version.h")
src=/tmp/xenc-clone
mnts=(/usr/src /var/lib/dkms /lib/modules)
tarball=$XENC/build/dkms/xenc-$ver-$kver.dkms.tar.gz
from=${XENC_DKMS_FROM:-$([ -f "$tarball" ] && echo tarball || echo source)}
log "DKMS from $from"

cleanup() {
	unload_modules
	local m
	for m in "${mnts[@]}"; do umount "$m" 2>/dev/null; done
}

unload_modules
for m in "${mnts[@]}"; do mount -t tmpfs tmpfs "$m" || fail dkms-tmpfs "$m"; done
mkdir -p "/lib/modules/$kver"
# Compiling here: headers in tmpfs (tools/kheaders.sh, as linux-headers
# ships them) spare thousands of 9p lookups per object.
kheaders=$XENC/build/kheaders/$kver.tar
if [ "$from" = source ] && [ -f "$kheaders" ]; then
	mkdir "/lib/modules/$kver/build"
	tar -C "/lib/modules/$kver/build" -xf "$kheaders"
else
	ln -s "$KDIR" "/lib/modules/$kver/build"
fi

# A fresh clone: the tracked files and new ones, no build products.
mkdir -p "$src"
git -C "$XENC" ls-files -co --exclude-standard | tar -C "$XENC" -cf - -T - |
	tar -C "$src" -xf -
check dkms-clone-has-no-objects bash -c "! ls $src/*.ko $src/driver/*.o 2>/dev/null"

t0=$(date +%s)
if [ "$from" = tarball ]; then
	make -C "$src" dkms-install DKMS_TARBALL="$tarball" >"$OUT/dkms-install.log" 2>&1
else
	make -C "$src" dkms-install >"$OUT/dkms-install.log" 2>&1
fi
rc=$?
log "make dkms-install (from $from): rc=$rc in $(($(date +%s) - t0)) s"
check "dkms-install-from-$from" test $rc -eq 0
check dkms-status-installed bash -c "dkms status xenc/$ver -k $kver | grep -q ': installed'"
check dkms-build-log-clean bash -c \
	"! grep -E 'warning|error' /var/lib/dkms/xenc/$ver/$kver/*/log/make.log"
check dkms-sources-in-usr-src test -f "/usr/src/xenc-$ver/dkms.conf"
check modinfo-finds-installed bash -c \
	"modinfo -n xenc | grep -q '^/lib/modules/$kver/updates/dkms/xenc.ko'"
check modinfo-installed-version test "$(modinfo -F version xenc)" = "$ver"
# Same sources as this tree (a stale tarball would not be).
check installed-srcversion-matches-tree test \
	"$(modinfo -F srcversion xenc)" = "$(modinfo -F srcversion "$XENC/xenc.ko")"

export XENC_MODULES=installed
# The boot's ivshmem devices belong to ivshmem.sh (see load_modules).
check modprobe-xenc modprobe xenc ivshmem_autobind=0
check modprobe-xenc-peer modprobe xenc_peer
check installed-module-version test "$(cat /sys/module/xenc/version)" = "$ver"

# Traffic through a bridge on the installed modules (datapath.sh, lean).
if topo_up 1; then
	pass installed-topo-up
else
	fail installed-topo-up "bridge with xenc0 did not come up"
fi
check installed-ping-lnx-to-cok ip netns exec lnx ping -c 3 -i 0.2 -W 2 10.9.0.2
check installed-ping-large ip netns exec cok0 ping -c 2 -s 30000 -W 3 10.9.0.1
ip netns exec cok0 iperf3 -s -D >/dev/null
sleep 0.5
j=$OUT/dkms-tcp.json
ip netns exec lnx iperf3 -c 10.9.0.2 -t 2 -J >"$j" 2>"$j.err"
check installed-iperf3-tcp iperf_ok "$j"
j=$OUT/dkms-udp.json
ip netns exec lnx iperf3 -c 10.9.0.2 -u -b 8M -l 65000 -t 2 -J >"$j" 2>"$j.err"
check installed-udp-64k-no-loss udp_ok "$j"
check installed-ethtool-version bash -c "ethtool -i xenc0 | grep -qx 'version: $ver'"
topo_down
check modprobe-r modprobe -r xenc_peer xenc

make -C "$src" dkms-uninstall >>"$OUT/dkms-install.log" 2>&1
check dkms-uninstall bash -c "! dkms status xenc | grep -q ."
check dkms-uninstall-removes-module bash -c "! modinfo xenc >/dev/null 2>&1"
check dkms-uninstall-removes-source test ! -e "/usr/src/xenc-$ver"
unset XENC_MODULES
cleanup

#!/bin/bash
# modinfo, /sys/module and ethtool -i report the package and ABI versions
# the sources define (include/xenc_version.h, include/uapi/xenc_abi.h), and
# every module parameter has a description.  The region id is the same in
# sysfs (for udev rules) and in ethtool's bus-info.
. "$(dirname "$0")/lib.sh"

ver=$(sed -n 's/^#define XENC_VERSION[[:space:]]*"\(.*\)"/\1/p' "$XENC/include/xenc_version.h")
abi=$(awk '/^#define XENC_ABI_MAJOR/ { M = $3 } /^#define XENC_ABI_MINOR/ { m = $3 }
	END { print M "." m }' "$XENC/include/uapi/xenc_abi.h")
log "source: version $ver, abi $abi"
check version-parsed bash -c "[[ '$ver' =~ ^[0-9]+\.[0-9]+\.[0-9]+$ && '$abi' =~ ^[0-9]+\.[0-9]+$ ]]"

if [ "${XENC_MODULES:-}" = installed ]; then
	ko=xenc peer=xenc_peer
else
	ko=$XENC/xenc.ko peer=$XENC/xenc_peer.ko
fi
for m in "$ko" "$peer"; do
	n=$(basename "$m" .ko)
	check "modinfo-$n-version" test "$(modinfo -F version "$m")" = "$ver"
	check "modinfo-$n-abi" test "$(modinfo -F abi "$m")" = "$abi"
	check "modinfo-$n-description" test -n "$(modinfo -F description "$m")"
done

# Parameters: as many as the sources of each module declare (Kbuild: the
# driver, transports and ring core; the endpoint and its Linux port), each
# "name:description".
params() { grep -ho 'module_param[a-z_]*([a-z_0-9]*' "$@" | sed 's/.*(//' | sort | tr '\n' ' '; }
src_x=$(params "$XENC"/driver/*.c "$XENC"/shm/*.c "$XENC"/ring/*.c)
src_p=$(params "$XENC"/cokernel/*.c "$XENC"/cokernel/linux/*.c)
check modinfo-xenc-params-match-source test \
	"$(modinfo -F parm "$ko" | cut -d: -f1 | sort | tr '\n' ' ')" = "$src_x"
check modinfo-xenc_peer-params-match-source test \
	"$(modinfo -F parm "$peer" | cut -d: -f1 | sort | tr '\n' ' ')" = "$src_p"
check modinfo-params-described bash -c "! modinfo -F parm '$ko' '$peer' |
	grep -vE '^[a-z_0-9]+:[^ (].{7,} \([a-z]+\)$'"

load_modules
check sys-module-version test "$(cat /sys/module/xenc/version)" = "$ver"
check sys-module-peer-version test "$(cat /sys/module/xenc_peer/version)" = "$ver"

ip link add xenc0 type xenc
ip link set xenc0 up
pdev=$(peer_of xenc0)
ip link set "$pdev" up
check version-carrier wait_for 20 carrier xenc0
ethtool -i xenc0 >"$OUT/ethtool-i.txt"
check ethtool-i-version grep -qx "version: $ver" "$OUT/ethtool-i.txt"
check ethtool-i-abi grep -qx "firmware-version: abi $abi peer $abi" "$OUT/ethtool-i.txt"
check ethtool-i-peer-version bash -c "ethtool -i $pdev | grep -qx 'version: $ver'"
check ethtool-i-peer-abi bash -c "ethtool -i $pdev | grep -qx 'firmware-version: abi $abi'"

# The udev example matches ATTR{xenc/region}: it must be the bus-info.
bus=$(awk '/^bus-info:/ { print $2 }' "$OUT/ethtool-i.txt")
check sysfs-region-is-bus-info test "$(cat /sys/class/net/xenc0/xenc/region)" = "$bus"
check sysfs-transport bash -c "[ \"\$(cat /sys/class/net/xenc0/xenc/transport)\" = '${bus%%:*}' ]"

ip link del xenc0
unload_modules

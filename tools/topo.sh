#!/bin/bash
# Start one of the paper's configurations in test guests, with one command:
#
#   tools/topo.sh [--local] [-v] NAME [SCRIPT [ARGS...]]
#
#   lnx      two Linux-hosted VMs on guest a's bridge (the control group)
#   lnx-lwk  a Linux-hosted VM in guest a, a co-kernel VM in guest b
#   lwk      two co-kernel VMs in one co-kernel guest b
#   lwk-lwk  one co-kernel VM in guest b, one in guest c
#   nodes    two nodes (guests a, b), each xenc + a co-kernel VM + a bridge,
#            the bridges joined by VXLAN over a virtio-net link
#
# Guest a is Linux with xenc and the bridge br0; the co-kernel guests reach
# it through ivshmem regions.  --local puts the co-kernel VMs of lnx-lwk
# and lwk in guest a itself, over the local transport (one guest, faster).
# Every topology names the VMs under test vm1 and vm2.  Without SCRIPT,
# guest a pings and runs a 3 s iperf3 from vm1 to vm2; with SCRIPT (an
# absolute path outside /tmp), guest a sources it instead, with ARGS and
# the helpers of tools/tests/{lib,sync,topo-lib}.sh defined (ep_addr,
# ep_exec, ep_list, on_guest, check...); see Documentation/multi-guest.rst.
# Output: guest a's log is printed; everything is in OUTDIR (default
# build/topo-NAME).  Other options go to tools/guest/run2.sh.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$top/tools/guest/visible.sh"
. "$top/tools/tests/topo-lib.sh"

mode='' opts=()
while [ $# -gt 0 ]; do
	case $1 in
	--local) mode=local; shift ;;
	-v) opts+=(-v); shift ;;
	--timeout|--mem|--shm-size) opts+=("$1" "$2"); shift 2 ;;
	-h|--help|-*) sed -n '2,/^set -e/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2 ;;
	*) break ;;
	esac
done
name=${1:-}
layout=$(topo_layout "$name" $mode) || {
	echo "topo.sh: unknown topology '$name' (one of: $topologies)" >&2
	exit 2
}
shift
make -s -C "$top" modules >/dev/null
export OUTDIR=${OUTDIR:-$top/build/topo-$name${mode:+-$mode}}
rc=0
"$top/tools/guest/run2.sh" --layout "$layout" "${opts[@]}" -- \
	"$top/tools/tests/topo-guest.sh" "$name" $mode ${1:+-- "$@"} || rc=$?
cat "$OUTDIR/a1/guest.log" 2>/dev/null || true
exit $rc

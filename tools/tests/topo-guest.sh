#!/bin/bash
# Guest side of tools/topo.sh: build this guest's part of topology NAME,
# then in guest a print the VMs and run SCRIPT (default: a ping and a short
# iperf3 from vm1 to vm2); the other guests serve its remote commands.
# usage (via run2.sh): topo-guest.sh NAME [local] [-- SCRIPT [ARGS...]]
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/lib.sh"
. "$here/sync.sh"
. "$here/topo-lib.sh"

name=$1 mode=
shift
[ "${1:-}" = local ] && { mode=local; shift; }
[ "${1:-}" = -- ] && shift
sync_init

if ! topo_setup "$name" $mode; then
	ev_set "failed.$XENC_GUEST"
	fail "topo-$name-setup-$XENC_GUEST" "see guest.log"
	exit 1
fi
ev_set "ready.$XENC_GUEST"
if [ "$XENC_GUEST" != a ]; then
	serve_cmds
	exit 0
fi

settled() { ev_is "ready.$1" || ev_is "failed.$1" || ev_is "down.$1"; }
for g in $XENC_LAYOUT; do
	g=${g%%=*}
	wait_for 300 settled "$g"
	ev_is "ready.$g" || { fail "topo-$name-setup-$g" "guest $g not ready"; exit 1; }
done
echo "topology $name${mode:+ ($mode transport)}: VM guest kind netns address"
ep_list | sort
# Carriers come up and the bridge learns: the first ping may take a while.
check "topo-$name-vm1-reaches-vm2" wait_for 60 ep_exec vm1 ping -c 1 -W 1 "$(ep_addr vm2)"

export XENC XENC_TOPO=$name
if [ $# -gt 0 ]; then
	# Sourced in a subshell: the script has every helper defined.
	# shellcheck disable=SC1090
	( script=$1; shift; . "$script" "$@" )
	exit
fi
ep_exec vm1 ping -c 3 -i 0.3 "$(ep_addr vm2)"
ep_exec vm2 iperf3 -s -D -1 >/dev/null
nap 0.5
ep_exec vm1 iperf3 -c "$(ep_addr vm2)" -t 3 -J >"$OUT/iperf3.json"
check "topo-$name-iperf3" iperf_ok "$OUT/iperf3.json"
jq -r '"iperf3 TCP vm1 -> vm2: \(.end.sum_received.bits_per_second / 1e6 | floor) Mbit/s"' "$OUT/iperf3.json"

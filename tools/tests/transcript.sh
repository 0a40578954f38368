#!/bin/bash
# Guest script: the terminal transcript in Documentation/ethtool.rst, run
# for real on the bridge topology of the guest tests.  Not part of make
# check; regenerate the documentation's example with
#   OUTDIR=$PWD/build/transcript tools/guest/run.sh -- $PWD/tools/tests/transcript.sh
# and copy build/transcript/guest.log.
. "$(dirname "$0")/lib.sh"
exec 2>&1

# run CMD...: show the command as typed at a root prompt, then its output.
run() { echo "# $*"; eval "$@"; echo; }

topo_up 1 >/dev/null || { echo "transcript: xenc0 did not come up"; exit 1; }
ip netns exec cok0 iperf3 -s -D >/dev/null
ip netns exec lnx iperf3 -c 10.9.0.2 -t 2 >/dev/null
id=$(bus_info xenc0)

run ethtool -i xenc0
run ethtool xenc0
run ethtool -g xenc0
run ethtool -G xenc0 rx 1024 tx 512
run ethtool -g xenc0 \| tail -n 6
run ethtool -G xenc0 rx 100
run ethtool -l xenc0
run ethtool -L xenc0 combined 2
run ethtool -l xenc0 \| tail -n 5
run ethtool -c xenc0 \| grep -E "'^(rx|tx)-(usecs|frames):'"
run ethtool -C xenc0 rx-usecs 200 rx-frames 16
run ethtool --show-priv-flags xenc0
run ethtool -S xenc0 \| grep -E "'^ *(peer_fault_state|link_|live_|q0_)'"
run ip -s link show dev xenc0
run cat /sys/kernel/debug/xenc/"$id"/state
# From the top of the kernel source tree.
cd "$KDIR" || exit 1
ifx=$(cat /sys/class/net/xenc0/ifindex)
run tools/net/ynl/cli.py --spec Documentation/netlink/specs/netdev.yaml \
	--no-schema --dump queue-get --json "'{\"ifindex\": $ifx}'"
run tools/net/ynl/cli.py --spec Documentation/netlink/specs/netdev.yaml \
	--no-schema --dump qstats-get --json "'{\"ifindex\": $ifx, \"scope\": [\"queue\"]}'"
cd / || exit 1
T=/sys/kernel/tracing
echo 1 >$T/events/xenc/enable
ip netns exec lnx ping -c 1 -W 2 10.9.0.2 >/dev/null
ethtool -G xenc0 rx 256 tx 256
echo 0 >$T/events/xenc/enable
run grep -E "'xenc_(xmit|rx|doorbell|state):'" $T/trace \| sed -E "'s/^ +//; s/ +/ /'" \| head -n 14
echo 0 >"$(peer_knob xenc0 attached)"
wait_for 10 carrier xenc0 0
run ethtool xenc0 \| tail -n 1
run ethtool -i xenc0 \| grep expansion
topo_down

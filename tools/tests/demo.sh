#!/bin/bash
# Guest side of make demo: a co-kernel VM (netns cok0, NIC = test peer)
# bridged through xenc0 with a Linux-hosted VM (netns lnx).
. "$(dirname "$0")/lib.sh"
exec 2>&1
banner() { printf '\n===== %s =====\n' "$*"; }

topo_up 1 || { echo "demo: xenc0 did not come up"; exit 1; }
banner "topology: lnx(10.9.0.1) -- veth -- br0 -- xenc0 ~~shared rings~~ co-kernel VM cok0(10.9.0.2)"
bridge link show
ip -br link show xenc0
banner "ethtool -i xenc0"
ethtool -i xenc0
banner "ping from the Linux-hosted VM to the co-kernel VM"
ip netns exec lnx ping -c 4 -i 0.3 10.9.0.2
banner "iperf3 TCP, Linux VM -> co-kernel VM"
ip netns exec cok0 iperf3 -s -D
sleep 0.5
ip netns exec lnx iperf3 -c 10.9.0.2 -t 5 | tail -4
banner "iperf3 UDP, 64 KB datagrams"
ip netns exec lnx iperf3 -c 10.9.0.2 -u -b 20M -l 65000 -t 3 2>/dev/null | tail -4
banner "ethtool -S xenc0 (non-zero counters)"
ethtool -S xenc0 | awk 'NR == 1 || $2 != 0'
topo_down

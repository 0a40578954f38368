#!/bin/bash
# A hostile co-kernel: xenc0's peer writes garbage into every field it owns
# (seeded, reproducible) while xenc1's well-behaved VM streams through the
# same bridge.  Linux must count the faults, drop xenc0's carrier, keep
# xenc1 flowing, and recover xenc0 once the peer behaves.  The whole run's
# kernel log must stay clean (KASAN, lockdep, soft lockups).
. "$(dirname "$0")/lib.sh"

topo_up 2 || fail topo-up "bridge with two xenc devices did not come up"
ip netns exec cok1 iperf3 -s -D >/dev/null
sleep 0.3
j=$OUT/hostile-bystander.json
ip netns exec lnx iperf3 -c 10.9.0.3 -t 16 -J >"$j" 2>"$j.err" &
ipf=$!
sleep 1

echo "${XENC_HOSTILE_SEED:-20261125}" >"$(peer_knob xenc0 hostile)"
sleep 12
echo 0 >"$(peer_knob xenc0 hostile)"

faults=$(ethtool -S xenc0 | awk '/peer_fault_/ { s += $2 } END { print s + 0 }')
kinds=$(ethtool -S xenc0 | awk '/peer_fault_/ && $2 > 0 { n++ } END { print n + 0 }')
log "hostile: $faults faults of $kinds kinds"
ethtool -S xenc0 | grep peer_fault_ | grep -v ': 0$'
check hostile-faults-counted test "$faults" -gt 0
check hostile-fault-kinds-distinct test "$kinds" -ge 3
check hostile-carrier-dropped test "$(stat xenc0 link_disconnects)" -ge 1
check hostile-recovers wait_for 30 carrier xenc0
check hostile-recovered-traffic wait_for 20 ip netns exec lnx ping -c 1 -W 1 10.9.0.2
wait $ipf
check hostile-bystander-stream iperf_ok "$j"
check hostile-bystander-never-dropped test "$(stat xenc1 link_disconnects)" -eq 0
topo_down

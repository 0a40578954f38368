#!/bin/bash
# xenc's tracepoints, enabled through tracefs: frames both ways, doorbells
# both ways and handshake state changes show up with the right fields.
. "$(dirname "$0")/lib.sh"

T=/sys/kernel/tracing
topo_up 1 || fail topo-up "bridge with xenc0 did not come up"
# One queue pair, so that every frame below is traced on queue 0.
ethtool -L xenc0 combined 1

for e in xenc_xmit xenc_rx xenc_doorbell xenc_state; do
	check "trace-event-$e-exists" test -d "$T/events/xenc/$e"
done
echo 0 >"$T/tracing_on"
: >"$T/trace"
echo 1 >"$T/events/xenc/enable"
echo 1 >"$T/tracing_on"
# 1000 bytes of ICMP payload: a 1042-byte frame each way.
ip netns exec lnx ping -c 3 -i 0.2 -W 2 -s 1000 10.9.0.2 >/dev/null
ethtool -G xenc0 tx 128
ethtool -G xenc0 tx 256
echo 0 >"$T/tracing_on"
echo 0 >"$T/events/xenc/enable"
cp "$T/trace" "$OUT/trace.txt"
: >"$T/trace"

tr=$OUT/trace.txt
count() { grep -c "$1" "$tr"; }
log "trace: $(count 'xenc_xmit:') xmit, $(count 'xenc_rx:') rx, $(count 'xenc_doorbell:') doorbell, $(count 'xenc_state:') state events"
check trace-xmit-1042 grep -q 'xenc_xmit: dev=xenc0 queue=0 len=1042 slots=1 ' "$tr"
check trace-rx-1042 grep -q 'xenc_rx: dev=xenc0 queue=0 len=1042 slots=1 ' "$tr"
check trace-xmit-count test "$(count 'xenc_xmit: dev=xenc0 queue=0 len=1042 ')" -ge 3
check trace-rx-count test "$(count 'xenc_rx: dev=xenc0 queue=0 len=1042 ')" -ge 3
check trace-doorbell-sent grep -q 'xenc_doorbell: dev=xenc0 vector=0 sent' "$tr"
check trace-doorbell-received grep -q 'xenc_doorbell: dev=xenc0 vector=0 received' "$tr"
# A live resize: QUIESCE, a new layout OFFERed, RUNNING on it, in order.
seq=$(grep -o 'xenc_state: dev=xenc0 state=[A-Z]*' "$tr" | awk -F= '{ print $3 }' | tr '\n' ' ')
log "state sequence: $seq"
check trace-state-resize-sequence bash -c "echo '$seq' | grep -q 'QUIESCE OFFER RUNNING QUIESCE OFFER RUNNING'"
check trace-state-new-rings grep -q 'xenc_state: dev=xenc0 state=RUNNING .* rings=128/256' "$tr"
g=$(grep 'xenc_state: dev=xenc0 state=RUNNING' "$tr" | sed 's/.*generation=\([0-9]*\).*/\1/' | tr '\n' ' ')
check trace-state-generation-bumped bash -c "set -- $g; [ \$# -ge 2 ] && [ \$2 -eq \$((\$1 + 1)) ]"
# Until the first resize, the xmit index advances by the slots each frame used.
check trace-xmit-index-advances awk '/xenc_state:/ { exit bad }
	/xenc_xmit: dev=xenc0 queue=0/ {
		match($0, /slots=[0-9]+ idx=[0-9]+/); split(substr($0, RSTART, RLENGTH), f, /[= ]/)
		if (n++ && f[4] != p + f[2]) bad = 1; p = f[4]
	} END { exit bad || n < 3 }' "$tr"
# A carrier drop is traced with its reason.
echo 1 >"$T/events/xenc/xenc_state/enable"
echo 1 >"$T/tracing_on"
echo 0 >"$(peer_knob xenc0 attached)"
wait_for 10 carrier xenc0 0
echo 1 >"$(peer_knob xenc0 attached)"
wait_for 10 carrier xenc0 1
echo 0 >"$T/tracing_on"
echo 0 >"$T/events/xenc/xenc_state/enable"
cat "$T/trace" >>"$tr"
check trace-state-reason grep -q 'xenc_state: dev=xenc0 state=RESET .* reason=no-peer' "$tr"
check trace-state-reconnect grep -q 'xenc_state: dev=xenc0 state=RUNNING .* reason=none' "$tr"
# Off again: nothing more is recorded.
: >"$T/trace"
echo 1 >"$T/tracing_on"
ip netns exec lnx ping -c 1 -W 2 10.9.0.2 >/dev/null
echo 0 >"$T/tracing_on"
check trace-disabled-silent bash -c "! grep -q 'xenc_' $T/trace"
topo_down

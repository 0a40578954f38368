#!/bin/bash
# Every ethtool -S counter moves when its event is provoked, and only then:
# a table of events, each run between two snapshots of all counters.  An
# event lists the counters that must move (a|b: either) and those that may
# (side effects such as doorbells); any other counter that moves, or any
# counter that goes back, fails the event.  Counters that only a kernel
# test can provoke (ring full after an MTU increase, drops on a down link,
# oversized or faulty transmit) are in the KUnit case dt_counters_tx.
# Helpers avoid forks: every exec costs 0.1-0.4 s on the debug guest.
. "$(dirname "$0")/lib.sh"

topo_up 1 || fail topo-up "bridge with xenc0 did not come up"
ethtool -L xenc0 combined 1
# Exact counts: no ARP on the wire, listeners so no ICMP errors come back.
ip -n lnx neigh replace 10.9.0.2 lladdr "$(ip -n cok0 -j link show eth0 | jq -r '.[0].address')" dev eth0 nud permanent
ip -n cok0 neigh replace 10.9.0.1 lladdr "$(ip -n lnx -j link show eth0 | jq -r '.[0].address')" dev eth0 nud permanent
ip netns exec lnx socat -u UDP-RECV:9 /dev/null &
ip netns exec cok0 socat -u UDP-RECV:9 /dev/null &
# The ring, not BQL, must be what stops the queue (applies at a completion).
echo $((1 << 30)) >/sys/class/net/xenc0/queues/tx-0/byte_queue_limits/limit_min
dbg=$(dbg_state xenc0)
neg=$(grep '^negotiated:' "$dbg")

# send NS DST COUNT LEN: COUNT UDP datagrams of LEN bytes to DST port 9.
send() {
	ip netns exec "$1" bash -c "dd if=/dev/zero bs=$4 count=$3 2>/dev/null |
		socat -u -b$4 - UDP-SENDTO:$2:9"
}
# snap ARRAY: every counter, by name, into an associative array.
snap() {
	local -n _s=$1
	local l re='^([a-z0-9_]+): ([0-9]+)$'
	_s=()
	while read -r l; do
		[[ $l =~ $re ]] && _s[${BASH_REMATCH[1]}]=${BASH_REMATCH[2]}
	done < <(ethtool -S xenc0)
}
# Wait until the counters stop moving (doorbells and polls trail traffic);
# NAPI polls alone do not count: polling mode polls all the time.
declare -A S0 S1
settle() {
	local i k same
	snap S0
	for ((i = 0; i < 30; i++)); do
		nap 0.3
		snap S1
		same=1
		for k in "${!S1[@]}"; do
			[[ $k == *_napi_polls || $k == doorbells_per_gbit ]] && continue
			[ "${S0[$k]}" = "${S1[$k]}" ] || { same=0; break; }
		done
		for k in "${!S1[@]}"; do S0[$k]=${S1[$k]}; done
		[ $same -eq 1 ] && return
	done
}
# matches NAME PATTERN...: NAME is one of the patterns (EREs, anchored).
matches() {
	local m=$1 p
	shift
	for p; do [[ $m =~ ^($p)$ ]] && return 0; done
	return 1
}
declare -A B
# event NAME "MUST..." "MAY..." CMD...
event() {
	local name=$1 must=$2 may=$3 moved=() k m p hit bad=
	shift 3
	settle
	for k in "${!S0[@]}"; do B[$k]=${S0[$k]}; done
	"$@"
	settle
	for k in "${!S0[@]}"; do
		# A ratio, not a counter: it may go either way.
		[ "$k" = doorbells_per_gbit ] && continue
		[ "${S0[$k]}" = "${B[$k]}" ] && continue
		moved+=("$k")
		[ "${S0[$k]}" -lt "${B[$k]}" ] && bad+=" $k went back;"
	done
	log "event $name moved: ${moved[*]}"
	for p in $must; do
		hit=0
		for m in "${moved[@]}"; do matches "$m" "$p" && hit=1; done
		[ $hit -eq 1 ] || bad+=" $p did not move;"
	done
	for m in "${moved[@]}"; do
		# shellcheck disable=SC2086 # pattern lists
		matches "$m" $must $may || bad+=" $m moved;"
	done
	if [ -z "$bad" ]; then pass "counter-$name"; else fail "counter-$name" "$bad"; fi
}
# changes N: the carrier went down and up again since it read N changes.
changes() {
	local c k
	read -r c </sys/class/net/xenc0/carrier_changes
	read -r k </sys/class/net/xenc0/carrier
	[ "$c" -ge $(($1 + 2)) ] && [ "$k" = 1 ]
}

# Traffic moves the doorbell counters, and the checksum offload ones when
# negotiated (UDP from a netns is CHECKSUM_PARTIAL: it crosses as such).
DB="q0_tx_doorbells_sent q0_tx_doorbells_suppressed q0_rx_doorbells_sent q0_rx_doorbells_suppressed q0_doorbells_received q0_napi_polls q0_tx_csum_offload q0_rx_csum_offload"
has() { [[ $neg == *" $1"* ]]; }
txcs= rxcs=
has csum && txcs=q0_tx_csum_offload rxcs=q0_rx_csum_offload
event tx "q0_tx_packets q0_tx_bytes $txcs" "$DB" send lnx 10.9.0.2 5 100
event rx "q0_rx_packets q0_rx_bytes q0_napi_polls q0_doorbells_received q0_rx_doorbells_(sent|suppressed) $rxcs" \
	"$DB" send cok0 10.9.0.1 5 100

# The peer stops consuming: the ring fills and the queue stops (the sender
# then blocks on its socket buffer); it wakes once the peer consumes again.
backpressure() {
	local snd
	echo 1 >"$(peer_knob xenc0 rx_paused)"
	send lnx 10.9.0.2 600 1400 &
	snd=$!
	wait_for 60 txq "$dbg" 0 stopped || { log "queue did not stop:"; cat "$dbg"; }
	echo 0 >"$(peer_knob xenc0 rx_paused)"
	wait $snd
	wait_for 30 txq "$dbg" 0 running
}
event ring-low-stop-wake "q0_tx_queue_stops q0_tx_queue_wakes q0_tx_packets q0_tx_bytes" "$DB" backpressure

# Polled twice a second, a burst waits in the ring: one poll cannot take it.
ethtool -C xenc0 rx-usecs 500000
ethtool --set-priv-flags xenc0 polling on
# settle() may see no change before the next poll: wait for the burst.
rx_at_least() {
	local -A r
	snap r
	[ "${r[q0_rx_packets]:-0}" -ge "$1" ]
}
polled_burst() {
	local -A r
	snap r
	send cok0 10.9.0.1 200 64
	wait_for 20 rx_at_least $((${r[q0_rx_packets]:-0} + 200))
}
event napi-budget "q0_napi_budget_exhausted q0_napi_polls q0_rx_packets q0_rx_bytes" \
	"q0_rx_doorbells_sent q0_rx_doorbells_suppressed q0_tx_doorbells_suppressed q0_rx_csum_offload" polled_burst
ethtool --set-priv-flags xenc0 polling off
ethtool -C xenc0 rx-usecs 0

# A receive allocation that fails (injected through debugfs) drops that
# frame, counts it, and the ring moves on: 3 of 5 datagrams are lost.
nomem() {
	echo 3 >"${dbg%/state}/fail_rx_alloc"
	send cok0 10.9.0.1 5 100
}
event rx-nomem "q0_rx_drop_nomem q0_rx_packets q0_rx_bytes" "$DB" nomem
check counter-rx-nomem-each-counted test $((S0[q0_rx_drop_nomem] - B[q0_rx_drop_nomem])) -eq 3
check counter-rx-nomem-injection-used-up test "$(cat "${dbg%/state}/fail_rx_alloc")" -eq 0

# Every new layout is a reconnect on top of being a reconfiguration.
event resize "live_reconfigs link_connects" "$DB" ethtool -G xenc0 tx 128
channels_1_2_1() { ethtool -L xenc0 combined 2 && ethtool -L xenc0 combined 1; }
event channels "live_reconfigs link_connects" "$DB q1_napi_polls q1_doorbells_received" channels_1_2_1
reattach() {
	echo 0 >"$(peer_knob xenc0 attached)"
	wait_for 10 carrier xenc0 0
	echo 1 >"$(peer_knob xenc0 attached)"
	wait_for 20 carrier xenc0 1
}
event detach "link_disconnects link_connects" "$DB" reattach

# One fault of each kind: counted under its own name, link reset, reconnect.
inject=$(peer_knob xenc0 inject)
attached=$(peer_knob xenc0 attached)
fault() {
	local c0
	read -r c0 </sys/class/net/xenc0/carrier_changes
	echo "$1" >"$inject"
	# The peer cannot repair its capabilities by itself: re-attach.
	if [ "$2" = reattach ]; then
		wait_for 20 carrier xenc0 0
		ethtool xenc0 | tail -n 1 >>/tmp/fault-reasons
		echo 0 >"$attached"
		echo 1 >"$attached"
	fi
	wait_for 30 changes "$c0"
}
RESET="link_disconnects link_connects"
csum=csum gso=gso
has csum || csum=flags
has gso || gso=flags
for f in 1:prod_range:rx 2:cons_range: 3:len_short:rx 4:len_long:rx 5:len_unpublished:rx \
	6:flags:rx 7:$csum:rx 8:$gso:rx 9:state: 10:generation: 11:layout:re 12:version:re; do
	IFS=: read -r k name how <<<"$f"
	must="peer_fault_$name $RESET"
	[ "$how" = rx ] && must+=" q0_rx_drop_fault"
	event "fault-$k-$name" "$must" "$DB" fault "$k" "${how/re/reattach}"
done
# While the peer keeps faulting, ethtool says why the link is down.
log "link state while faulting: $(sort -u /tmp/fault-reasons)"
check fault-link-ext-state test "$(grep -c 'Link detected: no (Link training failure' /tmp/fault-reasons)" -eq 2
topo_down

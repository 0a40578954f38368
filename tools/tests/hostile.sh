#!/bin/bash
# A hostile co-kernel.  xenc0's peer walks a fixed list of nasty cases (one
# at a time, frozen afterwards so the outcome is exact), then a seeded
# random walk, while xenc1's well-behaved VM streams through the same
# bridge.  For each case Linux must count the right fault kind, take the
# carrier down with the right reason (or, for values it never reads, not at
# all), and recover once the peer behaves.  The bystander must flow in
# every second of the run.  The run's kernel log must stay clean (KASAN:
# no access outside the region; soft lockup detector: no hung CPU).
#   XENC_HOSTILE_SEED (20261125), XENC_HOSTILE_SECS (10): random walk.
#   XENC_HOSTILE_CASES: only these fixed cases (make check's short form).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-campaign.sh"

seed=${XENC_HOSTILE_SEED:-20261125}
fuzz_secs=${XENC_HOSTILE_SECS:-10}

topo_up 2 || fail topo-up "bridge with two xenc devices did not come up"
hcase=$(peer_knob xenc0 hostile_case)
declare -A CASE
while read -r n name; do CASE[$name]=$n; done <"$(peer_knob xenc0 hostile_cases)"
check hostile-cases-listed test "${#CASE[@]}" -ge 20

# Bystanders: lnx <-> cok1 through veth, br0 and xenc1, one stream each
# way as back-to-back iperf3 runs, staggered.
bg ip netns exec cok1 iperf3 -s -D >/dev/null
bg ip netns exec lnx iperf3 -s -D -p 5202 >/dev/null
by=$OUT/hostile-bystander
rm -rf "$by" /tmp/bystander.stop; mkdir -p "$by"
sleep 0.3
bystander() {
	local n=0
	while [ ! -e /tmp/bystander.stop ]; do
		bg ip netns exec "$@" -t 6 -J >"$by/$1.$n.json" 2>"$by/$1.$n.err"
		n=$((n + 1))
	done
}
bystander lnx iperf3 -c 10.9.0.3 &
bypid=$!
sleep 3
bystander cok1 iperf3 -c 10.9.0.1 -p 5202 &
bypid2=$!
# And a ping that never pauses between runs.
ip netns exec lnx ping -q -i 0.1 10.9.0.3 >/dev/null 2>&1 &
ping3=$!
by_changes0=$(cat /sys/class/net/xenc1/carrier_changes)
# by_moved: xenc1 carried frames both ways since the last call.
by_tx=0 by_rx=0
by_moved() {
	local tx rx ok=0
	tx=$(sysval /sys/class/net/xenc1/statistics/tx_packets)
	rx=$(sysval /sys/class/net/xenc1/statistics/rx_packets)
	[ "$tx" -gt "$by_tx" ] && [ "$rx" -gt "$by_rx" ] || ok=1
	by_tx=$tx by_rx=$rx
	return $ok
}
by_moved
# Keep both of xenc0's rings busy too.
ip netns exec lnx ping -q -i 0.05 10.9.0.2 >/dev/null 2>&1 &
ping1=$!
ip netns exec cok0 ping -q -i 0.05 10.9.0.1 >/dev/null 2>&1 &
ping2=$!

start_case() { echo "$1" >"$hcase" 2>/dev/null; }
# sum_q ARRAY NAME: a per-queue counter summed over an ethtool_stats array.
sum_q() {
	local -n _s=$1
	local k n=0
	for k in "${!_s[@]}"; do [[ $k == q*_"$2" ]] && n=$((n + _s[$k])); done
	echo "$n"
}
reason() { ethtool xenc0 | grep -q "Link detected: no ($1"; }
ping_ok() { ip netns exec lnx ping -c 1 -W 1 10.9.0.2 >/dev/null 2>&1; }

# run_case NAME EXPECT: EXPECT is a fault kind, "ring" (any ring fault),
# "stale", "flap" (disconnects, any reason), "up" (link unaffected),
# "up-stalls" (unaffected, but the peer stalls its own traffic) or
# "dropped-KIND" (that kind counted, the frame dropped, the link up).
run_case() {
	local name=$1 want=$2 n=${CASE[$1]:-} why= k d0 d1 db0 db1 others=0
	local -A s0 s1
	[ -z "${XENC_HOSTILE_CASES:-}" ] || [[ " $XENC_HOSTILE_CASES " == *" $name "* ]] || return 0
	if [ -z "$n" ]; then
		fail "hostile-case-$name" "the peer has no such case"
		return
	fi
	if ! fast_wait 30 carrier_is xenc0 1; then
		fail "hostile-case-$name" "xenc0 not up before the case"
		return
	fi
	ethtool_stats s0 xenc0
	# The peer refuses (EAGAIN) until it is connected too.
	if ! fast_wait 10 start_case "$n"; then
		fail "hostile-case-$name" "peer did not start the case"
		return
	fi
	case $want in
	up | up-stalls | dropped-*)
		sleep 1.5
		[ "$want" = up-stalls ] || ping_ok || why+="no traffic during the case; "
		carrier_is xenc0 1 || why+="carrier dropped; "
		;;
	flap)
		sleep 1.5
		;;
	stale)
		fast_wait 30 carrier_is xenc0 0 || why+="carrier stayed up; "
		reason "Logical mismatch" || why+="reason: $(ethtool xenc0 | grep 'Link detected'); "
		;;
	*)
		fast_wait 10 carrier_is xenc0 0 || why+="carrier stayed up; "
		reason "Link training failure" || why+="reason: $(ethtool xenc0 | grep 'Link detected'); "
		;;
	esac
	ethtool_stats s1 xenc0
	d0=${s0[link_disconnects]} d1=${s1[link_disconnects]}
	# others: faults of kinds this case must not cause.
	for k in $FAULT_KINDS; do
		local f=$((s1[peer_fault_$k] - s0[peer_fault_$k]))
		[ "$f" -gt 0 ] || continue
		log "  $name: peer_fault_$k +$f"
		[ "$want" = "$k" ] || [ "$want" = "dropped-$k" ] && continue
		[ "$want" = ring ] && [[ " $RING_FAULTS " == *" $k "* ]] && continue
		others=$((others + f))
	done
	case $want in
	up | up-stalls)
		[ "$d1" -eq "$d0" ] || why+="link_disconnects +$((d1 - d0)); "
		[ "$others" -eq 0 ] || why+="$others faults counted; "
		;;
	dropped-*)
		k=${want#dropped-}
		[ "$d1" -eq "$d0" ] || why+="link_disconnects +$((d1 - d0)); "
		[ "$((s1[peer_fault_$k] - s0[peer_fault_$k]))" -eq 1 ] || why+="peer_fault_$k not +1; "
		[ "$(($(sum_q s1 rx_drop_offload) - $(sum_q s0 rx_drop_offload)))" -eq 1 ] ||
			why+="rx_drop_offload not +1; "
		[ "$others" -eq 0 ] || why+="$others faults of other kinds; "
		;;
	flap)
		[ "$d1" -gt "$d0" ] || why+="no disconnect; "
		;;
	stale)
		[ "$d1" -eq $((d0 + 1)) ] || why+="link_disconnects +$((d1 - d0)), want +1; "
		[ "$others" -eq 0 ] || why+="$others faults counted; "
		;;
	*)
		[ "$d1" -eq $((d0 + 1)) ] || why+="link_disconnects +$((d1 - d0)), want +1; "
		if [ "$want" = ring ]; then
			local rf=0
			for k in $RING_FAULTS; do rf=$((rf + s1[peer_fault_$k] - s0[peer_fault_$k])); done
			[ "$rf" -gt 0 ] || why+="no ring fault counted; "
		else
			[ "$((s1[peer_fault_$want] - s0[peer_fault_$want]))" -gt 0 ] ||
				why+="peer_fault_$want not counted; "
		fi
		[ "$others" -eq 0 ] || why+="$others faults of other kinds; "
		;;
	esac
	if [ "$name" = doorbell_storm ]; then
		db0=$(sum_q s0 doorbells_received) db1=$(sum_q s1 doorbells_received)
		log "  $name: $((db1 - db0)) doorbells received in 1.5 s"
		[ $((db1 - db0)) -ge 1000 ] || why+="only $((db1 - db0)) doorbells arrived; "
	fi
	echo 0 >"$hcase"
	if [ -z "$why" ]; then pass "hostile-case-$name"; else fail "hostile-case-$name" "$why"; fi
	# The bystander's frames kept moving while this case ran.
	by_moved || by_idle+="$name "
	by_cases=$((by_cases + 1))
	if fast_wait 30 carrier_is xenc0 1 && wait_for 10 ping_ok; then
		pass "hostile-case-$name-recovers"
	else
		fail "hostile-case-$name-recovers" "$(ethtool xenc0 | grep 'Link detected')"
	fi
}

t0=$(now_ms)
by_idle= by_cases=0
by_moved
run_case prod_fwd_2_31 prod_range
run_case prod_back_2_31 prod_range
run_case prod_back_1 prod_range
run_case cons_fwd_2_31 cons_range
run_case cons_back_2_31 cons_range
run_case cons_ahead_of_prod cons_range
run_case len_0 len_short
run_case len_13 len_short
run_case len_65536 len_unpublished
run_case len_4294967295 len_long
run_case len_max_frame_plus_1 len_long
run_case flags_all_bits flags
# Offload metadata is checked when the offload was negotiated; otherwise
# its flag alone is the fault.
id=$(bus_info xenc0)
neg=$(awk '/^linux:/ { for (i = 1; i < NF; i++) if ($i == "negotiated") print $(i + 1) }' \
	"/sys/kernel/debug/xenc/$id/state")
log "negotiated features: $neg"
if [ $((neg & 1)) -eq 1 ]; then
	run_case csum_outside_frame csum
	run_case csum_not_matching_packet dropped-csum
else
	run_case csum_outside_frame flags
	run_case csum_not_matching_packet flags
fi
if [ $((neg & 3)) -eq 3 ]; then run_case gso_size_0 gso; else run_case gso_size_0 flags; fi
run_case state_out_of_range state
run_case state_generation_flap flap
run_case generation_ahead generation
run_case generation_behind generation
run_case abi_version version
run_case capabilities layout
run_case heartbeat_frozen stale
run_case descriptors_resized up
run_case ring_resized ring
run_case event_words up-stalls
run_case doorbell_storm up
log "fixed cases took $(($(now_ms) - t0)) ms"

# Seeded random walk; Linux resizes rings and channels under it as well.
log "random walk: seed $seed for ${fuzz_secs}s"
f0=$(fault_total xenc0)
d0=$(stat xenc0 link_disconnects)
echo "$seed" >"$(peer_knob xenc0 hostile)"
end=$(($(now_ms) + fuzz_secs * 1000))
slow=0 i=0
while [ "$(now_ms)" -lt "$end" ]; do
	i=$((i + 1))
	# Each may fail (the link is mostly down); it must return.
	timeout 60 ethtool -G xenc0 rx $((64 << (i % 4))) tx $((512 >> (i % 4))) 2>/dev/null
	[ $? -eq 124 ] && slow=$((slow + 1))
	timeout 60 ethtool -L xenc0 combined $((1 + i % 2)) 2>/dev/null
	[ $? -eq 124 ] && slow=$((slow + 1))
	sleep 0.5
done
echo 0 >"$(peer_knob xenc0 hostile)"
check hostile-random-reconfig-returns test "$slow" -eq 0
faults=$(($(fault_total xenc0) - f0))
kinds=$(ethtool -S xenc0 | awk '/peer_fault_/ && $2 > 0 { n++ } END { print n + 0 }')
log "random walk: $faults faults; kinds ever counted: $kinds"
ethtool -S xenc0 | grep peer_fault_ | grep -v ': 0$'
check hostile-random-faults-counted test "$faults" -gt 0
check hostile-random-carrier-dropped test "$(stat xenc0 link_disconnects)" -gt "$d0"
check hostile-random-recovers wait_for 30 carrier xenc0
check hostile-random-recovered-traffic wait_for 20 ip netns exec lnx ping -c 1 -W 1 10.9.0.2
# csum and gso are reachable only when those offloads were negotiated.
reachable=$((10 + (neg & 1) + ((neg & 3) == 3)))
[ -n "${XENC_HOSTILE_CASES:-}" ] ||
	check hostile-every-reachable-kind-counted test "$kinds" -ge "$reachable"

kill "$ping1" "$ping2" "$ping3" 2>/dev/null
by_moved || by_idle+="random-walk "
touch /tmp/bystander.stop
wait "$bypid" "$bypid2"
runs=$(ls "$by"/*.json | wc -l)
bad=0
for j in "$by"/*.json; do
	iperf_ok "$j" || { bad=$((bad + 1)); log "bystander run $j: $(jq -c .error "$j") $(head -c 200 "$j.err")"; }
done
log "bystander: $runs iperf3 runs, $bad failed; idle during: ${by_idle:-no case}"
check hostile-bystander-ran test "$runs" -ge 4
check hostile-bystander-runs-finished test "$bad" -eq 0
want_cases=20
[ -z "${XENC_HOSTILE_CASES:-}" ] || want_cases=$(($(wc -w <<<"$XENC_HOSTILE_CASES") - 1))
check hostile-bystander-flowed-during-every-case test -z "$by_idle" -a "$by_cases" -gt "$want_cases"
check hostile-bystander-never-dropped test "$(stat xenc1 link_disconnects)" -eq 0 -a \
	"$(cat /sys/class/net/xenc1/carrier_changes)" -eq "$by_changes0"
check hostile-bystander-no-faults test "$(fault_total xenc1)" -eq 0
topo_down

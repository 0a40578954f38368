#!/bin/bash
# Faults around a running link: the peer vanishing mid-stream again and
# again, devices and modules torn down under full-rate traffic on every
# queue, many create/destroy cycles, and ring/channel storms under load.
# Leaks and refcount leaks are caught by the run's kmemleak scan and the
# kernel log check (NET_DEV_REFCNT_TRACKER).
#   XENC_DETACHES (100), XENC_CYCLES (500; make campaign: 2000),
#   XENC_STORM (12 changes per device; make campaign: 200)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-campaign.sh"

detaches=${XENC_DETACHES:-100}
cycles=${XENC_CYCLES:-500}
storm=${XENC_STORM:-12}

# iperf_loop FILE_PREFIX NS ARGS...: back-to-back iperf3 runs until
# $FILE_PREFIX.stop exists.
iperf_loop() {
	local pre=$1 ns=$2 n=0
	shift 2
	while [ ! -e "$pre.stop" ]; do
		bg ip netns exec "$ns" iperf3 "$@" -J >"$pre.$n.json" 2>"$pre.$n.err"
		n=$((n + 1))
	done
}
iperf_loop_ok() {
	local pre=$1 j ok=0 bad=0
	for j in "$pre".*.json; do
		if iperf_ok "$j"; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
			log "$j: $(jq -r '.error // empty' "$j" 2>/dev/null) $(head -c 300 "${j%.json}.err")"
		fi
	done
	log "$pre: $ok runs ok, $bad failed"
	[ "$ok" -gt 0 ] && [ "$bad" -eq 0 ]
}

# --- the peer disappears mid-stream, N times ---
topo_up 1 || fail topo-up "bridge with xenc0 did not come up"
bg ip netns exec cok0 iperf3 -s -D >/dev/null
# A second server: the first may still be busy with the killed stream.
bg ip netns exec cok0 iperf3 -s -D -p 5202 >/dev/null
sleep 0.3
att=$(peer_knob xenc0 attached)
c0=$(stat xenc0 link_connects) d0=$(stat xenc0 link_disconnects)
ch0=$(sysval /sys/class/net/xenc0/carrier_changes)
bg ip netns exec lnx iperf3 -c 10.9.0.2 -t 3600 -P 2 >/dev/null 2>&1 &
stream=$!
ip netns exec cok0 ping -q -i 0.05 10.9.0.1 >/dev/null 2>&1 &
pinger=$!
sleep 1
t0=$(now_ms)
down_miss=0 up_miss=0 reason_bad=0
for ((i = 1; i <= detaches; i++)); do
	echo 0 >"$att"
	fast_wait 10 carrier_is xenc0 0 || down_miss=$((down_miss + 1))
	if [ $((i % 25)) -eq 0 ]; then
		ethtool xenc0 | grep -q 'Link detected: no (Autoneg, No partner detected)' ||
			reason_bad=$((reason_bad + 1))
	fi
	echo 1 >"$att"
	fast_wait 20 carrier_is xenc0 1 || up_miss=$((up_miss + 1))
done
ms=$(($(now_ms) - t0))
log "$detaches detach/attach cycles in $ms ms"
check "detach-$detaches-carrier-follows-down" test "$down_miss" -eq 0
check "detach-$detaches-carrier-follows-up" test "$up_miss" -eq 0
check "detach-$detaches-reason-no-partner" test "$reason_bad" -eq 0
check_eq "detach-$detaches-connects-counted" "$(($(stat xenc0 link_connects) - c0))" "$detaches"
check_eq "detach-$detaches-disconnects-counted" "$(($(stat xenc0 link_disconnects) - d0))" "$detaches"
check_eq "detach-$detaches-carrier-changes" \
	"$(($(sysval /sys/class/net/xenc0/carrier_changes) - ch0))" $((2 * detaches))
check "detach-$detaches-no-faults" test "$(fault_total xenc0)" -eq 0
# ip netns exec execs in place: $stream is the iperf3 client itself.
check "detach-$detaches-stream-survived" kill -0 "$stream"
kill "$stream" "$pinger" 2>/dev/null
wait "$stream" "$pinger" 2>/dev/null
log "detach: stream stopped"
sleep 0.5
j=$OUT/faults-after-detach.json
ip netns exec lnx iperf3 -c 10.9.0.2 -p 5202 -t 2 -J >"$j" 2>"$j.err"
check "detach-$detaches-traffic-after" iperf_ok "$j"
log "detach: topo_down"
topo_down

# --- teardown under full-rate traffic on every queue, both directions ---
log "teardown under traffic"
topo_up 2 || fail topo-up "bridge with two xenc devices did not come up"
for d in xenc0 xenc1; do ethtool -L "$d" combined 4; done
for ns in cok0 cok1; do bg ip netns exec "$ns" iperf3 -s -D >/dev/null; done
sleep 0.5
# 32 unlimited UDP flows each way per device: the flow hash spreads them
# over all four queues (a queue left out has odds of 4 * (3/4)^32).
clients=()
for i in 0 1; do
	bg ip netns exec lnx iperf3 -c "10.9.0.$((i + 2))" -u -b 0 -l 1400 -t 600 -P 32 --bidir \
		>/dev/null 2>&1 &
	clients+=($!)
done
every_queue() {
	local d c
	for d in xenc0 xenc1; do
		for c in tx_packets rx_packets; do
			[[ " $(per_queue "$d" "$c") " != *" 0 "* ]] || return 1
		done
	done
}
check teardown-traffic-on-every-queue wait_for 300 every_queue
# And still flowing on every queue, right before the teardown.
moving() {
	local d c a b i
	for d in xenc0 xenc1; do
		for c in tx_packets rx_packets; do
			a=($(per_queue "$d" "$c"))
			sleep 1
			b=($(per_queue "$d" "$c"))
			for i in "${!a[@]}"; do [ "${b[$i]}" -gt "${a[$i]}" ] || return 1; done
		done
	done
}
check teardown-traffic-moving-on-every-queue wait_for 120 moving
log "xenc0 tx per queue: $(per_queue xenc0 tx_packets) rx: $(per_queue xenc0 rx_packets)"
check destroy-under-traffic ip link del xenc1
check destroy-removes-peer-device bash -c "! ip netns exec cok1 ip link show eth0 2>/dev/null"
check destroy-leaves-other-device carrier xenc0
check rmmod-peer-under-traffic rmmod xenc_peer
check rmmod-peer-carrier-down wait_for 10 carrier xenc0 0
check rmmod-xenc-under-traffic rmmod xenc
check rmmod-no-devices-left bash -c "! ls /sys/class/net | grep -qE '^xenc'"
check rmmod-no-debugfs-left bash -c "! ls /sys/kernel/debug/xenc /sys/kernel/debug/xenc_peer 2>/dev/null | grep -q ."
kill "${clients[@]}" 2>/dev/null
wait "${clients[@]}" 2>/dev/null
topo_down

# --- create/destroy cycles, in every state: down, up, mid-handshake, connected ---
# Every other pair of rounds goes by one "ip link del group": one
# unregister_netdevice_many() for all of its devices and their peers,
# the path a netns teardown takes, instead of one per device.
log "create/destroy cycles"
# 1 MiB regions: the lifecycle is under test, not an 8 MiB vzalloc per cycle.
load_modules region_kb=1024
# The queue arrays have XENC_MAX_QUEUES entries: another count is refused
# at creation (it used to be accepted and overrun, a KASAN report).
for q in "numtxqueues 1 numrxqueues 1" "numtxqueues 17" "numrxqueues 4"; do
	check "create-refuses-${q// /-}" bash -c "! ip link add xq0 $q type xenc 2>/dev/null"
done
check create-refused-leaves-no-device bash -c '! ip link show xq0 2>/dev/null'
check create-accepts-16-queues ip link add xq0 numtxqueues 16 numrxqueues 16 type xenc
ip link del xq0 2>/dev/null
vm0=$(meminfo VmallocUsed)
batch=/tmp/cycles.batch
round=25
t0=$(now_ms)
errs=0 done_=0
while [ "$done_" -lt "$cycles" ]; do
	n=$((cycles - done_ < round ? cycles - done_ : round))
	r=$((done_ / round))
	grouped=$((r / 2 % 2))
	: >"$batch"
	for ((i = 0; i < n; i++)); do
		echo "link add xc$i group $((grouped * 77)) type xenc" >>"$batch"
		[ $((i % 3)) -ne 0 ] && echo "link set xc$i up" >>"$batch"
	done
	ip -force -b "$batch" 2>>/tmp/cycles.err || true
	# Some reach the connected state, some are still mid-handshake.
	[ $((r % 2)) -eq 1 ] && fast_wait 5 carrier_is xc1 1
	: >"$batch"
	if [ "$grouped" = 1 ]; then
		echo "link del group 77" >>"$batch"
	else
		for ((i = 0; i < n; i++)); do echo "link del xc$i" >>"$batch"; done
	fi
	ip -force -b "$batch" 2>>/tmp/cycles.err || true
	done_=$((done_ + n))
done
ms=$(($(now_ms) - t0))
errs=$(grep -c . /tmp/cycles.err)
log "$cycles create/destroy cycles in $ms ms, $errs errors"
[ "$errs" -eq 0 ] || head -n 5 /tmp/cycles.err
check "create-destroy-$cycles-no-errors" test "$errs" -eq 0
check "create-destroy-$cycles-no-leftover-devices" bash -c "! ls /sys/class/net | grep -qE '^(xc|xvm)'"
check "create-destroy-$cycles-no-leftover-debugfs" bash -c \
	'[ -z "$(ls -A /sys/kernel/debug/xenc)" ] && [ -z "$(ls -A /sys/kernel/debug/xenc_peer)" ]'
vm1=$(meminfo VmallocUsed)
log "VmallocUsed: $vm0 KiB before, $vm1 KiB after"
# Each region is 1 MiB of vmalloc: a leaked one would show.
check "create-destroy-$cycles-vmalloc-returned" test $((vm1 - vm0)) -lt 1024
unload_modules

# --- ring and channel storms under load, on two devices at once ---
log "storms"
topo_up 2 || fail topo-up "bridge with two xenc devices did not come up"
for ns in cok0 cok1; do bg ip netns exec "$ns" iperf3 -s -D >/dev/null; done
sleep 0.3
declare -A ch0 dc0
for d in xenc0 xenc1; do
	ch0[$d]=$(sysval /sys/class/net/$d/carrier_changes)
	dc0[$d]=$(stat "$d" link_disconnects)
done
rm -f /tmp/storm-*
iperf_loop /tmp/storm-tcp0 lnx -c 10.9.0.2 -t 5 -P 4 --bidir &
l0=$!
iperf_loop /tmp/storm-tcp1 lnx -c 10.9.0.3 -t 5 -P 4 --bidir &
l1=$!
sleep 1
storm_dev() {
	# Every step changes something, and every mix fits 4 queues in 8 MiB.
	local d=$1 i bad=0 ok=0 sizes=(64 512 128 256)
	for ((i = 0; i < storm; i++)); do
		if [ $((i % 3)) -eq 2 ]; then
			ethtool -L "$d" combined $((1 + i % 4)) && ok=$((ok + 1)) || bad=$((bad + 1))
		else
			ethtool -G "$d" rx "${sizes[$((i % 4))]}" tx "${sizes[$(((i + 2) % 4))]}" &&
				ok=$((ok + 1)) || bad=$((bad + 1))
		fi
	done
	echo "$ok $bad" >"/tmp/storm-$d.result"
}
t0=$(now_ms)
r0=$(stat xenc0 live_reconfigs) r1=$(stat xenc1 live_reconfigs)
storm_dev xenc0 &
s0=$!
storm_dev xenc1 &
s1=$!
wait "$s0" "$s1"
log "storms of $storm changes on two devices took $(($(now_ms) - t0)) ms"
touch /tmp/storm-tcp0.stop /tmp/storm-tcp1.stop
wait "$l0" "$l1"
for d in xenc0 xenc1; do
	read -r ok bad <"/tmp/storm-$d.result"
	check_eq "storm-$d-all-applied" "$ok" "$storm"
	check "storm-$d-no-carrier-flap" test "$(sysval /sys/class/net/$d/carrier_changes)" -eq "${ch0[$d]}"
	check "storm-$d-no-disconnect" test "$(stat "$d" link_disconnects)" -eq "${dc0[$d]}"
	check "storm-$d-no-faults" test "$(fault_total "$d")" -eq 0
done
check_eq storm-reconfigs-counted $(($(stat xenc0 live_reconfigs) - r0 + $(stat xenc1 live_reconfigs) - r1)) \
	$((2 * storm))
check storm-traffic-xenc0 iperf_loop_ok /tmp/storm-tcp0
check storm-traffic-xenc1 iperf_loop_ok /tmp/storm-tcp1
check storm-no-xenc-drops test "$(($(qstat xenc0 tx_drop_fault) + $(qstat xenc0 tx_drop_toobig) + \
	$(qstat xenc1 tx_drop_fault) + $(qstat xenc1 tx_drop_toobig)))" -eq 0
topo_down

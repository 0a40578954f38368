#!/bin/bash
# No data lost: a checksummed TCP transfer in each direction through xenc0
# arrives byte-identical while the peer disconnects and comes back, the
# rings are resized and the channel count changes, all during it.  Each
# sender repeats a random payload until every disturbance has happened,
# so the transfer always spans them, however fast the guest is.
#   XENC_INTEGRITY_MB (4): payload size (sent as many times as it takes);
#   XENC_INTEGRITY_STEPS (9): disturbances, in turn a reconnect, a resize
#   and a channel change, 2 s apart so that TCP recovers in between.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-campaign.sh"

mb=${XENC_INTEGRITY_MB:-4}
steps=${XENC_INTEGRITY_STEPS:-9}

topo_up 1 || fail topo-up "bridge with xenc0 did not come up"
head -c "${mb}M" /dev/urandom >/tmp/payload
rm -f /tmp/got-* /tmp/copies-* /tmp/integrity.stop
bg ip netns exec cok0 bash -c "nc -d -l -p 7000 | sha256sum | cut -d' ' -f1 >/tmp/got-l2p" &
r1=$!
bg ip netns exec lnx bash -c "nc -d -l -p 7001 | sha256sum | cut -d' ' -f1 >/tmp/got-p2l" &
r2=$!
sleep 0.5
# send NS DST PORT NAME: the payload again and again until told to stop.
send() {
	bg ip netns exec "$1" bash -c "
		k=0
		while [ ! -e /tmp/integrity.stop ]; do
			cat /tmp/payload
			k=\$((k + 1))
			echo \$k >/tmp/copies-$4
		done | nc -N $2 $3"
}
send lnx 10.9.0.2 7000 l2p &
s1=$!
send cok0 10.9.0.1 7001 p2l &
s2=$!

att=$(peer_knob xenc0 attached)
sending() { kill -0 "$s1" 2>/dev/null && kill -0 "$s2" 2>/dev/null; }
resizes=0 channels=0 reconnects=0 failed=0 step=0
sizes=(128 512 64 256)
while [ "$step" -lt "$steps" ] && sending; do
	case $((step % 3)) in
	0)
		echo 0 >"$att"
		fast_wait 10 carrier_is xenc0 0 || failed=$((failed + 1))
		nap 0.3
		echo 1 >"$att"
		fast_wait 20 carrier_is xenc0 1 || failed=$((failed + 1))
		reconnects=$((reconnects + 1))
		;;
	1)
		ethtool -G xenc0 rx "${sizes[$((step % 4))]}" tx "${sizes[$(((step + 1) % 4))]}" ||
			failed=$((failed + 1))
		resizes=$((resizes + 1))
		;;
	2)
		ethtool -L xenc0 combined $((1 + step % 4)) || failed=$((failed + 1))
		channels=$((channels + 1))
		;;
	esac
	step=$((step + 1))
	log "step $step: xenc0 tx $(link_stat "" xenc0 tx packets) rx $(link_stat "" xenc0 rx packets)"
	nap 2
done
check integrity-senders-outlived-disturbances sending
touch /tmp/integrity.stop
# A transfer stalled for good would hold these forever: the senders stop
# within one payload, so 120 s means a connection that no longer moves.
ended() {
	local p
	for p in "$s1" "$s2" "$r1" "$r2"; do
		! kill -0 "$p" 2>/dev/null || return 1
	done
}
if ! check integrity-transfer-finished fast_wait 120 ended; then
	path_report
	pkill -x nc
fi
wait "$s1" "$s2" "$r1" "$r2"
log "disturbances: $resizes resizes, $channels channel changes, $reconnects reconnects, $failed failed"
check integrity-disturbances-applied test "$failed" -eq 0 -a "$step" -eq "$steps"
check integrity-reconnect-during-transfer test "$reconnects" -ge 1
check integrity-resized-during-transfer test "$resizes" -ge 1
check integrity-channels-during-transfer test "$channels" -ge 1
for dir in l2p p2l; do
	k=$(cat "/tmp/copies-$dir" 2>/dev/null || echo 0)
	want=$(for ((i = 0; i < k; i++)); do cat /tmp/payload; done | sha256sum | cut -d' ' -f1)
	got=$(cat "/tmp/got-$dir" 2>/dev/null)
	log "$dir: $k x ${mb} MiB sent, sha256 $want, received $got"
	check "integrity-$dir-sha256" test "$k" -ge 1 -a "$got" = "$want"
done
topo_down

#!/bin/bash
# No data lost: a large checksummed transfer in each direction through
# xenc0 arrives byte-identical while the rings are resized, the channel
# count changes and the peer disconnects and comes back, all during it.
#   XENC_INTEGRITY_MB (8): payload size per direction (16 rings of 256 slots);
#   XENC_INTEGRITY_STEPS (9): disturbances at most (3 of each kind).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-campaign.sh"

mb=${XENC_INTEGRITY_MB:-8}
max_steps=${XENC_INTEGRITY_STEPS:-9}

topo_up 1 || fail topo-up "bridge with xenc0 did not come up"
head -c "${mb}M" /dev/urandom >/tmp/payload
want=$(sha256sum </tmp/payload | cut -d' ' -f1)
rm -f /tmp/got-*
bg ip netns exec cok0 bash -c "nc -d -l -p 7000 | sha256sum | cut -d' ' -f1 >/tmp/got-l2p" &
r1=$!
bg ip netns exec lnx bash -c "nc -d -l -p 7001 | sha256sum | cut -d' ' -f1 >/tmp/got-p2l" &
r2=$!
sleep 0.5
bg ip netns exec lnx nc -N 10.9.0.2 7000 </tmp/payload &
s1=$!
bg ip netns exec cok0 nc -N 10.9.0.1 7001 </tmp/payload &
s2=$!

# Disturb the link while both senders run: a reconnect, a resize and a
# channel change, again and again, 2 s apart so that TCP (which loses what
# was in the rings at each reconnect) keeps making progress in between.
att=$(peer_knob xenc0 attached)
sending() { kill -0 "$s1" 2>/dev/null && kill -0 "$s2" 2>/dev/null; }
resizes=0 channels=0 reconnects=0 failed=0 step=0
sizes=(128 512 64 256)
while sending && [ "$step" -lt "$max_steps" ]; do
	case $((step % 3)) in
	0)
		echo 0 >"$att"
		fast_wait 10 carrier_is xenc0 0 || failed=$((failed + 1))
		nap 0.3
		echo 1 >"$att"
		fast_wait 20 carrier_is xenc0 1 || failed=$((failed + 1))
		sending && reconnects=$((reconnects + 1))
		;;
	1)
		ethtool -G xenc0 rx "${sizes[$((step % 4))]}" tx "${sizes[$(((step + 1) % 4))]}" ||
			failed=$((failed + 1))
		sending && resizes=$((resizes + 1))
		;;
	2)
		ethtool -L xenc0 combined $((1 + step % 4)) || failed=$((failed + 1))
		sending && channels=$((channels + 1))
		;;
	esac
	step=$((step + 1))
	log "step $step: xenc0 tx $(link_stat "" xenc0 tx packets) rx $(link_stat "" xenc0 rx packets)"
	nap 2
done
wait "$s1" "$s2"
wait "$r1" "$r2"
log "during the transfer: $resizes resizes, $channels channel changes, $reconnects reconnects, $failed failed"
check integrity-disturbances-applied test "$failed" -eq 0
check integrity-resized-during-transfer test "$resizes" -ge 1
check integrity-channels-during-transfer test "$channels" -ge 1
check integrity-reconnect-during-transfer test "$reconnects" -ge 1
log "sha256: sent $want, got $(cat /tmp/got-l2p) l2p, $(cat /tmp/got-p2l) p2l"
check "integrity-${mb}MB-linux-to-peer-sha256" test "$(cat /tmp/got-l2p)" = "$want"
check "integrity-${mb}MB-peer-to-linux-sha256" test "$(cat /tmp/got-p2l)" = "$want"
topo_down

#!/bin/bash
# Live ring resize (ethtool -G) and channel changes (ethtool -L) while
# traffic flows: no carrier drop, no broken TCP stream, no corrupted byte.
. "$(dirname "$0")/lib.sh"

topo_up 1 || fail topo-up "bridge with xenc0 did not come up"
ip netns exec cok0 iperf3 -s -D >/dev/null
sleep 0.3

max=$(ethtool -g xenc0 | awk '/^Pre-set/ { p = 1 } p && /^RX:/ { print $2; exit }')
check ethtool-g-reports-max test "${max:-0}" -ge 1024
check ethtool-g-reports-current bash -c "ethtool -g xenc0 | awk '/^Current/ { c = 1 } c && /^RX:/ { print \$2; exit }' | grep -qx 256"

flaps0=$(cat /sys/class/net/xenc0/carrier_changes)
disc0=$(stat xenc0 link_disconnects)
re0=$(stat xenc0 live_reconfigs)

# A checksummed payload and a TCP stream cross while the rings change.
head -c 16000000 /dev/urandom >/tmp/payload
want=$(sha256sum </tmp/payload | cut -d' ' -f1)
ip netns exec cok0 bash -c "nc -d -l -p 7000 | sha256sum | cut -d' ' -f1 >/tmp/got" &
rcv=$!
sleep 0.5
ip netns exec lnx iperf3 -c 10.9.0.2 -t 25 -J >"$OUT/reconfig-tcp.json" 2>"$OUT/reconfig-tcp.err" &
ipf=$!
ip netns exec lnx nc -N 10.9.0.2 7000 </tmp/payload &
snd=$!

sizes=(64 128 256 512 1024 2048 "$max" 1024 512 256 128 64 128 512 2048 256 1024 64 "$max" 256)
ok=1
for i in "${!sizes[@]}"; do
	s=${sizes[$i]}
	t=${sizes[$(((i + 3) % ${#sizes[@]}))]}
	if ! ethtool -G xenc0 rx "$s" tx "$t"; then
		ok=0
		log "ethtool -G rx $s tx $t failed"
	fi
	cur=$(ethtool -g xenc0 | awk '/^Current/ { c = 1 } c && /^RX:/ { print $2; exit }')
	[ "$cur" = "$s" ] || { ok=0; log "rx ring is $cur, wanted $s"; }
	sleep 0.5
done
check resize-20-changes-applied test $ok -eq 1
wait $snd
wait $rcv
wait $ipf
check resize-tcp-stream-survives iperf_ok "$OUT/reconfig-tcp.json"
got=$(cat /tmp/got)
log "payload sha256: sent $want received $got"
check resize-payload-sha256 test "$got" = "$want"
check resize-no-carrier-flap test "$(cat /sys/class/net/xenc0/carrier_changes)" -eq "$flaps0"
check resize-no-disconnect test "$(stat xenc0 link_disconnects)" -eq "$disc0"
check resize-counted test "$(stat xenc0 live_reconfigs)" -eq $((re0 + 20))

# Impossible sizes are refused and the rings stay as they were.
ethtool -G xenc0 rx 256 tx 256
check resize-refuse-non-pow2 bash -c "! ethtool -G xenc0 rx 100 2>/dev/null"
check resize-refuse-too-small bash -c "! ethtool -G xenc0 rx 32 2>/dev/null"
check resize-refuse-too-big bash -c "! ethtool -G xenc0 rx $((max * 4)) 2>/dev/null"
check resize-refused-keeps-rings bash -c "ethtool -g xenc0 | awk '/^Current/ { c = 1 } c && /^RX:/ { print \$2; exit }' | grep -qx 256"

# Channels: 1 -> 2 -> 4 -> 1 under traffic, traffic spread over the queues.
ip netns exec lnx iperf3 -c 10.9.0.2 -t 12 -P 8 -J >"$OUT/channels-tcp.json" 2>"$OUT/channels-tcp.err" &
ipf=$!
ok=1
for n in 1 2 4 2 1 4; do
	ethtool -L xenc0 combined $n || ok=0
	cur=$(ethtool -l xenc0 | awk '/^Current/ { c = 1 } c && /^Combined:/ { print $2; exit }')
	[ "$cur" = "$n" ] || { ok=0; log "channels $cur, wanted $n"; }
	[ "$(ls -d /sys/class/net/xenc0/queues/tx-* | wc -l)" -eq "$n" ] || { ok=0; log "sysfs tx queues != $n"; }
	sleep 1.5
done
wait $ipf
check channels-changes-applied test $ok -eq 1
check channels-tcp-survives iperf_ok "$OUT/channels-tcp.json"
q=0
for i in 0 1 2 3; do
	[ "$(stat xenc0 q${i}_tx_packets)" -gt 0 ] && q=$((q + 1))
done
check channels-traffic-spread test $q -ge 2
check channels-no-carrier-flap test "$(cat /sys/class/net/xenc0/carrier_changes)" -eq "$flaps0"
check channels-refuse-too-many bash -c "! ethtool -L xenc0 combined 17 2>/dev/null"

topo_down

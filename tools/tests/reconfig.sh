#!/bin/bash
# Live ring resize (ethtool -G) and channel changes (ethtool -L) while
# traffic flows: no carrier drop, no broken TCP stream, no corrupted byte.
# The iperf3 streams send what a FIFO feeds them (-F) and end when it is
# closed, right after the last change: a timed test would either end too
# early or, under a loaded TCG guest where one resize can take seconds,
# overrun and be cut off by the iperf3 server.  The peer's streams back
# (iperf3 -R) run until interrupted, and must all still move then.
. "$(dirname "$0")/lib.sh"

topo_up 1 || fail topo-up "bridge with xenc0 did not come up"
# One queue pair: the resize sizes below go up to what one pair may use
# (the default is a pair per CPU, and pairs share the region).
ethtool -L xenc0 combined 1
ip netns exec cok0 iperf3 -s -D >/dev/null
ip netns exec cok0 iperf3 -s -p 5202 -D >/dev/null
sleep 0.3

# rings: "RX TX" current sizes.
rings() { ethtool -g xenc0 | awk '/^Current/ { c = 1 } c && /^(RX|TX):/ { printf "%s%s", s, $2; s = " " }'; }
max=$(ethtool -g xenc0 | awk '/^Pre-set/ { p = 1 } p && /^RX:/ { print $2; exit }')
check ethtool-g-reports-max test "${max:-0}" -ge 1024
check ethtool-g-reports-current test "$(rings)" = "256 256"

flaps0=$(cat /sys/class/net/xenc0/carrier_changes)
disc0=$(stat xenc0 link_disconnects)
re0=$(stat xenc0 live_reconfigs)

# peer_took N: the peer consumed at least N slots of the current tx rings
# (shared cons indices restart at 0 with every new layout).  No exec: the
# loop below must not be slowed down by the checks themselves.
dbg=$(dbg_state xenc0)
peer_took() {
	local l sum=0 re='tx\(l2p\): .* shared prod [0-9]+ cons ([0-9]+)'
	while read -r l; do
		[[ $l =~ $re ]] && sum=$((sum + BASH_REMATCH[1]))
	done <"$dbg"
	[ $sum -ge "$1" ]
}
ms() { echo $((${EPOCHREALTIME/./} / 1000)); }

# A checksummed payload goes out in one piece per resize, one after each resize, over
# one TCP connection that so spans every layout; an iperf3 stream runs
# beside it the whole time.
head -c $((${XENC_RESIZES:-20} * 512 * 1024)) /dev/urandom >/tmp/payload
want=$(sha256sum </tmp/payload | cut -d' ' -f1)
ip netns exec cok0 bash -c "nc -d -l -p 7000 | sha256sum | cut -d' ' -f1 >/tmp/got" &
rcv=$!
rm -f /tmp/payload.fifo
mkfifo /tmp/payload.fifo
sleep 0.5
ip netns exec lnx nc -N 10.9.0.2 7000 </tmp/payload.fifo &
snd=$!
exec 3>/tmp/payload.fifo
# stream NAME IPERF3-ARGS...: an iperf3 TCP stream that lasts until endstream.
stream() {
	local name=$1
	shift
	rm -f /tmp/stream.fifo
	mkfifo /tmp/stream.fifo
	ip netns exec lnx iperf3 -c 10.9.0.2 -F /tmp/stream.fifo -n 100G "$@" -J \
		>"$OUT/$name.json" 2>"$OUT/$name.err" &
	ipf=$!
	cat /dev/zero >/tmp/stream.fifo &
	feed=$!
}
# A stream stalled for good fails its iperf_ok check, not the suite.
endstream() {
	kill $feed
	wait $feed 2>/dev/null
	reap 60 $ipf
}
stream reconfig-tcp -b 100M
wait_for 30 peer_took 1000

sizes=(64 128 256 512 1024 2048 "$max" 1024 512 256 128 64 128 512 2048 256 1024 64 "$max" 256)
# XENC_RESIZES (20): how many of them.
sizes=("${sizes[@]:0:${XENC_RESIZES:-20}}")
nres=${#sizes[@]}
ok=1 live=0 moved=0
for i in "${!sizes[@]}"; do
	s=${sizes[$i]}
	t=${sizes[$(((i + 3) % ${#sizes[@]}))]}
	kill -0 $ipf 2>/dev/null && live=$((live + 1))
	t0=$(ms)
	if ! ethtool -G xenc0 rx "$s" tx "$t"; then
		ok=0
		log "ethtool -G rx $s tx $t failed"
	fi
	t1=$(ms)
	r=$(rings)
	[ "$r" = "$s $t" ] || { ok=0; log "rings are $r, wanted $s $t"; }
	# Data crosses every new layout before the next change.
	dd if=/tmp/payload bs=512k skip="$i" count=1 iflag=fullblock 2>/dev/null >&3
	wait_for 60 peer_took 64 && moved=$((moved + 1))
	log "resize $((i + 1)): rx $s tx $t took $((t1 - t0)) ms, traffic on it $(($(ms) - t1)) ms"
done
exec 3>&-
check resize-changes-applied test $ok -eq 1
check resize-all-under-iperf3-stream test $live -eq "$nres"
check resize-traffic-after-each test $moved -eq "$nres"
endstream
wait $snd
wait $rcv
check resize-tcp-stream-survives iperf_ok "$OUT/reconfig-tcp.json"
got=$(cat /tmp/got)
log "payload sha256: sent $want received $got"
check resize-payload-sha256 test "$got" = "$want"
check resize-no-carrier-flap test "$(cat /sys/class/net/xenc0/carrier_changes)" -eq "$flaps0"
check resize-no-disconnect test "$(stat xenc0 link_disconnects)" -eq "$disc0"
check resize-counted test "$(stat xenc0 live_reconfigs)" -eq $((re0 + nres))

# Impossible sizes are refused with a reason and the rings stay as they were.
ethtool -G xenc0 rx 256 tx 256
re1=$(stat xenc0 live_reconfigs)
refused() {
	local err
	err=$(ethtool -G xenc0 "$@" 2>&1) && return 1
	log "ethtool -G $*: $err"
	echo "$err" | grep -q "$REASON"
}
REASON="powers of two" check resize-refuse-non-pow2 refused rx 100
REASON="at least 64" check resize-refuse-too-small refused rx 32
REASON="exceeds\|fit" check resize-refuse-too-big refused rx $((max * 4))
check resize-refused-keeps-rings test "$(rings)" = "256 256"
check resize-refused-not-counted test "$(stat xenc0 live_reconfigs)" -eq "$re1"

# Channels 1 -> 2 -> 4 -> 2 -> 1 under 8 TCP streams: each count spreads
# traffic over exactly its queues, both ways (per-queue counters).
# qmoved BEFORE AFTER DIR: queues whose DIR packets counter moved.
sent_since() { local p; read -r p </sys/class/net/xenc0/statistics/tx_packets; [ "$p" -ge "$1" ]; }
qsnap() { ethtool -S xenc0 | awk '$1 ~ /^q[0-9]+_(tx|rx)_packets:/ { print $1, $2 }'; }
qmoved() {
	join <(echo "$1") <(echo "$2") | awk -v d="_$3_packets:" 'index($1, d) && $3 > $2 {
		sub(/_.*/, "", $1); printf "%s ", $1 }'
}
# spread "MOVED" "LIVE" MIN: at least MIN queues moved, all of them live.
spread() {
	local q n=0
	for q in $1; do
		[[ " $2 " == *" $q "* ]] || return 1
		n=$((n + 1))
	done
	[ $n -ge "$3" ]
}
# XPS gives each CPU its own queues (affinity.c), so flows sent from one
# CPU spread over that CPU's share: two queues only where it owns two.
ncpu=$(nproc)
peer_backlog_empty() {
	tc -n cok0 -s -j qdisc show dev eth0 |
		jq -e '[.[] | select(.root == true) | .backlog] | add == 0'
}
stream channels-tcp -P 8 -b 12M
# And the other way, unpaced, so that the peer always has frames waiting
# in its qdisc through each change, on queues the next layout may lack.
ip netns exec lnx iperf3 -c 10.9.0.2 -p 5202 -R -P 8 -b 0 -t 3600 -J \
	>"$OUT/channels-tcp-r.json" 2>"$OUT/channels-tcp-r.err" &
ipr=$!
ok=1 live=0
# XENC_CHANNEL_STEPS: the walk (make check: 1 -> 4 -> 1).
steps=${XENC_CHANNEL_STEPS:-up-1 up-2 up-4 down-2 down-1}
for step in $steps; do
	n=${step#*-}
	kill -0 $ipf 2>/dev/null && live=$((live + 1))
	ethtool -L xenc0 combined $n || ok=0
	cur=$(ethtool -l xenc0 | awk '/^Current/ { c = 1 } c && /^Combined:/ { print $2; exit }')
	[ "$cur" = "$n" ] || { ok=0; log "channels $cur, wanted $n"; }
	[ "$(ls -d /sys/class/net/xenc0/queues/tx-* | wc -l)" -eq "$n" ] || { ok=0; log "sysfs tx queues != $n"; }
	a=$(qsnap)
	read -r p0 </sys/class/net/xenc0/statistics/tx_packets
	wait_for 60 sent_since $((p0 + 2000))
	b=$(qsnap)
	tx=$(qmoved "$a" "$b" tx) rx=$(qmoved "$a" "$b" rx)
	log "channels $n: tx on $tx, rx on $rx"
	want=$(seq -s ' ' -f 'q%g' 0 $((n - 1)))
	case $n in
	1) check "channels-$step-only-q0" test "$tx|$rx" = "q0 |q0 " ;;
	*) # Only live queues carry traffic, and more than one where they can.
	   min=$((n / ncpu >= 2 ? 2 : 1))
	   check "channels-$step-spread-tx" spread "$tx" "$want" $min
	   check "channels-$step-spread-rx" spread "$rx" "$want" $min ;;
	esac
done
check channels-changes-applied test $ok -eq 1
check channels-all-under-iperf3-stream test $live -eq "$(wc -w <<<"$steps")"
endstream
check channels-tcp-survives iperf_ok "$OUT/channels-tcp.json"
kill -INT $ipr
reap 30 $ipr
# Each of the peer's streams still moved data over the last 2 s.
check channels-tcp-reverse-survives jq -e '.intervals | length > 2 and
	([.[-3:-1][].streams] | transpose | map(map(.bytes) | add > 0) | all)' \
	"$OUT/channels-tcp-r.json"
# Acks the peer queued on a queue the last step removed must not stay
# there: a frame held on a queue nothing serves holds its socket too.
check channels-peer-queues-drained wait_for 10 peer_backlog_empty
check channels-no-carrier-flap test "$(cat /sys/class/net/xenc0/carrier_changes)" -eq "$flaps0"
check channels-refuse-too-many bash -c "! ethtool -L xenc0 combined 17 2>/dev/null"

# Changes while xenc0 is down but its link is up: nothing takes the frames
# the peer still sends, and a change must not wait for them (it used to
# time out after 5 s, "peer did not quiesce").
# rx_waiting: a receive ring holds frames the peer sent.
rx_waiting() {
	local l re='rx\(p2l\): slots [0-9]+ head ([0-9]+) .* shared prod ([0-9]+)'
	while read -r l; do
		[[ $l =~ $re ]] && [ "${BASH_REMATCH[1]}" != "${BASH_REMATCH[2]}" ] && return 0
	done <"$dbg"
	return 1
}
ip link set xenc0 down
ip netns exec cok0 ping -q -c 5 -i 0.2 -W 1 10.9.0.1 >/dev/null 2>&1
check down-peer-frames-waiting rx_waiting
re2=$(stat xenc0 live_reconfigs)
check down-resize-applies ethtool -G xenc0 rx 512 tx 512
check down-resize-rings test "$(rings)" = "512 512"
check down-resize-back ethtool -G xenc0 rx 256 tx 256
check down-channels-apply ethtool -L xenc0 combined 2
check down-changes-were-live test "$(stat xenc0 live_reconfigs)" -eq $((re2 + 3))
ip link set xenc0 up
check down-traffic-after wait_for 10 ip netns exec lnx ping -c 1 -W 1 10.9.0.2

topo_down

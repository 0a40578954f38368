#!/bin/bash
# Soak: four xenc devices, eight flows at full rate (six TCP, two UDP at
# 50 Mbit/s, above what the debug guest carries) for XENC_SOAK_SECS (make
# check: 3 min; make soak: 30 min).  Afterwards every flow finished
# without error, each device's counters agree with its peer's to the
# packet and the byte (what one side sent, the other received or counted
# as dropped), no link ever dropped, and memory use is flat: unreclaimable
# slab and available memory at the end are within a tolerance of a
# baseline taken once the traffic had warmed up (KASAN's quarantine and
# socket caches fill by then).
#   XENC_SOAK_SECS (180), XENC_SOAK_SLAB_TOL_KB (32768), XENC_SOAK_AVAIL_TOL_KB (65536)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib-campaign.sh"

secs=${XENC_SOAK_SECS:-180}
slab_tol=${XENC_SOAK_SLAB_TOL_KB:-32768}
avail_tol=${XENC_SOAK_AVAIL_TOL_KB:-65536}
interval=$((secs >= 300 ? 60 : 5))

# fq_codel, as most distributions set it: with plain FIFOs the two UDP
# floods queue every TCP flow's control connection for tens of seconds
# on a slow guest, and iperf3's servers give up on them.
qdisc0=$(sysctl -n net.core.default_qdisc)
sysctl -qw net.core.default_qdisc=fq_codel
topo_up 4 || fail topo-up "bridge with four xenc devices did not come up"
for ns in lnx cok0 cok1 cok2 cok3; do
	for p in 5201 5202; do ip netns exec "$ns" iperf3 -s -D -p "$p" >/dev/null; done
done
sleep 0.5

mem() { echo "$(meminfo MemAvailable) $(meminfo Slab) $(meminfo SUnreclaim) $(meminfo VmallocUsed)"; }
samples=$OUT/soak-memory.txt
echo "# uptime MemAvailable Slab SUnreclaim VmallocUsed (KiB)" >"$samples"
sample() { echo "$(cut -d' ' -f1 /proc/uptime) $(mem)" >>"$samples"; }
sample

# flow N FROM TO_IP PORT ARGS...
pids=()
flow() {
	local n=$1 from=$2 to=$3 port=$4
	shift 4
	ip netns exec "$from" iperf3 -c "$to" -p "$port" -t "$secs" -i "$interval" -J "$@" \
		>"$OUT/soak-flow$n.json" 2>"$OUT/soak-flow$n.err" &
	pids+=($!)
}
flow 1 lnx 10.9.0.2 5201
flow 2 cok0 10.9.0.1 5201
flow 3 lnx 10.9.0.3 5201
flow 4 cok1 10.9.0.4 5201
flow 5 cok2 10.9.0.1 5202
flow 6 cok3 10.9.0.2 5202
flow 7 lnx 10.9.0.5 5201 -u -b 50M -l 1400
flow 8 cok3 10.9.0.3 5202 -u -b 50M -l 8000
log "soak: 8 flows over 4 devices for ${secs}s"
end=$((EPOCHSECONDS + secs))

warm=$((secs / 10 > 5 ? secs / 10 : 5))
sleep "$warm"
sample
base=$(mem)
# By the clock: under full load this shell itself gets little CPU, and a
# 5 s sleep plus a sample takes far longer than 5 s.
while [ $((EPOCHSECONDS + interval)) -lt "$end" ]; do
	sleep "$interval"
	sample
done
bad=0
for i in "${!pids[@]}"; do
	wait "${pids[$i]}"
	iperf_ok "$OUT/soak-flow$((i + 1)).json" || { bad=$((bad + 1)); log "flow $((i + 1)) failed: $(head -c 300 "$OUT/soak-flow$((i + 1)).err")"; }
done
check soak-every-flow-finished test "$bad" -eq 0
for i in 1 2 3 4 5 6 7 8; do
	log "flow $i: $(jq -r '.end | (.sum_received.bits_per_second // .sum.bits_per_second) / 1e6 |
		floor | tostring + " Mbit/s"' "$OUT/soak-flow$i.json" 2>/dev/null)"
done

# Nothing in flight: counters stop moving.
snapshot() {
	local i
	for i in 0 1 2 3; do
		ip -s -j link show dev "xenc$i"
		ip -n "cok$i" -s -j link show dev eth0
	done
}
s1=$(snapshot)
for _ in $(seq 20); do
	sleep 1
	s2=$(snapshot)
	[ "$s1" = "$s2" ] && break
	s1=$s2
done
agree=0
for i in 0 1 2 3; do
	x=$(ip -s -j link show dev "xenc$i" | jq -c '.[0].stats64')
	p=$(ip -n "cok$i" -s -j link show dev eth0 | jq -c '.[0].stats64')
	log "xenc$i: $x"
	log "peer$i: $p"
	if jq -en --argjson x "$x" --argjson p "$p" '
		$x.tx.packets == $p.rx.packets + $p.rx.dropped and
		$p.tx.packets == $x.rx.packets + $x.rx.dropped and
		$x.tx.bytes == $p.rx.bytes and $p.tx.bytes == $x.rx.bytes and
		$x.tx.packets > 0 and $x.rx.packets > 0' >/dev/null; then
		agree=$((agree + 1))
	fi
	check "soak-xenc$i-never-dropped-link" test "$(stat "xenc$i" link_disconnects)" -eq 0 -a \
		"$(fault_total "xenc$i")" -eq 0
	check "soak-xenc$i-no-xenc-drops" test "$(jq -n --argjson x "$x" '$x.tx.dropped + $x.rx.dropped')" -eq 0
done
check soak-stats-agree-to-the-packet test "$agree" -eq 4

sync
echo 3 >/proc/sys/vm/drop_caches
sleep 1
sample
end=$(mem)
read -r a0 _ u0 v0 <<<"$base"
read -r a1 _ u1 v1 <<<"$end"
log "memory (KiB) after warm-up: MemAvailable $a0 SUnreclaim $u0 VmallocUsed $v0"
log "memory (KiB) at the end:    MemAvailable $a1 SUnreclaim $u1 VmallocUsed $v1"
log "growth: SUnreclaim $((u1 - u0)) KiB (tolerance $slab_tol), MemAvailable $((a0 - a1)) KiB less (tolerance $avail_tol); samples in $samples"
check soak-slab-flat test $((u1 - u0)) -le "$slab_tol"
check soak-memavailable-flat test $((a0 - a1)) -le "$avail_tol"
check soak-vmalloc-flat test $((v1 - v0)) -le 1024
topo_down
sysctl -qw net.core.default_qdisc="$qdisc0"

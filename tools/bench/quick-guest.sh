#!/bin/bash
# Guest half of tools/bench/quick.sh: one topology, two equal paths to the
# Linux-hosted VM (netns lnx) through br0, measured back to back:
#   xenc: netns cok0 (test peer xvm) -> ring -> xenc0 -> br0 -> veth -> lnx
#   veth: netns vcok (veth)          ->          vcok-br -> br0 -> veth -> lnx
# Prints one table row per test with the xenc/veth ratio, and writes
# $OUT/quick.txt.  Numbers only: nothing here asserts a threshold.
. "$(dirname "$0")/../tests/lib.sh"

secs=${XENC_BENCH_SECS:-4}
res=$OUT/quick.txt
: >"$res"

# Module parameters, e.g. XENC_BENCH_XENC_ARGS=offloads=0 for "no offloads".
insmod "$XENC/xenc.ko" ${XENC_BENCH_XENC_ARGS:-}
insmod "$XENC/xenc_peer.ko" ${XENC_BENCH_PEER_ARGS:-}
topo_up 1 || { echo "quick: topology did not come up"; exit 1; }
ip netns add vcok
ip netns exec vcok sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip link add vcok-br type veth peer name eth0 netns vcok
ip link set vcok-br master br0 up
ip -n vcok link set lo up
ip -n vcok addr add 10.9.0.50/24 dev eth0
ip -n vcok link set eth0 up
wait_for 10 ip netns exec vcok ping -c 1 -W 1 10.9.0.1

ip netns exec lnx iperf3 -s -D >/dev/null
sleep 0.5

# Doorbells (both ways) and bytes through xenc0, for doorbells per Gbit.
dbell() { echo $(( $(qstat xenc0 tx_doorbells_sent) + $(qstat xenc0 rx_doorbells_sent) + $(qstat xenc0 doorbells_received) )); }
xbytes() { echo $(( $(qstat xenc0 tx_bytes) + $(qstat xenc0 rx_bytes) )); }

# run NS NAME IPERF-ARGS...: Gbit/s received (or "-" on error).
run() {
	local ns=$1 name=$2 j
	shift 2
	j=$OUT/quick-$name-$ns.json
	ip netns exec "$ns" iperf3 -c 10.9.0.1 -t "$secs" -J "$@" >"$j" 2>"$j.err"
	jq -r 'if .error then "-" else
		((.end.sum_received.bits_per_second // .end.sum.bits_per_second) / 1e9 * 1000 | round / 1000) end' "$j" 2>/dev/null || echo -
}
udp_loss() {
	jq -r 'if .error then "-" else (.end.sum.lost_percent * 100 | round / 100) end' \
		"$OUT/quick-$1-$2.json" 2>/dev/null || echo -
}
rtt() {
	ip netns exec "$1" ping -c "${XENC_BENCH_PINGS:-200}" -i 0.01 -q 10.9.0.1 |
		awk -F/ '/^rtt/ { print $5 }'
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b }'
}
row() { printf '%-22s %10s %10s %7s  %s\n' "$@" | tee -a "$res"; }

row test xenc veth ratio note
for t in tcp1 tcp1-rev tcp4 udp64k; do
	case $t in
	tcp1) args=() ;;
	tcp1-rev) args=(-R) ;;
	tcp4) args=(-P 4) ;;
	udp64k) args=(-u -b 0 -l 65000) ;;
	esac
	d0=$(dbell) b0=$(xbytes)
	x=$(run cok0 "$t" "${args[@]}")
	d1=$(dbell) b1=$(xbytes)
	v=$(run vcok "$t" "${args[@]}")
	note=$(awk -v d=$((d1 - d0)) -v b=$((b1 - b0)) 'BEGIN { if (b > 0) printf "doorbells/Gbit %.0f", d / (b * 8 / 1e9) }')
	[ "$t" = udp64k ] && note+=" loss% xenc $(udp_loss "$t" cok0) veth $(udp_loss "$t" vcok)"
	row "$t Gbit/s" "$x" "$v" "$(ratio "$x" "$v")" "$note"
done
x=$(rtt cok0) v=$(rtt vcok)
# Latency: lower is better, so the ratio is xenc/veth (1.5 = 50 % slower).
row "ping rtt ms" "${x:--}" "${v:--}" "$(ratio "${x:--}" "${v:--}")" "avg of ${XENC_BENCH_PINGS:-200}"
ethtool -k xenc0 | grep -E '^(tx-checksumming|tcp-segmentation-offload|generic-receive-offload|scatter-gather):' |
	tr '\n' ' ' | sed 's/^/xenc0 features: /' | tee -a "$res"
echo | tee -a "$res"
topo_down

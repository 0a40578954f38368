#!/bin/bash
# The kernel's netdev netlink family, read with the kernel tree's own ynl
# library and spec: queue listing, NAPI instances and per-queue statistics (qstats)
# agree with ethtool -l/-S, ip -s link, sysfs and debugfs, at every queue
# count; statistics survive channel changes and never reset on read.
. "$(dirname "$0")/lib.sh"

# The kernel tree's ynl library and netdev spec, one process per snapshot.
nl() { /usr/bin/python3 "$XENC/tools/tests/netdev-nl.py" "$KDIR" "$ifx"; }

topo_up 1 || fail topo-up "bridge with xenc0 did not come up"
ifx=$(cat /sys/class/net/xenc0/ifindex)
dbg=$(dbg_state xenc0)

# Counters on every queue: parallel streams both ways over 4 queue pairs.
ethtool -L xenc0 combined 4
ip netns exec cok0 iperf3 -s -D >/dev/null
sleep 0.3
ip netns exec lnx iperf3 -c 10.9.0.2 -t 2 -P 8 -l 16k >/dev/null 2>&1
ip netns exec lnx iperf3 -c 10.9.0.2 -t 2 -P 8 -l 16k -R >/dev/null 2>&1
sleep 0.5

# One queue count: every tool lists the same queues, each with its NAPI.
queues_agree() {
	local n=$1 j=$OUT/queues-$1.json nj=$OUT/napi-$1.json
	jq .queues "$OUT/netdev-$n.json" >"$j"
	jq .napi "$OUT/netdev-$n.json" >"$nj"
	check "queues-$n-ethtool-l" bash -c "ethtool -l xenc0 | awk '/^Current/ { c = 1 } c && /^Combined:/ { print \$2; exit }' | grep -qx $n"
	check "queues-$n-ynl-rx" jq -e "[.[] | select(.type == \"rx\") | .id] == [range($n)]" "$j"
	check "queues-$n-ynl-tx" jq -e "[.[] | select(.type == \"tx\") | .id] == [range($n)]" "$j"
	check "queues-$n-sysfs" test "$(ls -d /sys/class/net/xenc0/queues/tx-* | wc -l)" -eq "$n"
	check "queues-$n-debugfs" grep -q "^layout: queues $n " "$dbg"
	check "queues-$n-debugfs-listed" test "$(grep -c '^queue [0-9]* vector' "$dbg")" -eq "$n"
	# Queue pair q is served by one NAPI instance of its own, both ways.
	check "queues-$n-napi-per-pair" jq -e '
		(map(select(.type == "rx")) | map(.["napi-id"])) as $r |
		(map(select(.type == "tx")) | map(.["napi-id"])) as $t |
		$r == $t and ($r | all(. != null)) and ($r | unique | length) == ($r | length)' "$j"
	check "queues-$n-napi-listed" jq -e --slurpfile n "$nj" \
		'[.[] | .["napi-id"]] - [$n[0][] | .id] == []' "$j"
}

# qstats match what ethtool -S and ip -s link show, for a quiet link.
qstats_agree() {
	local n=$1 j=$OUT/netdev-$1.json s=$OUT/ethtool-S-$1.txt
	jq -r '.qstats_queue[] | if .["queue-type"] == "rx" then
		"q\(.["queue-id"]) rx \(.["rx-packets"]) \(.["rx-bytes"]) \(.["rx-alloc-fail"]) \(.["rx-hw-drops"])"
	else
		"q\(.["queue-id"]) tx \(.["tx-packets"]) \(.["tx-bytes"]) \(.["tx-stop"]) \(.["tx-wake"]) \(.["tx-hw-drops"])"
	end' "$j" | sort >"$OUT/qstats-$n.txt"
	awk -v n="$n" '{ v[$1] = $2 } END {
		for (q = 0; q < n; q++) {
			p = "q" q "_"
			printf "q%d rx %.0f %.0f %.0f %.0f\n", q, v[p "rx_packets:"], v[p "rx_bytes:"],
				v[p "rx_drop_nomem:"], v[p "rx_drop_fault:"]
			printf "q%d tx %.0f %.0f %.0f %.0f %.0f\n", q, v[p "tx_packets:"], v[p "tx_bytes:"],
				v[p "tx_queue_stops:"] + v[p "tx_ring_full:"], v[p "tx_queue_wakes:"],
				v[p "tx_drop_toobig:"] + v[p "tx_drop_link_down:"] + v[p "tx_drop_fault:"]
		} }' "$s" | sort >"$OUT/qstats-ethtool-$n.txt"
	check "qstats-$n-queues-match-ethtool-S" diff "$OUT/qstats-ethtool-$n.txt" "$OUT/qstats-$n.txt"
	local dev ips all
	dev=$(jq -r '.qstats_dev[0] | "\(.["rx-packets"]) \(.["rx-bytes"]) \(.["tx-packets"]) \(.["tx-bytes"]) \(.["tx-hw-drops"])"' "$j")
	ips=$(ip -j -s link show dev xenc0 | jq -r '.[0].stats64 | "\(.rx.packets) \(.rx.bytes) \(.tx.packets) \(.tx.bytes) \(.tx.dropped)"')
	log "qstats device: $dev; ip -s link: $ips"
	check "qstats-$n-device-match-ip-s" test "$dev" = "$ips"
	# Queues beyond n keep their history in the device totals.
	all=$(awk '$1 ~ /^q[0-9]+_rx_packets:/ { r += $2 } $1 ~ /^q[0-9]+_tx_packets:/ { t += $2 }
		END { printf "%.0f %.0f", r, t }' "$s")
	check "qstats-$n-device-is-sum-of-all-queues" test "$all" = "$(echo "$dev" | cut -d' ' -f1,3)"
}

for n in 4 1 3; do
	ethtool -L xenc0 combined $n
	# One snapshot of each view; the link is quiet, so they must agree.
	nl >"$OUT/netdev-$n.json" 2>"$OUT/netdev-$n.err"
	ethtool -S xenc0 >"$OUT/ethtool-S-$n.txt"
	check "netdev-netlink-$n-read" jq -e '.queues | length > 0' "$OUT/netdev-$n.json"
	queues_agree $n
	qstats_agree $n
done
check qstats-traffic-on-4-queues test "$(jq '[.qstats_queue[] | select(.["queue-type"] == "tx" and .["tx-packets"] > 0)] | length' "$OUT/netdev-4.json")" -ge 2

# Reading never resets: repeated reads through every interface agree, and
# only traffic moves the counters, upwards.
ethtool -S xenc0 >"$OUT/S1.txt"
nl >/dev/null 2>&1
ip -s link show xenc0 >/dev/null
cat "$dbg" >/dev/null
ethtool -S xenc0 >"$OUT/S2.txt"
check stats-read-does-not-reset cmp -s "$OUT/S1.txt" "$OUT/S2.txt"
check stats-nonzero-before-reread test "$(awk '$2 > 0' "$OUT/S1.txt" | wc -l)" -gt 10
ip netns exec lnx ping -c 2 -i 0.2 -W 2 10.9.0.2 >/dev/null
ethtool -S xenc0 >"$OUT/S3.txt"
check stats-monotonic bash -c "paste '$OUT/S2.txt' '$OUT/S3.txt' | awk 'NR > 1 && \$4 < \$2 { bad = 1; print } END { exit bad }'"
check stats-moved-with-traffic bash -c "! cmp -s '$OUT/S2.txt' '$OUT/S3.txt'"
topo_down

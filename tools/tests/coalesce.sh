#!/bin/bash
# Doorbell economy: coalescing moves the doorbell counters the expected
# way, and polling mode carries traffic with no doorbells at all.
. "$(dirname "$0")/lib.sh"

topo_up 1 || fail topo-up "bridge with xenc0 did not come up"
ip netns exec cok0 iperf3 -s -D >/dev/null
sleep 0.3

# tx_per_pkt: tx doorbells sent and suppressed per 1000 packets over one
# fixed UDP stream.
tx_per_pkt() {
	local s0 u0 p0 s1 u1 p1
	s0=$(qstat xenc0 tx_doorbells_sent) u0=$(qstat xenc0 tx_doorbells_suppressed)
	p0=$(qstat xenc0 tx_packets)
	ip netns exec lnx iperf3 -c 10.9.0.2 -u -b 20M -l 1400 -t 3 >/dev/null 2>&1
	s1=$(qstat xenc0 tx_doorbells_sent) u1=$(qstat xenc0 tx_doorbells_suppressed)
	p1=$(qstat xenc0 tx_packets)
	echo "$(((s1 - s0) * 1000 / (p1 - p0 + 1))) $(((u1 - u0) * 1000 / (p1 - p0 + 1)))"
}

check coalesce-defaults-off bash -c "ethtool -c xenc0 | grep -q '^rx-usecs: *0'"
read -r tx_plain tx_plain_sup < <(tx_per_pkt)
ethtool -C xenc0 tx-usecs 2000 tx-frames 64
read -r tx_coal tx_coal_sup < <(tx_per_pkt)
log "tx doorbells per 1000 packets: sent $tx_plain plain, $tx_coal coalesced; suppressed $tx_plain_sup plain, $tx_coal_sup coalesced"
check coalesce-tx-fewer-doorbells test "$tx_coal" -lt "$tx_plain"
check coalesce-tx-more-suppressed test "$tx_coal_sup" -gt "$tx_plain_sup"
check coalesce-tx-still-no-loss ip netns exec lnx ping -c 2 -W 2 10.9.0.2
ethtool -C xenc0 tx-usecs 0 tx-frames 0

# RX: peer -> Linux traffic; rx-frames moves our event index further out.
rx_per_pkt() {
	local c0 p0 c1 p1
	c0=$(qstat xenc0 doorbells_received) p0=$(qstat xenc0 rx_packets)
	ip netns exec cok0 iperf3 -c 10.9.0.1 -u -b 20M -l 1400 -t 3 >/dev/null 2>&1
	c1=$(qstat xenc0 doorbells_received) p1=$(qstat xenc0 rx_packets)
	echo $(((c1 - c0) * 1000 / (p1 - p0 + 1)))
}
ip netns exec lnx iperf3 -s -D >/dev/null
sleep 0.3
rx_plain=$(rx_per_pkt)
ethtool -C xenc0 rx-usecs 1000 rx-frames 32
check coalesce-settings-reported bash -c "ethtool -c xenc0 | grep -q '^rx-frames: *32'"
rx_coal=$(rx_per_pkt)
log "rx doorbells per 1000 packets: $rx_plain plain, $rx_coal coalesced"
check coalesce-rx-fewer-doorbells test "$rx_coal" -lt "$rx_plain"
check coalesce-refuse-frames-without-usecs bash -c "! ethtool -C xenc0 rx-usecs 0 rx-frames 8 2>/dev/null"
ethtool -C xenc0 rx-usecs 0 rx-frames 0

# Polling mode: traffic flows both ways and the peer rings us no more.
check polling-flag-listed bash -c "ethtool --show-priv-flags xenc0 | grep -q '^polling *: off'"
ethtool --set-priv-flags xenc0 polling on
sleep 0.5
db0=$(qstat xenc0 doorbells_received)
j=$OUT/poll-tcp.json
ip netns exec lnx iperf3 -c 10.9.0.2 -t 3 -J >"$j" 2>"$j.err"
check polling-tcp iperf_ok "$j"
j=$OUT/poll-tcp-r.json
ip netns exec lnx iperf3 -c 10.9.0.2 -t 3 -R -J >"$j" 2>"$j.err"
check polling-tcp-reverse iperf_ok "$j"
check polling-no-doorbells-received test "$(qstat xenc0 doorbells_received)" -eq "$db0"
ethtool --set-priv-flags xenc0 polling off
sleep 0.5
j=$OUT/irq-tcp.json
ip netns exec lnx iperf3 -c 10.9.0.2 -t 3 -R -J >"$j" 2>"$j.err"
check interrupt-mode-tcp iperf_ok "$j"
check interrupt-mode-doorbells-received test "$(qstat xenc0 doorbells_received)" -gt "$db0"

topo_down

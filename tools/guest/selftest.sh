#!/bin/bash
# Guest script proving the harness: KUnit module + KTAP parse, netns/veth/
# bridge, ping (v4+v6), socat, nc, python3, iperf3 -J, ethtool, tracefs.
#   tools/guest/run.sh -- $PWD/tools/guest/selftest.sh          # must pass
#   ... selftest.sh --fail-rc     # must make run.sh exit 1 (script rc)
#   ... selftest.sh --fail-warn   # must make run.sh exit 1 (kernel splat)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
: "${OUT:?run me inside the guest via run.sh}" "${KDIR:?}"

step() { read -r up _ </proc/uptime; echo "selftest [${up}s]: $*"; }

case ${1:-} in
--fail-rc) step "exiting 1 on purpose"; exit 1 ;;
--fail-warn) echo "WARNING: xenc selftest fake splat" >/dev/kmsg; exit 0 ;;
"") ;;
*) echo "selftest: unknown mode $1" >&2; exit 2 ;;
esac

step "kunit: kunit.ko + list-test.ko"
# modprobe would look in the host's /lib/modules; load from KDIR directly.
insmod "$KDIR/lib/kunit/kunit.ko"
dmesg -C
# Suites run synchronously from the module's init, so the KTAP document is
# complete once insmod returns.
insmod "$KDIR/lib/list-test.ko"
dmesg >"$OUT/ktap-list.txt"
rmmod list_test
"$here/ktap.sh" "$OUT/ktap-list.txt" >"$OUT/ktap-list.summary"
head -n1 "$OUT/ktap-list.summary"

step "netns a,b on bridge br0 via veth"
ip link add br0 type bridge
ip link set br0 up
n=1
for ns in a b; do
	ip netns add "$ns"
	ip link add "veth-$ns" type veth peer name eth0 netns "$ns"
	ip link set "veth-$ns" master br0 up
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "10.99.0.$n/24" dev eth0
	ip -n "$ns" addr add "fd00:99::$n/64" dev eth0 nodad
	ip -n "$ns" link set eth0 up
	n=$((n + 1))
done
ip netns list

step "ping"
ip netns exec a ping -c 2 -i 0.2 -W 2 10.99.0.2
ip netns exec a ping -c 2 -i 0.2 -W 2 fd00:99::2

# Wait until process $1 (a server started with `ip netns exec ... &`, which
# execs in place, so $! is the server) listens on TCP port $2. Reads the
# server's own /proc/PID/net/tcp{,6}: no fork per poll (forks cost ~0.3 s
# on the debug kernel) and it sees the server's netns.
wait_listen() {
	local hex f addr st rest
	printf -v hex ':%04X' "$2"
	for _ in {1..100}; do
		for f in /proc/"$1"/net/tcp /proc/"$1"/net/tcp6; do
			# "sl local_address rem_address st": 0A is LISTEN
			while read -r _ addr _ st rest; do
				[[ $addr == *"$hex" && $st == 0A ]] && return 0
			done <"$f" 2>/dev/null || true
		done
		sleep 0.1
	done
	echo "pid $1 is not listening on port $2" >&2
	return 1
}

step "socat + nc"
ip netns exec b socat -u TCP-LISTEN:7000,reuseaddr CREATE:/tmp/socat.out &
wait_listen $! 7000
echo hello-socat | ip netns exec a socat -u - TCP:10.99.0.2:7000
wait
grep -qx hello-socat /tmp/socat.out
ip netns exec b nc -l 10.99.0.2 7001 >/tmp/nc.out &
wait_listen $! 7001
echo hello-nc | ip netns exec a nc -N 10.99.0.2 7001
wait
grep -qx hello-nc /tmp/nc.out

step "iperf3 TCP 2 s"
ip netns exec b iperf3 -s -1 >/dev/null &
wait_listen $! 5201
ip netns exec a iperf3 -c 10.99.0.2 -t 2 -J >"$OUT/iperf3.json"
wait
python3 - "$OUT/iperf3.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
bps = r["end"]["sum_received"]["bits_per_second"]
print(f"iperf3: {bps / 1e9:.2f} Gbit/s")
assert bps > 0
PY

step "ethtool"
ethtool -i veth-a | tee /dev/stderr | grep -qx 'driver: veth'
ethtool -S veth-a | grep -q peer_ifindex

step "tracefs events"
test -d /sys/kernel/tracing/events/net/net_dev_xmit

step "cleanup"
ip netns del a
ip netns del b
ip link del br0
step "PASS"

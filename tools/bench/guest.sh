#!/bin/bash
# Guest side of `make bench` (and of the bench smoke test in `make check`):
# the seed paper's experiments over every data path, in one guest.
#
# A Linux-hosted VM is netns "lnx" on a veth port of br0 (10.9.0.1); the
# co-kernel VMs are netns cok0..cok3 (10.9.0.2..5) whose NIC reaches br0
# through the data path under test:
#   xenc          xenc over the local transport, doorbells both ways
#   xenc-ivshmem  xenc over an ivshmem-plain pair (the same rings as the
#                 relay), no interrupts: both ends poll
#   relay         xenc-relay (the paper's lnxtapd) on the same ivshmem pair,
#                 one TAP per VM on br0, one process for every ring
#   veth          the VM's NIC is a veth: the in-kernel limit; in one guest
#                 this is also the paper's LNX control group
# Configurations: LNX-LWK (cok0 -> lnx), LWK (cok0 -> cok1).
#
# env: XENC_BENCH_MODE  smoke | quick | full
#      XENC_BENCH_MOD   directory holding xenc.ko and xenc_peer.ko
#      XENC_BENCH_BIN   directory holding xenc-relay and xenc-rr
#      XENC_BENCH_PATHS paths to run (default: every one the guest can)
#      XENC_BENCH_OUT   output directory (default: $OUT/bench)
#      XENC_BENCH_POLL_US    poll period of both polled ends (test peer's
#                       peer_poll_us, xenc's rx-usecs); default: theirs
#      XENC_BENCH_RELAY_ARGS extra xenc-relay options (e.g. "-i 200")
#      XENC_BENCH_XENC_ARGS  xenc.ko parameters (e.g. "local_irq_next=1")
#      XENC_BENCH_PAIR_ROUNDS, _PAIR_TESTS, _PAIR_CFGS override the mode's
#                       paired rounds; XENC_BENCH_PAIRED_ONLY=1 runs only them
# Smoke mode relaxes both (1 ms polls, a relay that sleeps 200 us when
# idle): on one debug vCPU, busy pollers starve everything else, and the
# smoke only proves that the harness works.
# Writes udp.csv, tcp.csv, lat.csv, scale.csv, paired.csv, meta.csv and
# logs there.
set -uo pipefail
. "$(dirname "$0")/../tests/lib.sh"

mode=${XENC_BENCH_MODE:-quick}
mod=${XENC_BENCH_MOD:-$XENC}
bin=${XENC_BENCH_BIN:-$XENC/build/bench/bin}
B=${XENC_BENCH_OUT:-$OUT/bench}
relay=$bin/xenc-relay
[ -x "$relay" ] || relay=$XENC/build/relay/xenc-relay
mkdir -p "$B/log"
: >"$B/log/errors.txt"

case $mode in
smoke)
	T_UDP=1 T_TCP=1 PING_N=5 RR_N=50
	LWK_SIZES="" LWK_RATES=""
	LNX_SIZES="1470" LNX_RATES="8"
	TCP_STREAMS="1" LAT_SIZES="64" SCALE_VMS="" SCALE_UDP_RATE=""
	PAIR_ROUNDS=1 PAIR_TESTS="tcp1 rr64" PAIR_CFGS="LNX-LWK"
	;;
quick)
	T_UDP=2 T_TCP=3 PING_N=50 RR_N=500
	LWK_SIZES="64 1470 8192 65507" LWK_RATES="1 8 32 256 0"
	LNX_SIZES="1470 65507" LNX_RATES="8 32 0"
	TCP_STREAMS="1 4" LAT_SIZES="64" SCALE_VMS="1 2 4" SCALE_UDP_RATE=100
	PAIR_ROUNDS=7 PAIR_TESTS="tcp1 tcp4 rr64 jit1470 jit65507"
	PAIR_CFGS="LNX-LWK LWK"
	;;
full)
	# 3 s per UDP point keeps the 1056-point grid near 70 min of guest
	# time; XENC_BENCH_T_UDP=10 is the paper's iperf3 default (~3.5 h).
	T_UDP=${XENC_BENCH_T_UDP:-3} T_TCP=10 PING_N=200 RR_N=5000
	LWK_SIZES="64 128 256 512 1024 1470 4096 8192 16384 32768 65507"
	LWK_RATES="1 2 4 8 16 32 64 128 256 512 1024 0"
	LNX_SIZES=$LWK_SIZES LNX_RATES=$LWK_RATES
	TCP_STREAMS="1 2 4 8" LAT_SIZES="64 1024 8192" SCALE_VMS="1 2 4"
	SCALE_UDP_RATE=100
	PAIR_ROUNDS=9 PAIR_TESTS="tcp1 tcp4 rr64 jit1470 jit65507"
	PAIR_CFGS="LNX-LWK LWK"
	;;
*) echo "guest.sh: unknown XENC_BENCH_MODE '$mode'" >&2; exit 2 ;;
esac
PAIR_ROUNDS=${XENC_BENCH_PAIR_ROUNDS:-$PAIR_ROUNDS}
PAIR_TESTS=${XENC_BENCH_PAIR_TESTS:-$PAIR_TESTS}
PAIR_CFGS=${XENC_BENCH_PAIR_CFGS:-$PAIR_CFGS}
NVM=2
[ -n "$SCALE_VMS" ] && NVM=4
POLL_US=${XENC_BENCH_POLL_US:-} RELAY_ARGS=${XENC_BENCH_RELAY_ARGS:-}
if [ "$mode" = smoke ]; then
	NVM=1
	POLL_US=${XENC_BENCH_POLL_US:-1000}
	RELAY_ARGS=${XENC_BENCH_RELAY_ARGS:--i 200}
fi

err() { echo "$*" >>"$B/log/errors.txt"; log "bench: $*"; }

# ---- ivshmem pairs: device 2i is VM i's Linux end, 2i+1 its co-kernel end.
. "$(dirname "${BASH_SOURCE[0]}")/pci.sh"
# Only ivshmem-plain (no MSI-X BAR1): doorbell devices belong to others.
mapfile -t IVS < <(for d in "$pcidev"/*; do
	[ "$(cat "$d/vendor")" = 0x1af4 ] && [ "$(cat "$d/device")" = 0x1110 ] &&
		[ ! -e "$d/resource1" ] && echo "${d##*/}"
done | sort)
lend() { echo "${IVS[$((2 * $1))]}"; }
cend() { echo "${IVS[$((2 * $1 + 1))]}"; }

# ---- paths this guest can run
avail=(xenc veth)
if [ ${#IVS[@]} -ge 2 ] && [ -x "$relay" ]; then
	avail+=(xenc-ivshmem relay)
fi
PATHS=(${XENC_BENCH_PATHS:-${avail[*]}})
# VMs an ivshmem path can have: one per device pair.
IVS_VMS=$((${#IVS[@]} / 2))

# ivshmem devices stay unbound until a path binds them.
bench_load() {
	local p=
	rmmod xenc_peer 2>/dev/null
	rmmod xenc 2>/dev/null
	modinfo -F parm "$mod/xenc.ko" | grep -q '^ivshmem_autobind:' &&
		p=ivshmem_autobind=0
	insmod "$mod/xenc.ko" $p ${XENC_BENCH_XENC_ARGS:-} &&
		insmod "$mod/xenc_peer.ko" ${POLL_US:+peer_poll_us=$POLL_US}
}

# ---- topology (few execs: each costs ~0.3 s on the debug kernel)
PIDS=()
spawn() { "$@" >/dev/null 2>&1 & PIDS+=($!); }
V6OFF="net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"

# ns_add NS: a netns without IPv6.  ns_addr NS ADDR: its lo and eth0 up,
# eth0 at ADDR/24.  veth_port NS PORT: NS's eth0 is a veth whose other
# end PORT is on br0.
ns_add() {
	ip netns add "$1"
	ip netns exec "$1" sysctl -qw $V6OFF
}
ns_addr() {
	ip -n "$1" -b - <<-EOF
	link set lo up
	addr add $2/24 dev eth0
	link set eth0 up
	EOF
}
veth_port() {
	ip -b - <<-EOF
	link add $2 type veth peer name eth0 netns $1
	link set $2 master br0 up
	EOF
}

base_up() {
	sysctl -qw $V6OFF
	ns_add lnx
	ip -b - <<-EOF
	link add br0 type bridge
	link set br0 up
	EOF
	veth_port lnx veth-lnx
	ns_addr lnx 10.9.0.1
}

# vm_ns I: co-kernel VM I's netns.  vm_up I [DEV]: DEV (in the root
# netns) becomes its eth0, addressed and up; without DEV, eth0 is there.
vm_ns() { ns_add "cok$1"; }
vm_up() {
	local i=$1 dev=${2:-}
	[ -e "/run/netns/cok$i" ] || vm_ns "$i"
	if [ -n "$dev" ]; then
		ip link set "$dev" netns "cok$i" || return 1
		ip -n "cok$i" link set "$dev" name eth0
	fi
	ns_addr "cok$i" "10.9.0.$((i + 2))"
}

# The test peer's new NIC: the xvm* device that was not there before.
XVM_SEEN=" "
new_xvm() {
	local d
	for d in /sys/class/net/xvm*; do
		d=${d##*/}
		[[ $XVM_SEEN == *" $d "* ]] && continue
		XVM_SEEN+="$d "
		[ -e "/sys/class/net/$d" ] && echo "$d" && return 0
	done
	return 1
}

# Servers: iperf3 and xenc-rr in lnx (one iperf3 port per VM) and in cok1.
servers_up() {
	local i n=$1
	for ((i = 0; i < n; i++)); do
		spawn ip netns exec lnx iperf3 -s -p $((5201 + i))
	done
	spawn ip netns exec lnx "$bin/xenc-rr" -s -p 7007
	if [ "$n" -ge 2 ]; then
		spawn ip netns exec cok1 iperf3 -s -p 5201
		spawn ip netns exec cok1 "$bin/xenc-rr" -s -p 7007
	fi
	sleep 0.5
}

RELAY_PID= RELAY_LOG=
path_up() {
	local path=$1 n=$2 i dev
	base_up
	XVM_SEEN=" $(cd /sys/class/net && echo xvm*) "
	case $path in
	xenc)
		for ((i = 0; i < n; i++)); do
			ip link add "xenc$i" type xenc || return 1
			ip link set "xenc$i" master br0 up
			vm_up "$i" "$(new_xvm)" || return 1
		done
		for ((i = 0; i < n; i++)); do
			wait_for 30 carrier "xenc$i" || return 1
		done
		;;
	veth)
		for ((i = 0; i < n; i++)); do
			vm_ns "$i"
			veth_port "cok$i" "vc$i" || return 1
			vm_up "$i"
		done
		;;
	xenc-ivshmem | relay)
		[ "$n" -le "$IVS_VMS" ] || return 1
		for ((i = 0; i < n; i++)); do
			pci_bind "$(cend "$i")" xenc_peer || return 1
			vm_up "$i" "$(netdev_of "$(cend "$i")")" || return 1
		done
		if [ "$path" = relay ]; then
			local args=()
			for ((i = 0; i < n; i++)); do
				args+=("$pcidev/$(lend "$i")/resource2=rtap$i")
			done
			RELAY_LOG=$B/log/relay-$n.log
			"$relay" $RELAY_ARGS -b br0 "${args[@]}" >"$RELAY_LOG" 2>&1 &
			RELAY_PID=$!
			wait_for 10 grep -q ready "$RELAY_LOG" || return 1
		else
			for ((i = 0; i < n; i++)); do
				pci_bind "$(lend "$i")" xenc || return 1
				dev=$(netdev_of "$(lend "$i")")
				[ -n "$POLL_US" ] && ethtool -C "$dev" rx-usecs "$POLL_US"
				ip link set "$dev" master br0 up
				wait_for 60 carrier "$dev" || return 1
			done
		fi
		for ((i = 0; i < n; i++)); do
			wait_for 60 nscarrier "cok$i" eth0 || return 1
		done
		;;
	*) return 1 ;;
	esac
	log "bench: $path: $n VMs linked"
	servers_up "$n"
	# The bridge learns every VM before anything is measured.
	for ((i = 0; i < n; i++)); do
		wait_for 30 ip netns exec "cok$i" ping -c 1 -W 1 10.9.0.1 || return 1
	done
}

path_down() {
	local p d
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	PIDS=()
	if [ -n "$RELAY_PID" ]; then
		kill "$RELAY_PID" 2>/dev/null
		wait "$RELAY_PID" 2>/dev/null
		RELAY_PID=
	fi
	for d in /sys/class/net/xenc[0-9]* /sys/class/net/vc[0-9]* \
		/sys/class/net/vo[0-9]*; do
		[ -e "$d" ] && ip link del "${d##*/}"
	done
	for d in "${IVS[@]}"; do
		[ -e "$pcidev/$d/driver" ] && pci_unbind "$d"
	done
	for d in /run/netns/*; do
		[ -e "$d" ] && ip netns del "${d##*/}"
	done
	[ -e /sys/class/net/br0 ] && ip link del br0
	true
}

# relay_drops: frames the relay dropped on full rings so far (all VMs).
relay_drops() {
	local before=0 lines l sum=0 i
	if [ -z "$RELAY_PID" ]; then
		echo 0
		return
	fi
	mapfile -t lines <"$RELAY_LOG"
	for l in "${lines[@]}"; do [[ $l == vm=* ]] && before=$((before + 1)); done
	kill -USR1 "$RELAY_PID"
	for i in {1..50}; do
		mapfile -t lines <"$RELAY_LOG"
		local now=0
		for l in "${lines[@]}"; do [[ $l == vm=* ]] && now=$((now + 1)); done
		[ "$now" -ge $((before + CUR_N)) ] && break
		sleep 0.1
	done
	for ((i = ${#lines[@]} - CUR_N; i < ${#lines[@]}; i++)); do
		[[ ${lines[$i]} =~ drop_ring_full=([0-9]+) ]] && sum=$((sum + BASH_REMATCH[1]))
	done
	echo "$sum"
}

# ---- measurement helpers
# Guest CPU from /proc/stat (USER_HZ = 100), read with builtins only:
# busy = user nice system irq softirq steal; total adds idle and iowait.
CPU0= CPU1=
cpu_read() {
	local c u n s i w q sq st
	read -r c u n s i w q sq st _ </proc/stat
	echo "$((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st))"
}
# Doorbells both ways over every xenc device in this netns (sent by
# Linux, received from the peer); read outside the CPU window.  Only the
# xenc paths have them (DB_ON=1); the others report nan.
DB_ON=0 DB0=0 DB1=0
db_read() {
	local d s=0
	for d in /sys/class/net/*/xenc; do
		[ -e "$d" ] || continue
		d=${d%/xenc}
		s=$((s + $(ethtool -S "${d##*/}" | awk '$1 ~ /^q[0-9]+_(tx_doorbells_sent|rx_doorbells_sent|doorbells_received):$/ { s += $2 } END { printf "%.0f", s }')))
	done
	echo "$s"
}
cpu_start() {
	[ "$DB_ON" = 1 ] && DB0=$(db_read)
	CPU0=$(cpu_read)
}
cpu_stop() {
	CPU1=$(cpu_read)
	[ "$DB_ON" = 1 ] && DB1=$(db_read)
}
# cpu_calc BYTES -> "cpu_s,cpu_pct,cpu_s_per_gbit,doorbells_per_gbit"
# between start and stop
cpu_calc() {
	local b0 t0 b1 t1
	read -r b0 t0 <<<"$CPU0"
	read -r b1 t1 <<<"$CPU1"
	awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) -v bytes="$1" -v on="$DB_ON" \
		-v db=$((DB1 - DB0)) 'BEGIN {
		g = bytes * 8 / 1e9
		printf "%.2f,%.1f,%s,%s", b / 100, (t ? 100 * b / t : 0),
			(g > 0 ? sprintf("%.3f", b / 100 / g) : "nan"),
			(on && g > 0 ? sprintf("%.0f", db / g) : "nan") }'
}

# rcvbuf_errs NS: UDP datagrams NS's sockets dropped for a full receive
# buffer (a starved receiver), from that netns's /proc/net/snmp.
rcvbuf_errs() {
	local lines h v i
	mapfile -t lines < <(ip netns exec "$1" cat /proc/net/snmp)
	for ((i = 0; i < ${#lines[@]}; i++)); do
		[[ ${lines[$i]} == Udp:\ InDatagrams* ]] || continue
		read -ra h <<<"${lines[$i]}"
		read -ra v <<<"${lines[$((i + 1))]}"
		local j
		for ((j = 0; j < ${#h[@]}; j++)); do
			[ "${h[$j]}" = RcvbufErrors ] && echo "${v[$j]}" && return
		done
	done
	echo 0
}

# udp PATH CONFIG CLIENT_NS SERVER_IP SIZE RATE_MBIT (0: unlimited)
udp() {
	local path=$1 cfg=$2 ns=$3 ip=$4 size=$5 rate=$6
	local j=$B/log/udp-$path-$cfg-$size-$rate.json d0 d1 row r0 r1
	local sns=lnx
	[ "$ip" = 10.9.0.1 ] || sns=cok$((${ip##*.} - 2))
	log "bench: udp $path $cfg $size B ${rate}M"
	d0=$(relay_drops)
	r0=$(rcvbuf_errs "$sns")
	cpu_start
	ip netns exec "$ns" iperf3 -c "$ip" -u -l "$size" -b "${rate}M" -t "$T_UDP" -J >"$j" 2>"$j.err"
	cpu_stop
	d1=$(relay_drops)
	r1=$(rcvbuf_errs "$sns")
	if ! row=$(jq -er '[(.end.sum_sent.bits_per_second / 1e6), (.end.sum_received.bits_per_second / 1e6),
		.end.sum_received.lost_percent, .end.sum_received.jitter_ms,
		.end.sum_received.packets, .end.sum_received.lost_packets, .end.sum_received.bytes] |
		map(tostring) | join(",")' "$j" 2>/dev/null); then
		err "udp $path $cfg $size B ${rate}M: iperf3 failed: $(jq -r '.error // empty' "$j" 2>/dev/null | head -c 200)"
		row="nan,nan,nan,nan,0,0,0"
	fi
	echo "$path,$cfg,$size,$rate,${row%,*},$(cpu_calc "${row##*,}"),$((d1 - d0)),$((r1 - r0))" >>"$B/udp.csv"
}

# tcp PATH CONFIG CLIENT_NS SERVER_IP STREAMS
tcp() {
	local path=$1 cfg=$2 ns=$3 ip=$4 p=$5 j row
	j=$B/log/tcp-$path-$cfg-$p.json
	log "bench: tcp $path $cfg -P $p"
	cpu_start
	ip netns exec "$ns" iperf3 -c "$ip" -P "$p" -t "$T_TCP" -J >"$j" 2>"$j.err"
	cpu_stop
	if ! row=$(jq -er '[(.end.sum_received.bits_per_second / 1e6), (.end.sum_sent.retransmits // 0),
		.end.sum_received.bytes] | map(tostring) | join(",")' "$j" 2>/dev/null); then
		err "tcp $path $cfg -P $p: iperf3 failed: $(jq -r '.error // empty' "$j" 2>/dev/null | head -c 200)"
		row="nan,0,0"
	fi
	echo "$path,$cfg,$p,${row%,*},$(cpu_calc "${row##*,}")" >>"$B/tcp.csv"
}

# lat PATH CONFIG CLIENT_NS SERVER_IP SIZE: ping and UDP request/response.
lat() {
	local path=$1 cfg=$2 ns=$3 ip=$4 size=$5 out loss=nan
	log "bench: ping, rr $path $cfg $size B"
	out=$(ip netns exec "$ns" ping -q -c "$PING_N" -i 0.02 -W 2 -s "$((size > 8 ? size - 8 : size))" "$ip" 2>&1)
	echo "$out" >"$B/log/ping-$path-$cfg-$size.txt"
	[[ $out =~ \ ([0-9.]+)%\ packet\ loss ]] && loss=${BASH_REMATCH[1]}
	if [[ $out =~ rtt\ [^=]*=\ ([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+)\ ms ]]; then
		awk -v p="$path" -v c="$cfg" -v s="$size" -v n="$PING_N" -v l="$loss" \
			-v mn="${BASH_REMATCH[1]}" -v av="${BASH_REMATCH[2]}" \
			-v mx="${BASH_REMATCH[3]}" -v md="${BASH_REMATCH[4]}" \
			'BEGIN { printf "%s,%s,ping,%s,%s,%s,%.1f,%.1f,nan,nan,%.1f,%.1f\n", p, c, s, n, l, mn * 1000, av * 1000, mx * 1000, md * 1000 }' >>"$B/lat.csv"
	else
		err "ping $path $cfg $size: ${out##*$'\n'}"
		echo "$path,$cfg,ping,$size,$PING_N,nan,nan,nan,nan,nan,nan,nan" >>"$B/lat.csv"
	fi
	out=$(ip netns exec "$ns" "$bin/xenc-rr" -c "$ip" -p 7007 -n "$RR_N" -l "$size" -t 500 2>&1)
	echo "$out" >"$B/log/rr-$path-$cfg-$size.txt"
	local -A kv=()
	local tok
	for tok in $out; do [[ $tok == *=* ]] && kv[${tok%%=*}]=${tok#*=}; done
	if [ -n "${kv[p50_us]:-}" ]; then
		echo "$path,$cfg,rr,$size,${kv[transactions]},${kv[lost_pct]},${kv[min_us]},${kv[mean_us]},${kv[p50_us]},${kv[p99_us]},${kv[max_us]},nan" >>"$B/lat.csv"
	else
		err "rr $path $cfg $size: $out"
		echo "$path,$cfg,rr,$size,$RR_N,nan,nan,nan,nan,nan,nan,nan" >>"$B/lat.csv"
	fi
}

# scale PATH N: N co-kernel VMs send to lnx at once (TCP, then UDP).
scale() {
	local path=$1 n=$2 i pids=() mbit bytes loss
	log "bench: scale $path $n VMs"
	cpu_start
	for ((i = 0; i < n; i++)); do
		ip netns exec "cok$i" iperf3 -c 10.9.0.1 -p $((5201 + i)) -t "$T_TCP" -J \
			>"$B/log/scale-tcp-$path-$n-$i.json" 2>"$B/log/scale-tcp-$path-$n-$i.err" &
		pids+=($!)
	done
	wait "${pids[@]}"
	cpu_stop
	read -r mbit bytes < <(for ((i = 0; i < n; i++)); do
		jq -r '"\(.end.sum_received.bits_per_second // "nan") \(.end.sum_received.bytes // 0)"' \
			"$B/log/scale-tcp-$path-$n-$i.json" 2>/dev/null || echo "nan 0"
	done | awk '{ m += $1; b += $2 } END { printf "%.1f %d\n", m / 1e6, b }')
	echo "$path,$n,tcp,0,$mbit,nan,$(cpu_calc "$bytes")" >>"$B/scale.csv"
	[ -n "$SCALE_UDP_RATE" ] || return 0
	pids=()
	cpu_start
	for ((i = 0; i < n; i++)); do
		ip netns exec "cok$i" iperf3 -c 10.9.0.1 -p $((5201 + i)) -u -l 1470 \
			-b "${SCALE_UDP_RATE}M" -t "$T_UDP" -J >"$B/log/scale-udp-$path-$n-$i.json" \
			2>"$B/log/scale-udp-$path-$n-$i.err" &
		pids+=($!)
	done
	wait "${pids[@]}"
	cpu_stop
	read -r mbit bytes loss < <(for ((i = 0; i < n; i++)); do
		jq -r '"\(.end.sum_received.bits_per_second // "nan") \(.end.sum_received.bytes // 0) \(.end.sum_received.packets // 0) \(.end.sum_received.lost_packets // 0)"' \
			"$B/log/scale-udp-$path-$n-$i.json" 2>/dev/null || echo "nan 0 0 0"
	done | awk '{ m += $1; b += $2; p += $3; l += $4 } END { printf "%.1f %d %.2f\n", m / 1e6, b, p ? 100 * l / p : 0 }')
	echo "$path,$n,udp,$SCALE_UDP_RATE,$mbit,$loss,$(cpu_calc "$bytes")" >>"$B/scale.csv"
}

# ---- paired: xenc and veth VMs on one bridge at once, measured in turn
# (the order flips every round), so host load that drifts over the run,
# which the per-path blocks above meet minutes apart, hits both alike.
# The report's targets against veth (TCP, latency, jitter) use the
# medians of these rounds.
# veth VM i is netns vok$i (10.9.0.(20+i)); xenc VM i is cok$i as above.
pair_one() {
	local path=$1 cfg=$2 t=$3 r=$4 ns=cok0 ip=10.9.0.1 j v= out
	[ "$path" = veth ] && ns=vok0
	if [ "$cfg" = LWK ]; then
		ip=10.9.0.3
		[ "$path" = veth ] && ip=10.9.0.21
	fi
	j=$B/log/pair-$path-$cfg-$t-$r
	case $t in
	tcp*)
		ip netns exec "$ns" iperf3 -c "$ip" -P "${t#tcp}" -t "$T_TCP" -J \
			>"$j.json" 2>"$j.err"
		v=$(jq -er '.end.sum_received.bits_per_second / 1e6' "$j.json" 2>/dev/null)
		;;
	jit*)
		# Interarrival jitter of SIZE-byte datagrams at 32 Mbit/s.
		ip netns exec "$ns" iperf3 -c "$ip" -u -l "${t#jit}" -b 32M \
			-t "$T_UDP" -J >"$j.json" 2>"$j.err"
		v=$(jq -er 'select(.end.sum_received.packets > 0) |
			.end.sum_received.jitter_ms' "$j.json" 2>/dev/null)
		;;
	rr*)
		out=$(ip netns exec "$ns" "$bin/xenc-rr" -c "$ip" -p 7007 -n "$RR_N" \
			-l "${t#rr}" -t 500 2>&1)
		echo "$out" >"$j.txt"
		[[ $out =~ p50_us=([0-9.]+) ]] && v=${BASH_REMATCH[1]}
		;;
	esac
	if [ -z "$v" ]; then
		err "paired $t $cfg $path round $r: no result"
		v=nan
	fi
	echo "$r,$t,$cfg,$path,$v" >>"$B/paired.csv"
}

paired() {
	local n=1 i r t cfg p order
	[[ $PAIR_CFGS == *LWK* ]] && n=2
	log "bench: === paired xenc/veth, $PAIR_ROUNDS rounds"
	path_up xenc "$n" || return 1
	for ((i = 0; i < n; i++)); do
		ns_add "vok$i"
		veth_port "vok$i" "vo$i" || return 1
		ns_addr "vok$i" "10.9.0.$((i + 20))"
	done
	if [ "$n" -ge 2 ]; then
		spawn ip netns exec vok1 iperf3 -s -p 5201
		spawn ip netns exec vok1 "$bin/xenc-rr" -s -p 7007
		sleep 0.5
		wait_for 30 ip netns exec vok0 ping -c 1 -W 1 10.9.0.21 || return 1
	fi
	wait_for 30 ip netns exec vok0 ping -c 1 -W 1 10.9.0.1 || return 1
	for ((r = 1; r <= PAIR_ROUNDS; r++)); do
		order="xenc veth"
		((r % 2)) || order="veth xenc"
		for t in $PAIR_TESTS; do
			for cfg in $PAIR_CFGS; do
				for p in $order; do
					pair_one "$p" "$cfg" "$t" "$r"
				done
			done
		done
	done
}

# ---- run
echo "round,test,config,path,value" >"$B/paired.csv"
echo "path,config,size,rate_mbit,sent_mbit,recv_mbit,loss_pct,jitter_ms,packets,lost,cpu_s,cpu_pct,cpu_s_per_gbit,doorbells_per_gbit,relay_drop,rcvbuf_drop" >"$B/udp.csv"
echo "path,config,streams,mbit,retrans,cpu_s,cpu_pct,cpu_s_per_gbit,doorbells_per_gbit" >"$B/tcp.csv"
echo "path,config,test,size,count,loss_pct,min_us,avg_us,p50_us,p99_us,max_us,mdev_us" >"$B/lat.csv"
echo "path,vms,proto,rate_mbit,agg_mbit,loss_pct,cpu_s,cpu_pct,cpu_s_per_gbit,doorbells_per_gbit" >"$B/scale.csv"
{
	echo "key,value"
	echo "mode,$mode"
	echo "guest_kernel,$(uname -r)"
	echo "guest_kernel_version,$(uname -v | tr ',' ' ')"
	echo "guest_cpus,$(nproc)"
	echo "guest_cpu_model,$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo | tr ',' ' ')"
	echo "guest_mem_kb,$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
	echo "iperf3,$(iperf3 --version | head -n 1 | tr ',' ' ')"
	echo "paths,${PATHS[*]}"
	echo "ivshmem_pairs,$IVS_VMS"
	echo "t_udp,$T_UDP"
	echo "t_tcp,$T_TCP"
	echo "ping_n,$PING_N"
	echo "rr_n,$RR_N"
	echo "pair_rounds,$PAIR_ROUNDS"
	echo "relay_args,${RELAY_ARGS:-none}"
	echo "xenc_poll_us,${POLL_US:-default}"
	echo "date,$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$B/meta.csv"

bench_load || { err "cannot load $mod/xenc.ko, xenc_peer.ko"; exit 1; }
[ -r /sys/module/xenc_peer/parameters/peer_poll_us ] &&
	echo "peer_poll_us,$(cat /sys/module/xenc_peer/parameters/peer_poll_us)" >>"$B/meta.csv"
path_down

[ "${XENC_BENCH_PAIRED_ONLY:-0}" = 1 ] && PER_PATH=() || PER_PATH=("${PATHS[@]}")
for path in "${PER_PATH[@]}"; do
	n=$NVM
	case $path in xenc-ivshmem | relay) [ "$n" -gt "$IVS_VMS" ] && n=$IVS_VMS ;; esac
	CUR_N=$n
	DB_ON=0
	[[ $path == xenc* ]] && DB_ON=1
	log "bench: === $path ($n VMs)"
	t0=$(date +%s)
	if ! path_up "$path" "$n"; then
		err "$path: topology did not come up"
		path_down
		continue
	fi
	for size in $LNX_SIZES; do
		for rate in $LNX_RATES; do udp "$path" LNX-LWK cok0 10.9.0.1 "$size" "$rate"; done
	done
	if [ "$n" -ge 2 ]; then
		for size in $LWK_SIZES; do
			for rate in $LWK_RATES; do udp "$path" LWK cok0 10.9.0.3 "$size" "$rate"; done
		done
	fi
	for p in $TCP_STREAMS; do
		tcp "$path" LNX-LWK cok0 10.9.0.1 "$p"
		[ "$n" -ge 2 ] && [ "$mode" != smoke ] && tcp "$path" LWK cok0 10.9.0.3 "$p"
	done
	for size in $LAT_SIZES; do
		lat "$path" LNX-LWK cok0 10.9.0.1 "$size"
		[ "$n" -ge 2 ] && [ "$mode" != smoke ] && lat "$path" LWK cok0 10.9.0.3 "$size"
	done
	for v in $SCALE_VMS; do
		[ "$v" -le "$n" ] && scale "$path" "$v"
	done
	[ -n "$RELAY_PID" ] && { kill -USR1 "$RELAY_PID"; sleep 0.2; }
	log "bench: $path measured"
	path_down
	log "bench: $path done in $(($(date +%s) - t0)) s"
done
if [[ " ${PATHS[*]} " == *" xenc "* && " ${PATHS[*]} " == *" veth "* ]]; then
	paired || err "paired: topology did not come up"
	path_down
fi
# The host compares this with QEMU's wall time: a mis-calibrated guest
# clock (seen on loaded TCG hosts) would scale every rate it measures.
echo "guest_uptime_end,$(cut -d' ' -f1 /proc/uptime)" >>"$B/meta.csv"
log "bench: results in $B"

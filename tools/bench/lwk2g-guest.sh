#!/bin/bash
# Guest side of the bench's two-guest LWK-LWK run (tools/bench/lwk2g.sh,
# run2.sh --layout "a=0,1 b=0,1"): the seed paper's LWK-LWK case with the
# co-kernel VMs in a different kernel than Linux.
#
#   guest a (Linux):    bridge br0, and regions 0 and 1 on it through the
#                       path under test:
#     xenc-ivshmem      xenc binds both ivshmem-plain devices (polled)
#     relay             xenc-relay maps both BARs, one TAP per region on br0
#   guest b (co-kernel): netns vm1 (10.9.0.1, region 0) and vm2 (10.9.0.2,
#                       region 1), each with the test peer's NIC.
# Traffic vm1 -> vm2 leaves guest b on region 0, crosses br0 in guest a and
# comes back on region 1.  Guest a drives; guest b serves its commands
# (sync.sh) by running this script with a subcommand, so each measurement
# runs, and reads its counters, in guest b.
#
# env: XENC_BENCH_MODE  quick | full
#      XENC_BENCH_MOD   directory holding xenc.ko and xenc_peer.ko
#      XENC_BENCH_BIN   directory holding xenc-relay
#      XENC_BENCH_PATHS paths to run, in order (default: xenc-ivshmem relay)
#      XENC_BENCH_POLL_US, XENC_BENCH_RELAY_ARGS  as in guest.sh
# Guest a writes $OUT/lwk2g/lwk2g.csv, lwk2g-meta.csv and log/.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
self=$here/${BASH_SOURCE[0]##*/}
. "$here/../tests/lib.sh"
. "$here/../tests/sync.sh"
. "$here/../tests/topo-lib.sh"

mode=${XENC_BENCH_MODE:-quick}
mod=${XENC_BENCH_MOD:-$XENC/build/bench/mod}
bin=${XENC_BENCH_BIN:-$XENC/build/bench/bin}
relay=$bin/xenc-relay
B=$OUT/lwk2g
POLL_US=${XENC_BENCH_POLL_US:-} RELAY_ARGS=${XENC_BENCH_RELAY_ARGS:-}
VM2=$TOPO_NET.2
mkdir -p "$B/log"

case $mode in
quick)
	T_UDP=2 T_TCP=3 PING_N=50
	SIZES="1470 65507" RATES="1 2 4 8 16 32" TCP_STREAMS="1 4"
	;;
full)
	T_UDP=${XENC_BENCH_T_UDP:-3} T_TCP=10 PING_N=200
	SIZES="64 1470 8192 65507" RATES="1 2 4 8 16 32 64 128 256 0"
	TCP_STREAMS="1 2 4 8"
	;;
*) echo "lwk2g-guest.sh: unknown XENC_BENCH_MODE '$mode'" >&2; exit 2 ;;
esac

. "$(dirname "${BASH_SOURCE[0]}")/pci.sh"

# Both guests: the bench's modules; the ivshmem devices stay unbound until
# a path binds them (the relay needs them free).
bench_load() {
	insmod "$mod/xenc.ko" ivshmem_autobind=0 || return 1
	[ "$XENC_GUEST" = a ] && return 0
	insmod "$mod/xenc_peer.ko" ${POLL_US:+peer_poll_us=$POLL_US}
}

# Busy and total jiffies from /proc/stat, builtins only (as guest.sh).
cpu_read() {
	local c u n s i w q sq st
	read -r c u n s i w q sq st _ </proc/stat
	echo "$((u + n + s + q + sq + st)) $((u + n + s + i + w + q + sq + st))"
}
cpu_pct() {	# "BUSY0 TOTAL0" "BUSY1 TOTAL1"
	local b0 t0 b1 t1
	read -r b0 t0 <<<"$1"
	read -r b1 t1 <<<"$2"
	awk -v b=$((b1 - b0)) -v t=$((t1 - t0)) 'BEGIN { printf "%.1f", t ? 100 * b / t : 0 }'
}

# vm2's UDP datagrams dropped for a full receive buffer (guest.sh).
rcvbuf_errs() {
	local lines h v i j
	mapfile -t lines < <(ip netns exec vm2 cat /proc/net/snmp)
	for ((i = 0; i < ${#lines[@]}; i++)); do
		[[ ${lines[$i]} == Udp:\ InDatagrams* ]] || continue
		read -ra h <<<"${lines[$i]}"
		read -ra v <<<"${lines[$((i + 1))]}"
		for ((j = 0; j < ${#h[@]}; j++)); do
			[ "${h[$j]}" = RcvbufErrors ] && echo "${v[$j]}" && return
		done
	done
	echo 0
}

# ---- guest b's commands (sent by guest a through on_guest); each prints
# its result as the last line of its output.
b_cmd() {
	local cmd=$1 r pci dev j c0 c1 e0 e1 row out
	shift
	exec 2>>"$B/log/b-cmd.err"
	case $cmd in
	peer-up)	# the co-kernel VMs' NICs, fresh for each path
		for r in 0 1; do
			pci=$(region_pci "$r")
			pci_bind "$pci" xenc_peer || return 1
			dev=$(netdev_of "$pci")
			[ -n "$dev" ] || return 1
			vm_nic "vm$((r + 1))" "$dev" "$TOPO_NET.$((r + 1))" || return 1
		done
		;;
	peer-down)
		for r in 0 1; do pci_unbind "$(region_pci "$r")"; done
		;;
	link-wait)	# both links up and the bridge has learnt both VMs
		wait_for 60 nscarrier vm1 eth0 && wait_for 60 nscarrier vm2 eth0 &&
			wait_for 30 ip netns exec vm1 ping -c 1 -W 1 "$VM2"
		;;
	udp)	# SIZE RATE -> sent,recv,loss,jitter,packets,lost,cpu_b,rcvbuf
		j=$B/log/udp-$LWK2G_PATH-$1-$2.json
		e0=$(rcvbuf_errs)
		c0=$(cpu_read)
		ip netns exec vm1 iperf3 -c "$VM2" -u -l "$1" -b "$2M" -t "$T_UDP" -J >"$j" 2>"$j.err"
		c1=$(cpu_read)
		e1=$(rcvbuf_errs)
		row=$(jq -er '[(.end.sum_sent.bits_per_second / 1e6), (.end.sum_received.bits_per_second / 1e6),
			.end.sum_received.lost_percent, .end.sum_received.jitter_ms,
			.end.sum_received.packets, .end.sum_received.lost_packets] |
			map(tostring) | join(",")' "$j" 2>/dev/null) || {
			echo "iperf3: $(jq -r '.error // empty' "$j" 2>/dev/null | head -c 200)"
			return 1
		}
		echo "$row,$(cpu_pct "$c0" "$c1"),$((e1 - e0))"
		;;
	tcp)	# STREAMS -> mbit,retrans,cpu_b
		j=$B/log/tcp-$LWK2G_PATH-$1.json
		c0=$(cpu_read)
		ip netns exec vm1 iperf3 -c "$VM2" -P "$1" -t "$T_TCP" -J >"$j" 2>"$j.err"
		c1=$(cpu_read)
		row=$(jq -er '[(.end.sum_received.bits_per_second / 1e6), (.end.sum_sent.retransmits // 0)] |
			map(tostring) | join(",")' "$j" 2>/dev/null) || {
			echo "iperf3: $(jq -r '.error // empty' "$j" 2>/dev/null | head -c 200)"
			return 1
		}
		echo "$row,$(cpu_pct "$c0" "$c1")"
		;;
	ping)	# SIZE -> count,loss,min,avg,max,mdev (us),cpu_b
		c0=$(cpu_read)
		out=$(ip netns exec vm1 ping -q -c "$PING_N" -i 0.02 -W 2 -s $(($1 - 8)) "$VM2" 2>&1)
		c1=$(cpu_read)
		echo "$out" >"$B/log/ping-$LWK2G_PATH-$1.txt"
		[[ $out =~ \ ([0-9.]+)%\ packet\ loss ]] || { echo "${out##*$'\n'}"; return 1; }
		local loss=${BASH_REMATCH[1]}
		[[ $out =~ rtt\ [^=]*=\ ([0-9.]+)/([0-9.]+)/([0-9.]+)/([0-9.]+)\ ms ]] ||
			{ echo "${out##*$'\n'}"; return 1; }
		awk -v n="$PING_N" -v l="$loss" -v mn="${BASH_REMATCH[1]}" -v av="${BASH_REMATCH[2]}" \
			-v mx="${BASH_REMATCH[3]}" -v md="${BASH_REMATCH[4]}" -v c="$(cpu_pct "$c0" "$c1")" \
			'BEGIN { printf "%s,%s,%.1f,%.1f,%.1f,%.1f,%s\n", n, l, mn * 1000, av * 1000, mx * 1000, md * 1000, c }'
		;;
	*) echo "unknown command $cmd"; return 1 ;;
	esac
}
if [ $# -gt 0 ]; then
	b_cmd "$@"
	exit
fi

sync_init
V6OFF="net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"
sysctl -qw $V6OFF

if [ "$XENC_GUEST" = b ]; then
	if ! bench_load || ! vm_ns vm1 || ! vm_ns vm2; then
		ev_set failed.b
		exit 1
	fi
	ip netns exec vm2 iperf3 -s -D
	ev_set ready.b "$(uname -r) peer_poll_us=$(cat /sys/module/xenc_peer/parameters/peer_poll_us)"
	serve_cmds
	exit 0
fi

# ---- guest a: Linux, the bridge, the path under test; drives the run.
: >"$B/log/errors.txt"
err() { echo "$*" >>"$B/log/errors.txt"; log "lwk2g: $*"; }
# on_b [-t SECS] CMD ARGS: one of the commands above, in guest b.
on_b() {
	local t=120
	[ "$1" = -t ] && { t=$2; shift 2; }
	on_guest b -t "$t" env LWK2G_PATH="$CUR_PATH" bash "$self" "$@"
}
b_ready() { ev_is ready.b || ev_is failed.b || ev_is down.b; }

PATHS=(${XENC_BENCH_PATHS:-xenc-ivshmem relay})
CUR_PATH=none
RELAY_PID= RELAY_LOG=
bench_load || { err "cannot load $mod/xenc.ko"; exit 1; }
wait_for 300 b_ready && ev_is ready.b || { err "guest b did not come up"; exit 1; }
read -r b_kernel b_poll < <(ev_get ready.b)

path_up() {
	local path=$1 r pci dev args=()
	ip link add br0 type bridge && ip link set br0 up || return 1
	# Guest b's ends first, as guest.sh binds the co-kernel ends first.
	on_b peer-up >/dev/null || return 1
	case $path in
	xenc-ivshmem)
		for r in 0 1; do
			pci=$(region_pci "$r")
			pci_bind "$pci" xenc || return 1
			dev=$(netdev_of "$pci")
			[ -n "$POLL_US" ] && ethtool -C "$dev" rx-usecs "$POLL_US"
			ip link set "$dev" master br0 up
			wait_for 60 carrier "$dev" || return 1
		done
		;;
	relay)
		for r in 0 1; do args+=("$pcidev/$(region_pci "$r")/resource2=rtap$r"); done
		RELAY_LOG=$B/log/relay.log
		"$relay" $RELAY_ARGS -b br0 "${args[@]}" >"$RELAY_LOG" 2>&1 &
		RELAY_PID=$!
		wait_for 10 grep -q ready "$RELAY_LOG" || return 1
		;;
	*) return 1 ;;
	esac
	on_b -t 180 link-wait >/dev/null
}

path_down() {
	local r
	if [ -n "$RELAY_PID" ]; then
		kill "$RELAY_PID" 2>/dev/null
		wait "$RELAY_PID" 2>/dev/null
		RELAY_PID=
	fi
	for r in 0 1; do
		[ -e "$pcidev/$(region_pci "$r")/driver" ] && pci_unbind "$(region_pci "$r")"
	done
	[ -e /sys/class/net/br0 ] && ip link del br0
	on_b peer-down >/dev/null
	true
}

# relay_drops: frames the relay dropped on full rings so far (both VMs);
# SIGUSR1 makes it print one vm=... line per VM (guest.sh).
relay_drops() {
	local lines l before=0 now i sum=0
	[ -n "$RELAY_PID" ] || { echo 0; return; }
	mapfile -t lines <"$RELAY_LOG"
	for l in "${lines[@]}"; do [[ $l == vm=* ]] && before=$((before + 1)); done
	kill -USR1 "$RELAY_PID"
	for i in {1..50}; do
		mapfile -t lines <"$RELAY_LOG"
		now=0
		for l in "${lines[@]}"; do [[ $l == vm=* ]] && now=$((now + 1)); done
		[ "$now" -ge $((before + 2)) ] && break
		nap 0.1
	done
	for ((i = ${#lines[@]} - 2; i < ${#lines[@]}; i++)); do
		[[ ${lines[$i]} =~ drop_ring_full=([0-9]+) ]] && sum=$((sum + BASH_REMATCH[1]))
	done
	echo "$sum"
}

# measure TEST ARGS: run it in guest b, with guest a's CPU around it.
# Columns: path,test,size,rate_mbit,streams,sent_mbit,recv_mbit,loss_pct,
# jitter_ms,packets,lost,retrans,rtt_min_us,rtt_avg_us,rtt_max_us,
# rtt_mdev_us,cpu_a_pct,cpu_b_pct,relay_drop,rcvbuf_drop
N=nan
measure() {
	local test=$1 c0 c1 d0 d1 out r t ca dd
	local sm rm lp jt pk lo cb rb mb rt pn mn av mx md
	shift
	log "lwk2g: $CUR_PATH $test $*"
	d0=$(relay_drops)
	c0=$(cpu_read)
	t=$((T_TCP > T_UDP ? T_TCP : T_UDP))
	out=$(on_b -t $((t + PING_N / 10 + 60)) "$test" "$@")
	r=$?
	c1=$(cpu_read)
	d1=$(relay_drops)
	out=${out##*$'\n'}
	dd=$((d1 - d0))
	ca=$(cpu_pct "$c0" "$c1")
	if [ $r -ne 0 ]; then
		err "$CUR_PATH $test $*: $out"
	fi
	case $test in
	udp)
		[ $r -eq 0 ] || out="$N,$N,$N,$N,0,0,$N,$N"
		IFS=, read -r sm rm lp jt pk lo cb rb <<<"$out"
		echo "$CUR_PATH,udp,$1,$2,1,$sm,$rm,$lp,$jt,$pk,$lo,$N,$N,$N,$N,$N,$ca,$cb,$dd,$rb"
		;;
	tcp)
		[ $r -eq 0 ] || out="$N,0,$N"
		IFS=, read -r mb rt cb <<<"$out"
		echo "$CUR_PATH,tcp,$N,$N,$1,$N,$mb,$N,$N,$N,$N,$rt,$N,$N,$N,$N,$ca,$cb,$dd,$N"
		;;
	ping)
		[ $r -eq 0 ] || out="$PING_N,$N,$N,$N,$N,$N,$N"
		IFS=, read -r pn lp mn av mx md cb <<<"$out"
		echo "$CUR_PATH,ping,$1,$N,1,$N,$N,$lp,$N,$pn,$N,$N,$mn,$av,$mx,$md,$ca,$cb,$dd,$N"
		;;
	esac >>"$B/lwk2g.csv"
}

echo "path,test,size,rate_mbit,streams,sent_mbit,recv_mbit,loss_pct,jitter_ms,packets,lost,retrans,rtt_min_us,rtt_avg_us,rtt_max_us,rtt_mdev_us,cpu_a_pct,cpu_b_pct,relay_drop,rcvbuf_drop" \
	>"$B/lwk2g.csv"
{
	echo "key,value"
	echo "mode,$mode"
	echo "guest_kernel_a,$(uname -r)"
	echo "guest_kernel_b,$b_kernel"
	echo "guest_cpus,$(nproc)"
	echo "guest_mem_kb,$(awk '/^MemTotal/ { print $2 }' /proc/meminfo)"
	echo "paths,${PATHS[*]}"
	echo "t_udp,$T_UDP"
	echo "t_tcp,$T_TCP"
	echo "ping_n,$PING_N"
	echo "relay_args,${RELAY_ARGS:-none}"
	echo "xenc_poll_us,${POLL_US:-default}"
	echo "${b_poll/=/,}"
	echo "date,$(date -u +%Y-%m-%dT%H:%M:%SZ)"
} >"$B/lwk2g-meta.csv"

path_down
for path in "${PATHS[@]}"; do
	CUR_PATH=$path
	log "lwk2g: === $path"
	t0=$(date +%s)
	if ! path_up "$path"; then
		err "$path: topology did not come up"
		path_down
		continue
	fi
	for size in $SIZES; do
		for rate in $RATES; do measure udp "$size" "$rate"; done
	done
	for p in $TCP_STREAMS; do measure tcp "$p"; done
	measure ping 64
	[ -n "$RELAY_PID" ] && { kill -USR1 "$RELAY_PID"; nap 0.2; }
	path_down
	log "lwk2g: $path done in $(($(date +%s) - t0)) s"
done
echo "guest_uptime_end,$(cut -d' ' -f1 /proc/uptime)" >>"$B/lwk2g-meta.csv"
log "lwk2g: results in $B"

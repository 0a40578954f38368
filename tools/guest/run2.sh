#!/bin/bash
# Boot several test guests at once (run.sh each), joined the way two kernels
# of one machine are: shared memory regions (ivshmem-plain on one
# memory-backend-file per region) and, between guests a and b, a virtio-net
# link over host UDP (for VXLAN between two nodes).  Guest a is "Linux, the
# master enclave"; the others are co-kernels.  Every guest runs SCRIPT and
# tells its role from $XENC_GUEST.
#
# usage: run2.sh [--layout "a=0 b=0"] [--timeout SECS] [--mem SIZE]
#                [--shm-size SIZE] [--ignore REGEX] [-v] -- SCRIPT [ARGS...]
#   --layout   guests and the regions each maps, in PCI order; a region
#              shared by two guests is the link between them.  Default
#              "a=0 b=0"; "a=0,1 b=0 c=1" is three guests, "a=" one guest
#              without regions.  Region i sits at PCI 0000:00:(0x10+i).0.
#   --mem      per guest (default 1280M: the debug kernel's KASAN needs 1G).
#   --shm-size per region, a power of two (default 4M).
#   -v         stream guest a's console (all consoles are in OUTDIR).
# env: OUTDIR (default: new mktemp -d), XENC_* (passed to every guest).
#
# In each guest: XENC_GUEST (a, b, ...), XENC_BOOT (1, 2, ... per guest),
# XENC_REGIONS (this guest's region numbers), XENC_LAYOUT, and the host
# directory $OUTDIR/sync as 9p tag "xenc-sync" (tools/tests/sync.sh mounts
# it and has the helpers).  A guest asks the host to kill another guest
# (QEMU SIGKILLed: the kernel vanishes without a word) or to boot it again
# by writing a request there; see sync.sh.
#
# The run ends when guest a's script ends; the others then get "done" and
# a grace period to finish.  Each boot's output lands in $OUTDIR/<guest><boot>
# (run.sh's files + run.log).  $OUTDIR/results.txt collects every boot's
# PASS/FAIL lines plus one "<guest><boot>-kernel-log-clean" per boot (a
# kernel splat in ANY console is a FAIL) and "<guest><boot>-completed" for
# boots that were not killed on purpose.  Exit 0 iff there is no FAIL.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
layout="a=0 b=0" timeout=900 mem=1280M shm_size=4M verbose=0
ignore=()

usage() { sed -n '2,/^set -e/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--layout) layout=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--shm-size) shm_size=$2; shift 2 ;;
	--ignore) ignore+=(--ignore "$2"); shift 2 ;;
	-v) verbose=1; shift ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) echo "run2.sh: unknown option '$1'" >&2; usage ;;
	esac
done
[ $# -ge 1 ] || usage

declare -A regions_of=()
guests=()
for g in $layout; do
	name=${g%%=*}
	[[ $name =~ ^[a-z]$ ]] || { echo "run2.sh: bad guest name in '$g'" >&2; exit 2; }
	guests+=("$name")
	regions_of[$name]=$(echo "${g#*=}" | tr ',' ' ')
done
[ "${guests[0]:-}" = a ] || { echo "run2.sh: the layout must start with guest a" >&2; exit 2; }
nreg=0
for g in "${guests[@]}"; do
	for r in ${regions_of[$g]}; do
		[[ $r =~ ^[0-9]$|^1[0-5]$ ]] || { echo "run2.sh: bad region '$r'" >&2; exit 2; }
		[ "$r" -lt "$nreg" ] || nreg=$((r + 1))
	done
done

OUTDIR=${OUTDIR:-$(mktemp -d /tmp/xenc-run2.XXXXXX)}
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
sync=$OUTDIR/sync
rm -rf "$sync" "$OUTDIR"/results.txt "$OUTDIR"/[a-z][0-9]*
mkdir -p "$sync"
echo "run2.sh: OUTDIR=$OUTDIR" >&2

# Unique host names: other runs (and other users) share /dev/shm and ports.
tag=xenc-run2-$(id -u)-$$
shm_path() { echo "/dev/shm/$tag-$1"; }
# Two free UDP ports on loopback for the a<->b link.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 40000))
		ss -Hlun "sport = :$p" | grep -q . || { echo "$p"; return; }
	done
}
port_a=$(free_port)
port_b=$(free_port)
[ "$port_b" != "$port_a" ] || port_b=$((port_a + 1))

declare -A runpid=() boots=() killed=()

cleanup() {
	local g
	trap - EXIT INT TERM
	for g in "${!runpid[@]}"; do
		qemu_kill "$g" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	for ((r = 0; r < nreg; r++)); do rm -f "$(shm_path "$r")"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for ((r = 0; r < nreg; r++)); do
	rm -f "$(shm_path "$r")"
	truncate -s "$shm_size" "$(shm_path "$r")"
done

# tsc=unstable: with several TCG guests on a loaded host the kernel's TSC
# calibration against the PIT goes wrong (seen: 218 MHz for 2.6 GHz), guest
# time then runs 12x fast and every timeout in the tests with it; the HPET
# QEMU emulates from host time keeps guest time right.

# QEMU arguments of guest $1: its regions, the sync dir, the a<->b link.
extra_of() {
	local g=$1 r n=0 x=""
	for r in ${regions_of[$g]}; do
		x+=" -object memory-backend-file,id=xr$r,size=$shm_size,share=on,mem-path=$(shm_path "$r")"
		x+=" -device ivshmem-plain,memdev=xr$r,addr=$(printf 0x%x $((0x10 + r)))"
		n=$((n + 1))
	done
	x+=" -fsdev local,id=xsync,path=$sync,security_model=none"
	x+=" -device virtio-9p-pci,fsdev=xsync,mount_tag=xenc-sync"
	case $g in
	a) x+=" -netdev socket,id=xl,udp=127.0.0.1:$port_b,localaddr=127.0.0.1:$port_a" ;;
	b) x+=" -netdev socket,id=xl,udp=127.0.0.1:$port_a,localaddr=127.0.0.1:$port_b" ;;
	esac
	case $g in
	a|b) x+=" -device virtio-net-pci,netdev=xl,mac=52:54:00:78:65:0$g,addr=0x8" ;;
	esac
	echo "$x"
}

# boot G: start (again) guest G's run.sh in the background.
boot() {
	local g=$1 n dir q=-q
	shift
	n=$((${boots[$g]:-0} + 1))
	boots[$g]=$n
	dir=$OUTDIR/$g$n
	mkdir -p "$dir"
	[ "$g" = a ] && [ $verbose -eq 1 ] && q=
	echo "run2.sh: $(date +%T) booting guest $g ($g$n)" >&2
	rm -f "$sync/ev.down.$g"
	OUTDIR=$dir XENC_GUEST=$g XENC_BOOT=$n XENC_REGIONS="${regions_of[$g]}" \
		XENC_LAYOUT="$layout" \
		"$here/run.sh" $q --timeout "$timeout" --smp 1 --mem "$mem" --append tsc=unstable \
		"${ignore[@]}" --qemu-extra "$(extra_of "$g") -pidfile $dir/qemu.pid" \
		-- "$@" >"$dir/run.log" 2>&1 &
	runpid[$g]=$!
}

qemu_kill() {
	local g=$1 pid f=$OUTDIR/$1${boots[$1]}/qemu.pid
	# The pidfile appears once QEMU has parsed its options.
	for _ in {1..50}; do [ -s "$f" ] && break; sleep 0.1; done
	pid=$(cat "$f" 2>/dev/null) || return 1
	kill -KILL "$pid" 2>/dev/null || return 1
	wait "${runpid[$g]}" 2>/dev/null || true
}

# Host requests from the guests: sync/req.<id> holds "kill G" or "boot G";
# the answer sync/req.<id>.done holds 0 or an error.
serve_requests() {
	local f verb g rc
	for f in "$sync"/req.*; do
		case $f in *.done|*.tmp|*.tmp.*|*'*') continue ;; esac
		[ -e "$f.done" ] && continue
		read -r verb g <"$f" || true
		rc="unknown request"
		if [ -n "${g:-}" ] && [ -n "${regions_of[$g]+x}" ] && [ "$g" != a ]; then
			case $verb in
			kill)
				echo "run2.sh: $(date +%T) killing guest $g ($g${boots[$g]}) on request" >&2
				killed[$g${boots[$g]}]=1
				if qemu_kill "$g"; then rc=0; else rc="no QEMU to kill"; fi
				;;
			boot)
				if kill -0 "${runpid[$g]}" 2>/dev/null; then
					rc="guest $g is running"
				else
					boot "$g" "${script[@]}"
					rc=0
				fi
				;;
			esac
		fi
		echo "$rc" >"$f.tmp" && mv "$f.tmp" "$f.done"
	done
}

script=("$@")
start=$(date +%s.%N)
for g in "${guests[@]}"; do boot "$g" "${script[@]}"; done

# A guest that ended (or crashed) gets ev.down.<guest>: whoever waits for
# its answers can stop waiting (sync.sh).
mark_down() {
	local g
	for g in "${guests[@]}"; do
		[ -e "$sync/ev.down.$g" ] && continue
		kill -0 "${runpid[$g]}" 2>/dev/null || touch "$sync/ev.down.$g"
	done
}

while kill -0 "${runpid[a]}" 2>/dev/null; do
	serve_requests
	mark_down
	sleep 0.2
done
wait "${runpid[a]}" || true
# Everyone else finishes on "done" (sync.sh); kmemleak scans take a while.
touch "$sync/ev.done"
for g in "${guests[@]}"; do
	[ "$g" = a ] && continue
	for _ in $(seq 1 600); do
		kill -0 "${runpid[$g]}" 2>/dev/null || break
		serve_requests
		sleep 0.2
	done
	if kill -0 "${runpid[$g]}" 2>/dev/null; then
		echo "run2.sh: guest $g did not finish; killing it" >&2
		qemu_kill "$g" || true
	fi
	wait "${runpid[$g]}" 2>/dev/null || true
done
elapsed=$(echo "$(date +%s.%N) - $start" | bc)

# Verdicts, per boot.
res=$OUTDIR/results.txt
: >"$res"
for g in "${guests[@]}"; do
	for ((n = 1; n <= boots[$g]; n++)); do
		b=$g$n dir=$OUTDIR/$g$n
		cat "$dir/results.txt" 2>/dev/null >>"$res" || true
		if grep -q '^run.sh: FAIL: kernel splat' "$dir/run.log"; then
			echo "FAIL $b-kernel-log-clean: see $dir/console.log" >>"$res"
		else
			echo "PASS $b-kernel-log-clean" >>"$res"
		fi
		[ -n "${killed[$b]:-}" ] && continue
		rc=$(cat "$dir/rc" 2>/dev/null || echo none)
		if [ "$rc" = 0 ]; then
			echo "PASS $b-completed" >>"$res"
		else
			echo "FAIL $b-completed: rc=$rc, see $dir/run.log" >>"$res"
		fi
	done
done
printf 'run2.sh: %s boots in %.1fs, OUTDIR=%s\n' \
	"$(for g in "${guests[@]}"; do echo -n "$g${boots[$g]} "; done)" "$elapsed" "$OUTDIR" >&2
grep -c '^PASS' "$res" | sed 's/$/ passed/' >&2
grep '^FAIL' "$res" >&2 || true
! grep -q '^FAIL' "$res"

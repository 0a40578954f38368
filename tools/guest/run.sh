#!/bin/bash
# Boot the cached xenc test kernel under QEMU/TCG with the host's root fs
# (read-only 9p) and run one guest script in it as root with bash.
#
# usage: run.sh [--timeout SECS] [--append "cmdline"] [--qemu-extra "args"]
#               [--mem SIZE] [--smp N] [--ignore REGEX] [--ignore-boot REGEX]
#               [-q] -- SCRIPT [ARGS...]
#   SCRIPT  absolute host path, not under /tmp /run /var/tmp /mnt (the guest
#           mounts tmpfs there). Inside: $OUT=/mnt/out (= host $OUTDIR, rw),
#           $KDIR, and every XENC_* variable of run.sh's environment.
#   --qemu-extra is shell-split and may repeat (e.g. ivshmem devices);
#   --append may repeat; --ignore REGEX drops matching console lines from
#   the splat scan (for tests that trigger a warning on purpose);
#   --ignore-boot REGEX only those printed before SCRIPT started;
#   -q: do not stream the console to stdout (it is in OUTDIR either way).
# env: OUTDIR (default: new mktemp -d, printed), XENC_KFLAVOR, XENC_CACHE,
#   XENC_KMEMLEAK=0 (skip the final kmemleak scans, ~12 s on debug),
#   XENC_GUEST_ACPI (kernel options, default "acpi=noirq nolapic"; see below).
#   XENC_GUEST_ACPI_IRQ=1 (boot without acpi=noirq: APIC, SMP and MSI).
#   XENC_GUEST_CPU (QEMU -cpu model, default max).
# Builds the kernel first if it is not cached (build-kernel.sh).
#
# Exit: the script's rc if the run was clean; 1 if the kernel log has a
# splat (BUG/WARNING/KASAN/lockdep/kmemleak/...) and the script passed;
# 124 on timeout; 125 if the guest wrote no rc (crash, panic, init error).
# OUTDIR gets console.log, guest.log, rc, kmemleak.txt, qemu.stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
timeout=300 mem=2G smp= quiet=0
append=() extra=() ignore=() ignore_boot=()

usage() { sed -n '2,/^set -e/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
	case $1 in
	--timeout) timeout=$2; shift 2 ;;
	--append) append+=("$2"); shift 2 ;;
	--qemu-extra) eval "extra+=($2)"; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--smp) smp=$2; shift 2 ;;
	--ignore) ignore+=("$2"); shift 2 ;;
	--ignore-boot) ignore_boot+=("$2"); shift 2 ;;
	-q) quiet=1; shift ;;
	--) shift; break ;;
	-h|--help) usage ;;
	*) echo "run.sh: unknown option '$1'" >&2; usage ;;
	esac
done
[ $# -ge 1 ] || usage
script=$1; shift

# The guest sees the host's / but mounts tmpfs over these.
hidden() { case $1/ in /tmp/*|/run/*|/var/tmp/*|/mnt/*|/proc/*|/sys/*|/dev/*) return 0 ;; esac; return 1; }
case $script in /*) ;; *) echo "run.sh: SCRIPT must be an absolute path: $script" >&2; exit 2 ;; esac
[ -f "$script" ] || { echo "run.sh: no such script: $script" >&2; exit 2; }
if hidden "$script" || hidden "$here"; then
	echo "run.sh: $script or $here is hidden by a tmpfs in the guest; use a path under the repo" >&2
	exit 2
fi
case $here in *[[:space:]]*) echo "run.sh: $here contains spaces (kernel cmdline)" >&2; exit 2 ;; esac

kdir=$("$here/build-kernel.sh" | tail -n1)
if hidden "$kdir"; then
	echo "run.sh: KDIR $kdir is hidden in the guest; set XENC_CACHE elsewhere" >&2
	exit 2
fi

OUTDIR=${OUTDIR:-$(mktemp -d /tmp/xenc-guest.XXXXXX)}
mkdir -p "$OUTDIR"
OUTDIR=$(cd "$OUTDIR" && pwd)
# A stale rc from a reused OUTDIR must not pass for this run's result.
rm -f "$OUTDIR"/{rc,console.log,guest.log,kmemleak.txt,qemu.stderr,.xenc-job}
echo "run.sh: OUTDIR=$OUTDIR" >&2

# The job file is sourced by init.sh; %q keeps arguments intact.
{
	printf 'XENC_SCRIPT=%q\n' "$script"
	printf 'XENC_ARGS=('; [ $# -eq 0 ] || printf '%q ' "$@"; printf ')\n'
	printf 'KDIR=%q\n' "$kdir"
	for name in $(compgen -e); do
		case $name in XENC_SCRIPT|XENC_ARGS) ;; XENC_*) printf 'export %s=%q\n' "$name" "${!name}" ;; esac
	done
} >"$OUTDIR/.xenc-job"

# panic=-1 + reboot=t + -no-reboot: a panic or `reboot -f` ends QEMU.
cmdline="console=ttyS0 root=hostroot rootfstype=9p"
cmdline+=" rootflags=trans=virtio,version=9p2000.L,msize=262144,cache=loose ro"
cmdline+=" init=$here/init.sh reboot=t panic=-1 softlockup_panic=0"
# ACPI's PCI IRQ link probing costs 20 s each under TCG, hence acpi=noirq.
# nolapic: a 2-CPU guest on the local APIC timer once froze for good 13
# minutes into make check's tests (both vCPUs halted, nothing pending);
# on the 8254 timer, one CPU and no MSI, the whole list has always run.
# XENC_GUEST_ACPI_IRQ=1 boots with ACPI IRQs: APIC, every CPU, MSI-X.
[ "${XENC_GUEST_ACPI_IRQ:-0}" = 1 ] ||
	cmdline+=" ${XENC_GUEST_ACPI-acpi=noirq nolapic}"
[ ${#append[@]} -gt 0 ] && cmdline+=" ${append[*]}"

# Without the APIC a second CPU would only idle.
[ -n "$smp" ] || { [ "${XENC_GUEST_ACPI_IRQ:-0}" = 1 ] && smp=2 || smp=1; }
# Two TCG vCPUs on a loaded host starve each other while the debug kernel
# boots (stop_machine waits on a CPU deep in init).  Those lockups come
# before any module loads; later ones, e.g. a NAPI loop, still count.
[ "$smp" -gt 1 ] &&
	ignore_boot+=('soft lockup - CPU#[0-9]+ stuck for [0-9]+s! \[(swapper|migration)/')
# shellcheck disable=SC2054 # commas are QEMU option syntax
qemu=(
	qemu-system-x86_64 -accel tcg -cpu "${XENC_GUEST_CPU:-max}" -smp "$smp" -m "$mem"
	-nographic -no-reboot -nic none
	-kernel "$kdir/arch/x86/boot/bzImage" -append "$cmdline"
	-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap
	-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot
	-fsdev "local,id=xencout,path=$OUTDIR,security_model=none"
	-device virtio-9p-pci,fsdev=xencout,mount_tag=xenc-out
	"${extra[@]}"
)

start=$(date +%s.%N)
live=/dev/stdout
[ $quiet -eq 1 ] && live=/dev/null
set +e
# stdin from /dev/null: QEMU must not eat the caller's input. Serial output
# has CRLF line ends; strip the CRs so the log greps cleanly.
timeout -k 10 "$timeout" "${qemu[@]}" </dev/null 2>"$OUTDIR/qemu.stderr" |
	tr -d '\r' | tee "$OUTDIR/console.log" >"$live"
qrc=${PIPESTATUS[0]}
set -e
elapsed=$(echo "$(date +%s.%N) - $start" | bc)
printf 'run.sh: QEMU ran %.1fs (exit %d), OUTDIR=%s\n' "$elapsed" "$qrc" "$OUTDIR" >&2

# Splat scan. Only kernel lines (printk timestamp) count, so script output
# such as an iperf3 "warning:" cannot trip it; the command-line echo is
# skipped since --append text may contain the words. kmemleak reports are
# printed by init.sh without timestamps, hence the separate check.
pat='BUG:|WARNING:|KASAN|possible circular locking|possible recursive locking'
pat+='|inconsistent lock state|suspicious RCU usage|INFO: trying to register non-static key'
pat+='|sleeping function called from invalid context|Kernel panic|Oops|soft lockup'
pat+='|hung_task|blocked for more than|refcount_t:|UBSAN:'
# A leaked netdev reference (NET_DEV_REFCNT_TRACKER prints the holders).
pat+='|unregister_netdevice: waiting for|has [0-9]+/[0-9]+ users at'
boot_end=$(grep -n -m1 '^xenc-init: uptime .*: running' "$OUTDIR/console.log" | cut -d: -f1)
splats=$({
	awk -v end="${boot_end:-0}" -v re="$(IFS='|'; echo "${ignore_boot[*]}")" '
		/\[ *[0-9]+\.[0-9]+\]/ && !/Command line:/ &&
		!(re != "" && FNR < end && $0 ~ re)' "$OUTDIR/console.log" |
		grep -E -- "$pat" || true
	grep -E 'unreferenced object 0x' "$OUTDIR/console.log" || true
} | { if [ ${#ignore[@]} -gt 0 ]; then grep -vE -- "$(IFS='|'; echo "${ignore[*]}")" || true; else cat; fi; })

# Not a failure, but leak checking silently stopped working.
if grep -qE 'kmemleak: .*(disabled|Memory pool empty)' "$OUTDIR/console.log" &&
   ! grep -q 'kmemleak switched off on purpose' "$OUTDIR/console.log"; then
	echo "run.sh: warning: kmemleak disabled itself; no leak check in this run" >&2
fi

fail=0
if [ -n "$splats" ]; then
	echo "run.sh: FAIL: kernel splat(s) in $OUTDIR/console.log:" >&2
	echo "$splats" | head -n 50 | sed 's/^/    /' >&2
	fail=1
fi
if [ "$qrc" -eq 124 ] || [ "$qrc" -eq 137 ]; then
	echo "run.sh: FAIL: timeout after ${timeout}s" >&2
	exit 124
fi
if [ ! -s "$OUTDIR/rc" ]; then
	echo "run.sh: FAIL: guest wrote no rc (QEMU exit $qrc); console tail:" >&2
	tail -n 30 "$OUTDIR/console.log" | sed 's/^/    /' >&2
	[ -s "$OUTDIR/qemu.stderr" ] && sed 's/^/    qemu: /' "$OUTDIR/qemu.stderr" >&2
	exit 125
fi
rc=$(cat "$OUTDIR/rc")
if [ "$rc" -ne 0 ]; then
	echo "run.sh: FAIL: $script exited with rc=$rc" >&2
	exit "$rc"
fi
[ $fail -eq 0 ] || exit 1
echo "run.sh: PASS ($script)" >&2

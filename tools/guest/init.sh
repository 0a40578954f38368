#!/bin/bash
# PID 1 of the xenc test guest (started by run.sh with init=<this file>).
# The root fs is the host's own /, read-only over 9p, so every host tool is
# available at its usual path. run.sh shares a writable per-run dir (9p tag
# xenc-out, mounted at /mnt/out) holding the job description (.xenc-job);
# results go back the same way: $OUT/rc, $OUT/guest.log, $OUT/kmemleak.txt.
# PID 1 must never simply exit (that panics), so every path ends in reboot.
set -euo pipefail

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp TERM=dumb LANG=C.UTF-8

say() { echo "xenc-init: $*" >/dev/console; }

finish() {
	trap - EXIT
	set +e
	sync
	# busybox's reboot -f calls reboot(2) directly; with reboot=t and QEMU
	# -no-reboot that ends QEMU. systemd's reboot would try to reach PID 1.
	/bin/busybox reboot -f
	echo b >/proc/sysrq-trigger
	sleep 10
}
trap finish EXIT
if [ "${XENC_INIT_TRACE:-}" ]; then PS4='+ ${EPOCHREALTIME} '; set -x; fi

# One static busybox shell does all the setup: its mount/mkdir/ln/ip are
# in-process applets, while each dynamic exec from the 9p root costs about
# 0.35 s on the debug kernel under TCG (20 separate commands took ~7 s).
# Its mount applet fails ("-t: invalid option") while /proc is not mounted,
# so mount /proc first with an explicit exec.
/bin/busybox mount -t proc proc /proc
/bin/busybox sh -euc${XENC_INIT_TRACE:+x} '
mount -t sysfs sysfs /sys
# DEVTMPFS_MOUNT does not apply with init= on a 9p root either
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /dev/shm
# devtmpfs lacks these; bash process substitution needs /dev/fd
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
# Writable scratch over the read-only host root. /var/tmp is tmpfs too,
# but /var and /var/cache (the kernel cache, KDIR) stay the host ones.
for d in /tmp /run /var/tmp /mnt; do mount -t tmpfs -o mode=1777 tmpfs $d; done
mkdir -p /run/netns /run/lock /mnt/out
mkfifo /run/xenc-log
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 xenc-out /mnt/out
echo xenc-guest >/proc/sys/kernel/hostname
ip link set lo up
'
export OUT=/mnt/out

# shellcheck source=/dev/null
. "$OUT/.xenc-job"   # XENC_SCRIPT, XENC_ARGS, KDIR, other XENC_* vars
export KDIR

read -r up _ </proc/uptime
say "uptime ${up}s: running $XENC_SCRIPT ${XENC_ARGS[*]}"
cd /tmp
# tee reads a FIFO instead of a pipe we would wait on: a daemon the script
# leaves behind holding stdout must not keep us from finishing.
tee "$OUT/guest.log" </run/xenc-log &
tee_pid=$!
set +e
bash "$XENC_SCRIPT" "${XENC_ARGS[@]}" </dev/null >/run/xenc-log 2>&1
rc=$?
# Let tee drain, but only briefly.
for _ in {1..20}; do kill -0 "$tee_pid" 2>/dev/null || break; sleep 0.1; done
set -e
read -r up _ </proc/uptime
say "uptime ${up}s: script exited with rc=$rc"

# kmemleak never reports objects younger than 5 s: scan once, then make
# sure 5 s have passed since the script ended (the first scan itself takes
# ~5 s on the debug kernel) and scan again.
# XENC_KMEMLEAK=0 skips this (~12 s on the debug kernel) for quick iterations.
# all.sh's kmemleak-off did the scan itself before switching it off.
if [ -w /sys/kernel/debug/kmemleak ] && [ "${XENC_KMEMLEAK:-1}" != 0 ] &&
   [ ! -e /run/xenc-kmemleak-off ]; then
	# A failing scan (kmemleak disabled itself) must not cost us the rc.
	set +e
	end_us=${EPOCHREALTIME/./}
	echo scan >/sys/kernel/debug/kmemleak
	left_ms=$(( 5000 - (${EPOCHREALTIME/./} - end_us) / 1000 ))
	[ $left_ms -le 0 ] || sleep "$((left_ms / 1000)).$(printf %03d $((left_ms % 1000)))"
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$OUT/kmemleak.txt"
	cat "$OUT/kmemleak.txt" >/dev/console
	read -r up _ </proc/uptime
	say "uptime ${up}s: kmemleak scan done"
	set -e
fi

echo "$rc" >"$OUT/rc"

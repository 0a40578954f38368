#!/bin/bash
# Guest-side helpers for runs with several guests (tools/guest/run2.sh):
# events, host requests and remote commands, all through the host directory
# that run2.sh shares with every guest (9p tag xenc-sync).  Plain files on a
# cache-less 9p mount: each guest sees the others' writes at once, and the
# channel works while the network link between the guests is down.
# Sourced after lib.sh.

SYNC=${SYNC:-/mnt/sync}
XENC_GUEST=${XENC_GUEST:-a}
XENC_BOOT=${XENC_BOOT:-1}
ME=$XENC_GUEST$XENC_BOOT

sync_init() {
	nap 0	# open lib.sh's nap FIFO once, for every subshell to inherit
	mountpoint -q "$SYNC" && return 0
	mkdir -p "$SYNC"
	mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 xenc-sync "$SYNC"
}

# A name no other request or command uses (callers may be subshells).
uid() { echo "$ME.$BASHPID.${EPOCHREALTIME/./}"; }

# Atomic write: readers see the whole file or none.
put() { printf '%s\n' "$2" >"$SYNC/$1.tmp.$ME" && mv "$SYNC/$1.tmp.$ME" "$SYNC/$1"; }
get() { cat "$SYNC/$1" 2>/dev/null; }

# Events: ev_set NAME [VALUE]; ev_wait NAME SECS; ev_get NAME.
ev_set() { put "ev.$1" "${2:-1}"; }
ev_clear() { rm -f "$SYNC/ev.$1"; }
ev_is() { [ -e "$SYNC/ev.$1" ]; }
ev_wait() { wait_for "$2" ev_is "$1"; }
ev_get() { get "ev.$1"; }

# host_req "kill b" | "boot b": ask run2.sh, wait for its answer.
host_req() {
	local id ans
	id=$(uid)
	put "req.$id" "$1"
	wait_for 60 test -e "$SYNC/req.$id.done" || { echo "host_req '$1': no answer" >&2; return 1; }
	ans=$(get "req.$id.done")
	[ "$ans" = 0 ] || { echo "host_req '$1': $ans" >&2; return 1; }
}

_answered() { [ -e "$2" ] || ev_is "down.$1"; }

# on_guest G [-t SECS] CMD...: run CMD in guest G (which runs serve_cmds),
# print its output, return its rc.
on_guest() {
	local g=$1 t=120 id rc
	shift
	[ "$1" = -t ] && { t=$2; shift 2; }
	id=$g.$(uid)
	put "cmd.$id" "$(printf '%q ' "$@")"
	if ! wait_for "$t" _answered "$g" "$SYNC/cmd.$id.rc"; then
		echo "on_guest $g: no answer in ${t}s: $*" >&2
		return 124
	fi
	if ! [ -e "$SYNC/cmd.$id.rc" ]; then
		rm -f "$SYNC/cmd.$id"
		echo "on_guest $g: guest $g is down: $*" >&2
		return 125
	fi
	cat "$SYNC/cmd.$id.out"
	rc=$(get "cmd.$id.rc")
	rm -f "$SYNC/cmd.$id" "$SYNC/cmd.$id.out" "$SYNC/cmd.$id.rc"
	return "$rc"
}

# serve_cmds [EVENT]: run the commands other guests send us until EVENT
# (default: run2.sh's "done") is set.
serve_cmds() {
	local ev=${1:-done} f rc
	until ev_is "$ev"; do
		for f in "$SYNC/cmd.$XENC_GUEST".*; do
			case $f in *'*'|*.out|*.rc|*.tmp|*.tmp.*) continue ;; esac
			[ -e "$f.rc" ] && continue
			rc=0
			log "serving ${f##*/}: $(cat "$f")"
			bash -c "$(cat "$f")" </dev/null >"$f.out" 2>&1 || rc=$?
			echo "$rc" >"$f.rc.tmp" && mv "$f.rc.tmp" "$f.rc"
		done
		nap 0.1
	done
}

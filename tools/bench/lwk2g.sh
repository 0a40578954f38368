#!/bin/bash
# The bench's two-guest part: the seed paper's LWK-LWK case with the
# co-kernel VMs in a second kernel.  Guest a (Linux: br0 and xenc or
# xenc-relay) and guest b (the co-kernel: VMs vm1, vm2) share ivshmem
# regions 0 and 1 (tools/guest/run2.sh --layout "a=0,1 b=0,1"); guest b's
# vm1 sends to vm2 through guest a's bridge.  tools/bench/lwk2g-guest.sh
# runs in both guests.  make bench runs this after the one-guest run.
#
#   tools/bench/lwk2g.sh     quick mode (~3 min on 2 cores)
#
# env: XENC_BENCH_MODE  quick | full (default quick)
#      XENC_KFLAVOR     test kernel flavor (default base, as bench.sh)
#      XENC_BENCH_MOD   xenc.ko, xenc_peer.ko built against that kernel
#                       (default build/bench/mod, which bench.sh builds)
#      XENC_BENCH_BIN   xenc-relay (default build/bench/bin)
#      XENC_BENCH_PATHS, XENC_BENCH_POLL_US, XENC_BENCH_RELAY_ARGS: as in
#                       guest.sh (passed to both guests)
# Writes build/bench/lwk2g.csv and lwk2g-meta.csv; guest output in
# build/bench/guest2g/.  Nothing here is a pass/fail threshold: it fails
# only if the harness does (a guest fails, or a measurement could not run).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
mode=${XENC_BENCH_MODE:-quick}
export XENC_KFLAVOR=${XENC_KFLAVOR:-base}
out=$top/build/bench
g=$out/guest2g
start=$(date +%s)

say() { echo "lwk2g: $*" >&2; }

# The guests read the checkout (a mirror if it is under /tmp).
. "$top/tools/guest/visible.sh"
mod=${XENC_BENCH_MOD:-$top/build/bench/mod}
bin=${XENC_BENCH_BIN:-$top/build/bench/bin}
for f in "$mod/xenc.ko" "$mod/xenc_peer.ko" "$bin/xenc-relay"; do
	[ -e "$f" ] || { say "no $f: run make bench (bench.sh builds it)"; exit 1; }
done
rm -rf "$g" "$out/lwk2g.csv" "$out/lwk2g-meta.csv"
mkdir -p "$g"
# 8M regions as in the one-guest run (ring sizes follow the region).  The
# guests boot as bench.sh's guest does (ACPI IRQs: APIC timer), one vCPU
# each (run2.sh): two guests on two host cores.
export XENC_GUEST_ACPI_IRQ=${XENC_GUEST_ACPI_IRQ:-1}
timeout=900
[ "$mode" = full ] && timeout=14400
args=(--layout "a=0,1 b=0,1" --shm-size 8M --timeout "$timeout"
	--ignore "soft lockup" -- "$top/tools/bench/lwk2g-guest.sh")
say "two guests ($mode mode), log: $g/run.log"
rc=0
OUTDIR=$g XENC_BENCH_MODE=$mode XENC_KMEMLEAK=0 XENC_BENCH_MOD=$mod XENC_BENCH_BIN=$bin \
	"$top/tools/guest/run2.sh" "${args[@]}" >"$g/run.log" 2>&1 || rc=$?
wall=$(($(date +%s) - start))
if [ $rc -ne 0 ]; then
	say "two-guest run failed (rc $rc); see $g/run.log, $g/results.txt"
	grep '^FAIL' "$g/results.txt" >&2 2>/dev/null || tail -n 20 "$g/run.log" >&2
fi
r=$g/a1/lwk2g
if [ -s "$r/lwk2g.csv" ]; then
	cp "$r/lwk2g.csv" "$out/"
	{
		cat "$r/lwk2g-meta.csv"
		# Quoted: the layout has commas.
		echo "run2_sh,\"XENC_GUEST_ACPI_IRQ=$XENC_GUEST_ACPI_IRQ tools/guest/run2.sh --layout 'a=0,1 b=0,1' --shm-size 8M --timeout $timeout --ignore 'soft lockup' -- tools/bench/lwk2g-guest.sh\""
		echo "wall_s,$wall"
	} >"$out/lwk2g-meta.csv"
else
	say "no results in $r"
	[ $rc -ne 0 ] || rc=1
fi
[ -s "$r/log/errors.txt" ] && {
	say "some measurements failed:"
	sed 's/^/    /' "$r/log/errors.txt" >&2
}
say "done in $wall s: $out/lwk2g.csv"
exit "$rc"

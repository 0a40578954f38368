#!/bin/bash
# Quick before/after measurement of the xenc data path against veth in one
# guest boot (TCP 1 stream each way, 4 streams, UDP 64 KB, ping latency),
# printed as xenc/veth ratios.  A development tool, not the benchmark suite
# (that is `make bench`).
#
#   tools/bench/quick.sh [OUTDIR]
# env: XENC_KFLAVOR=base (default here: the non-debug kernel, ~5x faster
#      than debug; built once), XENC_BENCH_SECS (3), XENC_BENCH_ROUNDS (3,
#      alternating xenc and veth; medians), XENC_BENCH_PINGS (200),
#      XENC_BENCH_SMP (2), XENC_BENCH_REV (measure the driver of a git
#      revision instead of the working tree, e.g. "main" for "before"),
#      XENC_BENCH_XENC_ARGS / XENC_BENCH_PEER_ARGS (module parameters).
# The modules are built from a copy of the tree under build/quick/ so the
# debug build in the checkout is left alone.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export XENC_KFLAVOR=${XENC_KFLAVOR:-base}
out=${1:-$top/build/quick/out}
src=$top/build/quick/src

kdir=$("$top/tools/guest/build-kernel.sh" | tail -n1)
mkdir -p "$src" "$out"
# Sources only; kbuild's objects in the copy survive between runs.
if [ -n "${XENC_BENCH_REV:-}" ]; then
	src=$top/build/quick/src-rev
	rm -rf "$src"
	mkdir -p "$src"
	git -C "$top" archive "$XENC_BENCH_REV" | tar -xf - -C "$src"
	cp -a "$top/tools/bench/." "$src/tools/bench/"
else
	(cd "$top" && git ls-files -co --exclude-standard | grep -v '^build/' |
		tar -cf - -T - 2>/dev/null) | tar -xf - -C "$src"
fi
make -s -C "$kdir" M="$src" modules >"$out/build.log" 2>&1 ||
	{ tail -n 20 "$out/build.log"; exit 1; }
export XENC_GUEST_ACPI_IRQ=${XENC_GUEST_ACPI_IRQ:-1}
OUTDIR=$out XENC_KMEMLEAK=0 "$top/tools/guest/run.sh" -q --timeout 900 \
	--smp "${XENC_BENCH_SMP:-2}" -- "$src/tools/bench/quick-guest.sh"
cat "$out/quick.txt"

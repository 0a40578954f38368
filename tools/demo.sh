#!/bin/bash
# make demo: boot the test guest and show xenc0 bridging a co-kernel VM.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
. "$top/tools/guest/visible.sh"
export OUTDIR=${OUTDIR:-$top/build/demo}
rm -rf "$OUTDIR"; mkdir -p "$OUTDIR"
"$top/tools/guest/run.sh" -q --timeout 600 -- "$top/tools/tests/demo.sh" || {
	echo "demo failed; console: $OUTDIR/console.log" >&2
	exit 1
}
cat "$OUTDIR/guest.log"

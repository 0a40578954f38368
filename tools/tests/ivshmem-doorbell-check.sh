#!/bin/bash
# make ivshmem-doorbell-check: the ivshmem test in a guest booted with ACPI
# IRQ routing (local APIC, so MSI works), where the doorbell pair must take
# real interrupts.  Slower to boot than make check's guest; not part of it.
set -uo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
. "$top/tools/guest/visible.sh"
export OUTDIR=${OUTDIR:-$top/build/guest-doorbell}
rm -rf "$OUTDIR"; mkdir -p "$OUTDIR"
. "$top/tools/tests/ivshmem-qemu.sh"
ivshmem_qemu_start "$top"
# Two vCPUs: run.sh does not count their boot-time soft lockups.
XENC_GUEST_ACPI_IRQ=1 XENC_IVSHMEM_REQUIRE_MSI=1 XENC_TESTS=ivshmem \
	"$top/tools/guest/run.sh" --timeout 1500 --qemu-extra "$ivshmem_args" \
	-- "$top/tools/tests/all.sh" >"$OUTDIR/run.log" 2>&1
rc=$?
ivshmem_qemu_stop
grep -E '^(PASS|FAIL)' "$OUTDIR/results.txt" 2>/dev/null
grep '^run.sh: FAIL' "$OUTDIR/run.log"
[ "$rc" -eq 0 ] && grep -q '^PASS doorbell-interrupts-received' "$OUTDIR/results.txt"

#!/bin/bash
# KUnit suites in the guest, parsed with the kernel's own kunit.py.
. "$(dirname "$0")/lib.sh"

insmod "$KDIR/lib/kunit/kunit.ko" 2>/dev/null
insmod "$XENC/xenc.ko" ivshmem_autobind=0
dmesg -C
# Suites run from module init: the KTAP document is complete on return.
insmod "$XENC/xenc_kunit.ko"
dmesg >"$OUT/ktap-xenc.txt"
rmmod xenc_kunit
rmmod xenc
"$XENC/tools/guest/ktap.sh" "$OUT/ktap-xenc.txt" >"$OUT/ktap-xenc.summary" 2>&1
n=$(grep -cE '^(not )?ok ' "$OUT/ktap-xenc.summary")
[ "$n" -gt 0 ] || fail kunit-parse "no KUnit results parsed"
grep -E '^ok ' "$OUT/ktap-xenc.summary" | while read -r _ name _; do pass "kunit:$name"; done
grep -E '^not ok ' "$OUT/ktap-xenc.summary" | while read -r _ _ name _; do fail "kunit:$name" "see ktap-xenc.txt"; done

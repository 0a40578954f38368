#!/bin/bash
# Summarise the KTAP output of ONE kunit test module (e.g. dmesg captured
# around its insmod) with the kernel tree's own parser.
#
# usage: ktap.sh [--json OUT.json] KTAP_FILE
#   Prints "KUNIT <passed> <failed> <skipped>" then one line per test:
#   "ok <suite>.<test>", "ok <suite>.<test> # SKIP" or "not ok <suite>.<test>".
#   Exit 1 on any failed/crashed test or when no test was parsed.
#   JSON goes to OUT.json (default: KTAP_FILE with .json), kunit.py's own
#   report to OUT.json minus .json plus .kunit.txt (shown on failure).
# env: KDIR (default: tools/guest/kdir.sh). Works on the host or in the guest.
#
# kunit.py reads only the FIRST KTAP document of its input and chdirs into
# the kernel tree, hence one module per file and absolute paths / stdin.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
json=
if [ "${1:-}" = --json ]; then json=$2; shift 2; fi
[ $# -eq 1 ] || { sed -n '4,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
ktap=$1
[ -r "$ktap" ] || { echo "ktap.sh: cannot read $ktap" >&2; exit 2; }
: "${json:=${ktap%.*}.json}"
json=$(realpath -m "$json")
report=${json%.json}.kunit.txt
kdir=${KDIR:-$("$here/kdir.sh")}
kunit_py=$kdir/tools/testing/kunit/kunit.py
[ -x "$kunit_py" ] || { echo "ktap.sh: $kunit_py not found (build the kernel first)" >&2; exit 2; }

# No __pycache__ in the shared (and, in the guest, read-only) kernel cache.
set +e
PYTHONDONTWRITEBYTECODE=1 python3 "$kunit_py" parse --json="$json" <"$ktap" >"$report" 2>&1
prc=$?
set -e

# JSON layout (kunit_json.py): top group -> sub_groups = suites ->
# test_cases (PASS/FAIL/SKIP/ERROR) and sub_groups = parameterised tests,
# whose own cases are the parameters; a parameterised test fails if any
# parameter does and is skipped only if all are.
set +e
python3 - "$json" <<'PY'
import json, sys
try:
    top = json.load(open(sys.argv[1]))
except (OSError, ValueError) as e:
    print(f"ktap.sh: no JSON from kunit.py: {e}", file=sys.stderr)
    print("KUNIT 0 0 0")
    sys.exit(1)

def leaves(g):
    out = [c["status"] for c in g.get("test_cases", [])]
    for s in g.get("sub_groups", []):
        out += leaves(s)
    return out

def status(sts):
    if any(s not in ("PASS", "SKIP") for s in sts):
        return "FAIL"
    if sts and all(s == "SKIP" for s in sts):
        return "SKIP"
    return "PASS" if sts else "FAIL"

rows = []
def walk_suite(suite, prefix):
    name = prefix + suite["name"]
    for c in suite.get("test_cases", []):
        rows.append((name + "." + c["name"], c["status"]))
    for sg in suite.get("sub_groups", []):
        rows.append((name + "." + sg["name"], status(leaves(sg))))

for suite in top.get("sub_groups", []):
    walk_suite(suite, "")
for c in top.get("test_cases", []):     # bare test cases outside a suite
    rows.append((c["name"], c["status"]))

n = {s: sum(1 for _, st in rows if st == s) for s in ("PASS", "SKIP")}
failed = len(rows) - n["PASS"] - n["SKIP"]
print(f"KUNIT {n['PASS']} {failed} {n['SKIP']}")
for name, st in rows:
    print({"PASS": "ok %s", "SKIP": "ok %s # SKIP"}.get(st, "not ok %s") % name)
sys.exit(1 if failed or not rows else 0)
PY
src=$?
set -e

if [ $src -ne 0 ] || [ $prc -ne 0 ]; then
	echo "ktap.sh: FAIL (kunit.py parse exit $prc); its report ($report):" >&2
	sed 's/^/    /' "$report" >&2
	exit 1
fi

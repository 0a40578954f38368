#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Bench results: validate the CSVs, plot them, write the rst report.

    report.py check DIR                  exit 1 unless DIR holds well-formed
                                         results (one line per problem)
    report.py plot DIR PNGDIR            PNG figures via gnuplot
    report.py report DIR OUT.rst [--plots DIR]
                                         the generated report; with --plots
                                         the PNGs are copied there and shown

DIR holds what tools/bench/guest.sh wrote (udp.csv, tcp.csv, lat.csv,
scale.csv, meta.csv) plus, from bench.sh, host.csv and ring.csv, and from
tools/bench/lwk2g.sh (the two-guest LWK-LWK run) lwk2g.csv and
lwk2g-meta.csv; runs without the latter two simply have no such section.
Nothing here judges performance: the report states ratios, and its
"Targets" section says how far each is from the project's performance
goals; nothing fails on a measured value.
"""
import csv
import math
import os
import shutil
import subprocess
import sys

PATHS = ["xenc", "xenc-ivshmem", "relay", "veth"]
LABEL = {
    "xenc": "xenc (local, doorbells)",
    "xenc-ivshmem": "xenc (ivshmem, polled)",
    "relay": "relay (lnxtapd)",
    "veth": "veth / LNX",
}
CONFIGS = ["LNX-LWK", "LWK"]
# Rows of the side-by-side table repeated as "key ratios" at its top.
KEY_METRICS = [
    "UDP LWK, all points: mean loss on the way",
    "UDP LWK, paper's rates",
    "UDP LWK 1470 B, unlimited: received",
    "UDP LWK 65507 B, unlimited: ",
    "TCP LNX-LWK, 1 stream",
    "TCP LWK, 1 stream",
    "request/response LNX-LWK 64 B: p50",
    "scaling TCP, 4 VMs",
]
PAPER_RATES = [1, 2, 4, 8, 16, 32]

SCHEMA = {
    "udp.csv": ("path,config,size,rate_mbit,sent_mbit,recv_mbit,loss_pct,"
                "jitter_ms,packets,lost,cpu_s,cpu_pct,cpu_s_per_gbit,"
                "doorbells_per_gbit,relay_drop,rcvbuf_drop"),
    "tcp.csv": ("path,config,streams,mbit,retrans,cpu_s,cpu_pct,"
                "cpu_s_per_gbit,doorbells_per_gbit"),
    "lat.csv": ("path,config,test,size,count,loss_pct,min_us,avg_us,p50_us,"
                "p99_us,max_us,mdev_us"),
    "scale.csv": ("path,vms,proto,rate_mbit,agg_mbit,loss_pct,cpu_s,cpu_pct,"
                  "cpu_s_per_gbit,doorbells_per_gbit"),
    "paired.csv": "round,test,config,path,value",
}
TEXT_COLS = {"path", "config", "test", "proto"}
# The two-guest LWK-LWK run (tools/bench/lwk2g.sh): optional.
LWK2G = ("path,test,size,rate_mbit,streams,sent_mbit,recv_mbit,loss_pct,"
         "jitter_ms,packets,lost,retrans,rtt_min_us,rtt_avg_us,rtt_max_us,"
         "rtt_mdev_us,cpu_a_pct,cpu_b_pct,relay_drop,rcvbuf_drop")
LWK2G_PATHS = ["xenc-ivshmem", "relay"]
LWK2G_MEASURED = {"udp": ["recv_mbit", "loss_pct", "jitter_ms"],
                  "tcp": ["recv_mbit"], "ping": ["rtt_avg_us"]}
# Columns that must hold a real number for the run to count as measured.
MEASURED = {
    "udp.csv": ["recv_mbit", "loss_pct", "jitter_ms"],
    "tcp.csv": ["mbit"],
    "lat.csv": ["avg_us"],
    "scale.csv": ["agg_mbit"],
    "paired.csv": ["value"],
}
# Paired tests: what the value column holds, and which way is better.
PAIR_TESTS = {"tcp1": ("TCP {cfg}, 1 stream", "Mbit/s", "higher"),
              "tcp4": ("TCP {cfg}, 4 streams", "Mbit/s", "higher"),
              "rr64": ("request/response {cfg} 64 B: p50", "us", "lower"),
              "jit1470": ("UDP {cfg} 1470 B at 32 Mbit/s: jitter", "ms",
                          "lower"),
              "jit65507": ("UDP {cfg} 65507 B at 32 Mbit/s: jitter", "ms",
                           "lower")}
PAIR_PATHS = ("xenc", "veth")
# The jitter target over both sizes: per round, the sums' ratio.
PAIR_JITTER = ("jit1470", "jit65507")


def num(v):
    try:
        return float(v)
    except (TypeError, ValueError):
        return math.nan


def load(d, name):
    p = os.path.join(d, name)
    if not os.path.exists(p):
        return []
    with open(p, newline="") as f:
        return list(csv.DictReader(f))


def fix_udp(rows):
    """iperf3 reports 0 % loss when not one datagram arrived: make it 100."""
    for r in rows:
        if num(r.get("recv_mbit")) == 0 and num(r.get("sent_mbit")) > 0:
            r["loss_pct"] = "100"
            r["rcvbuf_drop"] = "nan"
    return rows


def load_kv(d, name):
    return {r["key"]: r["value"] for r in load(d, name) if "key" in r}


# ---------------------------------------------------------------- check

def check(d):
    problems = []
    present = {}
    for name, header in SCHEMA.items():
        p = os.path.join(d, name)
        if not os.path.exists(p):
            problems.append(f"{name}: missing")
            continue
        with open(p, newline="") as f:
            rows = list(csv.reader(f))
        if not rows or ",".join(rows[0]) != header:
            problems.append(f"{name}: header is not '{header}'")
            continue
        cols = rows[0]
        for i, r in enumerate(rows[1:], 2):
            if len(r) != len(cols):
                problems.append(f"{name}:{i}: {len(r)} fields, want {len(cols)}")
                continue
            rec = dict(zip(cols, r))
            if rec["path"] not in PATHS:
                problems.append(f"{name}:{i}: unknown path '{rec['path']}'")
            if "config" in rec and rec["config"] not in CONFIGS:
                problems.append(f"{name}:{i}: unknown config '{rec['config']}'")
            for c in cols:
                if c in TEXT_COLS:
                    continue
                if c not in ("count",) and r[cols.index(c)].lower() == "nan":
                    continue
                if math.isnan(num(rec[c])):
                    problems.append(f"{name}:{i}: {c}='{rec[c]}' is not a number")
            if all(not math.isnan(num(rec[c])) for c in MEASURED[name]):
                present.setdefault(name, set()).add(rec["path"])
    meta = load_kv(d, "meta.csv")
    if not meta:
        problems.append("meta.csv: missing or empty")
    paths = meta.get("paths", "").split()
    if not paths:
        problems.append("meta.csv: no paths listed")
    for name in ("udp.csv", "tcp.csv", "lat.csv"):
        for p in paths:
            if p not in present.get(name, set()):
                problems.append(f"{name}: no measured row for path {p}")
    problems += check_lwk2g(d)
    for line in problems:
        print(line)
    return 1 if problems else 0


def check_lwk2g(d):
    """Problems in lwk2g.csv; none if the run had no two-guest part."""
    p = os.path.join(d, "lwk2g.csv")
    if not os.path.exists(p):
        return []
    problems = []
    with open(p, newline="") as f:
        rows = list(csv.reader(f))
    if not rows or ",".join(rows[0]) != LWK2G:
        return [f"lwk2g.csv: header is not '{LWK2G}'"]
    cols = rows[0]
    present = set()
    for i, r in enumerate(rows[1:], 2):
        if len(r) != len(cols):
            problems.append(f"lwk2g.csv:{i}: {len(r)} fields, want {len(cols)}")
            continue
        rec = dict(zip(cols, r))
        if rec["path"] not in LWK2G_PATHS:
            problems.append(f"lwk2g.csv:{i}: unknown path '{rec['path']}'")
        if rec["test"] not in LWK2G_MEASURED:
            problems.append(f"lwk2g.csv:{i}: unknown test '{rec['test']}'")
            continue
        for c in cols:
            if c in TEXT_COLS or rec[c].lower() == "nan":
                continue
            if math.isnan(num(rec[c])):
                problems.append(f"lwk2g.csv:{i}: {c}='{rec[c]}' is not a number")
        if all(not math.isnan(num(rec[c]))
               for c in LWK2G_MEASURED[rec["test"]]):
            present.add((rec["path"], rec["test"]))
    paths = load_kv(d, "lwk2g-meta.csv").get("paths", "").split()
    if not paths:
        problems.append("lwk2g-meta.csv: missing or lists no paths")
    for path in paths:
        for test in LWK2G_MEASURED:
            if (path, test) not in present:
                problems.append(f"lwk2g.csv: no measured {test} row for "
                                f"path {path}")
    return problems


# ---------------------------------------------------------------- plots

def gp_escape(s):
    return s.replace('"', "'")


def plot(d, pngdir):
    udp = fix_udp(load(d, "udp.csv"))
    tcp = load(d, "tcp.csv")
    lat = load(d, "lat.csv")
    scale = load(d, "scale.csv")
    ring = load(d, "ring.csv")
    os.makedirs(pngdir, exist_ok=True)
    # libgd's png: palette images, a tenth of pngcairo's bytes.
    term = "set terminal png size 900,{h} font 'DejaVuSans,8'"
    script = [term.format(h=640),
              "set grid", "set key outside bottom center horizontal",
              "set datafile missing 'nan'"]
    made = []
    colors = {"xenc": "#1b7837", "xenc-ivshmem": "#5aae61",
              "relay": "#b2182b", "veth": "#2166ac"}

    def paths_in(rows):
        return [p for p in PATHS if any(r["path"] == p for r in rows)]

    def block(name, lines):
        script.append(f"${name} << EOD")
        script.extend(lines)
        script.append("EOD")

    # Figs 8-11 of the paper: loss and jitter against the sending rate,
    # one panel per datagram size, every path on the same axes.
    for cfg in CONFIGS:
        rows = [r for r in udp if r["config"] == cfg]
        if not rows:
            continue
        sizes = sorted({int(r["size"]) for r in rows})
        paths = paths_in(rows)
        for p in paths:
            for s in sizes:
                pts = sorted((num(r["sent_mbit"]), r) for r in rows
                             if r["path"] == p and int(r["size"]) == s)
                block(f"u_{cfg}_{p}_{s}".replace("-", "_"),
                      [f"{x:.3f} {r['loss_pct']} {r['jitter_ms']} "
                       f"{r['recv_mbit']}" for x, r in pts
                       if not math.isnan(x) and x > 0])
        cols = min(len(sizes), 2)
        rws = (len(sizes) + cols - 1) // cols
        for metric, col, ylabel, logy in (
                ("loss", 2, "datagram loss (%)", False),
                ("jitter", 3, "jitter (ms)", True),
                ("bw", 4, "received (Mbit/s)", True)):
            f = f"udp-{metric}-{cfg}.png"
            made.append(f)
            # Full mode's 11 sizes: keep each panel readable.
            script.append(term.format(h=max(640, 220 * rws)))
            script.append(f"set output '{pngdir}/{f}'")
            script.append(f"set multiplot layout {rws},{cols} title "
                          f"\"UDP {metric}, case {cfg} (iperf3, TCG: "
                          f"relative figures)\"")
            script.append("set logscale x")
            script.append("set logscale y" if logy else "unset logscale y")
            script.append("set xlabel 'sending rate achieved (Mbit/s)'")
            script.append(f"set ylabel '{ylabel}'")
            for i, s in enumerate(sizes):
                script.append("set key" if i == 0 else "unset key")
                script.append(f"set title '{s} B datagrams'")
                parts = []
                for p in paths:
                    name = f"u_{cfg}_{p}_{s}".replace("-", "_")
                    parts.append(f"${name} using 1:{col} with linespoints "
                                 f"lw 2 lc rgb '{colors[p]}' "
                                 f"title \"{gp_escape(LABEL[p])}\"")
                script.append("plot " + ", ".join(parts))
            script.append("unset multiplot")
            script.append("set key")
            script.append("unset logscale")
            script.append(term.format(h=640))

    # Fig 12: TCP bandwidth per case, clustered per path.
    if tcp:
        cases = []
        for r in tcp:
            c = f"{r['config']} P{r['streams']}"
            if c not in cases:
                cases.append(c)
        paths = paths_in(tcp)
        lines = []
        for c in cases:
            vals = []
            for p in paths:
                v = [num(r["mbit"]) for r in tcp if r["path"] == p and
                     f"{r['config']} P{r['streams']}" == c]
                vals.append(f"{v[0]:.1f}" if v and not math.isnan(v[0])
                            else "nan")
            lines.append(f"\"{c}\" " + " ".join(vals))
        block("tcp", lines)
        f = "tcp.png"
        made.append(f)
        script += [f"set output '{pngdir}/{f}'",
                   "set title 'TCP bandwidth (iperf3; P = parallel streams; "
                   "TCG: relative figures)'",
                   "set style data histogram",
                   "set style histogram cluster gap 1",
                   "set style fill solid border -1",
                   "set ylabel 'Mbit/s'", "set xlabel ''",
                   "set logscale y",
                   "plot " + ", ".join(
                       f"$tcp using {i + 2}:xtic(1) lc rgb '{colors[p]}' "
                       f"title \"{gp_escape(LABEL[p])}\""
                       for i, p in enumerate(paths)),
                   "unset logscale y", "set style data lines"]

    # Latency: ping average and request/response median and p99.
    if lat:
        paths = paths_in(lat)
        keys = []
        for r in lat:
            for m in (("ping", "avg_us"), ("rr", "p50_us"), ("rr", "p99_us")):
                k = (r["config"], r["size"]) + m
                if r["test"] == m[0] and k not in keys:
                    keys.append(k)
        lines = []
        for cfg, size, test, col in keys:
            vals = []
            for p in paths:
                v = [num(r[col]) for r in lat if r["path"] == p and
                     r["config"] == cfg and r["size"] == size and
                     r["test"] == test]
                vals.append(f"{v[0]:.1f}" if v and not math.isnan(v[0])
                            else "nan")
            lines.append(f"\"{cfg} {test} {col[:-3]} {size}B\" " +
                         " ".join(vals))
        block("lat", lines)
        f = "latency.png"
        made.append(f)
        script += [f"set output '{pngdir}/{f}'",
                   "set title 'Round-trip time (ping average; UDP "
                   "request/response p50, p99)'",
                   "set style data histogram",
                   "set style histogram cluster gap 1",
                   "set style fill solid border -1",
                   "set ylabel 'microseconds'", "set logscale y",
                   "set xtics rotate by -20",
                   "plot " + ", ".join(
                       f"$lat using {i + 2}:xtic(1) lc rgb '{colors[p]}' "
                       f"title \"{gp_escape(LABEL[p])}\""
                       for i, p in enumerate(paths)),
                   "unset logscale y", "set xtics norotate",
                   "set style data lines"]

    # Scaling: aggregate throughput against co-kernel VMs sending at once.
    if scale:
        paths = paths_in(scale)
        for proto in ("tcp", "udp"):
            rows = [r for r in scale if r["proto"] == proto]
            if not rows:
                continue
            for p in paths:
                block(f"s_{proto}_{p}".replace("-", "_"),
                      [f"{r['vms']} {r['agg_mbit']} {r['loss_pct']}"
                       for r in sorted(rows, key=lambda r: int(r["vms"]))
                       if r["path"] == p])
        f = "scale.png"
        made.append(f)
        script += [f"set output '{pngdir}/{f}'",
                   "set multiplot layout 1,2 title 'Scaling: co-kernel VMs "
                   "sending to the Linux VM at once'",
                   "set xlabel 'co-kernel VMs'", "set xtics 1",
                   "set ylabel 'aggregate Mbit/s'", "set logscale y",
                   "set title 'TCP, one stream per VM'"]
        script.append("plot " + ", ".join(
            f"$s_tcp_{p.replace('-', '_')} using 1:2 with linespoints lw 2 "
            f"lc rgb '{colors[p]}' title \"{gp_escape(LABEL[p])}\""
            for p in paths))
        if any(r["proto"] == "udp" for r in scale):
            rate = next(r["rate_mbit"] for r in scale if r["proto"] == "udp")
            script += ["unset logscale y", "set ylabel 'datagram loss (%)'",
                       f"set title 'UDP 1470 B, {rate} Mbit/s per VM'"]
            script.append("plot " + ", ".join(
                f"$s_udp_{p.replace('-', '_')} using 1:3 with linespoints "
                f"lw 2 lc rgb '{colors[p]}' title \"{gp_escape(LABEL[p])}\""
                for p in paths))
        script += ["unset multiplot", "unset logscale", "set xtics auto"]

    # Native ring micro-benchmark against memcpy.
    if ring:
        block("ring", [f"{r['frame_bytes']} {r['ring_gb_per_s']} "
                       f"{r['memcpy_gb_per_s']} {r.get('xcopy_gb_per_s', 0)} "
                       f"{r.get('memcpy_mem_gb_per_s', 'nan')}"
                       for r in ring])
        f = "ring.png"
        made.append(f)
        script += [f"set output '{pngdir}/{f}'",
                   "set title 'Ring core, native: producer and consumer "
                   "threads vs memcpy and the protocol-free handover'",
                   "set logscale y",
                   "set xlabel 'frame bytes'", "set ylabel 'GB/s'",
                   "set logscale x",
                   "plot $ring using 1:2 with linespoints lw 2 title 'ring', "
                   "$ring using 1:3 with linespoints lw 2 title "
                   "'memcpy in cache (1 thread)', "
                   "$ring using 1:4 with linespoints lw 2 title "
                   "'xcopy (2 threads, no protocol)', "
                   "$ring using 1:5 with linespoints lw 2 title "
                   "'memcpy through memory (1 thread)'",
                   "unset logscale"]
    gp = os.path.join(pngdir, "plots.gp")
    with open(gp, "w") as f:
        f.write("\n".join(script) + "\n")
    subprocess.run(["gnuplot", gp], check=True)
    for f in made:
        p = os.path.join(pngdir, f)
        with open(p, "rb") as fh:
            if fh.read(8) != b"\x89PNG\r\n\x1a\n":
                raise SystemExit(f"report.py: {p} is not a PNG")
    return made


# ---------------------------------------------------------------- report

def fmt(v, nd=1):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if abs(v) >= 1000:
        return f"{v:.0f}"
    return f"{v:.{nd}f}"


def ratio(a, b):
    """a/b as text; loss-style zeros are spelled out."""
    if a is None or b is None or math.isnan(a) or math.isnan(b):
        return "n/a"
    if b == 0:
        return "equal (0)" if a == 0 else "inf"
    return f"{a / b:.2f}"


def table(header, rows):
    """An rst grid-free simple table with a header row."""
    rows = [[str(c) for c in r] for r in rows]
    w = [max(len(str(h)), *(len(r[i]) for r in rows)) if rows else len(h)
         for i, h in enumerate(header)]
    sep = "  ".join("=" * x for x in w)
    out = [sep, "  ".join(h.ljust(w[i]) for i, h in enumerate(header)), sep]
    for r in rows:
        out.append("  ".join(c.ljust(w[i]) for i, c in enumerate(r)))
    out.append(sep)
    return "\n".join(out)


def path_loss(r):
    """% of sent datagrams lost on the way, not at the receiving socket."""
    lost, rb, n = num(r["lost"]), num(r.get("rcvbuf_drop")), num(r["packets"])
    if math.isnan(lost) or math.isnan(rb) or math.isnan(n) or n <= 0:
        return math.nan
    return 100 * max(0.0, lost - rb) / n


class Results:
    def __init__(self, d):
        self.udp = fix_udp(load(d, "udp.csv"))
        for r in self.udp:
            r["path_loss_pct"] = str(path_loss(r))
        self.tcp = load(d, "tcp.csv")
        self.lat = load(d, "lat.csv")
        self.scale = load(d, "scale.csv")
        self.ring = load(d, "ring.csv")
        self.meta = load_kv(d, "meta.csv")
        self.host = load_kv(d, "host.csv")
        self.paths = [p for p in PATHS if p in self.meta.get("paths", "")
                      .split()]
        self.lwk2g = fix_udp([r for r in load(d, "lwk2g.csv")
                              if r.get("test") in LWK2G_MEASURED])
        for r in self.lwk2g:
            r["path_loss_pct"] = str(path_loss(r)) if r["test"] == "udp" \
                else "nan"
        self.lwk2g_meta = load_kv(d, "lwk2g-meta.csv")
        self.paired = load(d, "paired.csv")
        # The same rounds in an instruction-counted guest (optional).
        self.paired_ic = load(d, "paired-icount.csv")

    def pair(self, tests, cfg, icount=False):
        """Rounds of the paired run (icount: of the instruction-counted
        one) in which both xenc and veth measured every one of tests (a
        name or a tuple, summed per round): (median xenc, median veth,
        sorted per-round xenc/veth)."""
        tests = (tests,) if isinstance(tests, str) else tests
        by = {}
        for r in self.paired_ic if icount else self.paired:
            if r["test"] in tests and r["config"] == cfg:
                by.setdefault(r["round"], {}).setdefault(
                    r["path"], []).append(num(r["value"]))
        rs = [(sum(v["xenc"]), sum(v["veth"])) for v in by.values()
              if all(len(v.get(p, [])) == len(tests) for p in PAIR_PATHS)]
        rs = [(x, v) for x, v in rs if not math.isnan(x) and v > 0]
        if not rs:
            return None
        return (median([x for x, _ in rs]), median([v for _, v in rs]),
                sorted(x / v for x, v in rs))

    def lwk2g_at(self, path, test, col, **key):
        """One value of the two-guest run; key: column=int value."""
        v = [num(r.get(col)) for r in self.lwk2g if r["path"] == path and
             r["test"] == test and
             all(num(r[k]) == x for k, x in key.items())]
        return v[0] if v else math.nan

    def udp_at(self, path, cfg, size, rate, col):
        v = [num(r.get(col)) for r in self.udp if r["path"] == path and
             r["config"] == cfg and int(r["size"]) == size and
             int(r["rate_mbit"]) == rate]
        return v[0] if v else math.nan

    def udp_stat(self, path, cfg, col, agg, rates=None, sizes=None):
        v = [num(r.get(col)) for r in self.udp if r["path"] == path and
             r["config"] == cfg and
             (rates is None or int(r["rate_mbit"]) in rates) and
             (sizes is None or int(r["size"]) in sizes)]
        v = [x for x in v if not math.isnan(x)]
        return agg(v) if v else math.nan

    def tcp_at(self, path, cfg, streams, col="mbit"):
        v = [num(r.get(col)) for r in self.tcp if r["path"] == path and
             r["config"] == cfg and int(r["streams"]) == streams]
        return v[0] if v else math.nan

    def lat_at(self, path, cfg, test, size, col):
        v = [num(r.get(col)) for r in self.lat if r["path"] == path and
             r["config"] == cfg and r["test"] == test and
             int(r["size"]) == size]
        return v[0] if v else math.nan

    def scale_at(self, path, vms, proto, col="agg_mbit"):
        v = [num(r.get(col)) for r in self.scale if r["path"] == path and
             int(r["vms"]) == vms and r["proto"] == proto]
        return v[0] if v else math.nan


def mean(v):
    return sum(v) / len(v)


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def summary_metrics(R):
    """(name, unit, better, {path: value}) for the side-by-side table."""
    m = []

    def add(name, unit, better, f):
        vals = {p: f(p) for p in R.paths}
        if any(not math.isnan(v) for v in vals.values()):
            m.append((name, unit, better, vals))

    sizes = sorted({int(r["size"]) for r in R.udp})
    rates = sorted({int(r["rate_mbit"]) for r in R.udp})
    paper = [r for r in rates if r in PAPER_RATES]
    for cfg in CONFIGS:
        if not any(r["config"] == cfg for r in R.udp):
            continue
        for s in sizes:
            if 0 in rates:
                add(f"UDP {cfg} {s} B, unlimited: received", "Mbit/s",
                    "higher", lambda p, c=cfg, s=s:
                    R.udp_at(p, c, s, 0, "recv_mbit"))
                add(f"UDP {cfg} {s} B, unlimited: loss", "%", "lower",
                    lambda p, c=cfg, s=s: R.udp_at(p, c, s, 0, "loss_pct"))
        if paper:
            span = f"{paper[0]}" if len(paper) == 1 else \
                f"{paper[0]}-{paper[-1]}"
            add(f"UDP {cfg}, paper's rates ({span} Mbit/s): "
                "worst loss over sizes", "%", "lower",
                lambda p, c=cfg: R.udp_stat(p, c, "loss_pct", max, paper))
            add(f"UDP {cfg}, paper's rates: mean jitter", "ms", "lower",
                lambda p, c=cfg: R.udp_stat(p, c, "jitter_ms", mean, paper))
        add(f"UDP {cfg}, all points: mean loss", "%", "lower",
            lambda p, c=cfg: R.udp_stat(p, c, "loss_pct", mean))
        add(f"UDP {cfg}, all points: mean loss on the way (not at the "
            "receiving socket)", "%", "lower",
            lambda p, c=cfg: R.udp_stat(p, c, "path_loss_pct", mean))
        add(f"UDP {cfg}, all points: mean jitter", "ms", "lower",
            lambda p, c=cfg: R.udp_stat(p, c, "jitter_ms", mean))
    for cfg in CONFIGS:
        for st in sorted({int(r["streams"]) for r in R.tcp
                          if r["config"] == cfg}):
            add(f"TCP {cfg}, {st} stream{'s' if st > 1 else ''}", "Mbit/s",
                "higher", lambda p, c=cfg, st=st: R.tcp_at(p, c, st))
            add(f"TCP {cfg}, {st} stream{'s' if st > 1 else ''}: guest CPU",
                "CPU-s/Gbit", "lower", lambda p, c=cfg, st=st:
                R.tcp_at(p, c, st, "cpu_s_per_gbit"))
    for cfg in CONFIGS:
        for s in sorted({int(r["size"]) for r in R.lat if r["config"] == cfg}):
            add(f"ping {cfg} {s} B: average RTT", "us", "lower",
                lambda p, c=cfg, s=s: R.lat_at(p, c, "ping", s, "avg_us"))
            add(f"request/response {cfg} {s} B: p50 RTT", "us", "lower",
                lambda p, c=cfg, s=s: R.lat_at(p, c, "rr", s, "p50_us"))
            add(f"request/response {cfg} {s} B: p99 RTT", "us", "lower",
                lambda p, c=cfg, s=s: R.lat_at(p, c, "rr", s, "p99_us"))
    for proto in ("tcp", "udp"):
        for v in sorted({int(r["vms"]) for r in R.scale
                         if r["proto"] == proto}):
            add(f"scaling {proto.upper()}, {v} VM{'s' if v > 1 else ''}: "
                "aggregate", "Mbit/s", "higher",
                lambda p, v=v, pr=proto: R.scale_at(p, v, pr))
            if proto == "udp":
                add(f"scaling UDP, {v} VM{'s' if v > 1 else ''}: loss", "%",
                    "lower", lambda p, v=v: R.scale_at(p, v, "udp",
                                                       "loss_pct"))
            add(f"scaling {proto.upper()}, {v} VM{'s' if v > 1 else ''}: "
                "guest CPU", "CPU-s/Gbit", "lower",
                lambda p, v=v, pr=proto: R.scale_at(p, v, pr,
                                                    "cpu_s_per_gbit"))
    return m


def ahead(a, b, better):
    """True/False if a is ahead of/behind b; None if not comparable."""
    if math.isnan(a) or math.isnan(b):
        return None
    if a == b:
        return None
    return a > b if better == "higher" else a < b


def report(d, out, plotdir):
    R = Results(d)
    pngs = []
    if plotdir:
        os.makedirs(plotdir, exist_ok=True)
        for f in sorted(os.listdir(d)):
            if f.endswith(".png"):
                shutil.copy(os.path.join(d, f), os.path.join(plotdir, f))
                pngs.append(f)
    rel = os.path.relpath(plotdir, os.path.dirname(os.path.abspath(out))) \
        if plotdir else None
    M, H = R.meta, R.host
    L = []
    w = L.append
    title = "xenc benchmark results"
    w(".. SPDX-License-Identifier: GPL-2.0")
    w("")
    w(".. Generated by ``make bench`` (tools/bench/report.py) from the CSV")
    w("   files in build/bench/.  Do not edit: run ``make bench`` again.")
    w("")
    w("=" * len(title))
    w(title)
    w("=" * len(title))
    w("")
    w(f"Measured {M.get('date', '?')} in {M.get('mode', '?')} mode "
      f"(``{H.get('command', 'make bench')}``), commit "
      f"``{H.get('commit', '?')}``.")
    w("")
    w("**Every figure below was measured under QEMU TCG (software CPU "
      "emulation) on a shared 2-core host.  Absolute numbers mean little; "
      "only the ratios between data paths measured in the same run are "
      "meaningful.**  Nothing here is a pass/fail threshold.")
    w("")
    w("Setup")
    w("=====")
    w("")
    w(table(["item", "value"], [
        ["host kernel", H.get("host_kernel", "?")],
        ["host CPU", f"{H.get('host_cpu_model', '?')} "
         f"({H.get('host_cpus', '?')} cores)"],
        ["host load (1, 5, 15 min)", f"{H.get('host_load_at_start', '?')} "
         f"at the start, {H.get('host_load_at_end', '?')} at the end"],
        ["emulator", H.get("qemu", "?") + ", TCG"],
        ["guest kernel", f"{M.get('guest_kernel', '?')} "
         f"({H.get('kernel_flavor', '?')} flavor, "
         f"{M.get('guest_kernel_version', '')})"],
        ["guest", f"{M.get('guest_cpus', '?')} vCPUs "
         f"({M.get('guest_cpu_model', '?')}), "
         f"{int(num(M.get('guest_mem_kb', 'nan')) / 1024) if not math.isnan(num(M.get('guest_mem_kb', 'nan'))) else '?'} MiB"],
        ["traffic tools", f"{M.get('iperf3', '?')}; ping; xenc-rr "
         "(tools/bench/rr.c)"],
        ["poll periods (ivshmem paths)",
         f"test peer {M.get('peer_poll_us', 'n/a')} us, xenc "
         f"{M.get('xenc_poll_us', 'default').replace('default', '50')} us "
         "(both back off up to 64x while idle)"],
        ["relay options", M.get("relay_args", "none") +
         " (none: busy-polls, sched_yield() when idle)"],
        ["wall time of the run", f"{H.get('guest_wall_s', '?')} s"],
        ["guest clock check", f"guest uptime at the end "
         f"{M.get('guest_uptime_end', '?')} s, QEMU ran "
         f"{H.get('guest_run_wall_s', '?')} s of host time"],
    ]))
    w("")
    up = num(M.get("guest_uptime_end"))
    wall = num(H.get("guest_run_wall_s"))
    if not math.isnan(up) and not math.isnan(wall) and up > 1.2 * wall:
        w("**Warning: the guest clock ran faster than the host's "
          f"({up:.0f} s of guest uptime in {wall:.0f} s): every rate "
          "below is inflated by about that factor, for every path "
          "alike.**")
        w("")
    w("Data paths")
    w("----------")
    w("")
    w("All in one guest, on one bridge ``br0``.  The Linux-hosted VM is a "
      "network namespace on a veth port (10.9.0.1); each co-kernel VM is a "
      "namespace (10.9.0.2 ...) whose NIC is the test peer ``xenc_peer`` "
      "(the co-kernel endpoint, ``cokernel/xenc_ep.c``), except for veth. "
      "Every NIC has MTU 1500.")
    w("")
    w(table(["path", "what carries the co-kernel VM's frames"], [
        ["xenc", "the xenc driver over the local transport: rings in "
         "shared memory, doorbells both ways (IPIs)"],
        ["xenc-ivshmem", "the xenc driver over an ivshmem-plain pair (the "
         "same rings as the relay), no interrupts: both ends poll"],
        ["relay", "``xenc-relay`` (tools/relay/), the paper's lnxtapd: one "
         "user-space process polls every ring and one TAP per VM, fixed "
         "256-slot rings, drops when a ring is full"],
        ["veth", "a veth pair: the in-kernel, zero-copy limit; in one guest "
         "this is also the paper's LNX control group (two Linux-hosted VMs)"],
    ]))
    w("")
    w("Configurations (the paper's cases): **LNX-LWK** = co-kernel VM cok0 "
      "sends to the Linux-hosted VM; **LWK** = co-kernel VM cok0 sends to "
      "co-kernel VM cok1 (both through the path under test, so through the "
      "relay twice).  **LNX** is the veth row.  **LWK-LWK** (two co-kernel "
      "instances) is not a row here: in one guest each co-kernel VM "
      "already has its own region, so it equals LWK; the faithful LWK-LWK, "
      "with the co-kernel VMs in a second QEMU sharing the ivshmem files "
      "with the Linux guest, is " + (
          "measured separately below (`LWK-LWK across two guests`_)."
          if R.lwk2g else
          "the two-guest part of ``make bench`` (tools/bench/lwk2g.sh), "
          "which this run did not do."))
    w("")
    w("Exact commands")
    w("--------------")
    w("")
    w(f"- ``{H.get('command', 'make bench')}`` (host), which builds the "
      "kernel flavor, the modules, xenc-relay and xenc-rr, runs "
      "``make bench-ring`` and then:")
    w(f"- ``{H.get('run_sh', 'tools/guest/run.sh ... tools/bench/guest.sh')}``"
      " with ``XENC_KFLAVOR=" + H.get("kernel_flavor", "?") +
      " XENC_BENCH_MODE=" + M.get("mode", "?") + "``.")
    w("- In the guest, per measurement (client in the sender's netns):")
    w("")
    w("  - UDP: ``iperf3 -c ADDR -u -l SIZE -b RATEM -t "
      f"{M.get('t_udp', '?')} -J`` (RATE 0 = unlimited)")
    w(f"  - TCP: ``iperf3 -c ADDR -P STREAMS -t {M.get('t_tcp', '?')} -J``")
    w(f"  - ping: ``ping -q -c {M.get('ping_n', '?')} -i 0.02 -s SIZE-8 ADDR``")
    w(f"  - request/response: ``xenc-rr -c ADDR -n {M.get('rr_n', '?')} "
      "-l SIZE`` (UDP, one transaction in flight)")
    w("  - scaling: N co-kernel VMs each run ``iperf3 -c 10.9.0.1 -p "
      "5201+i`` at once (TCP, then UDP 1470 B at a fixed rate per VM)")
    w("  - guest CPU: ``/proc/stat`` busy jiffies (user, nice, system, irq, "
      "softirq, steal) over each run, per Gbit received")
    w("")

    # ---- summary
    w("Side by side")
    w("============")
    w("")
    w("Ratios are value(xenc path) / value(other path), measured in the "
      "same run.  For throughput higher is better (ratio > 1: xenc ahead); "
      "for loss, jitter, latency and CPU cost lower is better (ratio < 1: "
      "xenc ahead).  \"inf\" means the other path had 0 and xenc did not; "
      "\"equal (0)\" means both had 0.")
    w("")
    metrics = summary_metrics(R)
    pairs0 = [(a, b) for a, b in (("xenc", "relay"), ("xenc-ivshmem", "relay"),
                                  ("xenc", "veth"))
              if a in R.paths and b in R.paths]
    keys = [m for m in metrics if any(m[0].startswith(k) for k in KEY_METRICS)]
    if keys and pairs0:
        w("Key ratios")
        w("----------")
        w("")
        for name, unit, better, vals in keys:
            w(f"- {name} ({unit}, {better} is better): " + "; ".join(
                f"{a}/{b} {ratio(vals[a], vals[b])}" for a, b in pairs0))
        w("")
    vl = R.udp_stat("veth", "LWK", "loss_pct", max, PAPER_RATES) \
        if "veth" in R.paths else math.nan
    if not math.isnan(vl) and vl > 1:
        w(f"Note: even veth, the in-kernel limit, lost up to {vl:.1f} % of "
          "the datagrams at the paper's low rates in this run: the guest "
          "was starved of CPU by the host (see the load above), so much of "
          "the UDP loss is the receiving socket overflowing, on every path. "
          "The \"loss on the way\" rows and columns leave those out.")
        w("")
    hdr = ["metric", "unit", "better"] + R.paths
    pairs = [(a, b) for a, b in (("xenc", "relay"), ("xenc-ivshmem", "relay"),
                                 ("xenc", "veth"), ("xenc-ivshmem", "veth"))
             if a in R.paths and b in R.paths]
    hdr += [f"{a}/{b}" for a, b in pairs]
    rows = []
    behind = []
    for name, unit, better, vals in metrics:
        row = [name, unit, better] + [fmt(vals[p]) for p in R.paths]
        for a, b in pairs:
            row.append(ratio(vals[a], vals[b]))
            if ahead(vals[a], vals[b], better) is False:
                behind.append((name, a, b, vals[a], vals[b], unit))
        rows.append(row)
    w(table(hdr, rows))
    w("")
    w("Where xenc is not ahead")
    w("-----------------------")
    w("")
    if behind:
        w("Every row above in which a xenc path did worse than the path it "
          "is compared with (generated, not edited):")
        w("")
        for name, a, b, va, vb, unit in behind:
            w(f"- {name}: {a} {fmt(va)} vs {b} {fmt(vb)} {unit}")
    else:
        w("In this run no xenc path did worse than the relay or veth on any "
          "metric above.")
    w("")
    # Per-point counts on the UDP grid.
    for a, b in pairs:
        for cfg in CONFIGS:
            pts = [(r, R.udp_at(b, cfg, int(r["size"]), int(r["rate_mbit"]),
                                "loss_pct"))
                   for r in R.udp if r["path"] == a and r["config"] == cfg]
            pts = [(num(r["loss_pct"]), o) for r, o in pts]
            pts = [(x, o) for x, o in pts if not (math.isnan(x) or
                                                   math.isnan(o))]
            if pts:
                worse = sum(1 for x, o in pts if x > o)
                better = sum(1 for x, o in pts if x < o)
                w(f"- UDP {cfg} grid, {a} vs {b}: {a} lost less at "
                  f"{better}, more at {worse}, the same at "
                  f"{len(pts) - worse - better} of {len(pts)} points.")
    w("")

    paired_section(R, w)
    targets_section(R, w)

    # ---- details
    w("UDP: every point")
    w("================")
    w("")
    for cfg in CONFIGS:
        rows = [r for r in R.udp if r["config"] == cfg]
        if not rows:
            continue
        w(f"Case {cfg}")
        w("-" * (5 + len(cfg)))
        w("")
        w("Received bandwidth (Mbit/s) / datagram loss (%) / jitter (ms) / "
          "loss on the way (%): the datagrams lost other than by the "
          "receiving socket's full buffer (a CPU-starved receiver), i.e. in "
          "the data path, qdiscs or IP reassembly.  Rate 0 = unlimited; a "
          "run in which no datagram arrived counts as 100 % loss.  "
          "``relay drops`` counts frames the relay dropped on a full ring "
          "during the run.")
        w("")
        hdr = ["size", "rate"]
        for p in R.paths:
            hdr.append(p)
        if "relay" in R.paths:
            hdr.append("relay drops")
        for a, b in pairs:
            hdr.append(f"loss {a}/{b}")
        out_rows = []
        keys = sorted({(int(r["size"]), int(r["rate_mbit"])) for r in rows},
                      key=lambda k: (k[0], k[1] if k[1] else 1e9))
        for s, rt in keys:
            row = [str(s), str(rt) if rt else "max"]
            for p in R.paths:
                row.append(f"{fmt(R.udp_at(p, cfg, s, rt, 'recv_mbit'))} / "
                           f"{fmt(R.udp_at(p, cfg, s, rt, 'loss_pct'), 2)} / "
                           f"{fmt(R.udp_at(p, cfg, s, rt, 'jitter_ms'), 3)} / "
                           f"{fmt(R.udp_at(p, cfg, s, rt, 'path_loss_pct'), 2)}")
            if "relay" in R.paths:
                row.append(fmt(R.udp_at("relay", cfg, s, rt, "relay_drop"),
                               0))
            for a, b in pairs:
                row.append(ratio(R.udp_at(a, cfg, s, rt, "loss_pct"),
                                 R.udp_at(b, cfg, s, rt, "loss_pct")))
            out_rows.append(row)
        w(table(hdr, out_rows))
        w("")
    if R.tcp:
        w("TCP")
        w("===")
        w("")
        w("Received Mbit/s (retransmits) and guest CPU-seconds per Gbit.")
        w("")
        hdr = ["case", "streams"] + R.paths + [f"{a}/{b}" for a, b in pairs]
        rows = []
        for cfg in CONFIGS:
            for st in sorted({int(r["streams"]) for r in R.tcp
                              if r["config"] == cfg}):
                row = [cfg, str(st)]
                for p in R.paths:
                    row.append(f"{fmt(R.tcp_at(p, cfg, st))} "
                               f"({fmt(R.tcp_at(p, cfg, st, 'retrans'), 0)}) "
                               f"{fmt(R.tcp_at(p, cfg, st, 'cpu_s_per_gbit'), 2)}")
                for a, b in pairs:
                    row.append(ratio(R.tcp_at(a, cfg, st),
                                     R.tcp_at(b, cfg, st)))
                rows.append(row)
        w(table(hdr, rows))
        w("")
    if R.lat:
        w("Latency")
        w("=======")
        w("")
        w("Microseconds: ping min/avg/max; request/response p50/p99.")
        w("")
        hdr = ["case", "test", "size"] + R.paths + \
            [f"{a}/{b}" for a, b in pairs]
        rows = []
        for cfg in CONFIGS:
            for test in ("ping", "rr"):
                for s in sorted({int(r["size"]) for r in R.lat
                                 if r["config"] == cfg and r["test"] == test}):
                    row = [cfg, test, str(s)]
                    key = "avg_us" if test == "ping" else "p50_us"
                    for p in R.paths:
                        if test == "ping":
                            row.append("/".join(fmt(R.lat_at(p, cfg, test, s,
                                                             c))
                                                for c in ("min_us", "avg_us",
                                                          "max_us")))
                        else:
                            row.append("/".join(fmt(R.lat_at(p, cfg, test, s,
                                                             c))
                                                for c in ("p50_us", "p99_us")))
                    for a, b in pairs:
                        row.append(ratio(R.lat_at(a, cfg, test, s, key),
                                         R.lat_at(b, cfg, test, s, key)))
                    rows.append(row)
        w(table(hdr, rows))
        w("")
    if R.scale:
        w("Scaling")
        w("=======")
        w("")
        w("N co-kernel VMs send to the Linux-hosted VM at once: aggregate "
          "Mbit/s (UDP: loss %), guest CPU-seconds per Gbit.  The relay is "
          "one process for all of them; xenc has one NAPI context per "
          "device.")
        w("")
        hdr = ["proto", "VMs"] + R.paths + [f"{a}/{b}" for a, b in pairs]
        rows = []
        for proto in ("tcp", "udp"):
            for v in sorted({int(r["vms"]) for r in R.scale
                             if r["proto"] == proto}):
                row = [proto, str(v)]
                for p in R.paths:
                    extra = f" ({fmt(R.scale_at(p, v, proto, 'loss_pct'), 2)} %)" \
                        if proto == "udp" else ""
                    row.append(f"{fmt(R.scale_at(p, v, proto))}{extra} "
                               f"{fmt(R.scale_at(p, v, proto, 'cpu_s_per_gbit'), 2)}")
                for a, b in pairs:
                    row.append(ratio(R.scale_at(a, v, proto),
                                     R.scale_at(b, v, proto)))
                rows.append(row)
        w(table(hdr, rows))
        w("")
    doorbell_section(R, w)
    if R.lwk2g:
        lwk2g_section(R, w)
    if R.ring:
        w("Ring micro-benchmark (native, on the host)")
        w("==========================================")
        w("")
        w("``make bench-ring``: one producer and one consumer thread over "
          "the ring core, each copying the payload once, next to "
          "single-thread memcpy of the same frames in the same run; per "
          "frame size the best of three runs (two spinning threads suffer "
          "most from a loaded host).  The memcpy copies once, on one core, "
          "into a ring-sized buffer that stays in that core's cache.  "
          "**xcopy** is the cross-core limit: the same two copies on the "
          "same two CPUs through the same buffer, handed over a quarter at "
          "a time with no indices, headers or checks; ring/xcopy is what "
          "the ring protocol itself costs.  **mem** is memcpy between two "
          "256 MiB buffers, far beyond the caches: the machine's memory "
          "bandwidth, the usual meaning of \"memcpy bandwidth\".")
        w("")
        if H.get("ring_note"):
            w(f"This table: {H['ring_note']}.")
            w("")
        w(table(["frame B", "Mframes/s", "ring GB/s", "memcpy GB/s",
                 "ring/memcpy", "xcopy GB/s", "ring/xcopy", "mem GB/s",
                 "ring/mem"],
                [[r["frame_bytes"], r["mframes_per_s"], r["ring_gb_per_s"],
                  r["memcpy_gb_per_s"], r["ring_over_memcpy"],
                  r.get("xcopy_gb_per_s", "-"), r.get("ring_over_xcopy", "-"),
                  r.get("memcpy_mem_gb_per_s", "-"),
                  r.get("ring_over_memcpy_mem", "-")]
                 for r in R.ring]))
        w("")
    if pngs and rel:
        w("Figures")
        w("=======")
        w("")
        w("In the style of the paper's figures 8-12: loss and jitter "
          "against the sending rate per datagram size, TCP bandwidth per "
          "case, with every path on the same axes.")
        w("")
        for f in pngs:
            w(f".. image:: {rel}/{f}")
            w(f"   :alt: {f[:-4]}")
            w("")
    with open(out, "w") as f:
        f.write("\n".join(L).rstrip() + "\n")
    return 0


# Why a target is missed, stated once per kind, only when one is.
WHY = {
    "tcp-veth": "veth hands the sender's skb to the receiver without a "
    "copy.  xenc copies each frame twice (the co-kernel end into the ring, "
    "the Linux end out of it into a page_pool page), and in this guest "
    "both copies share the two vCPUs with everything else; in a node the "
    "co-kernel's copy runs on its own cores.  Where the run has them, the "
    "instruction-counted rounds, which host load cannot move, give the "
    "ratio those copies leave (about 49,000 instructions of memcpy for the "
    "two copies of a 64 KB segment).  Single runs also swing by about "
    "30 % between runs on this host.",
    "tcp-relay": "Both paths share the guest's TCP/IP stack, which under "
    "TCG costs most of the time per frame; the relay's extra copies and "
    "system calls are a smaller share of it than on hardware.  The relay "
    "also busy-polls a whole vCPU of the guest's few.",
    "udp-loss": "Datagrams lost at the receiving socket (RcvbufErrors: a "
    "receiver starved of CPU) count as loss for every path; the 'on the "
    "way' figure leaves those out and counts only what the data path "
    "itself dropped.  It depends on where the receiver runs: with the "
    "CPUs pinned (64 B at 32 Mbit/s, 5 rounds), a receiver beside the "
    "sender lost 2.3-5.2 % through xenc and 2.9-3.8 % through veth, one "
    "on the other CPU lost at most 0.06 % and 0.14 %.  Unpinned, the "
    "scheduler places it differently from run to run and path to path.",
    "jitter": "Interarrival jitter follows the receiver's scheduling: "
    "doorbells are emulated inter-processor interrupts, and the polled "
    "ivshmem ends back off up to 64x while idle.",
    "latency": "A round trip through xenc takes two doorbells (one per "
    "direction), each an emulated inter-processor interrupt followed by a "
    "NAPI poll; veth delivers inline in the sender's softirq.  With "
    "client and server pinned (each on either vCPU, 2026-12-02) xenc/veth "
    "p50 was 1.31-1.44; the rounds at 2-3x come only unpinned, when a "
    "doorbell has to wake the other, idle vCPU (a TCG wake-up).",
    "scale": "Every co-kernel VM needs CPU to send and the Linux side CPU "
    "to receive; with the guest's {cpus} vCPUs, 4 VMs share the same CPUs "
    "as 1 VM.  The target applies where the guest has the CPUs.",
    "ring-memcpy": "The in-cache memcpy copies once on one core into a "
    "buffer that stays in that core's cache; the ring hands every byte "
    "from one core to another, which no single-core copy has to do.  xcopy, the same hand-over with no ring "
    "protocol, is the cross-core limit; ring/xcopy shows what the protocol "
    "itself costs.",
}


def short(v, goal, better):
    """'met' or how far v is from goal, in %."""
    if math.isnan(v):
        return "not measured"
    ok = v >= goal if better == "higher" else v <= goal
    if ok:
        return "met"
    return f"missed by {abs(v - goal) / goal * 100:.0f} %"


def paired_or_single(R, test, cfg, other, single, detail=""):
    """The ratio a target is judged on: the paired rounds' median where
    the run has them (veth only), else the single run's."""
    p = R.pair(test, cfg) if other == "veth" else None
    if not p:
        return single, f"{single:.2f}{detail}"
    rs = p[2]
    r = median(rs)
    ic = R.pair(test, cfg, icount=True)
    ic = f"; instruction-counted {median(ic[2]):.2f}" if ic else ""
    return r, (f"{r:.2f} (paired, median of {len(rs)} rounds, "
               f"{rs[0]:.2f}-{rs[-1]:.2f}; single run {single:.2f}{ic})")


def pair_rows(R, icount=False):
    """Per paired test and configuration the run has: the metric's name,
    unit and better way, R.pair()'s result, and the digits to show."""
    for test, (name, unit, better) in PAIR_TESTS.items():
        for cfg in CONFIGS:
            p = R.pair(test, cfg, icount)
            if p:
                yield (name.format(cfg=cfg), unit, better, p,
                       3 if unit == "ms" else 1)


def paired_section(R, w):
    """xenc and veth measured in turn, round after round (guest.sh)."""
    rows = [[name, unit, better, str(len(rs)), fmt(x, nd), fmt(v, nd),
             f"{median(rs):.2f}", f"{rs[0]:.2f}-{rs[-1]:.2f}"]
            for name, unit, better, (x, v, rs), nd in pair_rows(R)]
    if not rows:
        return
    w("Paired rounds: xenc against veth")
    w("--------------------------------")
    w("")
    w("The table above measures each path in its own block, minutes apart "
      "from the others, once; a host whose load changes in between moves "
      "those ratios (single TCP runs swing by about 30 % here).  For the "
      "comparisons with the in-kernel limit, xenc VMs and veth VMs are "
      "also on the bridge at the same time and measured one after the "
      f"other, the order flipped every round, "
      f"{R.meta.get('pair_rounds', '?')} rounds.  Below are the medians of "
      "each path and the median and range of the per-round ratios; the "
      "targets use these (the jitter target the ratio of the two sizes' "
      "sum in each round).")
    w("")
    w(table(["metric", "unit", "better", "rounds", "xenc", "veth",
             "xenc/veth", "range"], rows))
    w("")
    icount_section(R, w)


def icount_section(R, w):
    """The paired tests once more in a guest whose clock counts
    instructions (bench.sh): ratios free of the host's load."""
    rows = [[name, unit, better, fmt(x, nd), fmt(v, nd), f"{median(rs):.2f}"]
            for name, unit, better, (x, v, rs), nd in pair_rows(R, True)]
    if not rows:
        return
    w("Instruction-counted rounds")
    w("~~~~~~~~~~~~~~~~~~~~~~~~~~")
    w("")
    w("The same tests in a second guest under ``-icount shift=0,sleep=off``: "
      "its clock advances one nanosecond per guest instruction and one host "
      "thread runs both vCPUs, so host load cannot move the result: the TCP "
      "ratios repeat from run to run within about 1 %.  Request/response "
      "and jitter still depend on which vCPU the guest's scheduler puts "
      "each end on, which varies from boot to boot, and jitter here is a few "
      "microseconds, too small to compare.  It measures work "
      "per byte in instructions, not parallelism, and counts every "
      "iteration of ``rep movsb`` (the user copies on this CPU model) as "
      "one instruction, where the kernel's ``memcpy`` (xenc's copies) "
      "moves 32 bytes in 12 instructions.")
    w("")
    w(table(["metric", "unit", "better", "xenc", "veth", "xenc/veth"], rows))
    w("")


def targets_section(R, w):
    """The performance goals against this run: met, or by how much not."""
    rows, missed = [], set()

    def add(target, value, shown, goal, better, why, status=None):
        st = status or short(value, goal, better)
        rows.append([target, shown, st])
        if st.startswith("missed"):
            missed.add(why)

    if "xenc" not in R.paths:
        return
    for cfg in CONFIGS:
        for st in (1, 4):
            x = R.tcp_at("xenc", cfg, st)
            if math.isnan(x):
                continue
            for other, goal, why in (("veth", 0.9, "tcp-veth"),
                                     ("relay", 5.0, "tcp-relay")):
                o = R.tcp_at(other, cfg, st)
                if math.isnan(o) or o <= 0:
                    continue
                v, shown = paired_or_single(R, f"tcp{st}", cfg, other,
                                            x / o)
                add(f"TCP {cfg}, {st} stream{'s' if st > 1 else ''}: "
                    f"xenc/{other} >= {goal:g}", v, shown, goal, "higher",
                    why)
    for cfg in CONFIGS:
        pts = [r for r in R.udp if r["path"] == "xenc" and
               r["config"] == cfg]
        if not pts:
            continue
        under, lost, way = 0, [], 0
        for r in pts:
            size, rate = int(r["size"]), int(r["rate_mbit"])
            cap = R.udp_at("xenc", cfg, size, 0, "recv_mbit")
            if rate == 0 or (not math.isnan(cap) and rate > cap):
                continue
            under += 1
            loss = num(r["loss_pct"])
            if loss > 0:
                lost.append(loss)
            if num(r["path_loss_pct"]) > 0:
                way += 1
        if under:
            add(f"UDP {cfg}: 0 % loss at every size and rate up to "
                "capacity", float(len(lost)),
                f"{len(lost)} of {under} points lost datagrams"
                f"{f' (at most {max(lost):.2f} %)' if lost else ''}; "
                f"{way} lost any on the way", 0.5, "lower", "udp-loss",
                f"missed at {len(lost)} of {under} points" if lost else
                "met")
        if "veth" in R.paths:
            x = R.udp_stat("xenc", cfg, "jitter_ms", mean)
            v = R.udp_stat("veth", cfg, "jitter_ms", mean)
            if not (math.isnan(x) or math.isnan(v)) and v > 0:
                r, shown = paired_or_single(
                    R, PAIR_JITTER, cfg, "veth", x / v,
                    f" ({x:.3f} vs {v:.3f} ms)")
                add(f"UDP {cfg}: mean jitter, xenc/veth <= 1.2", r, shown,
                    1.2, "lower", "jitter")
    if "veth" in R.paths:
        for cfg in CONFIGS:
            for sz in sorted({int(r["size"]) for r in R.lat
                              if r["config"] == cfg and r["test"] == "rr"}):
                x = R.lat_at("xenc", cfg, "rr", sz, "p50_us")
                v = R.lat_at("veth", cfg, "rr", sz, "p50_us")
                if math.isnan(x) or math.isnan(v) or v <= 0:
                    continue
                r, shown = paired_or_single(
                    R, f"rr{sz}", cfg, "veth", x / v,
                    f" ({x:.0f} vs {v:.0f} us)")
                add(f"request/response {cfg} {sz} B p50: xenc/veth <= 1.5",
                    r, shown, 1.5, "lower", "latency")
    one, four = R.scale_at("xenc", 1, "tcp"), R.scale_at("xenc", 4, "tcp")
    if not (math.isnan(one) or math.isnan(four)) and one > 0:
        add("scaling TCP: 4 VMs / 1 VM >= 3 (guest with the CPUs)",
            four / one, f"{four / one:.2f} ({R.meta.get('guest_cpus', '?')}"
            " vCPUs)", 3.0, "higher", "scale")
    for r in R.ring:
        fb = int(num(r["frame_bytes"]))
        if fb >= 65535:
            add(f"ring, {fb} B frames: ring/memcpy (in cache) >= 0.80",
                num(r["ring_over_memcpy"]),
                f"{num(r['ring_over_memcpy']):.2f} (ring/xcopy "
                f"{r.get('ring_over_xcopy', '-')})", 0.8, "higher",
                "ring-memcpy")
            mm = num(r.get("ring_over_memcpy_mem"))
            if not math.isnan(mm):
                add(f"ring, {fb} B frames: ring/memcpy (through memory) "
                    ">= 0.80", mm, f"{mm:.2f}", 0.8, "higher",
                    "ring-memcpy")
        if fb == 64:
            add("ring, 64 B frames: >= 10 M frames/s per queue pair",
                num(r["mframes_per_s"]), f"{num(r['mframes_per_s']):.1f} M",
                10.0, "higher", "ring-memcpy")
    if not rows:
        return
    w("Targets")
    w("-------")
    w("")
    w("The project's performance goals, for the doorbell-driven xenc path, "
      "against this run; 'missed by' is the distance from the goal in % "
      "of the goal.  Under TCG these say how far, not whether hardware "
      "would meet them.")
    w("")
    w(table(["goal", "this run", "status"], rows))
    w("")
    for k in WHY:
        if k in missed:
            w(f"- Why ({k}): " +
              WHY[k].format(cpus=R.meta.get("guest_cpus", "?")))
    if missed:
        w("")


def doorbell_section(R, w):
    """Doorbells per Gbit on the xenc paths (the others have none)."""
    paths = [p for p in R.paths if p.startswith("xenc")]
    rows = []
    for cfg in CONFIGS:
        for st in sorted({int(r["streams"]) for r in R.tcp
                          if r["config"] == cfg}):
            rows.append([f"TCP {cfg}, {st} stream{'s' if st > 1 else ''}"] +
                        [fmt(R.tcp_at(p, cfg, st, "doorbells_per_gbit"), 0)
                         for p in paths])
        for s in sorted({int(r["size"]) for r in R.udp
                         if r["config"] == cfg and int(r["rate_mbit"]) == 0}):
            rows.append([f"UDP {cfg}, {s} B, unlimited"] +
                        [fmt(R.udp_at(p, cfg, s, 0, "doorbells_per_gbit"), 0)
                         for p in paths])
    for proto in ("tcp", "udp"):
        for v in sorted({int(r["vms"]) for r in R.scale
                         if r["proto"] == proto}):
            rows.append([f"scaling {proto.upper()}, {v} VM"
                         f"{'s' if v > 1 else ''}"] +
                        [fmt(R.scale_at(p, v, proto, "doorbells_per_gbit"),
                             0) for p in paths])
    if not paths or not rows or all(c == "n/a" for r in rows for c in r[1:]):
        return
    w("Doorbells per Gbit")
    w("==================")
    w("")
    w("Doorbells both ways (sent by xenc, and received from the co-kernel "
      "end) per Gbit received, over every xenc device of the run, from "
      "``ethtool -S``.  xenc batches with ``xmit_more`` and suppresses "
      "doorbells with event indices; NAPI keeps them off while it polls.  "
      "xenc-ivshmem uses ivshmem-plain, which has no interrupts: both ends "
      "poll, so it sends none.  The relay and veth have no doorbells.  "
      "iperf3's UDP client sends one datagram per system call, so "
      "``xmit_more`` never batches, and a receiver that keeps up re-arms "
      "after each frame: small datagrams cost about one doorbell each "
      "unless ``ethtool -C`` (rx-frames, tx-usecs) trades latency for "
      "fewer.")
    w("")
    w(table(["case"] + paths, rows))
    w("")


def lwk2g_section(R, w):
    """The two-guest LWK-LWK run: xenc-ivshmem and relay side by side."""
    M = R.lwk2g_meta
    paths = [p for p in LWK2G_PATHS if any(r["path"] == p for r in R.lwk2g)]
    w("LWK-LWK across two guests")
    w("=========================")
    w("")
    w("The paper's LWK-LWK case with the co-kernel VMs in a different kernel "
      "than Linux: two QEMU guests share ivshmem regions 0 and 1; in guest "
      "b (the co-kernel) VM vm1 (region 0) sends to VM vm2 (region 1), and "
      "every frame crosses into guest a (Linux), through its bridge br0 "
      "and back, carried on the Linux side either by xenc (both regions "
      "as ``xenc`` NICs on br0, polled) or by xenc-relay (both regions "
      "mapped, one TAP each on br0).")
    w("")
    w(f"{M.get('mode', '?')} mode, one vCPU per guest (two guests on the "
      f"host's cores), kernel {M.get('guest_kernel_a', '?')} in both; "
      f"UDP ``-t {M.get('t_udp', '?')}``, TCP ``-t {M.get('t_tcp', '?')}``, "
      f"{M.get('ping_n', '?')} pings; test peer poll "
      f"{M.get('peer_poll_us', '?')} us, xenc "
      f"{M.get('xenc_poll_us', 'default').replace('default', '50')} us, "
      f"relay options {M.get('relay_args', 'none')}; "
      f"{M.get('wall_s', '?')} s of wall time for both guests.  "
      f"Command: ``{M.get('run2_sh', 'tools/bench/lwk2g.sh')}`` (the same "
      "iperf3 and ping commands as above, run in vm1 to vm2).  Ratios are "
      "xenc-ivshmem / relay.")
    w("")

    def ratio2(vals):
        if "xenc-ivshmem" in vals and "relay" in vals:
            return ratio(vals["xenc-ivshmem"], vals["relay"])
        return "n/a"

    hdr = paths + ["xenc/relay"]
    tcp = sorted({int(num(r["streams"])) for r in R.lwk2g
                  if r["test"] == "tcp"})
    if tcp:
        w("TCP vm1 -> vm2, received Mbit/s (higher is better; retransmits "
          "in brackets; ``relay drops``: frames the relay dropped on a full "
          "ring):")
        w("")
        rows = []
        relay = "relay" in paths
        for st in tcp:
            v = {p: R.lwk2g_at(p, "tcp", "recv_mbit", streams=st)
                 for p in paths}
            rows.append([str(st)] + [
                f"{fmt(v[p])} ({fmt(R.lwk2g_at(p, 'tcp', 'retrans', streams=st), 0)})"
                for p in paths] + [ratio2(v)] + ([fmt(R.lwk2g_at(
                    "relay", "tcp", "relay_drop", streams=st), 0)]
                    if relay else []))
        w(table(["streams"] + hdr + (["relay drops"] if relay else []), rows))
        w("")
    keys = sorted({(int(num(r["size"])), int(num(r["rate_mbit"])))
                   for r in R.lwk2g if r["test"] == "udp"},
                  key=lambda k: (k[0], k[1] if k[1] else 1e9))
    if keys:
        relay = "relay" in paths

        def udp_rows(col, nd, drops=False):
            rows = []
            for s, rt in keys:
                v = {p: R.lwk2g_at(p, "udp", col, size=s, rate_mbit=rt)
                     for p in paths}
                cell = {p: fmt(v[p], nd) for p in paths}
                if drops:
                    for p in paths:
                        cell[p] += " (" + fmt(R.lwk2g_at(
                            p, "udp", "path_loss_pct", size=s,
                            rate_mbit=rt), nd) + ")"
                row = [str(s), str(rt) if rt else "max"] + \
                    [cell[p] for p in paths] + [ratio2(v)]
                if drops and relay:
                    row.append(fmt(R.lwk2g_at("relay", "udp", "relay_drop",
                                              size=s, rate_mbit=rt), 0))
                rows.append(row)
            return rows
        w("UDP datagram loss, % (lower is better; a run in which no "
          "datagram arrived counts as 100 %), in brackets the part lost on "
          "the way, not by vm2's full socket buffer (a CPU-starved "
          "receiver); the ratio is of the total.  ``relay drops`` counts "
          "frames the relay dropped on a full ring:")
        w("")
        w(table(["size", "rate"] + hdr + (["relay drops"] if relay else []),
                udp_rows("loss_pct", 2, True)))
        w("")
        w("UDP jitter, ms (lower is better):")
        w("")
        w(table(["size", "rate"] + hdr, udp_rows("jitter_ms", 3)))
        w("")
        w("UDP received Mbit/s (higher is better):")
        w("")
        w(table(["size", "rate"] + hdr, udp_rows("recv_mbit", 2)))
        w("")
    pings = sorted({int(num(r["size"])) for r in R.lwk2g
                    if r["test"] == "ping"})
    for s in pings:
        w(f"ping vm1 -> vm2, {s} B, round-trip time in us (lower is "
          "better):")
        w("")
        rows = []
        for col, name in (("rtt_min_us", "min"), ("rtt_avg_us", "avg"),
                          ("rtt_max_us", "max"), ("rtt_mdev_us", "mdev"),
                          ("loss_pct", "loss %")):
            v = {p: R.lwk2g_at(p, "ping", col, size=s) for p in paths}
            rows.append([name] + [fmt(v[p]) for p in paths] + [ratio2(v)])
        w(table(["RTT"] + hdr, rows))
        w("")
    if tcp:
        w("Guest CPU busy during the TCP runs, % of each guest's one vCPU "
          "(the relay polls a whole core while it runs):")
        w("")
        rows = []
        for st in tcp:
            for col, g in (("cpu_a_pct", "Linux (a)"),
                           ("cpu_b_pct", "co-kernel (b)")):
                v = {p: R.lwk2g_at(p, "tcp", col, streams=st) for p in paths}
                rows.append([f"{st}", g] + [fmt(v[p]) for p in paths] +
                            [ratio2(v)])
        w(table(["streams", "guest"] + hdr, rows))
        w("")


def main(argv):
    if len(argv) >= 2 and argv[0] == "check":
        return check(argv[1])
    if len(argv) >= 3 and argv[0] == "plot":
        plot(argv[1], argv[2])
        return 0
    if len(argv) >= 3 and argv[0] == "report":
        plots = None
        if "--plots" in argv:
            plots = argv[argv.index("--plots") + 1]
        return report(argv[1], argv[2], plots)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

#!/usr/bin/env python3
"""Turns the JMH JSON results of benchmarks/run.sh into results.md (tables) and contention.svg (the sweep chart).

Only the standard library: it runs wherever the script runs.
"""
import argparse
import glob
import json
import math
import os
import re


def number(x):
    return x if isinstance(x, (int, float)) else float("nan")


def load(out):
    results = []
    for path in sorted(glob.glob(os.path.join(out, "*.json"))):
        with open(path) as f:
            text = f.read().strip()
        if text:
            results.extend(json.loads(text))
    # JMH writes "NaN" (a string) for the error of a single iteration.
    for r in results:
        for m in [r["primaryMetric"]] + list(r.get("secondaryMetrics", {}).values()):
            m["score"] = number(m.get("score"))
            m["scoreError"] = number(m.get("scoreError"))
    return results


def facts(out):
    found = []
    for path in sorted(glob.glob(os.path.join(out, "*.log"))):
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith("[fact] "):
                    parts = line.split()
                    found.append((parts[1], dict(p.split("=", 1) for p in parts[2:] if "=" in p)))
    return found


def short(name):
    return name.rsplit(".", 2)[-2] + "." + name.rsplit(".", 1)[-1]


def pick(results, cls, method=None, **params):
    for r in results:
        b = r["benchmark"]
        if not b.endswith("." + cls + "." + method) if method else ("." + cls + ".") not in b:
            continue
        if all(r.get("params", {}).get(k) == v for k, v in params.items()):
            return r
    return None


def fmt(x, digits=None):
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if digits is None:
        digits = 0 if abs(x) >= 100 else 1 if abs(x) >= 10 else 2 if abs(x) >= 1 else 3
    return f"{x:,.{digits}f}"


def pm(score, err):
    if err is None or (isinstance(err, float) and math.isnan(err)):
        return fmt(score)
    return f"{fmt(score)} ± {fmt(err)}"


def ratio(a, ea, b, eb):
    if not a or not b:
        return None, None
    r = a / b
    rel = math.sqrt(((ea or 0) / a) ** 2 + ((eb or 0) / b) ** 2)
    return r, r * rel


def p(r, q):
    return r["primaryMetric"].get("scorePercentiles", {}).get(q)


def secondary(r, name):
    m = r.get("secondaryMetrics", {}).get(name)
    return None if m is None else m["score"]


def lock_cycle(results, lines):
    subjects = [
        ("floorPlainSocket", "plain socket, SET NX PX + EVALSHA compare-and-delete (physical floor)"),
        ("redissonBareBucket", "Redisson bare: setIfAbsent + compareAndSet (same-client baseline)"),
        ("meetRedisProvider", "**our Redis provider** (tryAcquire + release)"),
        ("redissonRLock", "Redisson RLock tryLock(0, lease) + unlock"),
        ("redissonFencedLock", "Redisson RFencedLock tryLock(0, lease) + unlock"),
        ("meetInMemoryProvider", "our in-memory provider"),
        ("jedisBare", "Jedis (blocking client): the same two commands (another client behind the SPI)"),
        ("rejectedFloorPlainSocket", "rejected attempt, plain socket (SET NX → nil)"),
        ("rejectedMeetRedisProvider", "**rejected attempt, our Redis provider**"),
    ]
    floor = pick(results, "LockCycleBenchmark", "floorPlainSocket")
    base = pick(results, "LockCycleBenchmark", "redissonBareBucket")
    if floor is None or base is None:
        return
    lines += ["## 1. Lock cycle, uncontended, single thread (µs per acquire + release)", "",
              "| subject | p50 | mean ± 99.9% CI | p99 | mean ÷ floor | mean ÷ same-client baseline |",
              "| --- | ---: | ---: | ---: | ---: | ---: |"]
    fm, fe = floor["primaryMetric"]["score"], floor["primaryMetric"]["scoreError"]
    bm, be = base["primaryMetric"]["score"], base["primaryMetric"]["scoreError"]
    for method, label in subjects:
        r = pick(results, "LockCycleBenchmark", method)
        if r is None:
            continue
        m, e = r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"]
        rf = ratio(m, e, fm, fe)
        rb = ratio(m, e, bm, be)
        lines.append(f"| {label} | {fmt(p(r, '50.0'))} | {pm(m, e)} | {fmt(p(r, '99.0'))} | "
                     f"{pm(*rf) if rf[0] else 'n/a'} | {pm(*rb) if rb[0] else 'n/a'} |")
    lines.append("")
    ours = pick(results, "LockCycleBenchmark", "meetRedisProvider")
    rl = pick(results, "LockCycleBenchmark", "redissonRLock")
    if ours and rl:
        r50 = p(ours, "50.0") / p(base, "50.0")
        lines.append(f"p50 ratios: ours ÷ same-client baseline = {r50:.2f} (target ≤ 1.10); "
                     f"ours ÷ RLock = {p(ours, '50.0') / p(rl, '50.0'):.2f} (target < 1); "
                     f"ours ÷ physical floor = {p(ours, '50.0') / p(floor, '50.0'):.2f}.")
    audits = [kv for name, kv in facts_cache if name == "LockCycleBenchmark.rejectedMeetRedisProvider"]
    if audits:
        per = sorted({kv.get("redisCommandsPerAttempt") for kv in audits})
        attempts = sum(int(kv.get("attempts", 0)) for kv in audits)
        lines.append(f"Redis commands per rejected attempt of our provider (INFO commandstats, {attempts} attempts "
                     f"over {len(audits)} iterations, warmup included): {', '.join(per)}.")
    lines.append("")


def contention(results, lines, out):
    rows = [r for r in results if ".LockContentionBenchmark." in r["benchmark"]]
    if not rows:
        return
    lines += ["## 2. Contention: rounds of N simultaneous starts", "",
              "| rooms | threads | round time µs (mean ± CI) | attempts/s | won per round | rejected per round |",
              "| --- | ---: | ---: | ---: | ---: | ---: |"]
    series = {}
    for r in sorted(rows, key=lambda r: (r["params"]["rooms"], int(r["params"]["threads"]))):
        t = int(r["params"]["threads"])
        m, e = r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"]
        won, rejected = secondary(r, "won"), secondary(r, "rejected")
        rounds = (won or 0) if r["params"]["rooms"] == "oneRoom" else (won or 0) / t
        per_round_rej = (rejected or 0) / rounds if rounds else None
        per_round_won = (won or 0) / rounds if rounds else None
        rate = t / (m / 1e6)
        series.setdefault(r["params"]["rooms"], []).append((t, rate, t / ((m + (e if e == e else 0)) / 1e6),
                                                            t / (max(m - (e if e == e else 0), 1e-9) / 1e6)))
        lines.append(f"| {r['params']['rooms']} | {t} | {pm(m, e)} | {fmt(rate)} | {fmt(per_round_won)} | "
                     f"{fmt(per_round_rej)} |")
    lines.append("")
    lines.append("![contention sweep](contention.svg)")
    lines.append("")
    svg(series, os.path.join(out, "contention.svg"))


def svg(series, path):
    width, height, left, right, top, bottom = 640, 400, 80, 170, 40, 60
    xs = sorted({t for pts in series.values() for t, *_ in pts})
    ymax = max(hi for pts in series.values() for _, _, _, hi in pts) * 1.1
    def x(t):
        lo, hi = math.log2(min(xs)), math.log2(max(xs))
        return left + (math.log2(t) - lo) / ((hi - lo) or 1) * (width - left - right)
    def y(v):
        return top + (1 - v / ymax) * (height - top - bottom)
    colors = {"oneRoom": "#d62728", "distinctRooms": "#1f77b4"}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" '
           f'font-size="12">', f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">Lock attempts per second vs. '
           f'simultaneous starts (Redis provider)</text>']
    for i in range(6):
        v = ymax * i / 5
        out.append(f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:,.0f}</text>')
    for t in xs:
        out.append(f'<text x="{x(t):.1f}" y="{height - bottom + 18}" text-anchor="middle">{t}</text>')
    out.append(f'<text x="{(left + width - right) / 2}" y="{height - 15}" text-anchor="middle">threads starting at '
               f'once (log scale)</text>')
    out.append(f'<text x="18" y="{(top + height - bottom) / 2}" text-anchor="middle" '
               f'transform="rotate(-90 18 {(top + height - bottom) / 2})">attempts / s</text>')
    for n, (name, pts) in enumerate(sorted(series.items())):
        c = colors.get(name, "#2ca02c")
        pts = sorted(pts)
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (
            c, " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v, _, _ in pts)))
        for t, v, lo, hi in pts:
            out.append(f'<line x1="{x(t):.1f}" x2="{x(t):.1f}" y1="{y(lo):.1f}" y2="{y(hi):.1f}" stroke="{c}"/>')
            out.append(f'<circle cx="{x(t):.1f}" cy="{y(v):.1f}" r="3" fill="{c}"/>')
        ly = top + 20 + n * 20
        out.append(f'<line x1="{width - right + 15}" x2="{width - right + 35}" y1="{ly}" y2="{ly}" stroke="{c}" '
                   f'stroke-width="2"/><text x="{width - right + 40}" y="{ly + 4}">{name}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def webhook(results, lines):
    rows = [r for r in results if ".WebhookBenchmark." in r["benchmark"]]
    if not rows:
        return
    lines += ["## 3. Webhook path: verified events per second, one thread", "",
              "| backend | handled (verify + apply) events/s | its CPU µs per event | verification alone events/s "
              "| its CPU µs per event |",
              "| --- | ---: | ---: | ---: | ---: |"]
    for backend in ("memory", "memory-shm", "redis-s3"):
        h = pick(results, "WebhookBenchmark", "handle", backend=backend)
        v = pick(results, "WebhookBenchmark", "verifyOnly", backend=backend)
        if h is None and v is None:
            continue
        def cell(r):
            m = r and r.get("secondaryMetrics", {}).get("events")
            return pm(m["score"], m["scoreError"]) if m else "n/a"
        def cpu(r):
            n, e = r and secondary(r, "cpuNanos"), r and secondary(r, "cpuEvents")
            return fmt(n / e / 1000) if n and e else "n/a"
        lines.append(f"| {backend} | {cell(h)} | {cpu(h)} | {cell(v)} | {cpu(v)} |")
    lines.append("")


def collector(results, lines):
    rows = [r for r in results if ".LockCollectorBenchmark." in r["benchmark"]]
    if rows:
        lines += ["## 4a. Lock collector: one run", "",
                  "| locks | scenario | ms per run (mean ± CI) | LiveKit calls / run | Redis commands / run "
                  "| released / run | allocated MB / run |",
                  "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"]
        for r in sorted(rows, key=lambda r: (r["params"]["scenario"], int(r["params"]["locks"]))):
            runs = secondary(r, "runs") or 1
            alloc = secondary(r, "gc.alloc.rate.norm")
            lines.append(f"| {int(r['params']['locks']):,} | {r['params']['scenario']} | "
                         f"{pm(r['primaryMetric']['score'], r['primaryMetric']['scoreError'])} | "
                         f"{fmt((secondary(r, 'liveKitCalls') or 0) / runs)} | "
                         f"{fmt((secondary(r, 'redisCommands') or 0) / runs)} | "
                         f"{fmt((secondary(r, 'released') or 0) / runs)} | "
                         f"{fmt(alloc / 1e6) if alloc is not None else 'n/a'} |")
        lines.append("")
    rows = [r for r in results if ".ReconcilerBenchmark." in r["benchmark"]]
    if rows:
        lines += ["## 4b. Reconciler: one run with N finished recordings stored (none stale)", "",
                  "| recordings | backend | ms per run (mean ± CI) | LiveKit calls / run | storage calls / run "
                  "| S3 requests / run | Redis commands / run | allocated MB / run |",
                  "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for r in sorted(rows, key=lambda r: (r["params"]["backend"], int(r["params"]["recordings"]))):
            runs = secondary(r, "runs") or 1
            alloc = secondary(r, "gc.alloc.rate.norm")
            lines.append(f"| {int(r['params']['recordings']):,} | {r['params']['backend']} | "
                         f"{pm(r['primaryMetric']['score'], r['primaryMetric']['scoreError'])} | "
                         f"{fmt((secondary(r, 'liveKitCalls') or 0) / runs)} | "
                         f"{fmt((secondary(r, 'storageCalls') or 0) / runs)} | "
                         f"{fmt((secondary(r, 's3Requests') or 0) / runs)} | "
                         f"{fmt((secondary(r, 'redisCommands') or 0) / runs)} | "
                         f"{fmt(alloc / 1e6) if alloc is not None else 'n/a'} |")
        lines.append("")


def start(results, lines):
    rows = [r for r in results if ".StartToActiveBenchmark." in r["benchmark"]]
    if not rows:
        return
    lines += ["## 5. Start → active, emulator with zero egress delay (ms)", "",
              "| backend | subject | p50 | mean ± CI | p99 | LiveKit calls per start |", "| --- | --- | ---: | ---: | ---: | ---: |"]
    calls = {}
    for name, kv in facts_cache:
        if name == "StartToActiveBenchmark.meetStart":
            calls[kv.get("backend")] = kv.get("liveKitCallsPerStart")
    for backend in ("memory", "redis-s3"):
        ours = pick(results, "StartToActiveBenchmark", "meetStart", backend=backend)
        bare = pick(results, "StartToActiveBenchmark", "liveKitAlone", backend=backend)
        for label, r, c in (("LiveKit alone (SDK start + ACTIVE webhook)", bare, "1"),
                            ("**meet start()**", ours, calls.get(backend, "n/a"))):
            if r:
                lines.append(f"| {backend} | {label} | {fmt(p(r, '50.0'))} | "
                             f"{pm(r['primaryMetric']['score'], r['primaryMetric']['scoreError'])} | "
                             f"{fmt(p(r, '99.0'))} | {c} |")
        if ours and bare:
            lines.append(f"| {backend} | what we add (p50 difference) | "
                         f"{fmt(p(ours, '50.0') - p(bare, '50.0'))} | | | |")
    lines.append("")


# OpenVidu Meet v3.4.0's Node backend with Redis and s3proxy on the same kind of machine, concurrency 10:
# operation -> (requests/s, p99 ms or None).
OPENVIDU = {
    "createRoom": (162, 117),
    "getRoom": (520, None),
    "listRecordings": (245, None),
    "deleteRoom": (153, None),
}
BACKEND_OPS = [
    ("createRoom", "POST /rooms", 1),
    ("getRoom", "GET /rooms/{id}", 1),
    ("listRecordings", "GET /recordings (10 stored)", 1),
    ("deleteRoom", "DELETE /rooms/{id}", 1),
    ("startStopRecording", "POST /recordings + POST /recordings/{id}/stop", 2),
]


def backend_http(results, lines, server_warmup):
    rows = [r for r in results if ".BackendHttpBenchmark." in r["benchmark"]]
    if not rows:
        return
    r0 = rows[0]
    lines += ["## 6. Backend over HTTP: requests per second and latency (ms)", "",
              f"One backend process for the group, warmed up by {server_warmup} s of mixed load from 10 clients, then "
              f"per operation and concurrency warmup {r0.get('warmupIterations')}×{r0.get('warmupTime')}, "
              f"measurement {r0.get('measurementIterations')}×{r0.get('measurementTime')} (driver not forked). "
              "Closed loop: each client (JMH thread) sends its next request when the answer came; requests/s = "
              "concurrency × requests per operation / mean latency.", "",
              "| operation | concurrency | requests/s | p50 | p99 | mean ± CI | OpenVidu Meet 3.4.0 (Node), c10 "
              "| ratio (target ≥ 3) |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for method, label, per_op in BACKEND_OPS:
        for r in sorted((r for r in rows if r["benchmark"].endswith("." + method)), key=lambda r: r["threads"]):
            t = r["threads"]
            m, e = r["primaryMetric"]["score"], r["primaryMetric"]["scoreError"]
            rate = t * per_op / (m / 1000)
            err = rate * e / m if e == e and e is not None else None
            ov, ov99 = OPENVIDU.get(method, (None, None))
            ref = "n/a" if ov is None else f"{ov} req/s" + (f", p99 {ov99}" if ov99 else "")
            ratio_cell = "" if ov is None or t != 10 else (
                f"**{rate / ov:.2f}**" + (f" ({(rate - err) / ov:.2f} to {(rate + err) / ov:.2f})" if err else ""))
            lines.append(f"| {label} | {t} | {pm(rate, err)} | {fmt(p(r, '50.0'))} | {fmt(p(r, '99.0'))} | "
                         f"{pm(m, e)} | {ref if t == 10 else ''} | {ratio_cell} |")
    lines.append("")
    ops = {m for m, _, _ in BACKEND_OPS}
    cpu = {}
    inline = []
    for name, kv in facts_cache:
        if name not in ops:
            continue
        if "roomsCreatedWhileMeasuring" in kv:
            inline.append(f"{name} c{kv.get('threads')}: {kv.get('roomsCreatedWhileMeasuring')}")
        elif "backendCpuMsPerRequest" in kv:
            cpu.setdefault((name, int(kv["threads"])), []).append(kv)
    if cpu:
        lines += ["CPU per request, measured over the same iterations (backend process from /proc; the driver JVM "
                  "holds the load generator, s3proxy and the LiveKit emulator; Redis from INFO cpu), the cores other "
                  "processes took meanwhile, and what the CPU per request allows when the machine is ours alone:", "",
                  "| operation | concurrency | backend CPU ms/request | driver JVM CPU ms/request | Redis CPU ms/request "
                  "| cores taken by others (of {}) | req/s if all cores served the stack | req/s if all cores served "
                  "the backend |".format(next(iter(cpu.values()))[0].get("cores", "?")),
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for method, label, _ in BACKEND_OPS:
            for (name, t), kvs in sorted(cpu.items(), key=lambda x: x[0][1]):
                if name != method:
                    continue
                def per(key):
                    vals = [(float(kv[key]), float(kv["requests"])) for kv in kvs if kv.get(key) not in (None, "NaN")]
                    n = sum(w for _, w in vals)
                    return sum(v * w for v, w in vals) / n if n else None
                secs = sum(float(kv["seconds"]) for kv in kvs)
                others = sum(float(kv["otherCores"]) * float(kv["seconds"]) for kv in kvs
                             if kv.get("otherCores") not in (None, "NaN")) / secs if secs else None
                cores = float(kvs[0].get("cores", 2))
                b, d, r = per("backendCpuMsPerRequest"), per("driverCpuMsPerRequest"), per("redisCpuMsPerRequest")
                stack = cores * 1000 / (b + d + (r or 0)) if b and d else None
                alone = cores * 1000 / b if b else None
                lines.append(f"| {label} | {t} | {fmt(b)} | {fmt(d)} | {fmt(r)} | {fmt(others)} | {fmt(stack)} | "
                             f"{fmt(alone)} |")
        lines.append("")
    if inline:
        lines.append("Rooms created between measured calls because the prepared supply ran out: "
                     + ", ".join(inline) + ".")
    else:
        lines.append("No room was created between measured calls (the prepared supply never ran out).")
    lines.append("")


facts_cache = []


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--started", default="?")
    ap.add_argument("--ended", default="?")
    ap.add_argument("--load", default="?")
    ap.add_argument("--settings", default="?")
    ap.add_argument("--cores", default="?")
    ap.add_argument("--redis", default="")
    ap.add_argument("--backend-server-warmup", default="?")
    args = ap.parse_args()
    results = load(args.out)
    facts_cache.extend(facts(args.out))
    jvm = results[0].get("vmName", "") + " " + results[0].get("jdkVersion", "") if results else "?"
    lines = ["# Benchmark results", "",
             f"Run {args.started} → {args.ended} on {args.cores} cores, load average (1/5/15 min) before / after: "
             f"{args.load}; JVM {jvm}; Redis: {args.redis or 'embedded (test kit)'}; {args.settings}. "
             "Errors are JMH's 99.9% confidence intervals.", ""]
    lock_cycle(results, lines)
    contention(results, lines, args.out)
    webhook(results, lines)
    collector(results, lines)
    start(results, lines)
    backend_http(results, lines, args.backend_server_warmup)
    with open(os.path.join(args.out, "results.md"), "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes notebooks/sample-results/: a SMALL, SYNTHETIC A/B result set in exactly the format the
benchmark writes to results/ab/ (see notebooks/README.md), so the notebooks run on a clean clone.

Nothing here is measured. A toy discrete-event model (seeded, deterministic) plays four short
scenarios through four batching arms, one writer per shard that blocks while it writes (like the
job's ProcessWindowFunction), with a write cost of a + b * rows per statement:

  S1_diurnal    trough -> 10x peak -> trough in 60 s (one shard)
  S2_slow_sink  steady traffic, the sink 5x slower from 20 s to 40 s (one shard)
  S3_backlog    the job reads nothing for the first 12 s, then catches up at 5x the arrival rate
  S4_key_skew   two shards, one receiving 85% of the events, a 2x burst from 15 s to 25 s

Arms: the benchmark's default ones: tumbling_1min (event-time 1-minute windows, fired when the
watermark passes the window end, JdbcSink statements of 1,000 rows), builtin (count 5,000 or 2 s after
the first element), the static grid static_<size>_<delay> (static_5000_1s, static_5000_1500ms,
static_20000_1800ms: size events or delay after the first) and adaptive (target size = arrival rate x
the part of the SLO left after the expected write time; deadline likewise).

Run with Debian's python3 from the repository root or anywhere:
    /usr/bin/python3 notebooks/make_sample_results.py [--out DIR]
"""
import argparse
import csv
import json
import math
import os

import numpy as np

SEED = 20251128
SLO_MS = 2000
ARMS = ["tumbling_1min", "builtin", "static_5000_1s", "static_5000_1500ms", "static_20000_1800ms", "adaptive"]
STATIC_GRID = [a for a in ARMS if a.startswith("static_")]
_UNIT_S = {"ms": 0.001, "s": 1.0, "min": 60.0}


def grid_setting(arm):
    """(size, delay in s) of a static grid arm static_<size>_<delay>"""
    _, size, delay = arm.split("_")
    unit = delay.lstrip("0123456789")
    return int(size), int(delay[:len(delay) - len(unit)]) * _UNIT_S[unit]
T0_MS = 1764360000000 + 20000          # 20 s past a minute: the tumbling windows split the runs
INTERVAL_MS = 10000
PERCENTILES = [0, 5, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 95, 96, 97, 98, 99, 99.5, 99.9,
               99.99, 100]

# write cost per statement: A_MS + B_MS_PER_ROW * rows (x SLOW_FACTOR while the sink is slowed)
A_MS, B_MS_PER_ROW, SLOW_FACTOR = 6.0, 0.012, 5.0
ROW_KEYS_PER_SHARD = 1500               # distinct (page, event type) per shard and minute
COST_PER_TRANSACTION, COST_PER_ROW = 1.0, 0.01


def scenarios():
    """name -> dict(duration_s, shards, shard_weights, rate(t_s) -> events/s, pause_s, catchup, slow)"""
    return {
        "S1_diurnal": dict(duration_s=60, shard_weights=[1.0],
                           rate=lambda t: 150 + 1350 * (1 - math.cos(2 * math.pi * t / 60)) / 2),
        "S2_slow_sink": dict(duration_s=60, shard_weights=[1.0], rate=lambda t: 700,
                             slow=(20.0, 40.0)),
        "S3_backlog": dict(duration_s=40, shard_weights=[1.0], rate=lambda t: 600,
                           pause_s=12.0, catchup=5.0),
        "S4_key_skew": dict(duration_s=40, shard_weights=[0.85, 0.15],
                            rate=lambda t: 900 + (900 if 15 <= t < 25 else 0)),
    }


def rows_for(events, rng):
    """distinct rows after compaction of `events` events (one shard, within a minute)"""
    k = ROW_KEYS_PER_SHARD
    return max(1, min(events, int(round(k * (1 - math.exp(-events / k)) * rng.uniform(0.95, 1.0)))))


def write_ms(rows, statements, t_s, sc, rng):
    factor = SLOW_FACTOR if sc.get("slow") and sc["slow"][0] <= t_s < sc["slow"][1] else 1.0
    ms = (A_MS * statements + B_MS_PER_ROW * rows) * factor * rng.lognormal(0.0, 0.12)
    return max(1, int(round(ms)))


def arrivals(sc, rng):
    """per-second arrival counts and, per shard, sorted ingest times and availability times (s)"""
    d = sc["duration_s"]
    counts = np.array([rng.poisson(sc["rate"](s + 0.5)) for s in range(d)])
    ingest = np.sort(np.concatenate([s + rng.random(c) for s, c in enumerate(counts)]))
    avail = ingest.copy()
    if sc.get("pause_s"):       # nothing read before pause_s, then at catchup x the mean rate
        cap = sc["catchup"] * counts.mean()
        i = np.arange(len(ingest))
        avail = i / cap + np.maximum.accumulate(np.maximum(ingest, sc["pause_s"]) - i / cap)
    shard = rng.choice(len(sc["shard_weights"]), size=len(ingest), p=sc["shard_weights"])
    per_shard = [(ingest[shard == s], avail[shard == s]) for s in range(len(sc["shard_weights"]))]
    return counts, per_shard


def batch_windows(arm, ingest, avail, sc, rng):
    """yields (first, end, commit_s, write_ms, rows, statements, target, why) for one shard's batches;
    why: (reason, planned deadline in s or None, predicted write ms or None), reason "" for the
    tumbling windows (the job's batching triggers and its wrapper of Flink's built-in ones give one)"""
    n, i, t = len(ingest), 0, 0.0
    if arm == "tumbling_1min":
        start_minute_s = (T0_MS % 60000) / 1000.0      # window ends at 40 s, 100 s, ...
        edges = [60 - start_minute_s + 60 * k for k in range(5)]
        lo = 0
        for k, end in enumerate(edges):
            hi = int(np.searchsorted(ingest, end))
            if hi == lo:
                continue
            wm_pass = avail[np.searchsorted(ingest, end + 2.0)] if ingest[-1] >= end + 2.0 else avail[-1]
            fire = max(t, wm_pass)
            rows = rows_for(hi - lo, rng)
            stmts = math.ceil(rows / 1000)
            w = write_ms(rows, stmts, fire, sc, rng)
            t = fire + w / 1000.0
            yield lo, hi, t, w, rows, stmts, None, ("", None, None)
            lo = hi
        return
    rate_est, learned = None, 1.0       # adaptive: arrival rate estimate, learned slowdown factor
    while i < n:
        first = max(t, avail[i])
        target = None
        if arm == "builtin":
            size, delay = 5000, 2.0
        elif arm.startswith("static_"):
            size, delay = grid_setting(arm)
        else:
            seen = avail[:i + 1]
            recent = np.count_nonzero(seen > first - 2.0) / 2.0
            rate_est = recent if rate_est is None else 0.5 * rate_est + 0.5 * recent
            upstream = first - ingest[i]                      # latency already spent
            budget = SLO_MS / 1000.0 - 0.3 - upstream
            budget = max(0.4, budget / (1 + 0.15 * (learned - 1)))
            expect_w = (A_MS + B_MS_PER_ROW * rows_for(max(1, int(rate_est * budget)), rng)) * learned / 1000
            delay = max(0.3, budget - expect_w)
            size = target = int(min(50000, max(200, rate_est * delay * 1.1)))
            # the label the toy's choice corresponds to (the real job's FlushReason): already past the
            # SLO on arrival -> backlog; the 0.3 s floor on the wait -> utilisation; else latency
            deadline_reason = "backlog" if upstream >= SLO_MS / 1000.0 else (
                "utilisation" if budget - expect_w < 0.3 else "latency")
        j_size = i + size
        t_size = max(first, avail[j_size - 1]) if j_size <= n else math.inf
        flush = min(first + delay, t_size)
        reason = ""
        if arm == "builtin" or arm.startswith("static"):
            reason = "size" if t_size <= first + delay else "max_delay"
        elif arm == "adaptive":   # a full batch below the 50,000 cap ends the toy's deadline early, as its reason
            reason = "size" if t_size <= first + delay and size >= 50000 else deadline_reason
        if math.isinf(flush):
            flush = max(first, avail[-1])                     # end of input
            reason = "end_of_input"
        planned = arm.startswith("static") or arm == "adaptive" or reason == "max_delay"
        why = (reason, first + delay if planned else None,
               expect_w * 1000.0 if arm == "adaptive" else None)
        j = min(j_size, int(np.searchsorted(avail, flush, side="right")))
        j = max(j, i + 1)
        rows = rows_for(j - i, rng)
        w = write_ms(rows, 1, flush, sc, rng)
        if arm == "adaptive":
            normal = A_MS + B_MS_PER_ROW * rows
            learned = 0.6 * learned + 0.4 * max(1.0, w / normal)
        t = flush + w / 1000.0
        yield i, j, t, w, rows, 1, target, why
        i = j


def pct(values, p):
    return float(np.percentile(values, p)) if len(values) else None


def fmt(x):
    if x is None:
        return ""
    if isinstance(x, (bool, np.bool_)):
        return "true" if x else "false"
    if isinstance(x, (float, np.floating)):
        return f"{x:.3f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))
    return str(x)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "sample-results"))
    out = ap.parse_args().out
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(SEED)

    summary, intervals, batches, cdf, traffic = [], [], [], [], []
    start_ms = T0_MS
    for name, sc in scenarios().items():
        counts, per_shard = arrivals(sc, rng)
        for s, c in enumerate(counts):
            traffic.append([name, s, int(c)])
        for arm in ARMS:
            lat_all, commits_all, ingest_all = [], [], []
            brows = []
            for shard, (ingest, avail) in enumerate(per_shard):
                for b, (lo, hi, commit_s, w, rows, stmts, target, why) in enumerate(
                        batch_windows(arm, ingest, avail, sc, rng), start=1):
                    commit_ms = start_ms + int(round(commit_s * 1000))
                    ing_ms = start_ms + np.floor(ingest[lo:hi] * 1000).astype(np.int64)
                    lat_all.append(commit_ms - ing_ms)
                    commits_all.append(np.full(hi - lo, commit_ms, dtype=np.int64))
                    ingest_all.append(ing_ms)
                    brows.append(dict(shard=shard, batch_id=b, commit_time_ms=commit_ms, events=hi - lo,
                                      rows=rows, statements=stmts, write_ms=w,
                                      oldest_ingest_ms=int(ing_ms.min()), target_size=target, reason=why[0],
                                      planned_deadline_ms=None if why[1] is None
                                      else start_ms + int(round(why[1] * 1000)),
                                      predicted_write_ms=None if why[2] is None else round(why[2], 2)))
            lat = np.concatenate(lat_all)
            commit = np.concatenate(commits_all)
            ing = np.concatenate(ingest_all)
            brows.sort(key=lambda r: (r["commit_time_ms"], r["shard"]))
            for r in brows:
                batches.append([name, arm, r["shard"], f'{arm}-{r["shard"]}-{r["batch_id"]}', r["commit_time_ms"], r["events"],
                                r["rows"], r["statements"], r["write_ms"], r["oldest_ingest_ms"],
                                r["target_size"], r["reason"], r["target_size"], r["planned_deadline_ms"],
                                r["predicted_write_ms"]])
            for p in PERCENTILES:
                cdf.append([name, arm, p, round(pct(lat, p), 1)])

            # 10-s intervals of commit time (epoch-aligned) in which the arm committed something, as the
            # benchmark's comparator writes them; met: p99 of the events committed in it within the SLO
            n_iv = 0
            n_met = 0
            for lo_ms in sorted({c // INTERVAL_MS * INTERVAL_MS for c in commit.tolist()}):
                hi_ms = lo_ms + INTERVAL_MS
                m = (commit >= lo_ms) & (commit < hi_ms)
                bs = [r for r in brows if lo_ms <= r["commit_time_ms"] < hi_ms]
                l = lat[m]
                met = pct(l, 99) <= SLO_MS
                ev = int(m.sum())
                dbms = sum(r["write_ms"] for r in bs)
                intervals.append([name, arm, lo_ms, INTERVAL_MS // 1000, ev, len(bs),
                                  sum(r["statements"] for r in bs), sum(r["rows"] for r in bs), dbms,
                                  round(dbms * 1000 / ev, 3), pct(l, 50), pct(l, 95), pct(l, 99), int(l.max()),
                                  bool(met)])
                n_iv += 1
                n_met += bool(met)

            events = int(len(lat))
            tx = sum(r["statements"] for r in brows)
            rows = sum(r["rows"] for r in brows)
            dbms = sum(r["write_ms"] for r in brows)
            summary.append([name, arm, events, len(brows), tx, rows, dbms,
                            round(dbms * 1000 / events, 3),
                            round((tx * COST_PER_TRANSACTION + rows * COST_PER_ROW) * 1000 / events, 3),
                            pct(lat, 50), pct(lat, 95), pct(lat, 99), int(lat.max()), SLO_MS,
                            n_iv, n_met, tx + 3, rows, rows * 118 + tx * 240 + 8192])
        start_ms += 120000                                       # next scenario two minutes later

    def write(fname, header, rows):
        with open(os.path.join(out, fname), "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            for r in rows:
                w.writerow([fmt(x) for x in r])

    write("ab_summary.csv", ["scenario", "arm", "events", "batches", "transactions", "rows", "db_ms",
                             "db_ms_per_1k", "cost_per_1k", "p50_ms", "p95_ms", "p99_ms", "max_ms", "slo_ms",
                             "intervals", "intervals_slo_met", "pg_xact_commit", "pg_tuples_written",
                             "pg_wal_bytes"], summary)
    write("ab_intervals.csv", ["scenario", "arm", "interval_start_ms", "interval_s", "events", "batches",
                               "transactions", "rows", "db_ms", "db_ms_per_1k", "p50_ms", "p95_ms", "p99_ms",
                               "max_ms", "slo_met"], intervals)
    write("ab_batches.csv", ["scenario", "arm", "shard", "batch_id", "commit_time_ms", "events", "rows",
                             "statements", "write_ms", "oldest_ingest_ms", "target_size", "reason", "planned_size",
                             "planned_deadline_ms", "predicted_write_ms"], batches)
    write("ab_latency_cdf.csv", ["scenario", "arm", "percentile", "latency_ms"], cdf)
    write("ab_traffic.csv", ["scenario", "second", "events"], traffic)
    env = {"machine": "SYNTHETIC SAMPLE: made by notebooks/make_sample_results.py, not measured",
           "cores": 2, "java": "n/a (synthetic)", "flink": "2.2.1", "postgresql": "n/a (synthetic)",
           "date": "2025-11-28", "synthetic": True, "static_grid": STATIC_GRID,
           "note": "Toy model for running the notebooks without a benchmark; replace with results/ab/ "
                   "from the benchmark. No number here says anything about the real job."}
    with open(os.path.join(out, "environment.json"), "w", encoding="utf-8") as f:
        json.dump(env, f, indent=2)
        f.write("\n")
    for fname, rows in [("ab_summary.csv", summary), ("ab_intervals.csv", intervals),
                        ("ab_batches.csv", batches), ("ab_latency_cdf.csv", cdf), ("ab_traffic.csv", traffic)]:
        print(f"{fname:20s} {len(rows):4d} rows")
    print("wrote", out)


if __name__ == "__main__":
    main()

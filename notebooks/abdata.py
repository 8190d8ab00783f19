"""Loading and plotting helpers shared by the A/B notebooks (pandas 1.5, matplotlib Agg).

Data directory, first that applies:
  1. $AB_RESULTS_DIR, if set (must hold every result file);
  2. results/ab/ at the repository root, if it holds every result file (written by the benchmark);
  3. notebooks/sample-results/ (SYNTHETIC, made by make_sample_results.py).
Figures go to $AB_FIGURES_DIR or notebooks/figures/.
The file contract is in notebooks/README.md; `load()` checks it and fails with the missing columns.
"""
import json
import os
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

NOTEBOOKS_DIR = Path(__file__).resolve().parent
REPO_ROOT = NOTEBOOKS_DIR.parent
BENCHMARK_DIR = REPO_ROOT / "results" / "ab"
SAMPLE_DIR = NOTEBOOKS_DIR / "sample-results"
FIGURES_DIR = Path(os.environ.get("AB_FIGURES_DIR", NOTEBOOKS_DIR / "figures"))

COLUMNS = {
    "ab_summary.csv": ["scenario", "arm", "events", "batches", "transactions", "rows", "db_ms", "db_ms_per_1k",
                       "cost_per_1k", "p50_ms", "p95_ms", "p99_ms", "max_ms", "slo_ms", "intervals",
                       "intervals_slo_met", "pg_xact_commit", "pg_tuples_written", "pg_wal_bytes"],
    "ab_intervals.csv": ["scenario", "arm", "interval_start_ms", "interval_s", "events", "batches", "transactions",
                         "rows", "db_ms", "db_ms_per_1k", "p50_ms", "p95_ms", "p99_ms", "max_ms", "slo_met"],
    "ab_batches.csv": ["scenario", "arm", "shard", "batch_id", "commit_time_ms", "events", "rows", "statements",
                       "write_ms", "oldest_ingest_ms", "target_size"],
    "ab_latency_cdf.csv": ["scenario", "arm", "percentile", "latency_ms"],
    "ab_traffic.csv": ["scenario", "second", "events"],
}
FILES = list(COLUMNS) + ["environment.json"]
# optional columns of ab_batches.csv, written at its end since the job gives each receipt its flush
# reason and plan; notebook 07 needs them and falls back to the sample when the results lack them
REASON_COLUMNS = ["reason", "planned_size", "planned_deadline_ms", "predicted_write_ms"]
# the trigger's FlushReason labels, in the order the legends list them, and their colours
REASON_ORDER = ["size", "memory_cap", "latency", "utilisation", "backlog", "max_delay", "end_of_input", "round"]
REASON_COLORS = {"size": "#1f77b4", "memory_cap": "#17becf", "latency": "#2ca02c", "utilisation": "#ff7f0e",
                 "backlog": "#d62728", "max_delay": "#9467bd", "end_of_input": "#7f7f7f", "round": "#e377c2",
                 "": "#bcbd22"}

SCENARIO_ORDER = ["S1_diurnal", "S2_slow_sink", "S3_backlog", "S4_key_skew"]
ARM_ORDER = ["tumbling_1min", "builtin", "static", "adaptive"]
ARM_COLORS = {"tumbling_1min": "#7f7f7f", "builtin": "#1f77b4", "static": "#ff7f0e", "adaptive": "#2ca02c"}
_EXTRA_COLORS = ["#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#d62728"]
# static grid arms, static_<size>_<delay> (e.g. static_5000_1500ms): shades of static's orange to brown
_GRID_COLORS = ["#ffbb78", "#fd8d3c", "#d95f02", "#a6540e", "#7f3b08", "#fdd0a2", "#e6550d", "#8c2d04"]
_GRID = re.compile(r"^static_(\d+)_(\d+)(ms|s|min)$")
_UNIT_MS = {"ms": 1, "s": 1000, "min": 60000}


def grid_setting(arm):
    """(size, delay_ms) of a static grid arm's label, or None for any other arm."""
    m = _GRID.match(str(arm))
    return (int(m.group(1)), int(m.group(2)) * _UNIT_MS[m.group(3)]) if m else None


def is_static(arm):
    """Whether the arm is a static setting: `static` or a static grid arm (not Flink's built-in trigger)."""
    return arm == "static" or grid_setting(arm) is not None


def arm_order(arms):
    """The canonical arms in their order, static grid arms right after `static` (by size, then delay), others last."""
    present = list(dict.fromkeys(arms))
    grid = sorted((a for a in present if grid_setting(a)), key=grid_setting)
    ordered = []
    for a in ARM_ORDER:
        if a in present:
            ordered.append(a)
        if a == "static":
            ordered += grid
    if "static" not in ARM_ORDER:
        ordered += grid
    return ordered + sorted(a for a in present if a not in ordered)


def arm_colors(arms):
    """A colour per arm: the fixed ones, shades of orange for the static grid, then spares."""
    grid = iter(_GRID_COLORS * 4)
    extra = iter(_EXTRA_COLORS * 4)
    return {a: ARM_COLORS.get(a) or (next(grid) if grid_setting(a) else next(extra)) for a in arms}

_TRUE = {"true", "t", "1", "yes", "y", "1.0"}
_FALSE = {"false", "f", "0", "no", "n", "0.0", ""}


def _has_all(d):
    return d.is_dir() and all((d / f).is_file() for f in FILES)


def choose_dir():
    """(directory, kind) where kind is 'override', 'benchmark' or 'sample'."""
    override = os.environ.get("AB_RESULTS_DIR")
    if override:
        d = Path(override)
        if not _has_all(d):
            missing = [f for f in FILES if not (d / f).is_file()]
            raise FileNotFoundError(f"AB_RESULTS_DIR={d} lacks {missing}")
        return d, "override"
    if _has_all(BENCHMARK_DIR):
        return BENCHMARK_DIR, "benchmark"
    if BENCHMARK_DIR.is_dir():
        missing = [f for f in FILES if not (BENCHMARK_DIR / f).is_file()]
        print(f"NOTE: {BENCHMARK_DIR} exists but lacks {missing}; using the synthetic sample instead.")
    return SAMPLE_DIR, "sample"


def _to_bool(s, name):
    v = s.astype(str).str.strip().str.lower()
    bad = ~v.isin(_TRUE | _FALSE | {"nan", "none"})
    if bad.any():
        raise ValueError(f"{name}: not a boolean: {sorted(v[bad].unique())[:5]}")
    return v.isin(_TRUE)


def _order(values, canonical):
    present = list(dict.fromkeys(values))
    return [x for x in canonical if x in present] + sorted(x for x in present if x not in canonical)


class Results:
    """The result files of one A/B run as DataFrames, plus where they came from."""

    def __init__(self, directory, kind):
        self.dir = Path(directory)
        self.kind = kind
        with open(self.dir / "environment.json", encoding="utf-8") as f:
            self.env = json.load(f)
        self.synthetic = kind == "sample" or bool(self.env.get("synthetic", False))
        frames = {}
        for fname, cols in COLUMNS.items():
            df = pd.read_csv(self.dir / fname, encoding="utf-8", dtype={"scenario": str, "arm": str, "batch_id": str})
            df.columns = [c.strip() for c in df.columns]
            missing = [c for c in cols if c not in df.columns]
            if missing:
                raise ValueError(f"{self.dir / fname}: missing columns {missing} (contract: notebooks/README.md)")
            for c in cols:
                if c in ("scenario", "arm", "batch_id"):
                    df[c] = df[c].astype(str).str.strip()
                elif c == "slo_met":
                    df[c] = _to_bool(df[c], f"{fname}:{c}")
                else:
                    df[c] = pd.to_numeric(df[c], errors="raise" if c != "target_size" else "coerce")
            if fname == "ab_batches.csv" and all(c in df.columns for c in REASON_COLUMNS):
                df["reason"] = df["reason"].fillna("").astype(str).str.strip()
                for c in REASON_COLUMNS[1:]:
                    df[c] = pd.to_numeric(df[c], errors="coerce")
            frames[fname] = df
        self.summary = frames["ab_summary.csv"]
        self.intervals = frames["ab_intervals.csv"]
        self.batches = frames["ab_batches.csv"].sort_values(["scenario", "arm", "commit_time_ms", "shard"])
        self.cdf = frames["ab_latency_cdf.csv"].sort_values(["scenario", "arm", "percentile"])
        self.traffic = frames["ab_traffic.csv"].sort_values(["scenario", "second"])
        for name, df in [("ab_summary.csv", self.summary), ("ab_latency_cdf.csv", self.cdf),
                         ("ab_batches.csv", self.batches), ("ab_intervals.csv", self.intervals)]:
            if df.empty:
                raise ValueError(f"{self.dir / name} has no rows")

        self.scenarios = _order(self.summary["scenario"], SCENARIO_ORDER)
        self.arms = arm_order(self.summary["arm"])
        self.colors = arm_colors(self.arms)
        self.static_grid = [a for a in self.arms if grid_setting(a)]
        slo = self.summary["slo_ms"].dropna()
        self.slo_ms = float(slo.iloc[0]) if len(slo) else 2000.0
        # 10-s rows when the comparator also writes other interval lengths (e.g. 60 s)
        self.interval_s = int(self.intervals["interval_s"].min())
        self.intervals10 = self.intervals[self.intervals["interval_s"] == self.interval_s].copy()

        # time origin per scenario: the first ingest time (every time axis is seconds since it)
        self.start_ms = {}
        for sc in self.scenarios:
            b = self.batches[self.batches["scenario"] == sc]
            iv = self.intervals[self.intervals["scenario"] == sc]
            first = b["oldest_ingest_ms"].min() if len(b) else iv["interval_start_ms"].min()
            self.start_ms[sc] = int(first)
        # traffic.second: epoch seconds (>= 1e9), epoch ms (>= 1e12) or seconds since the first ingest
        t = self.traffic
        sec = t["second"].astype("float64")
        start = t["scenario"].map(self.start_ms).astype("float64")
        if len(sec) and sec.max() >= 1e12:
            self.traffic_time_basis = "epoch ms"
            t["t_s"] = (sec - start) / 1000.0
        elif len(sec) and sec.max() >= 1e9:
            self.traffic_time_basis = "epoch seconds"
            t["t_s"] = sec - start / 1000.0
        else:
            self.traffic_time_basis = "seconds since the scenario's first ingest"
            t["t_s"] = sec
        self.traffic = t
        for df, col in [(self.batches, "commit_time_ms"), (self.intervals, "interval_start_ms"),
                        (self.intervals10, "interval_start_ms")]:
            df["t_s"] = (df[col] - df["scenario"].map(self.start_ms)) / 1000.0

    # ---- presentation -------------------------------------------------------------------------
    def describe(self):
        label = {"benchmark": "BENCHMARK RESULTS", "override": "RESULTS ($AB_RESULTS_DIR)",
                 "sample": "SYNTHETIC SAMPLE (not measured)"}[self.kind]
        if self.kind != "sample" and self.synthetic:
            label += " - environment.json says synthetic"
        print(f"Reading {label} from {self.dir}")
        print("environment:", ", ".join(f"{k}={v}" for k, v in self.env.items() if k != "note"))
        print(f"scenarios: {self.scenarios}\narms: {self.arms}\nSLO: {self.slo_ms:g} ms, "
              f"interval: {self.interval_s} s, traffic time basis: {self.traffic_time_basis}")

    def stamp(self):
        if self.synthetic:
            return "SYNTHETIC SAMPLE - not measured (notebooks/sample-results)"
        e = self.env
        return f"{self.dir.name}: {e.get('machine', '?')}, {e.get('cores', '?')} cores, " \
               f"Flink {e.get('flink', '?')}, PostgreSQL {e.get('postgresql', '?')}, {e.get('date', '?')}"


def load(verbose=True):
    d, kind = choose_dir()
    r = Results(d, kind)
    if verbose:
        r.describe()
    return r


def has_reasons(results):
    """Whether the results' ab_batches.csv has the flush reason and plan columns (REASON_COLUMNS)."""
    return all(c in results.batches.columns for c in REASON_COLUMNS)


def load_with_reasons(verbose=True):
    """The results load() picks if their ab_batches.csv has REASON_COLUMNS, else the synthetic sample
    (results written before the receipts carried reasons lack them), saying so."""
    r = load(verbose)
    if has_reasons(r):
        return r
    missing = [c for c in REASON_COLUMNS if c not in r.batches.columns]
    print(f"NOTE: {r.dir / 'ab_batches.csv'} lacks {missing} (written before the receipts carried flush "
          f"reasons); using the synthetic sample instead.")
    s = Results(SAMPLE_DIR, "sample")
    if verbose:
        s.describe()
    if not has_reasons(s):
        raise ValueError(f"{SAMPLE_DIR / 'ab_batches.csv'} lacks {REASON_COLUMNS}: run make_sample_results.py")
    return s


_saved = []


def save(fig, name, results, display=True):
    """Stamps the data source on the figure, saves it as figures/<name>.png, shows it, closes it."""
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    fig.text(0.995, 0.002, results.stamp(), ha="right", va="bottom", fontsize=7,
             color="#b00000" if results.synthetic else "#555555")
    path = FIGURES_DIR / f"{name}.png"
    fig.savefig(path, dpi=100, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    _saved.append(path)
    print("saved", path.relative_to(REPO_ROOT) if REPO_ROOT in path.parents else path)
    if display:
        try:
            from IPython.display import Image, display as show
            show(Image(filename=str(path)))
        except ImportError:
            pass


def check_saved(names):
    """Fails unless every named figure was written by this kernel."""
    written = {p.stem for p in _saved}
    missing = [n for n in names if n not in written or not (FIGURES_DIR / f"{n}.png").stat().st_size]
    assert not missing, f"figures not written: {missing}"
    print(f"{len(names)} figures written to {FIGURES_DIR}")


def per_1k(num, events):
    events = np.asarray(events, dtype="float64")
    return np.where(events > 0, np.asarray(num, dtype="float64") * 1000.0 / np.where(events > 0, events, 1), np.nan)


def maybe_log(ax, values, axis="y", ratio=50):
    v = np.asarray([x for x in values if x is not None and np.isfinite(x) and x > 0])
    if len(v) and v.max() / v.min() > ratio:
        (ax.set_yscale if axis == "y" else ax.set_xscale)("log")


def grouped_bars(ax, table, value, results, fmt="{:.3g}", log_ratio=50):
    """Bars of `value` per scenario (groups) and arm (colors) from a summary-like table."""
    scen, arms = results.scenarios, results.arms
    width = 0.8 / max(1, len(arms))
    x = np.arange(len(scen))
    vals = []
    for i, arm in enumerate(arms):
        y = [table.loc[(table["scenario"] == s) & (table["arm"] == arm), value].sum(min_count=1) for s in scen]
        y = [float(v) if pd.notna(v) else np.nan for v in y]
        vals += y
        bars = ax.bar(x + (i - (len(arms) - 1) / 2) * width, y, width, label=arm, color=results.colors[arm])
        ax.bar_label(bars, labels=["" if not np.isfinite(v) else fmt.format(v) for v in y], fontsize=6,
                     rotation=90, padding=2)
    ax.set_xticks(x)
    ax.set_xticklabels(scen, fontsize=8)
    maybe_log(ax, vals, ratio=log_ratio)
    ax.margins(y=0.25)
    return ax

#!/usr/bin/env python3
"""Side-by-side speed comparison (issue 3): the same CSVs through
(a) pandas + scipy per column, (b) Evidently's DataDriftPreset, and
(c) the Go CLI `mlwatch drift`.

Cases (deterministic data, numpy default_rng with fixed seeds):
  1. one numeric column, 1M rows per side: reference N(0,1), current N(0.01,1);
     method ks (scipy.stats.ks_2samp; Evidently method="ks"; mlwatch --method ks).
  2. 50 numeric columns, 200k rows per side (column j: reference N(0,1),
     current N(0.002*j, 1)); the method Evidently's auto picks for > 1000
     numeric rows: wasserstein normed (scipy wasserstein_distance / max(std(ref),
     0.001); Evidently num_method="wasserstein"; mlwatch --method auto).

Each path runs as its own process, CSV reading included, timed by wall
clock (best of --repeat runs, same machine, same run). Peak RSS comes from
/usr/bin/time -v when present, otherwise from resource.getrusage of the
children (then it is a running maximum over everything run so far, an upper
bound). A missing mlwatch binary is reported as "missing".

Usage:
  python tests/reference/bench_side_by_side.py --mlwatch ./mlwatch --out bench.json
  python tests/reference/bench_side_by_side.py --rows1 100000 --rows2 20000 --repeat 1   # quick
"""

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd

SCIPY_PATH = r'''
import json, sys
import numpy as np, pandas as pd, scipy.stats as st
case, ref_path, cur_path = sys.argv[1:4]
ref, cur = pd.read_csv(ref_path), pd.read_csv(cur_path)
out = {}
for col in ref.columns:
    r = ref[col].to_numpy(dtype=float)
    c = cur[col].to_numpy(dtype=float)
    r, c = r[np.isfinite(r)], c[np.isfinite(c)]
    if case == "1":
        res = st.ks_2samp(r, c)
        out[col] = {"method": "ks", "score": float(res.pvalue), "statistic": float(res.statistic)}
    else:
        w = st.wasserstein_distance(r, c) / max(float(np.std(r)), 0.001)
        out[col] = {"method": "wasserstein", "score": float(w)}
json.dump(out, sys.stdout)
'''

EVIDENTLY_PATH = r'''
import json, re, sys, warnings
warnings.simplefilter("ignore")
import pandas as pd
import pandas.core.dtypes.common as _common
if not hasattr(_common, "infer_dtype_from_object"):
    # Evidently 0.7.23 imports this pandas-2 helper, which pandas 3 removed;
    # nothing run here uses it.
    def _removed(dtype):
        raise NotImplementedError("removed in pandas 3")
    _common.infer_dtype_from_object = _removed
from evidently import Report, Dataset, DataDefinition
from evidently.presets import DataDriftPreset
case, ref_path, cur_path = sys.argv[1:4]
ref, cur = pd.read_csv(ref_path), pd.read_csv(cur_path)
dd = DataDefinition(numerical_columns=list(ref.columns))
preset = DataDriftPreset(method="ks") if case == "1" else DataDriftPreset(num_method="wasserstein")
snap = Report([preset]).run(current_data=Dataset.from_pandas(cur, data_definition=dd),
                            reference_data=Dataset.from_pandas(ref, data_definition=dd))
out = {}
for m in snap.dict()["metrics"]:
    cfg = m.get("config", {})
    if cfg.get("type", "").endswith("ValueDrift"):
        out[cfg["column"]] = {"method": cfg.get("method"), "score": float(m["value"])}
json.dump(out, sys.stdout)
'''


def write_csvs(workdir, rows1, rows2, cols2):
    paths = {}
    rng = np.random.default_rng(20240601)
    p1r, p1c = os.path.join(workdir, "case1_ref.csv"), os.path.join(workdir, "case1_cur.csv")
    pd.DataFrame({"x": rng.normal(0.0, 1.0, rows1)}).to_csv(p1r, index=False, float_format="%.10g")
    pd.DataFrame({"x": rng.normal(0.01, 1.0, rows1)}).to_csv(p1c, index=False, float_format="%.10g")
    paths["1"] = (p1r, p1c)
    names = [f"f{j:02d}" for j in range(cols2)]
    ref = pd.DataFrame({n: rng.normal(0.0, 1.0, rows2) for n in names})
    cur = pd.DataFrame({n: rng.normal(0.002 * j, 1.0, rows2) for j, n in enumerate(names)})
    p2r, p2c = os.path.join(workdir, "case2_ref.csv"), os.path.join(workdir, "case2_cur.csv")
    ref.to_csv(p2r, index=False, float_format="%.10g")
    cur.to_csv(p2c, index=False, float_format="%.10g")
    paths["2"] = (p2r, p2c)
    return paths


TIME_BIN = "/usr/bin/time"


def run_once(cmd):
    """Run cmd; return (wall seconds, peak RSS in MB or None, rss source, rc, stdout, stderr)."""
    use_time = os.path.exists(TIME_BIN)
    full = [TIME_BIN, "-v"] + cmd if use_time else cmd
    t0 = time.perf_counter()
    p = subprocess.run(full, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    stderr = p.stderr
    rss, source = None, None
    if use_time:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
        if m:
            rss, source = int(m.group(1)) / 1024, "/usr/bin/time -v"
        stderr = re.sub(r"(Command exited with non-zero status \d+\n)?\tCommand being timed:.*\Z", "", stderr, flags=re.S)
    else:
        rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        source = "getrusage(RUSAGE_CHILDREN) running max (upper bound)"
    return wall, rss, source, p.returncode, p.stdout, stderr


def measure(name, cmd, repeat):
    runs = []
    for _ in range(repeat):
        wall, rss, source, rc, out, err = run_once(cmd)
        runs.append({"wall_s": wall, "peak_rss_mb": rss})
        if rc != 0:
            return {"path": name, "status": "error", "returncode": rc, "stderr_tail": err[-2000:], "command": cmd, "runs": runs}
    best = min(runs, key=lambda r: r["wall_s"])
    return {"path": name, "status": "ok", "best_wall_s": best["wall_s"],
            "peak_rss_mb": max((r["peak_rss_mb"] or 0) for r in runs) or None, "rss_source": source,
            "runs": runs, "command": cmd, "output": out}


def scores_from_go(text):
    """Best effort: find per-column scores in the CLI's JSON, whatever its shape."""
    try:
        doc = json.loads(text)
    except ValueError:
        return {}
    found = {}

    def walk(x):
        if isinstance(x, dict):
            col = x.get("column") or x.get("feature") or x.get("name")
            if isinstance(col, str) and "score" in x:
                found[col] = {"method": x.get("method"), "score": x["score"]}
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(doc)
    return found


def agreement(a, b, rel):
    """Share of common columns whose scores agree to a relative rel."""
    common = sorted(set(a) & set(b))
    if not common:
        return None
    ok = 0
    for c in common:
        x, y = a[c]["score"], b[c]["score"]
        try:
            if abs(x - y) <= rel * max(abs(x), abs(y)) or abs(x - y) <= 1e-15:
                ok += 1
        except TypeError:
            pass
    return f"{ok}/{len(common)}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mlwatch", default="mlwatch", help="path of the mlwatch binary (default: on PATH)")
    ap.add_argument("--out", help="write JSON results here")
    ap.add_argument("--repeat", type=int, default=3, help="runs per path; the best wall time is reported")
    ap.add_argument("--rows1", type=int, default=1_000_000, help="case 1 rows per side")
    ap.add_argument("--rows2", type=int, default=200_000, help="case 2 rows per side")
    ap.add_argument("--cols2", type=int, default=50, help="case 2 columns")
    ap.add_argument("--cases", default="1,2")
    ap.add_argument("--paths", default="scipy,evidently,mlwatch", help="which of scipy, evidently, mlwatch to time")
    ap.add_argument("--python", default=sys.executable, help="interpreter for the Python paths")
    ap.add_argument("--workdir", help="where to write the CSVs (default: a temp dir, removed afterwards)")
    args = ap.parse_args()

    workdir = args.workdir or tempfile.mkdtemp(prefix="mlwatch-bench-")
    os.makedirs(workdir, exist_ok=True)
    cases = args.cases.split(",")
    paths_wanted = args.paths.split(",")
    try:
        t0 = time.perf_counter()
        csvs = write_csvs(workdir, args.rows1, args.rows2, args.cols2)
        gen_s = time.perf_counter() - t0
        scipy_py = os.path.join(workdir, "scipy_path.py")
        evid_py = os.path.join(workdir, "evidently_path.py")
        with open(scipy_py, "w") as f:
            f.write(SCIPY_PATH)
        with open(evid_py, "w") as f:
            f.write(EVIDENTLY_PATH)
        mlwatch = shutil.which(args.mlwatch) or (args.mlwatch if os.path.isfile(args.mlwatch) and os.access(args.mlwatch, os.X_OK) else None)

        results = []
        for case in cases:
            ref, cur = csvs[case]
            desc = (f"1 column x {args.rows1} rows/side, ks" if case == "1"
                    else f"{args.cols2} columns x {args.rows2} rows/side, wasserstein (auto)")
            per = {}
            if "scipy" in paths_wanted:
                per["scipy"] = measure("pandas+scipy", [args.python, scipy_py, case, ref, cur], args.repeat)
            if "evidently" in paths_wanted:
                per["evidently"] = measure("Evidently DataDriftPreset", [args.python, evid_py, case, ref, cur], args.repeat)
            if "mlwatch" in paths_wanted:
                if mlwatch is None:
                    per["mlwatch"] = {"path": "mlwatch drift (Go)", "status": "missing", "command": [args.mlwatch]}
                else:
                    method = "ks" if case == "1" else "auto"
                    cmd = [mlwatch, "drift", "--reference", ref, "--current", cur, "--method", method, "--format", "json"]
                    per["mlwatch"] = measure("mlwatch drift (Go)", cmd, args.repeat)
            # Do the paths compute the same numbers?
            scores = {}
            for k, r in per.items():
                if r.get("status") == "ok":
                    scores[k] = scores_from_go(r["output"]) if k == "mlwatch" else json.loads(r["output"] or "{}")
            rel = 1e-9 if case == "1" else 1e-6
            for k, r in per.items():
                if k != "scipy" and "scipy" in scores and k in scores:
                    r["agrees_with_scipy"] = agreement(scores["scipy"], scores[k], rel)
                r.pop("output", None)
            results.append({"case": case, "description": desc, "reference": ref, "current": cur, "paths": per})

        # Markdown table
        print(f"\nmachine: {os.cpu_count()} CPUs; python {sys.version.split()[0]}; numpy {np.__version__}; "
              f"best of {args.repeat}; CSV generation {gen_s:.1f} s\n")
        print("| case | path | best wall (s) | peak RSS (MB) | agrees with scipy | status |")
        print("|---|---|---:|---:|---|---|")
        for res in results:
            for r in res["paths"].values():
                wall = f"{r['best_wall_s']:.2f}" if r.get("best_wall_s") is not None else "-"
                rss = f"{r['peak_rss_mb']:.0f}" if r.get("peak_rss_mb") else "-"
                print(f"| {res['description']} | {r['path']} | {wall} | {rss} | {r.get('agrees_with_scipy', '-')} | {r['status']} |")
        for res in results:
            for r in res["paths"].values():
                if r["status"] == "error":
                    print(f"\ncase {res['case']}: {r['path']} failed (rc {r['returncode']}):\n{r['stderr_tail'].strip()}")
        doc = {"repeat": args.repeat, "cpus": os.cpu_count(), "python": sys.version.split()[0],
               "numpy": np.__version__, "rows1": args.rows1, "rows2": args.rows2, "cols2": args.cols2,
               "results": results}
        if args.out:
            with open(args.out, "w") as f:
                json.dump(doc, f, indent=1)
            print(f"\nresults written to {args.out}")
    finally:
        if not args.workdir:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()

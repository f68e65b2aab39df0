#!/usr/bin/env python3
"""Generate the golden cases that pkg/drift is checked against.

Every expected number comes from the reference libraries (scipy.stats,
scipy.spatial.distance, Evidently's legacy stat tests) or, where no library
call exists, from a short numpy formula written out below and named in the
case's "source" field. See tests/reference/README.md for the file format and
the tolerance classes.

Usage:
    python tests/reference/generate_goldens.py [--out DIR]

DIR defaults to pkg/drift/testdata/goldens next to this script's repository.
The output is deterministic: fixed seeds, PYTHONHASHSEED=0 (set by re-exec
below, because Evidently keys some arrays by set order), no timestamps.
"""

import os
import sys

if os.environ.get("PYTHONHASHSEED") != "0":
    # Evidently builds category lists from Python sets, so the summation
    # order (and the last bits of some results) depends on hash seeding.
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import argparse
import itertools
import json
import math
import warnings
from collections import Counter, OrderedDict

import numpy as np
import pandas as pd
import scipy
import scipy.stats as st
from scipy.spatial import distance as ssd
from scipy.special import ndtri



import evidently  # noqa: E402
from evidently.legacy.core import ColumnType
from evidently.legacy.calculations.stattests import (
    fisher_exact_test,
    hellinger_stat_test,
    jensenshannon_stat_test,
    kl_div_stat_test,
    ks_stat_test,
    mann_whitney_u_stat_test,
    psi_stat_test,
    t_test as t_stat_test,
    anderson_darling_test,
    wasserstein_stat_test,
    z_stat_test,
    energy_dist_test,
)
from evidently.legacy.calculations.stattests.registry import get_stattest
from evidently.legacy.calculations.stattests.utils import get_binned_data
from evidently.legacy.calculations.stattests.z_stattest import proportions_diff_z_stat_ind

FORMAT_VERSION = 1
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(REPO, "pkg", "drift", "testdata", "goldens")

TOLERANCES = OrderedDict(
    [
        ("exact", "relative 1e-9, or absolute 1e-15 (p-values near 0 or 1 formed by subtraction)"),
        ("iterative", "relative 1e-6, or absolute 1e-15: scipy iterates, interpolates or evaluates a series"),
        ("montecarlo", "permutation p-value: must lie inside the case's band [lo, hi]"),
    ]
)

warnings.simplefilter("ignore")

# ---------------------------------------------------------------------------
# Deterministic inputs. A recipe is reproduced bit for bit by golden_test.go
# (lcg, repeat, values) or to within an ulp (quasi_normal: Go uses
# sqrt(2)*erfinv(2p-1), scipy ndtri; the generator checks that no statistic
# depends on the last bits, see check_separation).
# ---------------------------------------------------------------------------

MASK64 = (1 << 64) - 1
LCG_A = 6364136223846793005  # Knuth's MMIX constants
LCG_C = 1442695040888963407


class LCG:
    """state <- a*state + c (mod 2^64); u = (state >> 11) * 2^-53 in [0, 1)."""

    def __init__(self, seed):
        self.s = seed & MASK64

    def uniform(self):
        self.s = (self.s * LCG_A + LCG_C) & MASK64
        return (self.s >> 11) * (2.0 ** -53)

    def normal4(self):
        # Irwin-Hall(4) - 2: mean 0, variance 1/3, exact IEEE arithmetic.
        u1 = self.uniform()
        u2 = self.uniform()
        u3 = self.uniform()
        u4 = self.uniform()
        return (((u1 + u2) + u3) + u4) - 2.0


def lcg_values(spec):
    g = LCG(spec["seed"])
    n, dist = spec["n"], spec["dist"]
    out = np.empty(n)
    if dist == "uniform":
        lo, hi = spec["lo"], spec["hi"]
        w = hi - lo
        for i in range(n):
            out[i] = lo + (w * g.uniform())
    elif dist == "normal4":
        mu, s = spec["mu"], spec["s"]
        for i in range(n):
            out[i] = mu + (s * g.normal4())
    elif dist == "int":
        lo, k = spec["lo"], spec["k"]
        for i in range(n):
            out[i] = lo + math.floor(g.uniform() * k)
    else:
        raise ValueError(dist)
    return out


def quasi_normal(n, mu, s):
    p = (np.arange(1, n + 1, dtype=float) - 0.5) / n
    return mu + s * ndtri(p)


def decode_float(v):
    if v is None:
        return float("nan")
    if isinstance(v, str):
        return {"nan": float("nan"), "inf": float("inf"), "-inf": float("-inf")}[v]
    return float(v)


def series(spec):
    """Numeric series (NaN and +-Inf kept; callers clean)."""
    if "values" in spec:
        return np.array([decode_float(v) for v in spec["values"]], dtype=float)
    r = spec["recipe"]
    if r == "quasi_normal":
        return quasi_normal(spec["n"], spec["mu"], spec["s"])
    if r == "lcg":
        return lcg_values(spec)
    if r == "repeat":
        return np.repeat(np.array(spec["of"], dtype=float), spec["counts"])
    if r == "concat":
        return np.concatenate([series(p) for p in spec["parts"]])
    raise ValueError(r)


def clean(x):
    return x[np.isfinite(x)]


def V(values):
    return {"values": [enc(v) for v in values]}


def QN(n, mu=0.0, s=1.0):
    return {"recipe": "quasi_normal", "n": n, "mu": mu, "s": s}


def LN(seed, n, mu=0.0, s=1.0):
    return {"recipe": "lcg", "seed": seed, "n": n, "dist": "normal4", "mu": mu, "s": s}


def LU(seed, n, lo=0.0, hi=1.0):
    return {"recipe": "lcg", "seed": seed, "n": n, "dist": "uniform", "lo": lo, "hi": hi}


def LI(seed, n, lo, k):
    return {"recipe": "lcg", "seed": seed, "n": n, "dist": "int", "lo": lo, "k": k}


def REP(of, counts):
    return {"recipe": "repeat", "of": list(of), "counts": list(counts)}


def enc(v):
    """JSON-safe float: non-finite values become strings."""
    if v is None:
        return None
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    v = float(v)
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def small_inline(spec, limit=60):
    """Inline a recipe's values when they are few (keeps the JSON readable)."""
    if "values" in spec or spec.get("recipe") == "quasi_normal":
        return spec
    x = series(spec)
    if len(x) <= limit and spec.get("recipe") in ("lcg", "repeat"):
        return V(x)
    return spec


# ---------------------------------------------------------------------------
# Robustness checks: statistics that depend on order (ranks, ECDFs, bins)
# must not depend on ulp-level differences between Go and scipy inputs.
# ---------------------------------------------------------------------------


def is_exact_recipe(spec):
    if "values" in spec:
        return True
    if spec.get("recipe") == "concat":
        return all(is_exact_recipe(p) for p in spec["parts"])
    return spec.get("recipe") in ("lcg", "repeat")


def check_separation(name, ref_spec, cur_spec, r, c):
    """Quasi-normal values are only equal to an ulp in Go: no value of one
    side may be within 1e-9 (relative) of the other side unless both sides
    come from the same recipe (then ties are exact in both languages)."""
    if is_exact_recipe(ref_spec) and is_exact_recipe(cur_spec):
        return
    if ref_spec == cur_spec:
        return
    a, b = np.sort(r), np.sort(c)
    idx = np.searchsorted(a, b)
    gaps = []
    for off in (-1, 0):
        j = np.clip(idx + off, 0, len(a) - 1)
        gaps.append(np.abs(a[j] - b) / np.maximum(1.0, np.abs(b)))
    g = np.min(np.minimum(*gaps))
    if g < 1e-9:
        raise SystemExit(f"{name}: reference and current values are {g:g} apart; pick other sizes")


def check_edges(name, values, edges):
    """No value may sit within 1e-9 (relative) of an inner bin edge unless it
    is exactly on it and the inputs are exact."""
    e = np.asarray(edges, dtype=float)
    if len(e) == 0:
        return
    for x in values:
        d = np.min(np.abs(e - x) / np.maximum(1.0, np.abs(x)))
        if 0 < d < 1e-9 or (d == 0 and not np.any(e == x)):
            raise SystemExit(f"{name}: value {x!r} is {d:g} from a bin edge")


# ---------------------------------------------------------------------------
# Expected values
# ---------------------------------------------------------------------------

P_METHODS_NUM = ["ks", "anderson", "cramer_von_mises", "mannw", "t_test"]
D_METHODS_NUM = ["wasserstein", "energy", "psi", "kl_div", "jensenshannon", "hellinger", "tvd"]
KIND = {
    "ks": "p_value", "anderson": "p_value", "cramer_von_mises": "p_value", "mannw": "p_value",
    "t_test": "p_value", "chisquare": "p_value", "z": "p_value", "fisher_exact": "p_value",
    "mmd": "p_value",
    "wasserstein": "distance", "energy": "distance", "psi": "distance", "kl_div": "distance",
    "jensenshannon": "distance", "hellinger": "distance", "tvd": "distance",
}


def default_threshold(method):
    return 0.05 if KIND[method] == "p_value" else 0.1


def drifted(kind, score, threshold):
    if math.isnan(score):
        return False
    return score < threshold if kind == "p_value" else score >= threshold


def evid_fill(p):
    """Evidently's feel_zeroes (legacy/calculations/stattests/utils.py)."""
    p = np.array(p, dtype=float)
    nz = p[p != 0]
    if len(nz) == 0:
        return p
    m = nz.min()
    np.place(p, p == 0, m / 10**6 if m <= 0.0001 else 0.0001)
    return p


def psi_formula(r, c):
    r, c = evid_fill(r), evid_fill(c)
    return float(np.sum((r - c) * np.log(r / c)))


def kl_formula(r, c):
    return float(st.entropy(evid_fill(r), evid_fill(c)))


def js_formula(r, c):
    return float(ssd.jensenshannon(r, c))


def hellinger_shares(r, c):
    """Evidently's categorical Hellinger on shares."""
    bc = 0.0
    for a, b in zip(r, c):
        bc += math.sqrt(float(a) * float(b))
    return math.sqrt(1 - min(max(bc, 0.0), 1.0))


def tvd_formula(r, c):
    r = np.asarray(r, dtype=float) / np.sum(r)
    c = np.asarray(c, dtype=float) / np.sum(c)
    return float(np.sum(np.abs(r - c)) / 2)


def policy_shares(r, c, binning):
    """Quantile and fixed binning as pkg/drift/binning.go defines them:
    quantiles: edges = numpy.quantile(ref, k/n), k = 1..n-1 (linear), equal
    edges collapsed; fixed: the given edges. Bins are right-closed like le
    buckets, with open outer bins: (-inf, e0], (e0, e1], ..., (e_last, +inf)
    (so there are len(edges)+1 bins, empty outer bins included)."""
    if binning["policy"] == "quantiles":
        n = binning.get("bins") or 10
        qs = np.quantile(r, np.arange(1, n) / n)
        edges = []
        for q in qs:
            if not edges or q > edges[-1]:
                edges.append(float(q))
    else:
        edges = list(binning["edges"])
    k = len(edges) + 1
    rs = np.bincount(np.searchsorted(edges, r, side="left"), minlength=k) / len(r)
    cs = np.bincount(np.searchsorted(edges, c, side="left"), minlength=k) / len(c)
    return edges, rs, cs


def ks_expected(r, c, max_eff=0):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        res = st.ks_2samp(r, c)
    fell_back = any("asymp" in str(x.message) for x in w)
    exact = max(len(r), len(c)) <= 10000 and not fell_back
    out = dict(score=res.pvalue, statistic=res.statistic, regime="exact" if exact else "asymptotic",
               tol="exact" if exact else "iterative", source="scipy.stats.ks_2samp(ref, cur) (method='auto')")
    ev = ks_stat_test(pd.Series(r), pd.Series(c), ColumnType.Numerical, 0.05).drift_score
    assert ev == res.pvalue, (ev, res.pvalue)
    if max_eff:
        assert not exact, "MaxEffectiveN only applies to asymptotic p-values"
        n, m = min(len(r), max_eff), min(len(c), max_eff)
        en = n * m / (n + m)
        out["score"] = float(st.kstwo.sf(res.statistic, np.round(en)))
        out["source"] = f"scipy.stats.kstwo.sf(D, round(n'*m'/(n'+m'))) with n', m' capped at {max_eff}"
    return out


def num_expected(method, r, c, thr, binning=None):
    """Expected outcome of a numeric method on cleaned samples r, c, or None
    when scipy/Evidently has no finite answer (the case is then left out)."""
    R, C = pd.Series(r), pd.Series(c)
    if method in ("chisquare", "z", "fisher_exact"):
        # Few-valued numeric columns (auto picks these): each value is a
        # category, ordered numerically.
        return cat_expected(method, list(r), list(c), thr)
    if method == "ks":
        return ks_expected(r, c)
    if method == "anderson":
        res = st.anderson_ksamp([r, c])
        ev = anderson_darling_test(R, C, ColumnType.Numerical, thr).drift_score
        assert ev == res.pvalue or (math.isnan(ev) and math.isnan(res.pvalue))
        p = float(res.pvalue)
        regime = "floored" if p == 0.001 else "capped" if p == 0.25 else "interpolated"
        return dict(score=p, statistic=res.statistic, regime=regime, tol="iterative",
                    source="scipy.stats.anderson_ksamp([ref, cur]).pvalue (Evidently anderson)")
    if method == "cramer_von_mises":
        res = st.cramervonmises_2samp(r, c)
        exact = max(len(r), len(c)) <= 20
        return dict(score=res.pvalue, statistic=res.statistic, regime="exact" if exact else "asymptotic",
                    tol="exact" if exact else "iterative", source="scipy.stats.cramervonmises_2samp(ref, cur) (method='auto')")
    if method == "mannw":
        res = st.mannwhitneyu(r, c, alternative="less")
        ev = mann_whitney_u_stat_test(R, C, ColumnType.Numerical, thr).drift_score
        assert ev == res.pvalue or (math.isnan(ev) and math.isnan(res.pvalue))
        ties = len(np.unique(np.concatenate([r, c]))) < len(r) + len(c)
        exact = not ties and (len(r) <= 8 or len(c) <= 8)
        return dict(score=res.pvalue, statistic=res.statistic, regime="exact" if exact else "asymptotic",
                    tol="exact", source="scipy.stats.mannwhitneyu(ref, cur, alternative='less') (Evidently mannw)")
    if method == "t_test":
        res = st.ttest_ind(r, c)
        ev = t_stat_test(R, C, ColumnType.Numerical, thr).drift_score
        assert ev == res.pvalue or (math.isnan(ev) and math.isnan(res.pvalue))
        return dict(score=res.pvalue, statistic=res.statistic, tol="iterative", stat_tol="exact",
                    source="scipy.stats.ttest_ind(ref, cur) (Evidently t_test)")
    if method == "wasserstein":
        v = wasserstein_stat_test(R, C, ColumnType.Numerical, thr).drift_score
        return dict(score=v, tol="exact", source="Evidently wasserstein: scipy wasserstein_distance / max(np.std(ref), 0.001)")
    if method == "energy":
        v = st.energy_distance(r, c)
        if len(r) > 1 or len(c) > 1:
            ev = energy_dist_test(R, C, ColumnType.Numerical, thr).drift_score
            assert ev == v
        return dict(score=v, tol="exact", source="scipy.stats.energy_distance(ref, cur)")
    if binning is not None and binning.get("policy") not in (None, "evidently"):
        edges, rs, cs = policy_shares(r, c, binning)
        check_edges("policy", np.concatenate([r, c]), edges)
        fn = {"psi": psi_formula, "kl_div": kl_formula, "jensenshannon": js_formula,
              "hellinger": hellinger_shares, "tvd": tvd_formula}[method]
        src = f"numpy: {binning['policy']} bins as pkg/drift/binning.go, then " + {
            "psi": "Evidently's fill and sum((r-c)*ln(r/c))", "kl_div": "Evidently's fill and scipy.stats.entropy",
            "jensenshannon": "scipy.spatial.distance.jensenshannon", "hellinger": "sqrt(1 - sum(sqrt(p*q)))",
            "tvd": "sum(|p-q|)/2"}[method]
        return dict(score=fn(rs, cs), tol="exact", source=src)
    if method == "tvd":
        rs, cs = get_binned_data(R, C, ColumnType.Numerical, 30, False)
        return dict(score=tvd_formula(rs, cs), tol="exact",
                    source="Evidently get_binned_data(..., feel_zeroes=False), then sum(|p-q|)/2")
    test = {"psi": psi_stat_test, "kl_div": kl_div_stat_test, "jensenshannon": jensenshannon_stat_test,
            "hellinger": hellinger_stat_test}[method]
    v = test(R.copy(), C.copy(), ColumnType.Numerical, thr).drift_score
    return dict(score=float(v), tol="exact", source=f"Evidently {method} (legacy stattests), ColumnType.Numerical")


def evidently_edges(r, c):
    """The inner bin edges Evidently's numeric binning uses (for checks)."""
    if len(np.unique(r)) > 20:
        return np.histogram_bin_edges(np.concatenate([r, c]), bins="sturges")[1:-1]
    return []


# ---------------------------------------------------------------------------
# Case builders
# ---------------------------------------------------------------------------

CASES = {"num": [], "cat": [], "binned": [], "multi": [], "auto": [], "dataset": []}
SKIPPED = []
NOT_APPLICABLE = []


def add(dtype, case):
    ids = {c["id"] for c in CASES[dtype]}
    assert case["id"] not in ids, case["id"]
    CASES[dtype].append(case)


def expected_block(method, exp, thr, counts=None):
    kind = KIND[method]
    score = float(exp["score"])
    e = OrderedDict()
    e["kind"] = kind
    e["score"] = enc(score)
    stat = exp.get("statistic", score if kind == "distance" else None)
    e["statistic"] = enc(stat) if stat is not None else None
    e["threshold"] = thr
    # A score within rounding of the threshold has no reliable verdict: the
    # last bits decide it. Such verdicts are left unchecked (null).
    near = math.isfinite(score) and abs(score - thr) <= 1e-9 * thr
    e["drifted"] = None if near else drifted(kind, score, thr)
    e["insufficient"] = bool(math.isnan(score))
    if "regime" in exp:
        e["regime"] = exp["regime"]
    if counts:
        e["reference_count"], e["current_count"] = counts
    return e


def num_case(name, ref_spec, cur_spec, methods=None, thr=None, binning=None, note=None, max_eff=0):
    r_all, c_all = series(ref_spec), series(cur_spec)
    r, c = clean(r_all), clean(c_all)
    check_separation(name, ref_spec, cur_spec, r, c)
    methods = methods or (P_METHODS_NUM + D_METHODS_NUM)
    if not binning and set(methods) & {"psi", "kl_div", "jensenshannon", "tvd"}:
        check_edges(name, np.concatenate([r, c]), evidently_edges(r, c))
    if not binning and "hellinger" in methods:
        keys = np.unique(np.concatenate([r, c]))
        check_edges(name, keys, np.histogram_bin_edges(keys, bins="sturges")[1:-1])
    for method in methods:
        t = thr if thr is not None else default_threshold(method)
        try:
            if method == "ks" and max_eff:
                exp = ks_expected(r, c, max_eff)
            else:
                exp = num_expected(method, r, c, t, binning)
        except Exception as err:  # scipy refuses: not a golden
            SKIPPED.append(f"num/{method}/{name}: {type(err).__name__}: {err}")
            continue
        if exp is None or not np.isfinite(exp["score"]):
            SKIPPED.append(f"num/{method}/{name}: scipy gives {exp and exp['score']}")
            continue
        st_ = exp.get("statistic")
        # Exact inputs (or the same recipe on both sides) give an exact 0 in
        # both languages; a 0 from quasi-normal inputs is luck of rounding.
        same_input = ref_spec == cur_spec or (is_exact_recipe(ref_spec) and is_exact_recipe(cur_spec))
        if st_ is not None and abs(st_) < 1e-12 and (st_ != 0 or (method == "t_test" and not same_input)):
            # Mathematically zero (e.g. equal means of symmetric quasi
            # samples): the sign and size are rounding noise that Go cannot
            # reproduce, and the p-value moves with them.
            SKIPPED.append(f"num/{method}/{name}: statistic {st_:g} is rounding noise around 0")
            continue
        case = OrderedDict()
        case["id"] = f"num/{method}/{name}"
        case["type"] = "num"
        case["method"] = method
        case["inputs"] = {"ref": small_inline(ref_spec), "cur": small_inline(cur_spec)}
        opts = OrderedDict(threshold=t)
        if binning and method in ("psi", "kl_div", "jensenshannon", "hellinger", "tvd"):
            opts["binning"] = binning
        if max_eff and method == "ks":
            opts["max_effective_n"] = max_eff
        case["options"] = opts
        case["expected"] = expected_block(method, exp, t, (len(r), len(c)))
        case["tolerance"] = exp["tol"]
        case["statistic_tolerance"] = exp.get("stat_tol", "exact")
        case["source"] = exp["source"]
        if note:
            case["note"] = note
        add("num", case)


# ---- categorical ----------------------------------------------------------


def cat_values(spec):
    if "values" in spec:
        # Go's NewContingency treats "" as missing, Evidently None: the same.
        return [None if v == "" else v for v in spec["values"]]
    out = []
    for k, n in spec["counts"].items():
        out += [k] * n
    return out


def cat_expected(method, ref, cur, thr):
    R = pd.Series([v for v in ref if v is not None], dtype=object)
    C = pd.Series([v for v in cur if v is not None], dtype=object)
    keys = sorted(set(R) | set(C))
    rc = np.array([int((R == k).sum()) for k in keys], dtype=float)
    cc = np.array([int((C == k).sum()) for k in keys], dtype=float)
    if method == "chisquare":
        res = st.chi2_contingency(np.array([rc, cc]))
        yates = " (Yates' correction, dof = 1)" if res.dof == 1 else ""
        return dict(score=res.pvalue, statistic=res.statistic, tol="iterative", stat_tol="exact",
                    regime=f"dof={res.dof}", source="scipy.stats.chi2_contingency([ref_counts, cur_counts])" + yates)
    if method == "z":
        if len(keys) > 2:
            return None
        p = z_stat_test(R.copy(), C.copy(), ColumnType.Categorical, thr).drift_score
        if R.nunique() == 1 and C.nunique() == 1 and R.iloc[0] == C.iloc[0]:
            z = None  # Evidently answers p = 1 without a statistic
        else:
            z = float(proportions_diff_z_stat_ind(R.apply(lambda x: 0 if x == keys[0] else 1),
                                                  C.apply(lambda x: 0 if x == keys[0] else 1)))
        return dict(score=float(p), statistic=z, tol="exact",
                    source="Evidently z (two-proportion pooled z-test; first sorted category = 0)")
    if method == "fisher_exact":
        if len(keys) > 2:
            return None
        one = keys[1] if len(keys) == 2 else None
        one_ref = float(np.sum(R == one)) if one is not None else 0.0
        one_cur = float(np.sum(C == one)) if one is not None else 0.0
        table = [[one_cur, len(C) - one_cur], [one_ref, len(R) - one_ref]]
        res = st.fisher_exact(table)
        src = "scipy.stats.fisher_exact([[ones_cur, zeros_cur], [ones_ref, zeros_ref]]) (Evidently's table)"
        if len(R) == len(C):
            ev = fisher_exact_test(R.copy(), C.copy(), ColumnType.Categorical, thr).drift_score
            assert abs(ev - res.pvalue) <= 1e-15, (ev, res.pvalue)
            src += "; equals Evidently fisher_exact"
        else:
            src += "; Evidently raises for unequal sizes, scipy on the same table does not"
        odds = float(res.statistic)
        return dict(score=res.pvalue, statistic=None if math.isnan(odds) else odds, tol="exact",
                    source=src + "; statistic: scipy's odds ratio on that table, the second sorted value counting as 1")
    if method == "tvd":
        rs, cs = get_binned_data(R, C, ColumnType.Categorical, 30, False)
        return dict(score=tvd_formula(rs, cs), tol="exact",
                    source="Evidently get_binned_data(categorical, feel_zeroes=False), then sum(|p-q|)/2")
    test = {"psi": psi_stat_test, "kl_div": kl_div_stat_test, "jensenshannon": jensenshannon_stat_test,
            "hellinger": hellinger_stat_test}[method]
    v = test(R.copy(), C.copy(), ColumnType.Categorical, thr).drift_score
    return dict(score=float(v), tol="exact", source=f"Evidently {method} (legacy stattests), ColumnType.Categorical")


CAT_METHODS = ["chisquare", "z", "fisher_exact", "psi", "kl_div", "jensenshannon", "hellinger", "tvd"]


def cat_case(name, ref_spec, cur_spec, methods=None, thr=None, note=None, counts_api=False):
    ref, cur = cat_values(ref_spec), cat_values(cur_spec)
    if "values" in ref_spec:
        ref_spec = {"values": ref}
    if "values" in cur_spec:
        cur_spec = {"values": cur}
    n_ref = sum(v is not None for v in ref)
    n_cur = sum(v is not None for v in cur)
    for method in methods or CAT_METHODS:
        t = thr if thr is not None else default_threshold(method)
        try:
            exp = cat_expected(method, ref, cur, t)
        except Exception as err:
            SKIPPED.append(f"cat/{method}/{name}: {type(err).__name__}: {err}")
            continue
        if exp is None:
            NOT_APPLICABLE.append(f"cat/{method}/{name}")  # z and fisher_exact need <= 2 categories
            continue
        if not np.isfinite(exp["score"]):
            SKIPPED.append(f"cat/{method}/{name}: scipy gives {exp['score']}")
            continue
        case = OrderedDict()
        case["id"] = f"cat/{method}/{name}"
        case["type"] = "cat"
        case["method"] = method
        case["inputs"] = {"ref": ref_spec, "cur": cur_spec}
        if counts_api:
            case["inputs"]["counts_api"] = True
        case["options"] = {"threshold": t}
        case["expected"] = expected_block(method, exp, t, (n_ref, n_cur))
        if exp.get("regime"):
            case["expected"]["regime"] = exp["regime"]
        case["tolerance"] = exp["tol"]
        case["statistic_tolerance"] = exp.get("stat_tol", "exact")
        case["source"] = exp["source"]
        if note:
            case["note"] = note
        add("cat", case)


# ---- binned (Prometheus buckets) ------------------------------------------


def almost_equal(a, b, eps):
    """Prometheus util/almost.Equal."""
    if a == b:
        return True
    min_normal = 2.2250738585072014e-308
    abs_sum = abs(a) + abs(b)
    diff = abs(a - b)
    if a == 0 or b == 0 or abs_sum < min_normal:
        return diff < eps * min_normal
    return diff / min(abs_sum, sys.float_info.max) < eps


def parse_histogram(buckets):
    """Cumulative buckets [(le, count)] -> (bounds, cumulative, repaired?).
    le parsed as float, equal bounds coalesced by adding (le="1" and
    le="1.0" after Prometheus 3's renaming), negative counts clamped to 0,
    then Prometheus's ensureMonotonicAndIgnoreSmallDeltas (promql/quantile.go)
    with tolerance 1e-12: differences that almost.Equal calls equal are
    ignored in either direction; larger decreases are clamped and flagged."""
    acc = {}
    for le, n in buckets:
        b = float(le)
        acc[b] = acc.get(b, 0.0) + float(n)
    bounds = sorted(acc)
    assert math.isinf(bounds[-1]), "no +Inf bucket"
    cum = [max(acc[b], 0.0) for b in bounds]
    forced = False
    prev = cum[0]
    for i in range(1, len(cum)):
        cur = cum[i]
        if cur == prev:
            continue
        if almost_equal(prev, cur, 1e-12):
            cum[i] = prev
            continue
        if cur < prev:
            cum[i] = prev
            forced = True
            continue
        prev = cur
    return bounds, cum, forced


def align(hr, hc):
    """Common bounds (intersection; +Inf is in both) and the cumulative
    counts read off at them: coarsening only, never splitting."""
    br, cr, _ = hr
    bc, ccum, _ = hc
    common = sorted(set(br) & set(bc))
    top = max(br[-1], bc[-1])
    if not common or common[-1] != top:
        common.append(top)

    def at(bounds, cum):
        d = dict(zip(bounds, cum))
        out = [d[b] for b in common]
        return np.diff(np.concatenate([[0.0], out]))

    return common, at(br, cr), at(bc, ccum)


def binned_w1(upper, rc, cc):
    """W1 between the two bucket distributions, uniform inside finite
    buckets (lowest bucket from 0 when its bound is > 0), the open lowest
    bucket at its upper bound and +Inf at the last finite bound: exact
    integral of |F - G| with F, G piecewise linear between bounds."""
    P, Q = np.cumsum(rc) / np.sum(rc), np.cumsum(cc) / np.sum(cc)
    lower = 0.0 if upper[0] > 0 else -math.inf
    w, prev = 0.0, 0.0
    for k, up in enumerate(upper):
        lo = lower if k == 0 else upper[k - 1]
        d = P[k] - Q[k]
        if math.isfinite(lo) and math.isfinite(up):
            a, b, width = prev, d, up - lo
            if a * b < 0:
                w += width * (a * a + b * b) / (2 * (abs(a) + abs(b)))
            else:
                w += width * (abs(a) + abs(b)) / 2
        prev = d
    return w


def grouped_std(upper, counts):
    """Population std of a histogram under the same model: uniform inside
    finite buckets (variance w^2/12 added), point masses for open buckets."""
    p = np.asarray(counts, dtype=float) / np.sum(counts)
    lower = 0.0 if upper[0] > 0 else -math.inf
    m1 = m2 = 0.0
    for k, up in enumerate(upper):
        if p[k] == 0:
            continue
        lo = lower if k == 0 else upper[k - 1]
        if math.isinf(lo):
            mean, second = up, up * up
        elif math.isinf(up):
            mean, second = lo, lo * lo
        else:
            mean = (lo + up) / 2
            second = mean * mean + (up - lo) ** 2 / 12
        m1 += p[k] * mean
        m2 += p[k] * second
    return math.sqrt(max(m2 - m1 * m1, 0.0))


def labels_series(upper, counts):
    """Bucket labels repeated by integer counts: Evidently's categorical
    path then sees each bucket as a category (the +Inf bucket included)."""
    out = []
    for u, n in zip(upper, counts):
        assert float(n).is_integer()
        out += ["le=%r" % u] * int(n)
    return pd.Series(out, dtype=object)


def binned_expected(method, upper, rc, cc, thr, max_eff=0):
    N, M = float(np.sum(rc)), float(np.sum(cc))
    if N == 0 or M == 0:
        return dict(score=math.nan, statistic=math.nan, tol="exact", source="insufficient data: empty window")
    integer = all(float(x).is_integer() for x in list(rc) + list(cc))
    keep = (np.asarray(rc) + np.asarray(cc)) > 0  # buckets seen by either window
    if method == "ks":
        P, Q = np.cumsum(rc) / N, np.cumsum(cc) / M
        D = float(np.max(np.abs(P - Q)))
        n, m = (min(N, max_eff), min(M, max_eff)) if max_eff else (N, M)
        en = np.round(n * m / (n + m))
        p = float(st.kstwo.sf(D, en))
        src = "numpy D = max|P_k - Q_k|; scipy.stats.kstwo.sf(D, round(n*m/(n+m)))"
        if max_eff:
            src += f" with n, m capped at {max_eff}"
        elif integer:
            # The same number from the library: KS on the bucket bounds.
            big = 1e300
            xr = np.repeat([u if math.isfinite(u) else big for u in upper], np.asarray(rc, dtype=int))
            xc = np.repeat([u if math.isfinite(u) else big for u in upper], np.asarray(cc, dtype=int))
            res = st.ks_2samp(xr, xc, method="asymp")
            assert abs(res.statistic - D) <= 1e-15 and abs(res.pvalue - p) <= 1e-12 * max(p, 1e-300), (res, D, p)
            src += "; equals scipy.stats.ks_2samp(method='asymp') on values at the bucket bounds"
        return dict(score=p, statistic=D, tol="iterative", stat_tol="exact", source=src)
    if method == "chisquare":
        table = np.array([np.asarray(rc)[keep], np.asarray(cc)[keep]])
        res = st.chi2_contingency(table)
        src = "scipy.stats.chi2_contingency([ref_counts, cur_counts])"
        if not keep.all():
            src += " over the buckets either window saw (all-zero columns dropped)"
        if res.dof == 1:
            src += " (Yates' correction, dof = 1)"
        return dict(score=res.pvalue, statistic=res.statistic, tol="iterative", stat_tol="exact",
                    regime=f"dof={res.dof}", source=src)
    if method == "wasserstein":
        w = binned_w1(upper, rc, cc)
        s = max(grouped_std(upper, rc), 0.001)
        return dict(score=w / s, tol="exact",
                    source="numpy: W1 uniform within finite buckets (lower edge 0, +Inf at the last finite bound) / max(grouped std of ref, 0.001)")
    rs, cs = np.asarray(rc) / N, np.asarray(cc) / M
    if method == "tvd":
        return dict(score=tvd_formula(rs, cs), tol="exact", source="numpy: sum(|p-q|)/2 over buckets")
    fn = {"psi": psi_formula, "kl_div": kl_formula, "jensenshannon": js_formula, "hellinger": hellinger_shares}[method]
    v = fn(rs[keep], cs[keep])
    src = {"psi": "Evidently fill, sum((r-c)*ln(r/c))", "kl_div": "Evidently fill, scipy.stats.entropy",
           "jensenshannon": "scipy.spatial.distance.jensenshannon", "hellinger": "sqrt(1 - sum(sqrt(p*q)))"}[method]
    src = "numpy over buckets either window saw: " + src
    if integer:
        test = {"psi": psi_stat_test, "kl_div": kl_div_stat_test, "jensenshannon": jensenshannon_stat_test,
                "hellinger": hellinger_stat_test}[method]
        ev = float(test(labels_series(upper, rc), labels_series(upper, cc), ColumnType.Categorical, thr).drift_score)
        assert abs(ev - v) <= 1e-12 * max(abs(v), 1e-300), (method, ev, v)
        src += f"; equals Evidently {method} with each bucket as a category"
    return dict(score=v, tol="exact", source=src)


BINNED_METHODS = ["ks", "chisquare", "psi", "kl_div", "jensenshannon", "hellinger", "tvd", "wasserstein"]


def buckets_json(buckets):
    return [[le, enc(n)] for le, n in buckets]


def binned_case(name, ref_buckets, cur_buckets, methods=None, thr=None, note=None, max_eff=0, notices=None):
    hr, hc = parse_histogram(ref_buckets), parse_histogram(cur_buckets)
    upper, rc, cc = align(hr, hc)
    for method in methods or BINNED_METHODS:
        t = thr if thr is not None else default_threshold(method)
        exp = binned_expected(method, upper, rc, cc, t, max_eff)
        case = OrderedDict()
        case["id"] = f"binned/{method}/{name}"
        case["type"] = "binned"
        case["method"] = method
        case["inputs"] = {"ref": {"buckets": buckets_json(ref_buckets)}, "cur": {"buckets": buckets_json(cur_buckets)}}
        opts = OrderedDict(threshold=t)
        if max_eff:
            opts["max_effective_n"] = max_eff
        case["options"] = opts
        e = expected_block(method, exp, t, (int(round(np.sum(rc))), int(round(np.sum(cc)))))
        if exp.get("regime"):
            e["regime"] = exp["regime"]
        e["aligned"] = {"upper": [enc(u) for u in upper], "ref_counts": [enc(v) for v in rc],
                        "cur_counts": [enc(v) for v in cc]}
        e["ref_repaired"] = hr[2]
        e["cur_repaired"] = hc[2]
        if notices:
            e.update(notices.get(method, {}))
        case["expected"] = e
        case["tolerance"] = exp["tol"]
        case["statistic_tolerance"] = exp.get("stat_tol", "exact")
        case["source"] = exp["source"]
        if note:
            case["note"] = note
        add("binned", case)


# ---- multivariate -----------------------------------------------------------


def lcg_matrix(spec):
    g = LCG(spec["seed"])
    n, d = spec["n"], spec["d"]
    mu, s = spec["mu"], spec["s"]
    out = np.empty((n, d))
    for i in range(n):
        for j in range(d):
            out[i, j] = mu[j] + (s * g.normal4())
    return out


def matrix(spec):
    if "rows" in spec:
        return np.array(spec["rows"], dtype=float)
    return lcg_matrix(spec)


def energy_multi(x, y):
    dxy = ssd.cdist(x, y).mean()
    dxx = ssd.cdist(x, x).mean()
    dyy = ssd.cdist(y, y).mean()
    return math.sqrt(2 * dxy - dxx - dyy)


def alibi_sigma(x):
    """alibi-detect sigma_median with x = y = x_ref: the
    (n + (n^2 - n)//2 - 1)-th sorted squared distance."""
    d2 = ssd.cdist(x, x, "sqeuclidean").flatten()
    n = len(x)
    return math.sqrt(0.5 * np.sort(d2)[n + (n * n - n) // 2 - 1])


def mmd2u(K, n):
    m = K.shape[0] - n
    kxx = K[:n, :n]
    kyy = K[n:, n:]
    kxy = K[:n, n:]
    return (kxx.sum() - np.trace(kxx)) / (n * (n - 1)) + (kyy.sum() - np.trace(kyy)) / (m * (m - 1)) - 2 * kxy.mean()


def mmd_expected(x, y):
    sigma = alibi_sigma(x)
    z = np.vstack([x, y])
    K = np.exp(-ssd.cdist(z, z, "sqeuclidean") / (2 * sigma * sigma))
    n, N = len(x), len(z)
    obs = mmd2u(K, n)
    total = math.comb(N, n)
    if total <= 20000:
        stats = []
        for idx in itertools.combinations(range(N), n):
            rest = [i for i in range(N) if i not in set(idx)]
            perm = list(idx) + rest
            stats.append(mmd2u(K[np.ix_(perm, perm)], n))
        stats = np.array(stats)
        how = f"all {total} splits"
    else:
        rng = np.random.default_rng(20240501)
        stats = np.empty(20000)
        for k in range(len(stats)):
            perm = rng.permutation(N)
            stats[k] = mmd2u(K[np.ix_(perm, perm)], n)
        how = "20000 random permutations (numpy default_rng(20240501))"
    # alibi counts permuted >= observed; a tiny slack absorbs rounding for
    # splits that reproduce the observed one.
    p = float(np.mean(stats >= obs - 1e-12 * abs(obs)))
    P = 100
    half = 4 * math.sqrt(max(p * (1 - p), 0.01 * 0.99) / P) + 1.0 / (P + 1)
    if total > 20000:
        half += 4 * math.sqrt(max(p * (1 - p), 1e-4) / len(stats))
    band = [max(0.0, p - half), min(1.0, p + half)]
    return dict(score=p, statistic=obs, sigma=sigma, band=band,
                source=f"numpy: alibi-detect MMDDrift (GaussianRBF, sigma_median on x_ref, unbiased MMD^2_u); permutation p over {how}")


def multi_case(name, ref_spec, cur_spec, methods=("mmd", "energy"), thr=None, note=None):
    x, y = matrix(ref_spec), matrix(cur_spec)
    for method in methods:
        t = thr if thr is not None else default_threshold(method)
        case = OrderedDict()
        case["id"] = f"multi/{method}/{name}"
        case["type"] = "multi"
        case["method"] = method
        case["inputs"] = {"ref": ref_spec, "cur": cur_spec}
        case["options"] = {"threshold": t}
        if method == "energy":
            v = energy_multi(x, y)
            src = "numpy: sqrt(2 E|X-Y| - E|X-X'| - E|Y-Y'|), Euclidean, V-statistic means over all pairs"
            if x.shape[1] == 1:
                sv = st.energy_distance(x[:, 0], y[:, 0])
                assert abs(sv - v) <= 1e-12 * v, (sv, v)
                v = sv
                src = "scipy.stats.energy_distance(ref, cur) (one column; equals the multivariate V-statistic form)"
            case["expected"] = expected_block("energy", dict(score=v), t, (len(x), len(y)))
            case["tolerance"] = "exact"
            case["statistic_tolerance"] = "exact"
        else:
            exp = mmd_expected(x, y)
            e = expected_block("mmd", exp, t, (len(x), len(y)))
            e["drifted"] = None  # follows from the Monte Carlo p; checked against the band instead
            e["sigma"] = exp["sigma"]
            case["expected"] = e
            case["tolerance"] = "montecarlo"
            case["statistic_tolerance"] = "exact"
            case["band"] = exp["band"]
            case["note"] = ("Go's p-value comes from its own random permutations (Options.Permutations, "
                            "default 100): it must fall inside band, which covers the true permutation p "
                            "+-4 standard errors plus 1/(P+1) for the (k+1)/(P+1) convention.")
            src = exp["source"]
        case["source"] = src
        if note:
            case["note"] = (case.get("note", "") + " " + note).strip()
        add("multi", case)


# ---- auto -----------------------------------------------------------------


def auto_case(name, ref_spec, cur_spec, numeric, note=None):
    if numeric:
        R = pd.Series(series(ref_spec)).replace([np.inf, -np.inf], np.nan).dropna()
        C = pd.Series(series(cur_spec)).replace([np.inf, -np.inf], np.nan).dropna()
        ctype = ColumnType.Numerical
    else:
        R = pd.Series([v for v in cat_values(ref_spec)], dtype=object).dropna()
        C = pd.Series([v for v in cat_values(cur_spec)], dtype=object).dropna()
        ctype = ColumnType.Categorical
    test = get_stattest(R, C, ctype, None)
    case = OrderedDict()
    case["id"] = f"auto/{name}"
    case["type"] = "auto"
    case["method"] = "auto"
    case["inputs"] = {"ref": small_inline(ref_spec, 0) if numeric else ref_spec,
                      "cur": small_inline(cur_spec, 0) if numeric else cur_spec,
                      "numeric": numeric}
    case["options"] = {}
    case["expected"] = OrderedDict(method=test.name, reference_count=int(len(R)),
                                   unique=int(pd.concat([R, C]).nunique()))
    case["tolerance"] = "exact"
    case["source"] = "evidently.legacy.calculations.stattests.registry.get_stattest(ref, cur, ColumnType, None).name after Evidently's NaN/inf drop"
    if note:
        case["note"] = note
    add("auto", case)


# ---- dataset corrections ----------------------------------------------------


def alibi_fdr(p_val, q_val):
    """alibi_detect.utils.statstest.fdr, verbatim in numpy."""
    n = p_val.shape[0]
    i = np.arange(n) + 1
    p_sorted = np.sort(p_val)
    q_threshold = q_val * i / n
    below_threshold = p_sorted < q_threshold
    try:
        idx_threshold = np.where(below_threshold)[0].max()
    except ValueError:
        return int(below_threshold.any()), q_threshold
    return int(below_threshold.any()), q_threshold[idx_threshold]


def dataset_case(name, pvals, alpha, correction, drift_share=0.5, note=None):
    p = np.array(pvals, dtype=float)
    m = len(p)
    if correction == "bonferroni":
        thr = [alpha / m] * m
        per = [bool(x < alpha / m) for x in p]
        src = "alibi-detect BaseUnivariateDrift: drift where p < p_val / n_features"
    elif correction == "fdr":
        any_drift, q = alibi_fdr(p, alpha)
        if any_drift:
            thr = [float(q)] * m
            per = [bool(x <= q) for x in p]  # the rejected set: p_(i) for i <= i_max
            # Sanity: the rejected set is exactly the i_max smallest p-values.
            order = np.argsort(p, kind="stable")
            k = int(np.where(np.sort(p) < alpha * (np.arange(m) + 1) / m)[0].max()) + 1
            rej = set(order[:k].tolist())
            per = [i in rej for i in range(m)]
        else:
            thr = [None] * m
            per = [False] * m
        src = "alibi-detect utils.statstest.fdr (Benjamini-Hochberg, strict p_(i) < q*i/n); threshold q*i_max/n"
    else:
        thr = [alpha] * m
        per = [bool(x < alpha) for x in p]
        src = "no correction: p < threshold"
    share = sum(per) / m
    case = OrderedDict()
    case["id"] = f"dataset/{correction}/{name}"
    case["type"] = "dataset"
    case["method"] = correction
    case["inputs"] = {"p_values": [enc(x) for x in p], "threshold": alpha}
    case["options"] = {"correction": correction, "drift_share": drift_share}
    case["expected"] = OrderedDict(thresholds=[enc(t) if t is not None else None for t in thr], drifted=per,
                                   drifted_columns=sum(per), share=share, dataset_drifted=share >= drift_share)
    case["tolerance"] = "exact"
    case["source"] = src
    if note:
        case["note"] = note
    add("dataset", case)


# ---------------------------------------------------------------------------
# The cases
# ---------------------------------------------------------------------------

B_A = [38.7, 41.5, 43.8, 44.5, 45.5, 46.0, 47.7, 58.0]
B_B = [39.2, 39.3, 39.7, 41.4, 41.8, 42.9, 43.3, 45.8]
B_REF_COUNTS = [16, 18, 16, 14, 12, 12]
B_CUR_COUNTS = [16, 16, 16, 16, 16, 8]
DEF_LE = ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"]
D_REF = [10, 30, 100, 300, 700, 1500, 2500, 3500, 3900, 3980, 3995, 4000]
D_CUR = [5, 15, 60, 200, 500, 1200, 2200, 3300, 3850, 3970, 3990, 4000]
D_SPARSE = [0, 0, 1, 3, 6, 10, 14, 17, 19, 20, 20, 20]


def build_num():
    # drift.md §8 A and B (scipy docs, Evidently's own unit tests)
    num_case("A_docs_0_1_3_vs_5_6_8", V([0, 1, 3]), V([5, 6, 8]), note="scipy docs: wasserstein_distance = 5.0")
    num_case("A_docs_0_vs_2", V([0]), V([2]), note="scipy docs: energy_distance = 2.0000000000000004")
    num_case("B_evidently_a_b", V(B_A), V(B_B),
             note="drift.md §8 B: anderson p 0.06351467728760844, t_test p 0.08410572024397057, ks p 0.08702408702408701, "
                  "W normed 0.781236105789365, cvm p 0.06433566433566433")
    num_case("B_evidently_a_a5", V(B_A), V([v + 5 for v in B_A]), methods=["energy", "wasserstein", "ks"],
             note="drift.md §8 B: energy_distance(a, a+5) = 1.9332614929181204")
    num_case("B_evidently_repeat", REP(range(1, 7), B_REF_COUNTS), REP(range(1, 7), B_CUR_COUNTS),
             note="drift.md §8 B: mannwhitneyu(less) U 3856, p 0.4814330305987495 (ties: asymptotic)")
    # drift.md §8 C quasi-normal samples
    num_case("C_q100_vs_q100_mu0.5", QN(100), QN(100, 0.5), note="drift.md §8 C row 1")
    num_case("C_q1000_vs_q500_mu0.1", QN(1000), QN(500, 0.1), note="drift.md §8 C row 2")
    num_case("C_q1000_vs_q1000_s1.5", QN(1000), QN(1000, 0.0, 1.5), methods=P_METHODS_NUM + ["wasserstein", "energy"],
             note="drift.md §8 C row 3 (no binned distances: the reference minimum Phi^-1(0.0005) is mathematically "
                  "a Sturges edge, so its bin depends on the last bit)")
    num_case("C_q200_vs_q300", QN(200), QN(300), note="drift.md §8 C row 4")
    # tiny samples, n = 1..5
    num_case("tiny_1_vs_1", V([0.5]), V([2.0]))
    num_case("tiny_2_vs_1", V([0.5, 1.5]), V([1.0]))
    num_case("tiny_3_vs_4", V([1.0, 2.0, 3.0]), V([2.5, 3.5, 4.5, 5.5]))
    num_case("tiny_4_vs_5_ties", V([1.0, 2.0, 2.0, 3.0]), V([2.0, 3.0, 3.0, 4.0, 5.0]))
    num_case("tiny_5_vs_5", V([0.1, 0.7, 1.3, 2.2, 2.9]), V([1.1, 1.9, 2.5, 3.4, 4.0]))
    num_case("tiny_5_vs_3", V([5.0, 1.0, 4.0, 2.0, 3.0]), V([10.0, 0.0, 6.0]), note="unsorted input")
    # ties
    num_case("ties_small", V([1, 1, 2, 2, 3, 3, 3, 4]), V([2, 2, 3, 3, 4, 4, 5]))
    num_case("ties_int_lcg_300_vs_250", LI(11, 300, 0, 8), LI(12, 250, 1, 8))
    # identical and constant samples
    num_case("identical_q50", QN(50), QN(50), note="identical samples: distances 0, p-values at their maximum")
    num_case("identical_lcg_40", LN(5, 40), LN(5, 40))
    num_case("constant_3_vs_4", V([3.0] * 10), V([4.0] * 12),
             note="constant columns; wasserstein uses the 0.001 std floor")
    num_case("constant_same", V([3.0] * 10), V([3.0] * 12), note="constant and equal: degenerate; scipy's answers")
    num_case("constant_ref_vs_spread", V([2.0] * 30), LN(21, 30, 2.0, 1.0))
    # equal and unequal sizes, lcg
    num_case("lcg_60_vs_60_shift", LN(1, 60), LN(2, 60, 0.3))
    num_case("lcg_10_vs_200", LN(3, 10), LN(4, 200, 0.2))
    num_case("lcg_5_vs_1000", LN(5, 5, 0.5), LN(6, 1000))
    num_case("lcg_uniform_2000_vs_1500", LU(7, 2000), LU(8, 1500, 0.02, 1.02))
    # KS regimes: exact up to max(n, m) = 10000, asymptotic above
    num_case("ks_exact_10000_vs_9000", LN(31, 10000), LN(32, 9000, 0.01), methods=["ks"], note="largest exact size")
    num_case("ks_exact_10000_vs_10000", LN(33, 10000), LN(34, 10000, 0.01), methods=["ks"])
    num_case("ks_asymp_10001_vs_9000", LN(35, 10001), LN(36, 9000, 0.01), methods=["ks"], note="smallest asymptotic size")
    num_case("large_20000_vs_15000", LN(37, 20000), LN(38, 15000, 0.02), methods=P_METHODS_NUM + ["wasserstein", "energy", "psi", "jensenshannon"])
    num_case("large_20000_vs_15000_neff1000", LN(37, 20000), LN(38, 15000, 0.02), methods=["ks"], max_eff=1000,
             note="Options.MaxEffectiveN caps n and m in the asymptotic p-value")
    # Mann-Whitney regimes: exact when one side has <= 8 values and no ties
    num_case("mannw_exact_6_vs_7", LU(41, 6), LU(42, 7, 0.3, 1.3), methods=["mannw", "ks", "cramer_von_mises"])
    num_case("mannw_exact_8_vs_30", LU(43, 8), LU(44, 30, 0.2, 1.2), methods=["mannw"])
    num_case("mannw_asymp_9_vs_9", LU(45, 9), LU(46, 9, 0.2, 1.2), methods=["mannw"])
    num_case("mannw_asymp_ties_5_vs_6", V([1, 2, 2, 3, 4]), V([2, 3, 4, 4, 5, 6]), methods=["mannw"])
    # Cramer-von Mises regimes: exact when max(n, m) <= 20
    num_case("cvm_exact_20_vs_15", LN(51, 20), LN(52, 15, 0.5), methods=["cramer_von_mises"])
    num_case("cvm_asymp_21_vs_20", LN(53, 21), LN(54, 20, 0.5), methods=["cramer_von_mises"])
    num_case("cvm_exact_ties_12_vs_10", LI(55, 12, 0, 4), LI(56, 10, 0, 4), methods=["cramer_von_mises"])
    # Anderson-Darling: p floored at 0.001 and capped at 0.25
    num_case("anderson_floor", LN(61, 200), LN(62, 200, 1.5), methods=["anderson"])
    num_case("anderson_cap", LN(63, 200), LN(64, 180), methods=["anderson"])
    # Evidently binning: <= 20 vs > 20 unique reference values
    num_case("evid_20_unique", LI(71, 400, 0, 20), LI(72, 350, 2, 20), methods=D_METHODS_NUM,
             note="20 distinct reference values: one bin per value")
    num_case("evid_21_unique", LI(73, 400, 0, 21), LI(74, 350, 2, 21), methods=D_METHODS_NUM,
             note="21 distinct reference values: Sturges bins over ref+cur")
    num_case("evid_cur_new_values", LI(75, 300, 0, 5), LI(76, 300, 3, 5), methods=D_METHODS_NUM,
             note="values in cur only: zero fill on the reference side")
    num_case("evid_sturges_800_vs_700", LN(77, 800), LN(78, 700, 0.3), methods=D_METHODS_NUM)
    num_case("evid_tiny_fill_min", {"recipe": "concat", "parts": [LI(79, 19999, 0, 5), V([7.0])]},
             {"recipe": "concat", "parts": [LI(80, 99, 0, 3), V([6.0])]},
             methods=["psi", "kl_div", "jensenshannon", "tvd"], note="shares <= 1e-4 switch the fill to min/1e6")
    num_case("nan_inf_dropped", V([1.0, "nan", 2.0, "inf", 3.0, 4.0, "-inf", 5.0]), V([2.0, 3.0, None, 4.0, 6.0, 7.0]),
             note="NaN and +-Inf are dropped before any method")
    # few-valued numeric columns: the categorical tests on values
    num_case("binary_values_300_vs_300", LI(91, 300, 0, 2), LI(92, 300, 0, 2), methods=["z", "fisher_exact", "chisquare", "ks", "psi", "jensenshannon"])
    num_case("binary_9_vs_10", V([9, 10, 10, 9, 10, 10]), V([10, 9, 9, 9, 9, 9]), methods=["z", "fisher_exact", "chisquare"],
             note="numeric order: 9 is the first value (0), 10 counts as 1 (string order would swap them)")
    num_case("three_values_400_vs_300", LI(93, 400, 0, 3), LI(94, 300, 1, 3), methods=["chisquare", "psi", "kl_div", "jensenshannon", "hellinger", "tvd"],
             note="value 0 only in ref, 3 only in cur")
    # quantile and fixed binning policies
    q = {"policy": "quantiles", "bins": 10}
    num_case("quantiles10_q1000_vs_q1000_mu0.25", QN(1000), QN(1000, 0.25), methods=["psi", "kl_div", "jensenshannon", "hellinger", "tvd"],
             binning=q, note="reference deciles; cf. drift.md §8 C PSI table")
    num_case("quantiles10_lcg_1001_vs_800", LN(81, 1001), LN(82, 800, 0.2), methods=["psi", "kl_div", "jensenshannon", "hellinger", "tvd"], binning=q)
    num_case("quantiles4_ties", LI(83, 200, 0, 3), LI(84, 150, 0, 4), methods=["psi", "kl_div", "jensenshannon", "tvd"],
             binning={"policy": "quantiles", "bins": 4}, note="discrete data: equal quantiles collapse into one edge")
    fixed = {"policy": "fixed", "edges": [-1.0, -0.5, 0.0, 0.5, 1.0]}
    num_case("fixed_edges_lcg_500_vs_400", LN(85, 500), LN(86, 400, 0.4), methods=["psi", "kl_div", "jensenshannon", "hellinger", "tvd"],
             binning=fixed, note="fixed edges with open outer bins")
    num_case("fixed_edges_on_values", V([0.0, 0.5, 0.5, 1.0, 1.5, 2.0]), V([0.5, 1.0, 1.0, 2.0, 2.5, 3.0]),
             methods=["psi", "kl_div", "jensenshannon", "tvd"], binning={"policy": "fixed", "edges": [0.5, 1.0, 2.0]},
             note="values exactly on an edge fall in the bin the edge closes (right-closed, like le)")
    # drift.md §8 C: PSI with fixed reference deciles (edges = Phi^-1(k/10))
    deciles = [float(ndtri(k / 10)) for k in range(1, 10)]
    dec = {"policy": "fixed", "edges": deciles}
    for mu, s in ((0.1, 1.0), (0.25, 1.0), (0.5, 1.0), (0.0, 1.5)):
        num_case(f"C_deciles_q1000_vs_q1000_mu{mu}_s{s}", QN(1000), QN(1000, mu, s),
                 methods=["psi", "kl_div", "jensenshannon"], binning=dec,
                 note="drift.md §8 C PSI table (its fixed deciles; the two empty outer bins get the fill on both sides)")


def build_cat():
    cats = [f"c{i}" for i in range(1, 7)]
    cat_case("B_counts", {"counts": dict(zip(cats, B_REF_COUNTS))}, {"counts": dict(zip(cats, B_CUR_COUNTS))},
             note="drift.md §8 B: chi2_contingency 1.6224089635854342, p 0.8985262394026607; Hellinger 0.06812774370983345; TVD 0.06818181818181819")
    cat_case("B_counts_api", {"counts": dict(zip(cats, B_REF_COUNTS))}, {"counts": dict(zip(cats, B_CUR_COUNTS))},
             methods=["chisquare", "psi", "hellinger"], counts_api=True, note="built with NewContingencyCounts")
    cat_case("unseen_in_reference", {"counts": {"a": 50, "b": 30, "c": 20}}, {"counts": {"a": 40, "b": 30, "c": 20, "d": 10}},
             note="category d only in the current window")
    cat_case("disappeared_in_current", {"counts": {"a": 50, "b": 30, "c": 20, "d": 5}}, {"counts": {"a": 40, "b": 35, "c": 25}})
    cat_case("binary_yes_no_100", {"counts": {"no": 70, "yes": 30}}, {"counts": {"no": 55, "yes": 45}})
    cat_case("binary_unequal_1000_vs_1000", {"counts": {"a": 900, "b": 100}}, {"counts": {"a": 820, "b": 180}})
    cat_case("binary_unequal_sizes", {"counts": {"a": 90, "b": 10}}, {"counts": {"a": 40, "b": 20}},
             note="fisher_exact: Evidently refuses unequal sizes; the expected value is scipy on Evidently's table")
    cat_case("evidently_fisher_a_vs_b", {"values": ["a"] * 6}, {"values": ["b"] * 6},
             note="Evidently's test asserts fisher p ~ 0.0021")
    cat_case("single_same_category", {"values": ["x"] * 6}, {"values": ["x"] * 6},
             note="one category on both sides: z p = 1 (Evidently), chi2_contingency dof 0 -> p = 1")
    cat_case("tiny_1_vs_1", {"values": ["a"]}, {"values": ["b"]})
    cat_case("tiny_3_vs_2", {"values": ["a", "b", "a"]}, {"values": ["b", "b"]})
    g = LCG(99)
    ref = [f"k{int(g.uniform() * 10)}" for _ in range(500)]
    cur = [f"k{min(9, int(g.uniform() ** 1.3 * 10))}" for _ in range(400)]
    cat_case("ten_categories_500_vs_400", {"counts": dict(sorted(Counter(ref).items()))}, {"counts": dict(sorted(Counter(cur).items()))})
    cat_case("missing_values_dropped", {"values": ["a", None, "b", "a", "", "a"]}, {"values": ["b", "b", None, "a"]},
             note="null (and the empty string, as Go's NewContingency treats it) are missing and dropped")
    cat_case("order_and_case", {"values": ["b", "B", "a", "é", "a"]}, {"values": ["é", "B", "B", "a"]},
             methods=["chisquare", "psi", "kl_div", "jensenshannon", "hellinger", "tvd"],
             note="categories are compared as exact strings in code-point order")
    cat_case("tiny_fill_min", {"counts": {"a": 19999, "b": 1}}, {"counts": {"a": 60, "c": 40}},
             methods=["psi", "kl_div", "jensenshannon", "tvd", "chisquare"], note="share 5e-5 <= 1e-4: the reference fill becomes min/1e6")


def B(les, counts):
    return list(zip(les, counts))


def build_binned():
    binned_case("D_defbuckets", B(DEF_LE, D_REF), B(DEF_LE, D_CUR),
                note="drift.md §8 D: D 0.075, p 3.136819957528589e-10, PSI 0.040846674474231855, chi2 80.80246652436719")
    binned_case("D_defbuckets_neff100", B(DEF_LE, D_REF), B(DEF_LE, D_CUR), methods=["ks"], max_eff=100,
                note="MaxEffectiveN caps both totals in the p-value")
    binned_case("D_sparse_current", B(DEF_LE, D_REF), B(DEF_LE, D_SPARSE),
                note="drift.md §8 D sparse window: D 0.125, kstwo p 0.8758617995908946; zeros in cur get Evidently's fill")
    # le="1" vs le="1.0" (Prometheus 3 renames integer bounds)
    le3 = [x if x in ("+Inf",) or "." in x else x + ".0" for x in DEF_LE]
    binned_case("le_1_vs_1.0_between_windows", B(DEF_LE, D_REF), B(le3, D_CUR), methods=["ks", "psi", "jensenshannon", "wasserstein"],
                note="the current window uses Prometheus 3 names (le=\"1.0\"); the bounds are the same numbers")
    # Both spellings inside one window (the upgrade happened mid-window):
    # the series le="1" holds the first part, le="1.0" the rest.
    within = [("0.25", 1500), ("0.5", 2500), ("1", 1400), ("1.0", 2100), ("2.5", 3900), ("+Inf", 4000)]
    cur = [("0.25", 1200), ("0.5", 2200), ("1", 3300), ("2.5", 3850), ("+Inf", 4000)]
    binned_case("le_1_and_1.0_within_window", within, cur, methods=["ks", "psi", "chisquare"],
                note="equal bounds in one window are added up")
    # non-monotone cumulative counts
    nm = [10, 30, 100, 95, 700, 1500, 2500, 3500, 3480, 3980, 3995, 4000]
    binned_case("non_monotonic_reference", B(DEF_LE, nm), B(DEF_LE, D_CUR), methods=["ks", "psi", "jensenshannon", "chisquare", "wasserstein"],
                note="decreases (100 -> 95, 3500 -> 3480) are clamped to the previous count and reported")
    tiny_dec = [10, 30, 100, 300, 700, 1500, 1500 * (1 - 3e-13), 3500, 3900, 3980, 3995, 4000]
    binned_case("tiny_decrease_ignored", B(DEF_LE, tiny_dec), B(DEF_LE, D_CUR), methods=["ks", "psi"],
                note="a decrease within relative 1e-12 is rounding: repaired silently")
    tiny_inc = [("0.1", 1000.0), ("0.5", 1000.0 * (1 + 3e-13)), ("1", 2000.0), ("+Inf", 3000.0)]
    cur_inc = [("0.1", 500.0), ("0.5", 1500.0), ("1", 2000.0), ("+Inf", 3000.0)]
    binned_case("tiny_increase_ignored", tiny_inc, cur_inc, methods=["ks", "psi", "kl_div", "jensenshannon"],
                note="Prometheus ignores differences within 1e-12 in either direction (almost.Equal): the tiny "
                     "increase is rounding, so the bucket (0.1, 0.5] is empty and gets the 1e-4 fill")
    # different layouts merged to their common bounds
    cur_layout = ["0.01", "0.05", "0.25", "0.75", "1", "5", "+Inf"]
    cur_counts = [15, 200, 1200, 2700, 3300, 3970, 4000]
    binned_case("layouts_merged", B(DEF_LE, D_REF), B(cur_layout, cur_counts),
                note="ref: client_golang DefBuckets; cur: another layout with 0.75 that ref lacks. Common bounds: 0.01, 0.05, 0.25, 1, 5, +Inf")
    # +Inf share
    ovf_ref = [("0.5", 300), ("1", 700), ("2", 950), ("+Inf", 1000)]
    ovf_cur = [("0.5", 250), ("1", 600), ("2", 800), ("+Inf", 1000)]
    binned_case("inf_share", ovf_ref, ovf_cur, notices={"wasserstein": {"result_notice": True}},
                note="5% of ref and 20% of cur above the last finite bound: W1 puts it at 2 and reports the share")
    # bounds at or below zero: the first bucket is open to -Inf
    neg_ref = [("-1", 100), ("0", 400), ("1", 800), ("+Inf", 1000)]
    neg_cur = [("-1", 50), ("0", 300), ("1", 750), ("+Inf", 1000)]
    binned_case("negative_bounds", neg_ref, neg_cur, note="first bucket (-Inf, -1]: its mass sits at -1 for W1")
    # two buckets: chi-square with Yates' correction
    binned_case("two_buckets", [("1", 70), ("+Inf", 100)], [("1", 50), ("+Inf", 100)], methods=["ks", "chisquare", "psi"])
    # extrapolated (fractional) counts from increase()
    fr_ref = [("0.1", 10.4), ("0.25", 35.9), ("0.5", 120.2), ("1", 260.7), ("2.5", 391.3), ("+Inf", 400.1)]
    fr_cur = [("0.1", 8.1), ("0.25", 30.2), ("0.5", 99.9), ("1", 250.05), ("2.5", 380.6), ("+Inf", 399.7)]
    binned_case("fractional_counts", fr_ref, fr_cur, note="increase() extrapolates: counts are not integers")
    # a bucket empty in both windows
    je_ref = [("0.1", 1), ("0.25", 5000), ("0.5", 15000), ("1", 19000), ("2.5", 19000), ("+Inf", 20000)]
    je_cur = [("0.1", 20), ("0.25", 300), ("0.5", 700), ("1", 900), ("2.5", 900), ("+Inf", 1000)]
    binned_case("bucket_empty_in_both", je_ref, je_cur, methods=["ks", "chisquare", "psi", "kl_div", "jensenshannon", "hellinger", "tvd"],
                note="(1, 2.5] is empty in both windows. Evidently's categorical view (drift.md §4.2: each bucket is a "
                     "category) never sees it, and chi2_contingency needs it dropped. The reference's smallest share "
                     "is 5e-5, so its fill (5e-11) differs from the current's (1e-4): a jointly empty bucket that is "
                     "filled changes PSI and KL")
    # empty window
    binned_case("empty_current", B(DEF_LE, D_REF), B(DEF_LE, [0] * 12), methods=BINNED_METHODS,
                note="an empty window has no verdict: NaN score, insufficient")


def build_multi():
    multi_case("E_1d_0123_vs_12345", {"rows": [[0.0], [1.0], [2.0], [3.0]]}, {"rows": [[1.0], [2.0], [3.0], [4.0], [5.0]]},
               note="drift.md §8 E: median heuristic sigma 0.7071067811865476, MMD^2_u -0.1871858663980367")
    multi_case("lcg_2d_60_vs_50_shift", {"recipe": "lcg_matrix", "seed": 201, "n": 60, "d": 2, "mu": [0.0, 0.0], "s": 1.0},
               {"recipe": "lcg_matrix", "seed": 202, "n": 50, "d": 2, "mu": [0.6, 0.0], "s": 1.0})
    multi_case("lcg_3d_80_vs_70_same", {"recipe": "lcg_matrix", "seed": 203, "n": 80, "d": 3, "mu": [0.0, 1.0, -1.0], "s": 2.0},
               {"recipe": "lcg_matrix", "seed": 204, "n": 70, "d": 3, "mu": [0.0, 1.0, -1.0], "s": 2.0})
    multi_case("lcg_1d_40_vs_30_scale", {"recipe": "lcg_matrix", "seed": 205, "n": 40, "d": 1, "mu": [0.0], "s": 1.0},
               {"recipe": "lcg_matrix", "seed": 206, "n": 30, "d": 1, "mu": [0.0], "s": 3.0})
    multi_case("lcg_5d_30_vs_30_identical", {"recipe": "lcg_matrix", "seed": 207, "n": 30, "d": 5, "mu": [0.0] * 5, "s": 1.0},
               {"recipe": "lcg_matrix", "seed": 207, "n": 30, "d": 5, "mu": [0.0] * 5, "s": 1.0},
               note="identical sets: energy 0")
    multi_case("tiny_2d_3_vs_3", {"rows": [[0.0, 0.0], [1.0, 0.0], [0.0, 2.0]]}, {"rows": [[3.0, 3.0], [4.0, 2.0], [2.5, 4.0]]})


def build_auto():
    # <= 1000 vs > 1000 reference rows, numeric
    auto_case("num_ref1000_many_unique", LN(301, 1000), LN(302, 500), True, note="<= 1000 rows, > 5 values: ks")
    auto_case("num_ref1001_many_unique", LN(303, 1001), LN(304, 500), True, note="> 1000 rows, > 5 values: wasserstein")
    auto_case("num_ref1005_with_nan", {"recipe": "concat", "parts": [LN(305, 995), V(["nan"] * 10)]}, LN(306, 300), True,
              note="1005 rows of which 10 NaN: 995 count, so ks")
    auto_case("num_ref500_5_unique", LI(307, 500, 0, 5), LI(308, 400, 0, 5), True, note="5 values: chisquare")
    auto_case("num_ref500_6_unique", LI(309, 500, 0, 6), LI(310, 400, 0, 6), True, note="6 values: ks")
    auto_case("num_ref500_4plus2_unique", LI(311, 500, 0, 4), LI(312, 400, 2, 4), True,
              note="4 values in ref, 6 over ref+cur: counted together, so ks")
    auto_case("num_ref500_binary", LI(313, 500, 0, 2), LI(314, 400, 0, 2), True, note="2 values: z")
    auto_case("num_ref500_3_unique", LI(315, 500, 0, 3), LI(316, 400, 0, 3), True, note="3 values: chisquare")
    auto_case("num_ref2000_5_unique", LI(317, 2000, 0, 5), LI(318, 400, 0, 5), True, note="> 1000 rows, 5 values: jensenshannon")
    auto_case("num_ref2000_6_unique", LI(319, 2000, 0, 6), LI(320, 400, 0, 6), True, note="> 1000 rows, 6 values: wasserstein")
    auto_case("num_ref2000_binary", LI(321, 2000, 0, 2), LI(322, 400, 0, 2), True)
    auto_case("num_constant_small", V([1.0] * 20), V([1.0] * 10), True, note="one value: z")
    # categorical
    auto_case("cat_ref100_binary", {"counts": {"a": 60, "b": 40}}, {"counts": {"a": 50, "b": 50}}, False, note="z")
    auto_case("cat_ref100_three", {"counts": {"a": 60, "b": 30, "c": 10}}, {"counts": {"a": 50, "b": 50}}, False, note="chisquare")
    auto_case("cat_ref100_binary_cur_adds_third", {"counts": {"a": 60, "b": 40}}, {"counts": {"a": 50, "b": 40, "c": 10}}, False,
              note="binary in ref, 3 categories over ref+cur: chisquare")
    auto_case("cat_ref1000_binary", {"counts": {"a": 600, "b": 400}}, {"counts": {"a": 50, "b": 50}}, False, note="1000 rows: still z")
    auto_case("cat_ref1001_binary", {"counts": {"a": 601, "b": 400}}, {"counts": {"a": 50, "b": 50}}, False, note="jensenshannon")
    auto_case("cat_ref1500_many", {"counts": {f"k{i}": 150 for i in range(10)}}, {"counts": {"k0": 10}}, False, note="jensenshannon")


def build_dataset():
    dataset_case("bonferroni_mixed", [0.001, 0.02, 0.3, 0.009], 0.05, "bonferroni",
                 note="alpha/m = 0.0125: columns 0 and 3 drift")
    dataset_case("bonferroni_none", [0.02, 0.03, 0.5], 0.05, "bonferroni")
    dataset_case("fdr_step_up", [0.01, 0.041, 0.029, 0.5, 0.005], 0.05, "fdr",
                 note="sorted 0.005 0.01 0.029 0.041 0.5 against q*i/n = 0.01 0.02 0.03 0.04 0.05: the 3 smallest drift")
    dataset_case("fdr_later_rank_rescues", [0.02, 0.024, 0.9, 0.8], 0.05, "fdr",
                 note="0.02 is above q/4 = 0.0125 but 0.024 < 2q/4 = 0.025: step-up rejects both")
    dataset_case("fdr_tie_strict", [0.025, 0.9], 0.05, "fdr",
                 note="p_(1) = 0.025 equals q*1/2 exactly: alibi's fdr uses a strict <, so nothing drifts")
    dataset_case("fdr_none", [0.2, 0.5, 0.07], 0.05, "fdr")
    dataset_case("none_share_half", [0.01, 0.2, 0.03, 0.5], 0.05, "none", note="2 of 4 drift: share 0.5 >= 0.5")
    dataset_case("none_share_custom", [0.01, 0.2, 0.03, 0.5], 0.05, "none", drift_share=0.75)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default=DEFAULT_OUT, help="output directory (default: %(default)s)")
    args = ap.parse_args()

    build_num()
    build_cat()
    build_binned()
    build_multi()
    build_auto()
    build_dataset()

    os.makedirs(args.out, exist_ok=True)
    header = OrderedDict(
        generator="tests/reference/generate_goldens.py",
        format=FORMAT_VERSION,
        versions=OrderedDict(python=sys.version.split()[0], numpy=np.__version__, scipy=scipy.__version__,
                             pandas=pd.__version__, evidently=evidently.__version__),
        tolerances=TOLERANCES,
        recipes=OrderedDict(
            lcg="state = (6364136223846793005*state + 1442695040888963407) mod 2^64 (advance first); "
                "u = (state >> 11) * 2^-53. uniform: lo + (hi-lo)*u; normal4: mu + s*((((u1+u2)+u3)+u4) - 2); "
                "int: lo + floor(u*k)",
            lcg_matrix="row-major: x[i][j] = mu[j] + s*normal4 from one lcg stream",
            quasi_normal="x_i = mu + s*Phi^-1((i-0.5)/n), i = 1..n (scipy.special.ndtri; Go sqrt(2)*erfinv(2p-1))",
            repeat="numpy.repeat(of, counts)",
            concat="the parts one after the other",
        ),
    )
    total = 0
    for dtype, cases in CASES.items():
        doc = OrderedDict(header)
        doc["type"] = dtype
        doc["cases"] = cases
        path = os.path.join(args.out, f"{dtype}.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False, allow_nan=False)
            f.write("\n")
        total += len(cases)

    # Summary
    per = Counter()
    regimes = Counter()
    for dtype, cases in CASES.items():
        for c in cases:
            per[(dtype, c["method"])] += 1
            reg = c["expected"].get("regime") if isinstance(c.get("expected"), dict) else None
            if reg:
                regimes[(c["method"], reg.split("=")[0] if reg.startswith("dof") else reg)] += 1
    size = sum(os.path.getsize(os.path.join(args.out, f"{d}.json")) for d in CASES)
    print(f"wrote {total} cases to {args.out} ({size / 1024:.0f} KiB)")
    print(f"numpy {np.__version__}, scipy {scipy.__version__}, pandas {pd.__version__}, evidently {evidently.__version__}")
    for dtype in CASES:
        methods = sorted(m for d, m in per if d == dtype)
        print(f"  {dtype:8s} " + ", ".join(f"{m} {per[(dtype, m)]}" for m in methods))
    print("  regimes: " + ", ".join(f"{m}/{r} {n}" for (m, r), n in sorted(regimes.items())))
    if NOT_APPLICABLE:
        print(f"  not applicable: {len(NOT_APPLICABLE)} (z and fisher_exact on more than 2 categories)")
    if SKIPPED:
        print(f"  left out ({len(SKIPPED)}; no finite or reproducible answer):")
        for s in SKIPPED:
            print("    " + s)


if __name__ == "__main__":
    main()

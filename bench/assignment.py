"""Benchmark of expert assignment, fairness, infeasibility diagnosis and calibration (see docs/benchmarks.md).

    python bench/assignment.py [--scale small|full]

Each measurement runs in a fresh child process that generates its round from a fixed seed, resets the peak
resident set size (/proc/self/clear_refs) and then times the whole path:

- ours: affinities -> candidates -> pruned min-cost flow with certificate (fallback to all) -> independent
  constraint check (resurs.reviews.assignment);
- baseline: a bare OR-Tools min-cost flow over every candidate pair, built with vectorised arrays, coded here
  separately from the app.

Baseline first, then ours, alternating, repeated (medians quoted). The JSON (last line of stdout) has the keys
docs/benchmarks.md lists; extra keys explain (repetitions, fairness bound and method, a topic-skewed round).
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

K = 3
SEED = 20261126


def log(*args):
    print(*args, file=sys.stderr, flush=True)


def generate(n_apps: int, n_experts: int, family: str, seed: int = SEED, skewed: bool = False):
    """Affinities (sparse pairs or a dense matrix) and 1% random conflicts, deterministic per seed."""
    rng = np.random.default_rng(seed + n_apps + n_experts + (1 if family == "dense" else 0))
    cap = math.ceil(K * n_apps / n_experts) + 2
    if family == "dense":
        affinity = 1.0 - rng.random((n_apps, n_experts))  # uniform in (0, 1]
        forbidden = rng.random((n_apps, n_experts)) < 0.01
        return {"affinity": affinity, "forbidden": forbidden, "cap": cap}
    # Sparse: each expert has a positive affinity to about 10% of applications.
    if skewed:
        # Topic-skewed: a third of the applications draw from a tenth of the experts (a crowded topic).
        hot_apps = n_apps // 3
        hot_experts = n_experts // 10
        mask = np.zeros((n_apps, n_experts), dtype=bool)
        mask[:hot_apps, :hot_experts] = rng.random((hot_apps, hot_experts)) < 0.5
        mask[:hot_apps, hot_experts:] = rng.random((hot_apps, n_experts - hot_experts)) < 0.01
        mask[hot_apps:, :] = rng.random((n_apps - hot_apps, n_experts)) < 0.1
        affinity_hot = 1.0 - rng.random(mask.shape) * 0.5
        affinity_cold = 1.0 - rng.random(mask.shape)
        dense_aff = np.where(np.arange(n_experts)[None, :] < hot_experts, affinity_hot, affinity_cold)
    else:
        mask = rng.random((n_apps, n_experts)) < 0.10
        dense_aff = None
    forbidden = rng.random((n_apps, n_experts)) < 0.01
    mask &= ~forbidden
    app, expert = np.nonzero(mask)
    affinity = 1.0 - rng.random(app.size) if dense_aff is None else dense_aff[app, expert]
    return {"app": app, "expert": expert, "affinity": affinity, "cap": cap}


def _reset_peak():
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def _peak_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def baseline_flow(data, n_apps, n_experts):
    """A bare OR-Tools min-cost flow over all candidate pairs (separate code from the app's solver)."""
    from ortools.graph.python import min_cost_flow

    if "forbidden" in data:
        app, expert = np.nonzero(~data["forbidden"])
        weight = data["affinity"][app, expert]
    else:
        app, expert, weight = data["app"], data["expert"], data["affinity"]
    cost = -np.rint(weight * 1_000_000).astype(np.int64)
    source, sink = n_apps + n_experts, n_apps + n_experts + 1
    tails = np.concatenate((np.full(n_apps, source), app, n_apps + np.arange(n_experts)))
    heads = np.concatenate((np.arange(n_apps), n_apps + expert, np.full(n_experts, sink)))
    caps = np.concatenate(
        (np.full(n_apps, K), np.ones(app.size, dtype=np.int64), np.full(n_experts, data["cap"]))
    )
    costs = np.concatenate((np.zeros(n_apps, np.int64), cost, np.zeros(n_experts, np.int64)))
    smcf = min_cost_flow.SimpleMinCostFlow()
    arcs = smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    smcf.set_node_supply(source, K * n_apps)
    smcf.set_node_supply(sink, -K * n_apps)
    status = smcf.solve()
    if status != smcf.OPTIMAL:
        raise RuntimeError(f"baseline status {status}")
    flows = smcf.flows(arcs[n_apps : n_apps + app.size])
    chosen = flows > 0
    return app[chosen], expert[chosen], float(np.rint(weight[chosen] * 1_000_000).sum() / 1_000_000)


def ours(data, n_apps, n_experts):
    from resurs.reviews.assignment.problem import DenseCandidates, Round, SparseCandidates
    from resurs.reviews.assignment.solver import check, solve

    if "forbidden" in data:
        cands = DenseCandidates(data["affinity"], data["forbidden"])
    else:
        cands = SparseCandidates(n_apps, n_experts, data["app"], data["expert"], data["affinity"])
    rnd = Round(n_apps, n_experts, K, cands, np.full(n_experts, data["cap"]))
    solution = solve(rnd)
    checked = check(rnd, solution.app, solution.expert)
    return solution, checked


def _child(conn, method, n_apps, n_experts, family, skewed):
    data = generate(n_apps, n_experts, family, skewed=skewed)
    reset = _reset_peak()
    before = _rss_mib()
    t0 = time.perf_counter()
    if method == "baseline":
        _a, _e, objective = baseline_flow(data, n_apps, n_experts)
        extra = {}
    else:
        solution, checked = ours(data, n_apps, n_experts)
        objective = solution.objective
        extra = {
            "constraints_ok": checked["ok"],
            "certified": solution.certified,
            "full_problem": solution.full_problem,
            "fallback": solution.stats.get("fallback"),
        }
    wall = time.perf_counter() - t0
    peak = _peak_mib() - (before if reset else 0.0)
    conn.send({"wall_s": wall, "peak_mib": peak, "objective": objective, **extra})
    conn.close()


def measure(method, n_apps, n_experts, family, skewed=False):
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, method, n_apps, n_experts, family, skewed))
    proc.start()
    result = parent.recv()
    proc.join()
    return result


def bench_round(n_apps, n_experts, family, reps, skewed=False):
    base_runs, our_runs = [], []
    for rep in range(reps):
        base_runs.append(measure("baseline", n_apps, n_experts, family, skewed))
        our_runs.append(measure("ours", n_apps, n_experts, family, skewed))
        log(
            f"{family}{' skewed' if skewed else ''} {n_apps}x{n_experts} rep {rep}: "
            f"baseline {base_runs[-1]['wall_s']:.2f}s ours {our_runs[-1]['wall_s']:.2f}s"
        )
    optimum = base_runs[0]["objective"]
    objective = our_runs[0]["objective"]
    return {
        "family": family + ("-skewed" if skewed else ""),
        "applications": n_apps,
        "experts": n_experts,
        "per_application": K,
        "wall_s": round(statistics.median(r["wall_s"] for r in our_runs), 3),
        "baseline_s": round(statistics.median(r["wall_s"] for r in base_runs), 3),
        "ratio": round(
            statistics.median(r["wall_s"] for r in our_runs)
            / statistics.median(r["wall_s"] for r in base_runs),
            3,
        ),
        "peak_mib": round(max(r["peak_mib"] for r in our_runs), 1),
        "baseline_peak_mib": round(max(r["peak_mib"] for r in base_runs), 1),
        "objective": round(objective, 6),
        "optimum": round(optimum, 6),
        "optimality": round(objective / optimum, 8) if optimum else 1.0,
        "constraints_ok": all(r["constraints_ok"] for r in our_runs),
        "certified": all(r["certified"] for r in our_runs),
        "fallback": our_runs[0]["fallback"],
        "repetitions": reps,
    }


def bench_fairness(n_apps, n_experts, skewed=False):
    from resurs.reviews.assignment.fairness import solve_maxmin
    from resurs.reviews.assignment.problem import Round, SparseCandidates
    from resurs.reviews.assignment.solver import check

    data = generate(n_apps, n_experts, "sparse", skewed=skewed)
    cands = SparseCandidates(n_apps, n_experts, data["app"], data["expert"], data["affinity"])
    rnd = Round(n_apps, n_experts, K, cands, np.full(n_experts, data["cap"]))
    t0 = time.perf_counter()
    result = solve_maxmin(rnd, max_loss=0.05)  # the plain optimum included, as the fairness option runs it
    wall = time.perf_counter() - t0
    checked = check(rnd, result.solution.app, result.solution.expert)
    return {
        "worst_gain": round(result.worst_gain, 4),
        "total_loss": round(result.total_loss, 5),
        "wall_s": round(wall, 3),
        "worst_plain": round(result.worst_plain, 6),
        "worst_fair": round(result.worst, 6),
        "worst_upper_bound": round(result.upper_bound, 6),
        "gap_to_bound": round((result.upper_bound - result.worst) / (result.worst_plain or 1.0), 4),
        "method": result.method,
        "bound_method": result.bound_method,
        "constraints_ok": checked["ok"],
    }


def bench_infeasible(n_apps=2000, n_experts=300):
    from resurs.reviews.assignment.diagnosis import diagnose
    from resurs.reviews.assignment.problem import Round, SparseCandidates

    data = generate(n_apps, n_experts, "sparse", skewed=True)
    app, expert, aff = data["app"], data["expert"], data["affinity"]
    # Application 0 conflicts with everyone; the crowded topic's experts are capped low.
    keep = app != 0
    cands = SparseCandidates(n_apps, n_experts, app[keep], expert[keep], aff[keep])
    cap = np.full(n_experts, data["cap"])
    cap[: n_experts // 10] = 2  # the crowded topic's experts are nearly unavailable
    rnd = Round(n_apps, n_experts, K, cands, cap)
    t0 = time.perf_counter()
    diagnosis = diagnose(rnd)
    wall = time.perf_counter() - t0
    return wall, diagnosis.summary, int(diagnosis.uncovered_apps.size)


def bench_calibration(n_apps=15_000, n_experts=1_500):
    from resurs.reviews.calibration import calibrate

    rng = np.random.default_rng(SEED)
    bias = rng.normal(0, 1, n_experts)
    bias -= bias.mean()
    quality = rng.normal(6, 1.5, n_apps)
    app = np.repeat(np.arange(n_apps), K)
    expert = np.argsort(rng.random((n_apps, n_experts)), axis=1)[:, :K].ravel()
    score = quality[app] + bias[expert] + rng.normal(0, 0.5, app.size)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        result = calibrate(app, expert, score, n_apps=n_apps, n_experts=n_experts)
        times.append(time.perf_counter() - t0)
    err = float(np.abs(result.expert_effect - bias).mean())
    return app.size, statistics.median(times), err


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=["small", "full"], default=os.environ.get("BENCH_SCALE", "full"))
    args = parser.parse_args()
    sizes = [(2000, 300), (6000, 600), (15000, 1500)] if args.scale == "full" else [(2000, 300)]
    rounds = []
    for n_apps, n_experts in sizes:
        for family in ("sparse", "dense"):
            reps = 3 if n_apps <= 6000 else (2 if family == "sparse" else 1)
            rounds.append(bench_round(n_apps, n_experts, family, reps))
    skew_size = sizes[-1]
    rounds.append(bench_round(*skew_size, "sparse", 1, skewed=True))
    fair_size = (15000, 1500) if args.scale == "full" else (2000, 300)
    log("fairness ...")
    fairness = {"applications": fair_size[0], "experts": fair_size[1], **bench_fairness(*fair_size)}
    fairness_skewed = {
        "applications": fair_size[0],
        "experts": fair_size[1],
        **bench_fairness(*fair_size, skewed=True),
    }
    fairness_skewed_small = {"applications": 2000, "experts": 300, **bench_fairness(2000, 300, skewed=True)}
    log("infeasible ...")
    infeasible_s, infeasible_summary, uncovered = bench_infeasible(*sizes[-1])
    log("calibration ...")
    cal_n, cal_s, cal_err = bench_calibration() if args.scale == "full" else bench_calibration(2000, 300)
    out = {
        "scale": args.scale,
        "nproc": os.cpu_count(),
        "rounds": rounds,
        "fairness": fairness,
        "fairness_skewed": fairness_skewed,
        "fairness_skewed_small": fairness_skewed_small,
        "infeasible_diagnosis_s": round(infeasible_s, 4),
        "infeasible_reasons": infeasible_summary,
        "infeasible_uncovered": uncovered,
        "calibration_scores": int(cal_n),
        "calibration_s": round(cal_s, 4),
        "calibration_mean_abs_bias_error": round(cal_err, 4),
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()

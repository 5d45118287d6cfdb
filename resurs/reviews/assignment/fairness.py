"""The fairness option: raise the worst-served application's total affinity at a bounded cost in total.

Exact max-min of per-application totals is a linear programme with millions of columns, and its optimum is
fractional. We use a Lagrangian scheme that stays an exact min-cost flow at every step: each application gets a
weight, the flow maximises the weighted total affinity ``Σ w_i a_ij``, and the weights of applications served
below the current target rise multiplicatively (the classic multiplicative-weights route to max-min). Every
iterate is a complete, feasible assignment; we keep the one with the best worst-served application among those
that lose at most ``max_loss`` of the plain optimum's total affinity. ``worst_upper_bound`` (each
application's own k best candidates) says how far from the ideal the result can be.

Within an application the weight is constant, so each application's candidate order — and the certified
pruning of the solver — is unchanged.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from resurs.reviews.assignment.problem import SCALE, Round, SparseCandidates
from resurs.reviews.assignment.solver import Solution, solve


@dataclass
class FairResult:
    solution: Solution
    plain: Solution
    worst_plain: float
    worst_fair: float
    worst_upper_bound: float
    total_loss: float
    iterations: int
    wall_s: float

    @property
    def worst_gain(self) -> float:
        return (self.worst_fair - self.worst_plain) / self.worst_plain if self.worst_plain > 0 else 0.0


def _true_totals(rnd: Round, solution: Solution, q_lookup) -> tuple[np.ndarray, int]:
    q = q_lookup(solution.app, solution.expert)
    return np.bincount(solution.app, weights=q, minlength=rnd.n_apps), int(q.sum())


def solve_fair(
    rnd: Round,
    *,
    max_loss: float = 0.05,
    plain: Solution | None = None,
    iterations: int = 12,
    time_limit_s: float = 25.0,
    progress=None,
) -> FairResult:
    """Raise the worst-served application's affinity, losing at most ``max_loss`` of the total."""
    t0 = time.perf_counter()
    plain = plain or solve(rnd)
    n, k = rnd.n_apps, rnd.k
    pairs = rnd.candidates.all()
    keys = pairs.app * rnd.n_experts + pairs.expert
    order = np.argsort(keys)
    sorted_keys, sorted_q = keys[order], pairs.q[order]

    def q_lookup(app, expert):
        return sorted_q[np.searchsorted(sorted_keys, app * rnd.n_experts + expert)]

    # Upper bound on anyone's worst: each application's own k best candidates.
    best_first = np.argsort(pairs.app * np.int64(SCALE + 1) + (np.int64(SCALE) - pairs.q), kind="stable")
    counts = np.bincount(pairs.app, minlength=n)
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    top_sum = sum(pairs.q[best_first][starts + i] for i in range(k))
    upper = float(top_sum.min()) / SCALE

    totals, total_plain = _true_totals(rnd, plain, q_lookup)
    best, best_worst = plain, float(totals.min())
    weights = np.ones(n)
    # The target is what each application could get on its own, capped at the plain optimum's mean.
    target = np.minimum(top_sum.astype(float), totals.mean())
    done = 0
    for step in range(iterations):
        if time.perf_counter() - t0 > time_limit_s:
            break
        if best_worst >= float(top_sum.min()):
            break  # the worst-served application already has its own k best: nothing to gain
        shortfall = np.clip((target - totals) / np.maximum(target, 1), 0, 1)
        if not shortfall.any():
            break
        weights *= np.exp(2.0 * shortfall)
        weights /= weights.max()
        scaled = np.rint(pairs.q * weights[pairs.app]).astype(np.int64)
        weighted = Round(
            n,
            rnd.n_experts,
            k,
            SparseCandidates(n, rnd.n_experts, pairs.app, pairs.expert, q=scaled),
            rnd.max_load,
            rnd.min_load,
            rnd.app_region,
            rnd.expert_region,
            rnd.require_regional,
        )
        trial = solve(weighted)
        done = step + 1
        if progress:
            progress(done, "fairness")
        totals, total = _true_totals(rnd, trial, q_lookup)
        trial.q = q_lookup(trial.app, trial.expert)
        trial.objective_units = total
        if total_plain - total > max_loss * total_plain:
            # Too costly: step back half-way towards the previous weights.
            weights = np.sqrt(weights)
            continue
        if float(totals.min()) > best_worst:
            best, best_worst = trial, float(totals.min())
    best_totals, best_total = _true_totals(rnd, best, q_lookup)
    return FairResult(
        solution=best,
        plain=plain,
        worst_plain=float(_true_totals(rnd, plain, q_lookup)[0].min()) / SCALE,
        worst_fair=float(best_totals.min()) / SCALE,
        worst_upper_bound=upper,
        total_loss=(total_plain - best_total) / total_plain if total_plain else 0.0,
        iterations=done,
        wall_s=time.perf_counter() - t0,
    )

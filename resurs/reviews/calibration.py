"""Calibration of expert severity: score = application effect + expert effect + noise, by least squares.

Lenient and severe experts make raw means incomparable when applications are reviewed by different experts.
The additive model is fitted over the whole expert–application graph at once with ``scipy.sparse.linalg.lsqr``
(one row per score, one column per application and per expert). Within a connected component of that graph the
model is only defined up to a constant moved between applications and experts; LSQR started at zero returns the
minimum-norm solution, and we then shift each component so that its expert effects sum to zero (the exact
sum-to-zero constraint — the fit is unchanged by the shift). An application's calibrated score is then the mean
of its scores with each expert's effect removed; comparisons are meaningful within a component (which is the
whole round whenever experts overlap, as the assignment makes them do).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import lsqr
from threadpoolctl import threadpool_limits


@dataclass
class Calibration:
    """Effects by index: ``app_effect`` is the calibrated score, ``expert_effect`` the severity (+ lenient)."""

    app_effect: np.ndarray
    expert_effect: np.ndarray
    raw_mean: np.ndarray
    app_component: np.ndarray
    expert_component: np.ndarray
    expert_count: np.ndarray
    residual_sd: float

    def residuals(self, app, expert, score) -> np.ndarray:
        return np.asarray(score) - self.app_effect[app] - self.expert_effect[expert]


def calibrate(app, expert, score, *, n_apps: int | None = None, n_experts: int | None = None) -> Calibration:
    """Fit the additive expert-effect model to scores given as three parallel arrays."""
    app = np.asarray(app, dtype=np.int64)
    expert = np.asarray(expert, dtype=np.int64)
    score = np.asarray(score, dtype=np.float64)
    n_apps = int(app.max()) + 1 if n_apps is None else n_apps
    n_experts = int(expert.max()) + 1 if n_experts is None else n_experts
    m = score.size
    counts_app = np.bincount(app, minlength=n_apps)
    counts_exp = np.bincount(expert, minlength=n_experts)
    raw_mean = np.divide(
        np.bincount(app, weights=score, minlength=n_apps),
        counts_app,
        out=np.full(n_apps, np.nan),
        where=counts_app > 0,
    )
    if m == 0:
        return Calibration(
            raw_mean.copy(),
            np.zeros(n_experts),
            raw_mean,
            np.zeros(n_apps, int),
            np.zeros(n_experts, int),
            counts_exp,
            0.0,
        )
    rows = np.repeat(np.arange(m), 2)
    cols = np.column_stack((app, n_apps + expert)).ravel()
    design = csr_matrix((np.ones(2 * m), (rows, cols)), shape=(m, n_apps + n_experts))
    # Centre the scores first so that the minimum-norm solution does not smear the grand mean.
    centre = float(score.mean())
    # LSQR's work is vector norms and sparse products: single-threaded BLAS is faster than threads that spin
    # against other processes on a busy machine (measured 10x).
    with threadpool_limits(limits=1):
        solution = lsqr(design, score - centre, atol=1e-10, btol=1e-10, iter_lim=10_000)[0]
    a, b = solution[:n_apps], solution[n_apps:]
    graph = coo_matrix((np.ones(m), (app, n_apps + expert)), shape=(n_apps + n_experts,) * 2)
    _n, labels = connected_components(graph, directed=False)
    app_comp, exp_comp = labels[:n_apps], labels[n_apps:]
    present = counts_exp > 0
    sums = np.bincount(exp_comp[present], weights=b[present], minlength=_n)
    sizes = np.bincount(exp_comp[present], minlength=_n)
    shift = np.divide(sums, sizes, out=np.zeros(_n), where=sizes > 0)
    b = np.where(present, b - shift[exp_comp], 0.0)
    a = np.where(counts_app > 0, a + shift[app_comp] + centre, np.nan)
    fitted = a[app] + b[expert]
    dof = max(1, m - int((counts_app > 0).sum()) - int(present.sum()) + _n)
    residual_sd = float(np.sqrt(((score - fitted) ** 2).sum() / dof))
    return Calibration(a, b, raw_mean, app_comp, exp_comp, counts_exp, residual_sd)

"""An assignment round as arrays: who may review what, at which affinity, within which loads.

Nothing here touches Django: the service layer turns applications, experts and conflicts into a ``Round``, the
solver turns a ``Round`` into chosen (application, expert) pairs, and the benchmark drives the same code with
generated data.

Affinities are floats in [0, 1]; the solver works on integers ``q = round(affinity * SCALE)`` so that the flow
solver is exact and two solvers agree to the unit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

SCALE = 1_000_000


def quantise(affinity: np.ndarray) -> np.ndarray:
    """Affinities in [0, 1] as integers 0..SCALE."""
    return np.rint(np.clip(np.asarray(affinity, dtype=np.float64), 0.0, 1.0) * SCALE).astype(np.int64)


@dataclass
class Pairs:
    """Candidate (application, expert) pairs with integer affinity; conflicted pairs are simply absent."""

    app: np.ndarray  # int64
    expert: np.ndarray  # int64
    q: np.ndarray  # int64, 0..SCALE

    def __len__(self) -> int:
        return int(self.app.shape[0])

    def take(self, index: np.ndarray) -> Pairs:
        return Pairs(self.app[index], self.expert[index], self.q[index])

    @staticmethod
    def concat(parts: list[Pairs]) -> Pairs:
        return Pairs(
            np.concatenate([p.app for p in parts]),
            np.concatenate([p.expert for p in parts]),
            np.concatenate([p.q for p in parts]),
        )


class Candidates:
    """Where the candidate pairs come from: a list of pairs (sparse) or a full matrix (dense).

    The solver asks for each application's best ``m`` candidates, for every candidate whose reduced cost is
    negative under given node potentials (to certify or extend a pruned problem), and for all of them.
    """

    n_apps: int
    n_experts: int

    def count_per_app(self) -> np.ndarray:
        raise NotImplementedError

    def count_per_expert(self) -> np.ndarray:
        raise NotImplementedError

    def all(self) -> Pairs:
        raise NotImplementedError

    def top(self, m: int, *, regional_mask_fn=None, m_regional: int = 0) -> Pairs:
        raise NotImplementedError

    def violations(self, tail_potential_fn, expert_potential: np.ndarray, present_fn) -> Pairs:
        raise NotImplementedError

    def at_least(self, q_min: int) -> Pairs:
        raise NotImplementedError


class SparseCandidates(Candidates):
    """Candidates given as pair arrays (only pairs with a positive affinity, or any chosen subset)."""

    def __init__(self, n_apps: int, n_experts: int, app, expert, affinity=None, *, q=None):
        self.n_apps, self.n_experts = int(n_apps), int(n_experts)
        app = np.asarray(app, dtype=np.int64)
        expert = np.asarray(expert, dtype=np.int64)
        q = quantise(affinity) if q is None else np.asarray(q, dtype=np.int64)
        # Sort by application, best affinity first: top-m is then a rank test, and ties break by expert index.
        order = np.argsort(app * np.int64(SCALE + 1) + (np.int64(SCALE) - q), kind="stable")
        self.pairs = Pairs(app[order], expert[order], q[order])
        counts = np.bincount(self.pairs.app, minlength=self.n_apps)
        self._app_counts = counts
        starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
        self._rank = np.arange(len(self.pairs)) - np.repeat(starts, counts)

    def count_per_app(self) -> np.ndarray:
        return self._app_counts

    def count_per_expert(self) -> np.ndarray:
        return np.bincount(self.pairs.expert, minlength=self.n_experts)

    def all(self) -> Pairs:
        return self.pairs

    def top(self, m: int, *, regional_mask_fn=None, m_regional: int = 0) -> Pairs:
        keep = self._rank < m
        if regional_mask_fn is not None and m_regional > 0:
            regional = regional_mask_fn(self.pairs.app, self.pairs.expert)
            # Rank among the application's regional candidates (the array is sorted by app, best first).
            idx = np.flatnonzero(regional)
            apps = self.pairs.app[idx]
            first = np.concatenate(([True], apps[1:] != apps[:-1]))
            group_start = np.maximum.accumulate(np.where(first, np.arange(idx.size), 0))
            regional_rank = np.arange(idx.size) - group_start
            keep[idx[regional_rank < m_regional]] = True
        return self.pairs.take(np.flatnonzero(keep))

    def violations(self, tail_potential_fn, expert_potential, present_fn) -> Pairs:
        p = self.pairs
        reduced = (np.int64(SCALE) - p.q) + tail_potential_fn(p.app, p.expert) - expert_potential[p.expert]
        idx = np.flatnonzero(reduced < 0)
        if idx.size:
            idx = idx[~present_fn(p.app[idx], p.expert[idx])]
        return p.take(idx)

    def at_least(self, q_min: int) -> Pairs:
        return self.pairs.take(np.flatnonzero(self.pairs.q >= q_min))


class DenseCandidates(Candidates):
    """Every pair has an affinity (an ``n_apps × n_experts`` matrix); ``forbidden`` marks conflicted pairs."""

    def __init__(self, affinity: np.ndarray, forbidden: np.ndarray | None = None):
        self.n_apps, self.n_experts = affinity.shape
        # int32 halves the memory of the matrix; SCALE fits easily.
        self.q = quantise(affinity).astype(np.int32)
        self.forbidden = np.zeros(affinity.shape, dtype=bool) if forbidden is None else forbidden.astype(bool)
        self._masked = np.where(self.forbidden, np.int32(-1), self.q)

    def count_per_app(self) -> np.ndarray:
        return self.n_experts - self.forbidden.sum(axis=1)

    def count_per_expert(self) -> np.ndarray:
        return self.n_apps - self.forbidden.sum(axis=0)

    def all(self) -> Pairs:
        app, expert = np.nonzero(~self.forbidden)
        return Pairs(app.astype(np.int64), expert.astype(np.int64), self.q[app, expert].astype(np.int64))

    def top(self, m: int, *, regional_mask_fn=None, m_regional: int = 0) -> Pairs:
        m = min(m, self.n_experts)
        part = np.argpartition(-self._masked, m - 1, axis=1)[:, :m]
        app = np.repeat(np.arange(self.n_apps), m)
        expert = part.ravel()
        parts = [(app, expert)]
        if regional_mask_fn is not None and m_regional > 0:
            all_apps = np.arange(self.n_apps)[:, None]
            regional = regional_mask_fn(all_apps, np.arange(self.n_experts)[None, :])
            masked = np.where(regional, self._masked, -1)
            mr = min(m_regional, self.n_experts)
            part_r = np.argpartition(-masked, mr - 1, axis=1)[:, :mr]
            app_r = np.repeat(np.arange(self.n_apps), mr)
            exp_r = part_r.ravel()
            ok = masked[app_r, exp_r] >= 0
            parts.append((app_r[ok], exp_r[ok]))
        app = np.concatenate([a for a, _ in parts])
        expert = np.concatenate([e for _, e in parts])
        key = np.unique(app * self.n_experts + expert)
        app, expert = key // self.n_experts, key % self.n_experts
        ok = ~self.forbidden[app, expert]
        app, expert = app[ok], expert[ok]
        return Pairs(app.astype(np.int64), expert.astype(np.int64), self.q[app, expert].astype(np.int64))

    def violations(self, tail_potential_fn, expert_potential, present_fn) -> Pairs:
        found_app, found_exp = [], []
        # Row blocks keep the temporary matrices small.
        block = max(1, 4_000_000 // max(1, self.n_experts))
        experts = np.arange(self.n_experts)
        for start in range(0, self.n_apps, block):
            rows = np.arange(start, min(self.n_apps, start + block))
            tail = tail_potential_fn(rows[:, None], experts[None, :])
            reduced = (np.int64(SCALE) - self.q[rows]) + tail - expert_potential[None, :]
            reduced[self.forbidden[rows]] = 0
            a, e = np.nonzero(reduced < 0)
            found_app.append(rows[a])
            found_exp.append(e)
        app = np.concatenate(found_app).astype(np.int64)
        expert = np.concatenate(found_exp).astype(np.int64)
        if app.size:
            keep = ~present_fn(app, expert)
            app, expert = app[keep], expert[keep]
        return Pairs(app, expert, self.q[app, expert].astype(np.int64))

    def at_least(self, q_min: int) -> Pairs:
        app, expert = np.nonzero((self.q >= q_min) & ~self.forbidden)
        return Pairs(app.astype(np.int64), expert.astype(np.int64), self.q[app, expert].astype(np.int64))


@dataclass
class Round:
    """One assignment problem: ``k`` experts per application, per-expert loads, candidates, regions."""

    n_apps: int
    n_experts: int
    k: int
    candidates: Candidates
    max_load: np.ndarray
    min_load: np.ndarray = field(default=None)  # type: ignore[assignment]
    # Optional regions (integer codes, -1 = unknown); with ``require_regional`` each application needs at
    # least one expert from its own region.
    app_region: np.ndarray | None = None
    expert_region: np.ndarray | None = None
    require_regional: bool = False

    def __post_init__(self):
        self.max_load = np.asarray(self.max_load, dtype=np.int64)
        if self.min_load is None:
            self.min_load = np.zeros(self.n_experts, dtype=np.int64)
        self.min_load = np.asarray(self.min_load, dtype=np.int64)
        if self.require_regional and (self.app_region is None or self.expert_region is None):
            raise ValueError("The regional rule needs the regions of applications and experts.")

    def regional_mask(self, app: np.ndarray, expert: np.ndarray) -> np.ndarray:
        """Whether expert and application share a (known) region, broadcasting like NumPy."""
        ar = self.app_region[app]
        return (ar >= 0) & (ar == self.expert_region[expert])

"""The sector view: influence metrics over the whole registry's network of ties, so a centre sees its place.

Edges between organisations come from every source installed:
* people: two organisations that share a person through current registry ties (staff, leaders, boards, founders,
  advisory members) are linked both ways;
* partnerships and board/advisory seats: ``resurs.cooperation.selectors.partnership_edges()`` and
  ``governance_edges()`` (tuples starting with two organisation ids, counted both ways), when present;
* grants and services: ``resurs.grants.selectors.grant_edges()`` (funder → grantee) and
  ``resurs.learning.selectors.service_edges()`` (centre → served organisation), when present.
Sibling apps are looked up at run time (import-linter forbids static imports between them), and the page says
which sources were missing.
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext_lazy as _

from resurs.registry.models import Organisation, Tie
from resurs.research.network import (
    graph_from_edges,
    in_degree,
    pagerank,
    percentile_of,
    rank_of,
    weak_components,
)

SOURCE_LABELS = {
    "people": _("shared people (registry ties)"),
    "partnerships": _("partnerships"),
    "governance": _("board and advisory seats"),
    "grants": _("grants"),
    "services": _("services of centres"),
}
# (source, module, function, symmetric): each function yields tuples whose first two items are organisation ids;
# symmetric ties (a partnership, a shared board seat) count in both directions.
OPTIONAL_SOURCES = [
    ("partnerships", "resurs.cooperation.selectors", "partnership_edges", True),
    ("governance", "resurs.cooperation.selectors", "governance_edges", True),
    ("grants", "resurs.grants.selectors", "grant_edges", False),
    ("services", "resurs.learning.selectors", "service_edges", False),
]


@dataclass
class SectorNetwork:
    org_ids: np.ndarray
    in_degree: np.ndarray
    pagerank: np.ndarray
    components: int
    component_of: np.ndarray
    edges: int
    sources: dict[str, int] = field(default_factory=dict)  # source → edges contributed
    missing: list[str] = field(default_factory=list)

    def source_lines(self) -> list[tuple[str, int]]:
        return [(str(SOURCE_LABELS.get(name, name)), count) for name, count in self.sources.items()]

    def missing_labels(self) -> list[str]:
        return [str(SOURCE_LABELS.get(name, name)) for name in self.missing]

    def index_of(self, org_id: int) -> int | None:
        position = int(np.searchsorted(self.org_ids, org_id))
        if position < len(self.org_ids) and self.org_ids[position] == org_id:
            return position
        return None

    def place(self, org_id: int) -> dict | None:
        index = self.index_of(org_id)
        if index is None:
            return None
        return {
            "rank": rank_of(self.pagerank, index),
            "of": len(self.org_ids),
            "percentile": percentile_of(self.pagerank, index),
            "pagerank": float(self.pagerank[index]),
            "in_degree": int(self.in_degree[index]),
            "component_size": int(np.count_nonzero(self.component_of == self.component_of[index])),
        }

    def top(self, n: int = 20) -> list[tuple[int, float, int]]:
        order = np.argsort(-self.pagerank, kind="stable")[:n]
        return [(int(self.org_ids[i]), float(self.pagerank[i]), int(self.in_degree[i])) for i in order]


TOPIC = "sector-network"
# Everything the sector network is built from: services that write any of it call
# ``precomputed.data_changed(SECTOR_TOPIC)`` (registry ties, partnerships and seats, awards, enrolments...).
SECTOR_TOPIC = TOPIC


@dataclass
class SectorSummary:
    """What the sector page shows, precomputed: totals, the most central organisations, and the place of every
    centre's organisation (a network of 250,000 organisations takes tens of seconds to compute)."""

    nodes: int
    edges: int
    components: int
    sources: dict[str, int]
    missing: list[str]
    top: list[tuple[int, float, int]]
    places: dict[int, dict]
    computed_at: dt.datetime

    def source_lines(self) -> list[tuple[str, int]]:
        return [(str(SOURCE_LABELS.get(name, name)), count) for name, count in self.sources.items()]

    def missing_labels(self) -> list[str]:
        return [str(SOURCE_LABELS.get(name, name)) for name in self.missing]


def sector_summary(*, progress=None, today: dt.date | None = None) -> SectorSummary:
    """Compute the sector network and keep what the page needs (run by ``core.tasks.precompute_task``)."""
    from django.utils import timezone

    from resurs.registry.models import Centre

    def step(done, message=""):
        if progress is not None:
            progress(done, 3, message)

    step(0, str(_("Reading the ties")))
    network = sector_network(today=today, progress=lambda message: step(1, message))
    step(2, str(_("Ranking the organisations")))
    centre_orgs = list(Centre.objects.values_list("organisation_id", flat=True))
    places = {org_id: place for org_id in centre_orgs if (place := network.place(org_id)) is not None}
    summary = SectorSummary(
        nodes=len(network.org_ids),
        edges=network.edges,
        components=network.components,
        sources=network.sources,
        missing=network.missing,
        top=network.top(20),
        places=places,
        computed_at=timezone.now(),
    )
    step(3)
    return summary


def _people_edges(today: dt.date) -> list[tuple[int, int]]:
    by_person: dict[int, set[int]] = defaultdict(set)
    ties = Tie.objects.exclude(ended_on__lt=today).values_list("person_id", "organisation_id")
    for person_id, organisation_id in ties.iterator(chunk_size=5000):
        by_person[person_id].add(organisation_id)
    edges = []
    for organisations in by_person.values():
        if 1 < len(organisations) <= 50:  # a person in very many bodies is a registry artefact, not a tie
            ordered = sorted(organisations)
            edges.extend((a, b) for a in ordered for b in ordered if a != b)
    return edges


def sector_network(*, today: dt.date | None = None, progress=None) -> SectorNetwork:
    today = today or dt.date.today()
    sources: dict[str, list[tuple[int, int]]] = {"people": _people_edges(today)}
    if progress is not None:
        progress(str(_("Reading partnerships, grants and services")))
    missing = []
    for name, module_name, function, symmetric in OPTIONAL_SOURCES:
        try:
            provider = getattr(importlib.import_module(module_name), function)
        except (ImportError, AttributeError):
            missing.append(name)
            continue
        edges = []
        for row in provider():
            a, b = int(row[0]), int(row[1])
            if a != b:
                edges.append((a, b))
                if symmetric:
                    edges.append((b, a))
        sources[name] = edges
    org_ids = np.array(sorted(Organisation.objects.values_list("pk", flat=True)), dtype=np.int64)
    all_edges = [e for edges in sources.values() for e in edges]
    if all_edges:
        pairs = np.array(all_edges, dtype=np.int64)
        src = np.searchsorted(org_ids, pairs[:, 0])
        dst = np.searchsorted(org_ids, pairs[:, 1])
        keep = (src < len(org_ids)) & (dst < len(org_ids))
        keep &= (org_ids[np.minimum(src, len(org_ids) - 1)] == pairs[:, 0]) & (
            org_ids[np.minimum(dst, len(org_ids) - 1)] == pairs[:, 1]
        )
        src, dst = src[keep], dst[keep]
    else:
        src = dst = np.zeros(0, dtype=np.int64)
    graph = graph_from_edges(src, dst, len(org_ids))
    count, labels = weak_components(graph)
    return SectorNetwork(
        org_ids=org_ids,
        in_degree=in_degree(graph),
        pagerank=pagerank(graph, max_iter=200) if len(org_ids) else np.zeros(0),
        components=count,
        component_of=labels,
        edges=graph.edge_count,
        sources={name: len(edges) for name, edges in sources.items()},
        missing=missing,
    )

"""Analysis of nominations: counts and rankings (with and without self- and partner-nominations, by respondent
category), their stability, the nomination network and the characteristics of the nominated set.

Functions here take plain rows, not querysets, so that tests can check them against hand-computed small cases;
``selectors.nomination_rows`` builds the rows from the database.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

MOSCOW, ST_PETERSBURG = "77", "78"
OLD_AGE_YEARS = 20
BOOTSTRAP_SAMPLES = 500
BOOTSTRAP_SEED = 20261126


@dataclass(frozen=True)
class NominationRow:
    """One confirmed, matched nomination."""

    respondent_id: int
    respondent_org_id: int | None
    category: str
    org_id: int
    areas: tuple[str, ...] = ()
    is_self: bool = False
    is_partner: bool = False


@dataclass
class RankedOrganisation:
    org_id: int
    count: int  # respondents who named it
    rank: int  # competition rank (1, 2, 2, 4...)
    share: float  # of respondents who named anyone
    loo_range: tuple[int, int] | None = None
    bootstrap_interval: tuple[int, int] | None = None
    extra: dict = field(default_factory=dict)


def filter_rows(
    rows: Iterable[NominationRow],
    *,
    exclude_self: bool = False,
    exclude_partners: bool = False,
    category: str | None = None,
) -> list[NominationRow]:
    return [
        r
        for r in rows
        if not (exclude_self and r.is_self)
        and not (exclude_partners and r.is_partner)
        and (category is None or r.category == category)
    ]


def competition_ranks(counts: np.ndarray) -> np.ndarray:
    """1 + the number of strictly larger values, for every position (ties share a rank)."""
    ordered = np.sort(counts)[::-1]
    # position of the first value equal to each count in the descending order = number of larger values
    return np.searchsorted(-ordered, -counts, side="left") + 1


def _matrix(rows: Sequence[NominationRow]) -> tuple[list[int], list[int], np.ndarray]:
    respondents = sorted({r.respondent_id for r in rows})
    orgs = sorted({r.org_id for r in rows})
    r_index = {rid: i for i, rid in enumerate(respondents)}
    o_index = {oid: j for j, oid in enumerate(orgs)}
    matrix = np.zeros((len(respondents), len(orgs)), dtype=np.int32)
    for row in rows:
        matrix[r_index[row.respondent_id], o_index[row.org_id]] = 1
    return respondents, orgs, matrix


def ranking(
    rows: Sequence[NominationRow],
    *,
    stability: bool = False,
    samples: int = BOOTSTRAP_SAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> list[RankedOrganisation]:
    """Organisations by the number of respondents who named them. With ``stability``: the range of ranks when each
    respondent in turn is left out, and a 95% bootstrap interval of the rank over resampled respondents."""
    respondents, orgs, matrix = _matrix(rows)
    if not orgs:
        return []
    counts = matrix.sum(axis=0)
    ranks = competition_ranks(counts)
    result = [
        RankedOrganisation(
            org_id=oid, count=int(counts[j]), rank=int(ranks[j]), share=counts[j] / len(respondents)
        )
        for j, oid in enumerate(orgs)
    ]
    if stability and len(respondents) > 1:
        loo = np.array([competition_ranks(counts - matrix[i]) for i in range(len(respondents))])
        rng = np.random.default_rng(seed)
        weights = rng.multinomial(len(respondents), [1 / len(respondents)] * len(respondents), size=samples)
        boot = np.array([competition_ranks(c) for c in weights @ matrix])
        low, high = np.percentile(boot, [2.5, 97.5], axis=0, method="nearest")
        for j, item in enumerate(result):
            item.loo_range = (int(loo[:, j].min()), int(loo[:, j].max()))
            item.bootstrap_interval = (int(low[j]), int(high[j]))
    result.sort(key=lambda item: (item.rank, item.org_id))
    return result


def areas_by_category(rows: Iterable[NominationRow]) -> dict[str, Counter]:
    """For each respondent category, how often each area of impact was named."""
    table: dict[str, Counter] = defaultdict(Counter)
    for row in rows:
        table[row.category].update(row.areas)
    return dict(table)


# --- The nomination network -------------------------------------------------------------------------------


def nomination_graph(rows: Iterable[NominationRow]):
    """Directed graph respondent's organisation → nominated organisation, weight = number of nominations.
    Respondents without an organisation of their own appear as the node ``-respondent_id``."""
    import networkx as nx

    graph = nx.DiGraph()
    for row in rows:
        source = row.respondent_org_id if row.respondent_org_id is not None else -row.respondent_id
        if graph.has_edge(source, row.org_id):
            graph[source][row.org_id]["weight"] += 1
        else:
            graph.add_edge(source, row.org_id, weight=1)
    return graph


@dataclass(frozen=True)
class NodeMetrics:
    in_degree: int
    pagerank: float
    community: int


def network_metrics(graph) -> dict:
    """In-degree (distinct nominating organisations), weighted PageRank and modularity communities."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return {}
    pagerank = nx.pagerank(graph, alpha=0.85, weight="weight")
    communities = nx.community.greedy_modularity_communities(graph.to_undirected(), weight="weight")
    community_of = {}
    for index, members in enumerate(sorted(communities, key=lambda c: (-len(c), sorted(map(str, c))))):
        for node in members:
            community_of[node] = index
    return {
        node: NodeMetrics(
            in_degree=graph.in_degree(node), pagerank=pagerank[node], community=community_of[node]
        )
        for node in graph.nodes
    }


# --- Characteristics of the nominated set -----------------------------------------------------------------


@dataclass(frozen=True)
class OrgFacts:
    org_id: int
    founded_on: dt.date | None
    region_code: str | None
    region_name: str
    district_name: str


@dataclass(frozen=True)
class Characteristics:
    total: int
    known_age: int
    over_20: int
    moscow: int
    st_petersburg: int
    elsewhere: int
    no_region: int
    by_region: list[tuple[str, int]]
    by_district: list[tuple[str, int]]
    by_region_code: dict[str, int] = field(default_factory=dict)
    as_of: dt.date | None = None  # the reference date the ages are computed for

    @property
    def over_20_percent(self) -> float:
        return 100.0 * self.over_20 / self.total if self.total else 0.0

    @property
    def capitals_percent(self) -> float:
        return 100.0 * (self.moscow + self.st_petersburg) / self.total if self.total else 0.0


def _age(founded: dt.date, today: dt.date) -> int:
    return today.year - founded.year - ((today.month, today.day) < (founded.month, founded.day))


def characteristics(facts: Sequence[OrgFacts], *, today: dt.date) -> Characteristics:
    """Age, city and geography of the nominated organisations. Ages are computed for ``today``, the study's
    reference date (its fieldwork end), never the day of viewing: a published report does not change with the
    calendar. Shares are of all nominated organisations, so an unknown founding date never counts as 'over 20
    years'."""
    known = [f for f in facts if f.founded_on]
    regions = Counter(f.region_name for f in facts if f.region_code)
    districts = Counter(f.district_name for f in facts if f.region_code)
    return Characteristics(
        total=len(facts),
        known_age=len(known),
        over_20=sum(1 for f in known if _age(f.founded_on, today) > OLD_AGE_YEARS),
        moscow=sum(1 for f in facts if f.region_code == MOSCOW),
        st_petersburg=sum(1 for f in facts if f.region_code == ST_PETERSBURG),
        elsewhere=sum(1 for f in facts if f.region_code and f.region_code not in (MOSCOW, ST_PETERSBURG)),
        no_region=sum(1 for f in facts if not f.region_code),
        by_region=sorted(regions.items(), key=lambda kv: (-kv[1], kv[0])),
        by_district=sorted(districts.items(), key=lambda kv: (-kv[1], kv[0])),
        by_region_code=dict(Counter(f.region_code for f in facts if f.region_code)),
        as_of=today,
    )

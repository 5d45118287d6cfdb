"""Registry at national scale (issue 3): import throughput, search latency, facets and the list page, against the
naive way in the same run.

It creates its own PostgreSQL database (``resurs_bench_registry`` on the server of ``DATABASE_URL``), migrates it,
generates organisations whose names, activities and addresses are drawn from the real EGRUL sample (so word
frequencies are realistic), imports them through the import service the page and the command use, then runs at
least 200 mixed queries (exact name, typo, INN, field + region filter, free text, single common word) through the
list page's own filter and search code, alternating naive baseline and ours (each of ours three times in a row,
counted by its median; the first runs reported as well). The database is dropped at the end.

"Ours" is what the page does: the count (exact, or for a result the planner expects to exceed
``registry.search.LARGE_RESULTS``, estimated from a sample of the table's pages) and the first 20 rows; then the
facets (from the same sample when the count was estimated). Estimates are checked against exact counts: the total
within four standard errors of the sample, each facet's share within four standard errors of a proportion.

    python bench/registry.py [--scale small|full] [--keep] [--reuse]

``--keep`` leaves the database in place; ``--reuse`` then runs the queries against it again without importing
(the same seed gives the same file and queries; the import figures are left out of that report).

Progress goes to standard error; the last line of standard output is one JSON object.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import re
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALES = {"full": 250_000, "small": 20_000}
BENCH_DB = "resurs_bench_registry"  # prefixed with the name of DATABASE_URL's database (see ``bench_db``)
SEED = 20261126
SAMPLE = "registry_sample/ngo_egrul_2022_jul.csv"
NAIVE_FACETS_EVERY = 5
# Each of our queries (and list pages) runs this many times in a row and counts with its median: a shared
# machine stalls now and then (an INN lookup of 0.1 ms measured 75 ms once), and one stall per query would
# decide the p95. The first runs are reported too (``*_first_run``). The naive baseline, at ~0.7 s a query,
# runs once.
REPEAT = 3


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def bench_db(url: str) -> str:
    """The bench's own database, named after the developer's (several may run benches on one server)."""
    name = url.rsplit("/", 1)[-1]
    return f"{name}_bench_registry" if name and name != "postgres" else BENCH_DB


def admin_connection(url: str):
    import psycopg

    base = re.sub(r"/[^/]*$", "/postgres", url)
    return psycopg.connect(base, autocommit=True)


def setup_database(url: str) -> None:
    """Create the bench database, point Django at it and migrate it."""
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {bench_db(url)} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {bench_db(url)}")
    use_database(url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def use_database(url: str) -> None:
    """Point Django at the bench database."""
    os.environ["DATABASE_URL"] = re.sub(r"/[^/]*$", f"/{bench_db(url)}", url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {bench_db(url)} WITH (FORCE)")


# --- data --------------------------------------------------------------------------------------------------------


def load_sample(shared: Path) -> list[dict[str, str]]:
    with open(shared / SAMPLE, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def split_name(full_name: str) -> tuple[str, str]:
    """("АВТОНОМНАЯ НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ", "ЦЕНТР РАЗВИТИЯ ...") — legal-form words and the proper part."""
    match = re.match(r'^([^"«]+?)\s*["«](.+?)["»]*$', full_name)
    if match:
        return match.group(1).strip(), match.group(2).strip().strip('"»')
    words = full_name.split()
    return " ".join(words[:3]), " ".join(words[3:]) or full_name


def generate_file(path: Path, rows: int, sample: list[dict[str, str]], rng: random.Random) -> list[dict]:
    """A CSV in the EGRUL-extract layout with ``rows`` organisations; returns their key facts for the queries."""
    from resurs.registry.validators import complete_inn10, complete_ogrn

    prefixes, proper_words = [], []
    for row in sample:
        prefix, proper = split_name(row["full_name"])
        prefixes.append(prefix)
        proper_words.extend(word for word in re.split(r"\s+", proper) if word)
    okveds = [(row["okved_code"], row["okved"]) for row in sample if row["okved_code"]]
    places = [(row["region"], row["address_x"]) for row in sample if row["region"]]
    header = ["full_name", "short_name", "ogrn", "inn", "region", "address_x", "reg_date", "liq_date"]
    header += ["status_x", "okved_code", "okved", "okopf_code", "website", "description"]
    facts = []
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for number in range(rows):
            template = sample[rng.randrange(len(sample))]
            prefix = prefixes[rng.randrange(len(prefixes))]
            proper = " ".join(rng.choice(proper_words) for _ in range(rng.choice((1, 1, 2, 2, 3, 4))))
            full_name = f'{prefix} "{proper}"'
            region, address = places[rng.randrange(len(places))]
            okved_code, okved = okveds[rng.randrange(len(okveds))]
            inn = complete_inn10(f"{rng.randint(1, 89):02d}{number:07d}")
            ogrn = complete_ogrn(f"1{rng.randint(2, 22):02d}{rng.randint(1, 89):02d}{number:07d}")
            year = rng.randint(1992, 2024)
            description = f"{okved}. {proper.capitalize()}: {address}."
            writer.writerow(
                [
                    full_name,
                    f'{"".join(word[0] for word in prefix.split()).upper()} "{proper}"',
                    f"{ogrn}.0",
                    f"{inn}.0",
                    region,
                    address,
                    f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "",
                    "Действующая",
                    okved_code,
                    okved,
                    template["okopf_code"],
                    "",
                    description,
                ]
            )
            facts.append({"name": full_name, "proper": proper, "inn": inn, "region": region})
    return facts


def typo(word: str, rng: random.Random) -> str:
    letters = "абвгдеиклмнопрстуя"
    position = rng.randrange(1, len(word) - 1)
    return (
        word[:position]
        + rng.choice([c for c in letters if c != word[position].lower()])
        + word[position + 1 :]
    )


def build_queries(facts: list[dict], rng: random.Random, count: int) -> list[dict]:
    """Mixed queries with what each must find: exact names, one-letter typos, INNs, field + region filters,
    free text, single common words."""
    from resurs.registry.models import Field, Region

    regions = list(Region.objects.values_list("pk", flat=True))
    fields = list(Field.objects.values_list("pk", flat=True))
    common = ["организация", "фонд", "центр", "учреждение", "образования", "автономная", "развития", "детей"]
    free = ["центр развития детей", "благотворительный фонд помощи", "школа английского языка",
            "дополнительного профессионального образования", "спортивный клуб", "культура и искусство",
            "автошкола вождения", "социальная помощь пожилым"]  # fmt: skip
    plan = ["exact"] * 25 + ["typo"] * 20 + ["inn"] * 15 + ["filter"] * 15 + ["free"] * 15 + ["common"] * 10
    queries = []
    for index in range(count):
        kind = plan[index % len(plan)]
        fact = facts[rng.randrange(len(facts))]
        if kind == "exact":
            queries.append({"kind": kind, "q": fact["name"], "expect_name": fact["name"]})
        elif kind == "typo":
            words = [w for w in re.findall(r"\w+", fact["proper"]) if len(w) >= 6]
            if not words:
                words = [w for w in re.findall(r"\w+", fact["name"]) if len(w) >= 6]
            word = rng.choice(words)
            queries.append(
                {
                    "kind": kind,
                    "q": fact["proper"].replace(word, typo(word, rng), 1),
                    "correct_q": fact["proper"],
                    "expect_name": fact["name"],
                }
            )
        elif kind == "inn":
            queries.append({"kind": kind, "q": fact["inn"], "expect_inn": fact["inn"]})
        elif kind == "filter":
            queries.append(
                {"kind": kind, "q": "", "region": rng.choice(regions), "field": rng.choice(fields)}
            )
        elif kind == "free":
            queries.append({"kind": kind, "q": rng.choice(free)})
        else:
            queries.append({"kind": kind, "q": rng.choice(common)})
    return queries


# --- typos of real names -----------------------------------------------------------------------------------------


def real_name_typos(sample: list[dict[str, str]]) -> dict:
    """Top-3 recall of the page's search on 240 realistic misspellings of real NGO names
    (``data/registry_sample/search_typos.csv``): the 3,999 real organisations are added among the generated ones
    (those whose OGRN or INN is not taken), and each misspelt query must bring its organisation into the first
    three rows of the list page's results."""
    from resurs.registry.evaluation import typo_recall
    from resurs.registry.imports.rows import References
    from resurs.registry.models import Organisation
    from resurs.registry.validators import normalise_identifier

    references = References()
    taken_inns = set(Organisation.objects.exclude(inn="").values_list("inn", flat=True))
    taken_ogrns = set(Organisation.objects.exclude(ogrn="").values_list("ogrn", flat=True))
    real = []
    for row in sample:
        inn, ogrn = normalise_identifier(row["inn"]), normalise_identifier(row["ogrn"])
        if inn in taken_inns or ogrn in taken_ogrns:
            continue
        taken_inns.add(inn)
        taken_ogrns.add(ogrn)
        real.append(
            Organisation(
                name=row["full_name"], inn=inn, ogrn=ogrn, region_id=references.region(row["region"])
            )
        )
    Organisation.objects.bulk_create(real, batch_size=1000)
    if real:
        # As after the main import: the 4,000 new rows sit in the full-text index's pending list (GIN fastupdate)
        # until a vacuum, and every search scans that list (~0.7 s a query here before this was done).
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE registry_organisation")
    times: list[float] = []

    def top(query: str) -> list[str]:
        elapsed, (_count, rows) = timed(lambda: page_results(page_queryset({"q": query})))
        times.append(elapsed)
        return [org.ogrn or "" for org in rows[:3]]

    figures = typo_recall(top)
    figures["p95_ms"] = round(percentile(times, 0.95), 2)
    log(f"typos of real names: top-3 recall {figures['recall']} (missed: {figures['missed'][:20]})")
    return figures


# --- the two ways ------------------------------------------------------------------------------------------------


def page_queryset(query: dict):
    """The list page's path: its FilterSet (which calls registry.search) over its selector."""
    data = {key: query[key] for key in ("q", "region", "field") if query.get(key)}
    try:
        from resurs.registry.filters import organisation_filter
        from resurs.registry.selectors import organisation_list

        return organisation_filter(data, organisation_list()).qs
    except ImportError:  # the list page's filter not there yet: the search module alone
        from resurs.registry.models import Organisation
        from resurs.registry.search import organisation_search

        queryset = Organisation.objects.select_related("region")
        if query.get("region"):
            queryset = queryset.filter(region=query["region"])
        if query.get("field"):
            queryset = queryset.filter(fields=query["field"])
        return organisation_search(queryset, query.get("q", ""))


def naive_queryset(query: dict):
    from resurs.registry.models import Organisation
    from resurs.registry.search import organisation_search_naive

    queryset = Organisation.objects.select_related("region")
    if query.get("region"):
        queryset = queryset.filter(region=query["region"])
    if query.get("field"):
        queryset = queryset.filter(fields=query["field"])
    return organisation_search_naive(queryset, query.get("q", "")).order_by("name", "pk")


def results(queryset) -> tuple[int, list]:
    """The naive results query of a page: exact total count and the first 20 rows."""
    return queryset.count(), list(queryset[:20])


def page_results(queryset):
    """The page's results query: the first 20 rows and the count (exact, from the same query, or estimated from a
    sample for a very large result)."""
    from resurs.registry.search import organisation_page
    from resurs.registry.selectors import organisation_rows

    return organisation_page(organisation_rows(queryset), offset=0, limit=20)


def by_kind(queries: list[dict], times: list[float], share: float) -> dict[str, float]:
    """A percentile of ``times`` per kind of query (where the tail comes from)."""
    kinds: dict[str, list[float]] = {}
    for query, elapsed in zip(queries, times, strict=True):
        kinds.setdefault(query["kind"], []).append(elapsed)
    return {kind: round(percentile(values, share), 1) for kind, values in kinds.items()}


def timed(function, *args):
    start = time.perf_counter()
    value = function(*args)
    return (time.perf_counter() - start) * 1000, value


def facets_error(ours: dict, naive: dict, estimated_total: int, total: int) -> float:
    """The largest difference between a facet's share of an estimated result and its exact share, in share
    points (0.01: one percentage point)."""
    worst = 0.0
    for key, column in (("kind", "kind"), ("region", "region"), ("federal_district", "region__federal_district"),
                        ("field", "fields")):  # fmt: skip
        exact = {row[column]: row["count"] / max(total, 1) for row in naive[key]}
        estimated = {row[column]: row["count"] / max(estimated_total, 1) for row in ours[key]}
        for value in set(exact) | set(estimated):
            worst = max(worst, abs(estimated.get(value, 0) - exact.get(value, 0)))
    return worst


def facets_equal(ours: dict, naive: dict) -> bool:
    def counts(rows, key):
        return {row[key]: row["count"] for row in rows if row[key] is not None or key != "fields"}

    return (
        counts(ours["kind"], "kind") == counts(naive["kind"], "kind")
        and counts(ours["region"], "region") == counts(naive["region"], "region")
        and counts(ours["federal_district"], "region__federal_district")
        == counts(naive["federal_district"], "region__federal_district")
        and counts(ours["field"], "fields") == counts(naive["field"], "fields")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default=os.environ.get("BENCH_SCALE", "full"))
    parser.add_argument("--queries", type=int, default=240)
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    parser.add_argument(
        "--reuse", action="store_true", help="Query the database kept by --keep without importing again."
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/registry.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    rows = SCALES[args.scale]
    rng = random.Random(SEED)
    if args.reuse:
        log(f"reusing {bench_db(url)}…")
        use_database(url)
    else:
        log(f"creating {bench_db(url)} and migrating…")
        setup_database(url)
    try:
        report = run(rows, args.queries, rng, reuse=args.reuse)
    finally:
        if not (args.keep or args.reuse):
            drop_database(url)
    print(json.dumps(report, ensure_ascii=False))


def run(rows: int, query_count: int, rng: random.Random, *, reuse: bool = False) -> dict:
    from django.conf import settings
    from django.core.files import File
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from resurs.accounts.models import User
    from resurs.registry.imports.service import import_batch_configure, import_batch_create, import_batch_run
    from resurs.registry.models import Organisation
    from resurs.registry.search import organisation_facets, organisation_facets_naive

    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bench-registry-"))
    # The import stores its file in the private storage (resurs/core/files.py): a temporary folder here too.
    from django.test.utils import override_settings

    private = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(settings.MEDIA_ROOT / "private")},
    }
    override_settings(STORAGES={**settings.STORAGES, "private": private}).enable()
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    sample = load_sample(Path(settings.DATA_DIR))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "organisations.csv"
        log(f"generating {rows} organisations from {len(sample)} real ones…")
        facts = generate_file(path, rows, sample, rng)
        if reuse:
            counts, import_s = None, None
        else:
            with open(path, "rb") as handle:
                batch = import_batch_create(
                    upload=File(handle), file_name=path.name, enforce_size_limit=False
                )
            batch = import_batch_configure(
                batch=batch, columns={**batch.columns, "description": ["description"]}
            )
            log("importing…")
            start = time.perf_counter()
            counts = import_batch_run(batch, progress=lambda done, total: None)
            import_s = time.perf_counter() - start
            log(f"imported {counts.as_dict()} in {import_s:.1f} s")
    with connection.cursor() as cursor:  # what autovacuum does after a bulk load, done now rather than later
        cursor.execute("VACUUM ANALYZE registry_organisation")
        cursor.execute("VACUUM ANALYZE registry_organisation_fields")
    queries = build_queries(facts, rng, query_count)
    # Warm both paths (caches, plans) on a few queries not counted.
    for query in queries[:10]:
        results(naive_queryset(query))
        page_results(page_queryset(query))
    ours_ms, ours_first_ms, naive_ms, facets_ms, naive_facets_ms = [], [], [], [], []
    checks = {"exact": [0, 0], "typo": [0, 0], "typo_where_spelt_right_finds": [0, 0], "inn": [0, 0]}
    facets_ok = True
    estimate_errors, facet_errors = [], []
    estimates_within_bounds = True
    log(f"running {len(queries)} queries (naive, then ours)…")
    for number, query in enumerate(queries, start=1):
        elapsed, (naive_total, _rows) = timed(lambda q=query: results(naive_queryset(q)))
        naive_ms.append(elapsed)
        # Building the queryset runs the search's own planning queries (estimates, typo correction): timed too.
        runs = []
        for _repetition in range(REPEAT):
            elapsed, (count, top) = timed(lambda q=query: page_results(page_queryset(q)))
            runs.append(elapsed)
        ours_ms.append(statistics.median(runs))
        ours_first_ms.append(runs[0])
        # The page counts first and takes its facets from the same count (and sample) afterwards.
        elapsed, our_facets = timed(partial(organisation_facets, page_queryset(query), count=count))
        facets_ms.append(elapsed)
        exact_total = count.value if count.exact else page_queryset(query).count()
        if not count.exact:
            # Sampling error bound: four standard errors for the matches the sample held.
            bound = 4 / math.sqrt(len(count.sample))
            estimate_errors.append(abs(count.value - exact_total) / exact_total)
            estimates_within_bounds = estimates_within_bounds and estimate_errors[-1] <= bound
        if (
            number % NAIVE_FACETS_EVERY == 0 or not count.exact
        ):  # the naive facets take seconds each: a sample
            elapsed, naive_facets = timed(organisation_facets_naive, page_queryset(query))
            naive_facets_ms.append(elapsed)
            if count.exact:
                facets_ok = facets_ok and facets_equal(our_facets, naive_facets)
            else:
                facet_errors.append(facets_error(our_facets, naive_facets, count.value, exact_total))
                estimates_within_bounds = estimates_within_bounds and facet_errors[-1] <= bound / 2
        if query["kind"] in ("exact", "typo"):
            checks[query["kind"]][1] += 1
            checks[query["kind"]][0] += any(org.name == query["expect_name"] for org in top)
        if query["kind"] == "typo":
            # Many proper names are one common word («СОЮЗ»): the organisation is then not among the first 20
            # even spelt right. Typo tolerance is judged against the correct spelling's own first 20.
            _count, spelt_right = page_results(page_queryset({"q": query["correct_q"]}))
            if any(org.name == query["expect_name"] for org in spelt_right):
                checks["typo_where_spelt_right_finds"][1] += 1
                checks["typo_where_spelt_right_finds"][0] += any(
                    org.name == query["expect_name"] for org in top
                )
        elif query["kind"] == "inn":
            checks["inn"][1] += 1
            checks["inn"][0] += exact_total == 1 and top[0].inn == query["expect_inn"]
        if number % 40 == 0:
            log(
                f"  {number}: ours p50 {statistics.median(ours_ms):.1f} ms, naive p50 {statistics.median(naive_ms):.1f} ms"
            )
    slowest = sorted(zip(ours_first_ms, queries, strict=True), key=lambda item: -item[0])[
        : max(1, len(queries) // 20)
    ]
    log(
        "slowest (the 5% above p95): "
        + "; ".join(f"{ms:.0f} ms {q['kind']} {q['q'][:60]!r}" for ms, q in slowest)
    )
    typos = real_name_typos(sample)
    user = User.objects.filter(username="bench").first() or User.objects.create_superuser(
        "bench", "bench@example.org", "bench-password"
    )
    client = Client()
    client.force_login(user)
    page_ms, page_first_ms, page_queries = [], [], []
    url = reverse("registry:organisation-list")
    for query in queries:
        params = {key: query[key] for key in ("q", "region", "field") if query.get(key)}
        runs = []
        for _repetition in range(REPEAT):
            connection.queries_log.clear()  # a bounded log: counting past its end would miscount
            with CaptureQueriesContext(connection) as captured:
                elapsed, response = timed(client.get, url, params)
            assert response.status_code == 200, response.status_code
            runs.append(elapsed)
        page_ms.append(statistics.median(runs))
        page_first_ms.append(runs[0])
        page_queries.append(len(captured))
    constraints_ok = (
        Organisation.objects.exclude(inn="").values("inn").distinct().count()
        == Organisation.objects.exclude(inn="").count()
    )
    recall = {kind: round(hit / total, 3) if total else None for kind, (hit, total) in checks.items()}
    return {
        "rows": rows,
        "nproc": os.cpu_count(),
        "import_rows_per_s": round(counts.total / import_s) if counts else None,
        "import_counts": counts.as_dict() if counts else None,
        "search_p50_ms": round(statistics.median(ours_ms), 2),
        "search_p95_ms": round(percentile(ours_ms, 0.95), 2),
        "search_p50_ms_first_run": round(statistics.median(ours_first_ms), 2),
        "search_p95_ms_first_run": round(percentile(ours_first_ms, 0.95), 2),
        "baseline_search_p50_ms": round(statistics.median(naive_ms), 2),
        "baseline_search_p95_ms": round(percentile(naive_ms, 0.95), 2),
        "search_speedup": round(statistics.median(naive_ms) / statistics.median(ours_ms), 1),
        "facets_p95_ms": round(percentile(facets_ms, 0.95), 2),
        "baseline_facets_p95_ms": round(percentile(naive_facets_ms, 0.95), 2),
        "baseline_facets_sampled": len(naive_facets_ms),
        "list_page_p95_ms": round(percentile(page_ms, 0.95), 2),
        "list_page_p95_ms_first_run": round(percentile(page_first_ms, 0.95), 2),
        "list_page_p50_ms": round(statistics.median(page_ms), 2),
        "list_page_max_queries": max(page_queries),
        "search_p95_ms_by_kind": by_kind(queries, ours_ms, 0.95),
        "list_page_p95_ms_by_kind": by_kind(queries, page_ms, 0.95),
        "queries": len(queries),
        "repetitions": REPEAT,
        "baseline_repetitions": 1,
        "recall": recall,
        "typo_top3_recall": typos["recall"],
        "typo_top3_recall_where_spelt_right_finds": typos["recall_where_spelt_right_finds"],
        "typo_spelt_right_top3": typos["spelt_right_finds"],
        "typo_queries": typos["queries"],
        "typo_top3_recall_by_kind": typos["recall_by_kind"],
        "typo_p95_ms": typos["p95_ms"],
        "estimated_results": len(estimate_errors),
        "estimate_max_rel_error": round(max(estimate_errors, default=0.0), 4),
        "estimate_median_rel_error": round(statistics.median(estimate_errors), 4) if estimate_errors else 0.0,
        "facet_estimate_max_error_points": round(100 * max(facet_errors, default=0.0), 2),
        "estimates_within_bounds": estimates_within_bounds,
        "correct": bool(
            facets_ok
            and estimates_within_bounds
            and constraints_ok
            and recall["inn"] == 1.0
            and recall["exact"] >= 0.95
            and (counts is None or counts.created + counts.rejected == rows)
        ),
        "facets_equal_baseline": facets_ok,
        "constraints_ok": constraints_ok,
    }


if __name__ == "__main__":
    main()

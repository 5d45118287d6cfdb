"""Duplicate finder (issue 16): precision and recall on the labelled pairs made from real NGO names, and a search of
the whole registry at national scale.

It creates its own PostgreSQL database (``<name of DATABASE_URL's database>_bench_dedup``), migrates it, and

1. measures precision and recall on ``data/registry_sample/dedup_labelled_pairs.csv`` (477 pairs, mixed with the
   real sample's other 3,500 organisations; see ``registry.evaluation.dedup_evaluation``);
2. imports 250,000 organisations generated from the real sample (``bench/registry.py``'s generator: real legal
   forms, proper-name words, regions; every one a distinct legal entity with its own valid OGRN and INN) through
   the import service, adds ``--copies`` hand-entered copies of some of them (no identifiers; a typo, the legal
   form abbreviated, other quotes), and runs the search the page and ``manage.py find_duplicates`` run
   (``duplicate_search_run``: read, compare, store), timing it. The baseline is the naive way in the same run:
   comparing every pair of records of one region, as the finder did before, timed on ``--naive-pairs`` random
   such pairs and scaled to all of them.

    python bench/dedup.py [--scale small|full] [--keep]

Progress goes to standard error; the last line of standard output is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.registry import generate_file, load_sample, log, typo  # noqa: E402

SCALES = {"full": 250_000, "small": 20_000}
SEED = 20261206


def database_name(url: str) -> str:
    return f"{url.rsplit('/', 1)[-1] or 'resurs'}_bench_dedup"


def setup(url: str, name: str) -> None:
    import psycopg

    admin = re.sub(r"/[^/]*$", "/postgres", url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    os.environ["DATABASE_URL"] = re.sub(r"/[^/]*$", f"/{name}", url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)


def drop(url: str, name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(re.sub(r"/[^/]*$", "/postgres", url), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def hand_entered(name: str, rng: random.Random) -> str:
    """A copy of a generated EGRUL-style name as a person might type it."""
    prefix, _quote, proper = name.partition('"')
    proper = proper.strip('"')
    words = proper.split()
    long_words = [i for i, word in enumerate(words) if len(word) >= 6]
    if long_words and rng.random() < 0.5:
        index = rng.choice(long_words)
        words[index] = typo(words[index].lower(), rng).upper()
    abbreviation = "".join(word[0] for word in prefix.split()).upper()
    return rng.choice([f"{abbreviation} «{' '.join(words).title()}»", f"{' '.join(words)}, {abbreviation}"])


def run(rows: int, copies: int, naive_pairs: int) -> dict:
    from django.conf import settings
    from django.core.files import File

    from resurs.registry.dedup import Vocabulary, _live_entries, compare, duplicate_search_run, region_words
    from resurs.registry.evaluation import dedup_evaluation
    from resurs.registry.imports.service import import_batch_configure, import_batch_create, import_batch_run
    from resurs.registry.models import DuplicateCandidate, Organisation

    log("precision and recall on the labelled pairs…")
    labelled = dedup_evaluation()
    settings.MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="bench-dedup-"))
    rng = random.Random(SEED)
    sample = load_sample(Path(settings.DATA_DIR))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "organisations.csv"
        log(f"generating and importing {rows} organisations…")
        facts = generate_file(path, rows, sample, rng)
        with open(path, "rb") as handle:
            batch = import_batch_create(upload=File(handle), file_name=path.name, enforce_size_limit=False)
        import_batch_run(import_batch_configure(batch=batch, columns=batch.columns), progress=lambda *_: None)
    originals = {org.inn: org for org in Organisation.objects.only("pk", "name", "inn", "region_id")}
    chosen = rng.sample(facts, copies)
    made = Organisation.objects.bulk_create(
        [
            Organisation(name=hand_entered(fact["name"], rng), region_id=originals[fact["inn"]].region_id)
            for fact in chosen
        ]
    )
    expected = {
        tuple(sorted((originals[fact["inn"]].pk, copy.pk))) for fact, copy in zip(chosen, made, strict=True)
    }
    total = Organisation.objects.count()
    log(f"searching {total} organisations for duplicates…")
    start = time.perf_counter()
    search, candidates = duplicate_search_run()
    search_s = time.perf_counter() - start
    found = {c.key for c in candidates if c.kind == "duplicate"}
    stored = DuplicateCandidate.objects.count()
    # The naive way: every pair of records of one region compared (what the finder did before, region by region),
    # timed on a random sample of such pairs and scaled to all of them.
    entries = _live_entries()
    vocabulary = Vocabulary(entries, region_words())
    by_region: dict[int | None, list] = {}
    for entry in entries:
        by_region.setdefault(entry.region_id, []).append(entry)
    groups = [group for group in by_region.values() if len(group) > 1]
    all_pairs = sum(len(group) * (len(group) - 1) // 2 for group in groups)
    weights = [len(group) * (len(group) - 1) // 2 for group in groups]
    log(f"naive baseline: {naive_pairs} of the {all_pairs} same-region pairs…")
    sampled = []
    for group in rng.choices(groups, weights=weights, k=naive_pairs):
        a, b = rng.sample(group, 2)
        sampled.append((a, b))
    start = time.perf_counter()
    for a, b in sampled:
        compare(a, b, vocabulary)
    naive_sample_s = time.perf_counter() - start
    naive_s = naive_sample_s / naive_pairs * all_pairs
    return {
        "nproc": os.cpu_count(),
        "labelled_pairs": labelled["pairs"],
        "precision": labelled["precision"],
        "recall": labelled["recall"],
        "successor_recall": labelled["successor_recall"],
        "labelled_missed_by_category": labelled["missed_by_category"],
        "labelled_false_by_category": labelled["false_by_category"],
        "organisations": total,
        "search_s": round(search_s, 1),
        "compared_pairs": search.compared_pairs,
        "proposed_duplicates": search.duplicates,
        "proposed_successors": search.successors,
        "stored_pairs": stored,
        "copies": copies,
        "copies_found": len(found & expected),
        "scale_recall": round(len(found & expected) / len(expected), 4),
        "scale_other_proposals": len(found - expected),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "baseline_sampled_pairs": naive_pairs,
        "baseline_sample_s": round(naive_sample_s, 2),
        "baseline_all_pairs": all_pairs,
        "baseline_s_estimated": round(naive_s),
        "speedup": round(naive_s / search_s, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default=os.environ.get("BENCH_SCALE", "full"))
    parser.add_argument(
        "--copies", type=int, default=None, help="Hand-entered copies added (default: rows/100)."
    )
    parser.add_argument("--naive-pairs", type=int, default=20_000, help="Pairs the naive baseline times.")
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/dedup.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    rows = SCALES[args.scale]
    name = database_name(url)
    log(f"creating {name} and migrating…")
    setup(url, name)
    try:
        report = run(rows, args.copies or rows // 100, args.naive_pairs)
    finally:
        if not args.keep:
            drop(url, name)
    print(json.dumps({"scale": args.scale, **report}, ensure_ascii=False))


if __name__ == "__main__":
    main()

"""manage.py find_duplicates [--region CODE] [--limit N] [--format json|text]: look for duplicate organisations
(the service the duplicates page runs), keep the pairs for the page, and print them with scores and reasons."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from resurs.registry.dedup import duplicate_search_run, reason_text
from resurs.registry.models import Organisation, Region


class Command(BaseCommand):
    help = (
        "Find probable duplicate (and successor) organisations, in one region or all; the pairs are kept for the "
        "duplicates page and printed with their scores and reasons. Suitable for cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--region", help="Tax region code (77 for Moscow); all regions if left out.")
        parser.add_argument("--limit", type=int, default=None, help="Print at most N pairs (all are kept).")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, region=None, limit=None, format="text", **options):
        found_region = None
        if region:
            found_region = Region.objects.filter(fns_code=region.zfill(2)).first()
            if found_region is None:
                raise CommandError(f"No region with the tax code {region!r} (e.g. 77 for Moscow).")
        if limit is not None and limit < 0:
            raise CommandError("--limit must be zero or more.")
        search, candidates = duplicate_search_run(region=found_region)
        shown = candidates if limit is None else candidates[:limit]
        organisations = Organisation.objects.select_related("region").in_bulk(
            {pk for candidate in shown for pk in candidate.key}
        )
        pairs = [
            {
                "kind": candidate.kind,
                "score": candidate.score,
                "first": _organisation(organisations[candidate.first_id]),
                "second": _organisation(organisations[candidate.second_id]),
                "reasons": [{**reason, "text": reason_text(reason)} for reason in candidate.reasons],
            }
            for candidate in shown
        ]
        summary = {
            "searched_at": search.created_at.isoformat(),
            "region": found_region.fns_code if found_region else None,
            "organisations": search.organisations,
            "compared_pairs": search.compared_pairs,
            "duplicates": search.duplicates,
            "successors": search.successors,
            "seconds": search.seconds,
        }
        if format == "json":
            self.stdout.write(json.dumps({**summary, "pairs": pairs}, ensure_ascii=False, indent=1))
            return
        for pair in pairs:
            self.stdout.write(f"{pair['kind']} {pair['score']:.3f}")
            for side in ("first", "second"):
                org = pair[side]
                self.stdout.write(
                    f"  #{org['id']} {org['name']} (OGRN {org['ogrn'] or '—'}, {org['region'] or '—'})"
                )
            for reason in pair["reasons"]:
                self.stdout.write(f"    - {reason['text']}")
        self.stdout.write(
            f"{summary['duplicates']} probable duplicates, {summary['successors']} probable successors among "
            f"{summary['organisations']} organisations ({summary['compared_pairs']} pairs compared, "
            f"{summary['seconds']} s)."
        )


def _organisation(org: Organisation) -> dict:
    return {
        "id": org.pk,
        "name": org.name,
        "inn": org.inn,
        "ogrn": org.ogrn,
        "region": org.region.fns_code if org.region else None,
        "status": org.status,
    }

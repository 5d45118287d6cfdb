"""Reads of the research app: querysets for pages and the API, and the plain rows that analysis works on."""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import Count, Q, QuerySet

from resurs.registry.models import Organisation
from resurs.research.access import visible_studies
from resurs.research.agreement import Agreement, agreement, sentence_spans, unit_values
from resurs.research.analysis import NominationRow, OrgFacts
from resurs.research.choices import NominationStatus
from resurs.research.models import Code, CodedSegment, Interview, Nomination, Respondent, Study, StudyMember


def study_list(user) -> QuerySet[Study]:
    return (
        visible_studies(user)
        .select_related("centre__organisation")
        .annotate(
            respondent_count=Count("respondents", distinct=True),
        )
        .order_by("-created_at")
    )


def published_study_list() -> QuerySet[Study]:
    return (
        Study.objects.filter(is_published=True).select_related("centre__organisation").order_by("-created_at")
    )


def respondent_list(study: Study) -> QuerySet[Respondent]:
    return (
        study.respondents.select_related("person", "organisation", "region")
        .annotate(
            interview_count=Count("interviews", distinct=True),
            nomination_count=Count(
                "nominations", filter=Q(nominations__status=NominationStatus.CONFIRMED), distinct=True
            ),
        )
        .order_by("code", "pk")
    )


def member_list(study: Study) -> QuerySet[StudyMember]:
    return study.members.select_related("user").order_by("role", "user__username")


def interview_list(study: Study) -> QuerySet[Interview]:
    return (
        Interview.objects.filter(respondent__study=study)
        .select_related("respondent")
        .defer("transcript")  # a national study's transcripts are megabytes; lists show none of them
        .annotate(segment_count=Count("segments"))
        .order_by("respondent__code", "held_on")
    )


def codebook(study: Study) -> list[tuple[Code, int]]:
    """Codes in tree order (parents before their children) with their depth."""
    codes = list(study.codes.all().order_by("order", "name"))
    children = defaultdict(list)
    for code in codes:
        children[code.parent_id].append(code)
    ordered: list[tuple[Code, int]] = []

    def walk(parent_id, depth):
        for code in children.get(parent_id, []):
            ordered.append((code, depth))
            walk(code.pk, depth + 1)

    walk(None, 0)
    return ordered


def nomination_list(study: Study, *, status: str | None = None) -> QuerySet[Nomination]:
    qs = Nomination.objects.filter(respondent__study=study).select_related(
        "respondent__person", "respondent__organisation", "organisation__region"
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("respondent__code", "rank", "name", "pk")


def nomination_list_brief(study: Study, *, status: str | None = None) -> QuerySet[Nomination]:
    """``nomination_list`` with only what a list of nominations names (the API's): the nomination, its
    respondent's code and the matched organisation's names, not their whole rows."""
    return (
        nomination_list(study, status=status)
        .select_related(None)
        .select_related("respondent", "organisation")
        .only(
            *("respondent", "name", "organisation", "areas", "rank", "quote", "status", "source"),
            *("is_self", "is_partner"),
            "respondent__code",
            "organisation__name",
            "organisation__short_name",
        )
    )


def unmatched_nominations(study: Study) -> QuerySet[Nomination]:
    return nomination_list(study).filter(organisation=None).exclude(status=NominationStatus.DISMISSED)


def nomination_rows(study: Study) -> list[NominationRow]:
    """Confirmed, matched nominations as rows for analysis."""
    rows = Nomination.objects.filter(
        respondent__study=study, status=NominationStatus.CONFIRMED, organisation__isnull=False
    ).values_list(
        "respondent_id",
        "respondent__organisation_id",
        "respondent__category",
        "organisation_id",
        "areas",
        "is_self",
        "is_partner",
    )
    return [
        NominationRow(
            respondent_id=r[0],
            respondent_org_id=r[1],
            category=r[2],
            org_id=r[3],
            areas=tuple(r[4] or ()),
            is_self=r[5],
            is_partner=r[6],
        )
        for r in rows
    ]


def organisations_by_id(ids) -> dict[int, Organisation]:
    return {
        o.pk: o
        for o in Organisation.objects.filter(pk__in=set(ids)).select_related("region__federal_district")
    }


def org_facts(organisations: dict[int, Organisation]) -> list[OrgFacts]:
    return [
        OrgFacts(
            org_id=o.pk,
            founded_on=o.founded_on,
            region_code=o.region.fns_code if o.region else None,
            region_name=o.region.name if o.region else "",
            district_name=o.region.federal_district.name if o.region else "",
        )
        for o in organisations.values()
    ]


# --- Coding ----------------------------------------------------------------------------------------------------


def segments_for_code(code: Code) -> QuerySet[CodedSegment]:
    return code.segments.select_related("interview__respondent", "coder").order_by(
        "interview__respondent__code", "start"
    )


def code_frequencies(study: Study, *, coder=None) -> list[tuple[Code, int, int]]:
    """(code, passages, interviews) for each code of the study."""
    segment_filter = Q(segments__coder=coder) if coder is not None else Q()
    codes = study.codes.annotate(
        passages=Count("segments", filter=segment_filter, distinct=True),
        interviews=Count("segments__interview", filter=segment_filter, distinct=True),
    ).order_by("order", "name")
    return [(c, c.passages, c.interviews) for c in codes]


def co_occurrence(study: Study) -> tuple[list[Code], list[list[int]]]:
    """How many sentences of the transcripts carry both codes (any coder); the diagonal counts each code."""
    codes = list(study.codes.order_by("order", "name"))
    index = {c.pk: i for i, c in enumerate(codes)}
    matrix = [[0] * len(codes) for _ in codes]
    segments = CodedSegment.objects.filter(interview__respondent__study=study).values_list(
        "interview_id", "code_id", "start", "end"
    )
    by_interview: dict[int, list] = defaultdict(list)
    for interview_id, code_id, start, end in segments:
        by_interview[interview_id].append((code_id, start, end))
    transcripts = dict(Interview.objects.filter(pk__in=by_interview).values_list("pk", "transcript"))
    for interview_id, items in by_interview.items():
        for span_start, span_end in sentence_spans(transcripts[interview_id]):
            present = sorted({index[c] for c, s, e in items if s < span_end and span_start < e})
            for i in present:
                for j in present:
                    matrix[i][j] += 1
    return codes, matrix


def coders(study: Study) -> list:
    from django.contrib.auth import get_user_model

    ids = CodedSegment.objects.filter(interview__respondent__study=study).values("coder_id").distinct()
    return list(get_user_model().objects.filter(pk__in=ids).order_by("username"))


def coder_agreement(study: Study, coder_a, coder_b) -> dict:
    """Agreement of two coders over the interviews both have coded: overall and per code."""
    segments = CodedSegment.objects.filter(
        interview__respondent__study=study, coder__in=[coder_a, coder_b]
    ).values_list("interview_id", "coder_id", "code_id", "start", "end")
    passages: dict[tuple, list] = defaultdict(list)
    coded_by: dict[int, set] = defaultdict(set)
    for interview_id, coder_id, code_id, start, end in segments:
        passages[(interview_id, coder_id, code_id)].append((start, end))
        coded_by[interview_id].add(coder_id)
    shared = sorted(i for i, who in coded_by.items() if {coder_a.pk, coder_b.pk} <= who)
    spans_of = {
        pk: sentence_spans(text)
        for pk, text in Interview.objects.filter(pk__in=shared).values_list("pk", "transcript")
    }
    codes = list(study.codes.filter(is_codable=True).order_by("order", "name"))
    all_a: list[int] = []
    all_b: list[int] = []
    per_code: list[tuple[Code, Agreement]] = []
    for code in codes:
        a: list[int] = []
        b: list[int] = []
        for interview_id in shared:
            spans = spans_of[interview_id]
            a += unit_values(spans, passages.get((interview_id, coder_a.pk, code.pk), []))
            b += unit_values(spans, passages.get((interview_id, coder_b.pk, code.pk), []))
        per_code.append((code, agreement(a, b)))
        all_a += a
        all_b += b
    return {"interviews": len(shared), "overall": agreement(all_a, all_b), "per_code": per_code}


def respondent_counts(study: Study) -> Counter:
    return Counter(study.respondents.values_list("category", flat=True))


def study_data_version(study: Study) -> str:
    """A version of everything the study's findings are computed from: it changes whenever a respondent, an
    interview, a nomination or a coded passage is added, changed or removed (counts and last changes, three
    index reads), so precomputed findings are never served stale."""
    from django.db.models import Count, Max

    from resurs.research.models import CodedSegment, Interview, Nomination, Respondent

    # The reference date is part of the version: a study without an end date is computed for today.
    parts = [study.updated_at.isoformat(), study.reference_date.isoformat()]
    for rows in (
        Respondent.objects.filter(study=study),
        Interview.objects.filter(respondent__study=study),
        Nomination.objects.filter(respondent__study=study),
        CodedSegment.objects.filter(interview__respondent__study=study),
    ):
        figures = rows.aggregate(count=Count("pk"), last=Max("updated_at"))
        parts.append(f"{figures['count']}@{figures['last'].isoformat() if figures['last'] else ''}")
    return "|".join(parts)


def coding_data_version(study: Study) -> str:
    """``study_data_version`` and the codebook's own (codes added, renamed, made codable or not): what the coding
    page's co-occurrence and agreement are computed from."""
    from django.db.models import Max

    codes = study.codes.aggregate(count=Count("pk"), last=Max("updated_at"))
    last = codes["last"].isoformat() if codes["last"] else ""
    return f"{study_data_version(study)}|{codes['count']}@{last}"

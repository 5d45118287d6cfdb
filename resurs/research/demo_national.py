"""The national study: the demo study repeated across the network — 400 respondents (the heads of the resource
centres, leaders of infrastructure NGOs and experts of every region), an interview with each (the demo's
transcripts), 2,000 nominations of the organisations that move the sector, and a coded subset of 80 interviews
by two researchers, so that the analysis, the network of nominations and the report have national figures.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from resurs.core.bulk import copy_rows
from resurs.core.demo import DemoContext
from resurs.registry.choices import OrganisationKind, TieRole
from resurs.registry.models import Centre, Organisation, Tie
from resurs.research import services
from resurs.research.agreement import sentence_spans
from resurs.research.choices import InterviewMode, MemberRole, RespondentCategory
from resurs.research.demo import AREA_WEIGHTS, AREAS, _quoted
from resurs.research.demo_texts import CODE_KEYWORDS, TRANSCRIPTS
from resurs.research.models import CodedSegment, Interview, Nomination, Respondent

RESPONDENTS = 400
CODED_INTERVIEWS = 80


def build(ctx: DemoContext) -> None:
    size = ctx.national
    rng = ctx.rng("research-national")
    User = get_user_model()
    hub = Centre.objects.select_related("organisation").get(is_hub=True)
    researcher = User.objects.get(username="researcher")
    second = User.objects.get(username="staff")
    study = services.study_create(
        centre=hub,
        title="Кто двигает некоммерческий сектор: национальное исследование сети ресурсных центров",
        actor=researcher,
        method=(
            "Полуструктурированные интервью с руководителями ресурсных центров всех регионов, инфраструктурных "
            "НКО и экспертами. Каждый респондент называл до восьми организаций, оказавших наибольшее влияние на "
            "сектор, и сферы этого влияния. Номинации сопоставлены с реестром."
        ),
        interview_guide=(
            "1. Какие организации оказали наибольшее влияние на развитие некоммерческого сектора вашего региона и "
            "страны?\n2. В чём выражается это влияние?\n3. Как вы связаны с этими организациями?"
        ),
        starts_on=dt.date(2026, 2, 1),
        ends_on=dt.date(2026, 11, 15),
    )
    services.member_add(study=study, user=second, actor=researcher, role=MemberRole.RESEARCHER)

    # Respondents: heads of centres first, then leaders of the oldest NGOs and university experts.
    leaders = dict(
        Tie.objects.filter(role=TieRole.LEADER, ended_on=None).values_list("organisation_id", "person_id")
    )
    centres = list(Centre.objects.select_related("organisation").order_by("pk"))
    universities = list(
        Organisation.objects.filter(kind=OrganisationKind.UNIVERSITY)
        .order_by("pk")
        .values_list("pk", "region_id")
    )
    old_ngos = list(
        Organisation.objects.filter(kind=OrganisationKind.NGO, founded_on__year__lt=2000)
        .order_by("pk")
        .values_list("pk", "region_id")[:5000]
    )
    plan = [
        (RespondentCategory.RESOURCE_CENTRE_HEAD, c.organisation_id, c.organisation.region_id)
        for c in centres
    ]
    plan += [
        (RespondentCategory.INFRASTRUCTURE_LEADER, pk, region) for pk, region in rng.sample(old_ngos, 60)
    ]
    plan += [(RespondentCategory.EXPERT, pk, region) for pk, region in rng.sample(universities, 60)]
    used: set[int] = set()
    respondent_rows = []
    for category, organisation_id, region_id in plan:
        person_id = leaders.get(organisation_id)
        if person_id is None or person_id in used or len(respondent_rows) == RESPONDENTS:
            continue
        used.add(person_id)
        respondent_rows.append(
            {
                "study_id": study.pk,
                "person_id": person_id,
                "organisation_id": organisation_id,
                "category": category,
                "region_id": region_id,
                "code": f"N{len(respondent_rows) + 1:03d}",
            }
        )
    respondent_ids = copy_rows(Respondent, respondent_rows)

    # The nominated: the hub, the centres founded before 2006 and the capitals' infrastructure NGOs, weighted by
    # rank (a few named by very many), and each respondent's own centre now and then.
    pool_ids = [hub.organisation_id] + [
        c.organisation_id
        for c in centres
        if c.organisation.founded_on and c.organisation.founded_on.year < 2006
    ]
    pool_ids += list(
        Organisation.objects.filter(kind=OrganisationKind.RESOURCE_CENTRE, region__fns_code__in=["77", "78"])
        .exclude(pk__in=pool_ids)
        .values_list("pk", flat=True)
    )
    pool = Organisation.objects.in_bulk(pool_ids)
    pool_list = [pool[pk] for pk in pool_ids if pk in pool]
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(pool_list))]
    per_respondent = max(1, size.nominations // len(respondent_ids))
    extra = size.nominations - per_respondent * len(respondent_ids)
    interviews, nominations, coded = [], [], []
    for index, (pk, row) in enumerate(zip(respondent_ids, respondent_rows, strict=True)):
        count = per_respondent + (1 if index < extra else 0)
        chosen: list[Organisation] = []
        while len(chosen) < min(count, len(pool_list)):
            org = rng.choices(pool_list, weights=weights)[0]
            if org not in chosen:
                chosen.append(org)
        names = [_quoted(o) for o in chosen] + ["«Ассоциация «Содействие»»"] * 3
        own = _quoted(pool[row["organisation_id"]]) if row["organisation_id"] in pool else "наш центр"
        text = TRANSCRIPTS[index % len(TRANSCRIPTS)].format(
            a=names[0], b=names[1], c=names[2], own=own, region="нашем регионе"
        )
        interviews.append(
            {
                "respondent_id": pk,
                "held_on": dt.date(2026, 2, 10) + dt.timedelta(days=index % 240),
                "mode": rng.choice(
                    [InterviewMode.VIDEO, InterviewMode.VIDEO, InterviewMode.IN_PERSON, InterviewMode.PHONE]
                ),
                "consent": True,
                "transcript": text,
            }
        )
        sentences = [text[s:e] for s, e in sentence_spans(text)]
        for rank, org in enumerate(chosen, start=1):
            quote = next((s for s in sentences if _quoted(org) in s), "")
            nominations.append(
                {
                    "respondent_id": pk,
                    "name": (org.short_name or org.name)[:500],
                    "organisation_id": org.pk,
                    "areas": sorted(set(rng.choices(AREAS, weights=AREA_WEIGHTS, k=rng.randint(1, 3)))),
                    "rank": rank if rank <= 3 else None,
                    "quote": quote.replace("Респондент: ", "")[:600],
                    "is_self": org.pk == row["organisation_id"],
                }
            )
    interview_ids = copy_rows(Interview, interviews)
    copy_rows(Nomination, nominations)

    # Two researchers code a subset independently (the second agrees on most sentences, not all).
    codes = {c.name: c.pk for c in study.codes.all()}
    segments = []
    for pk, interview in list(zip(interview_ids, interviews, strict=True))[:CODED_INTERVIEWS]:
        text = interview["transcript"]
        for start, end in sentence_spans(text):
            sentence = text[start:end].lower()
            if sentence.startswith("интервьюер"):
                continue
            for code_name, stems in CODE_KEYWORDS:
                if code_name not in codes:
                    continue
                present = any(stem in sentence for stem in stems)
                second_codes = present if rng.random() < 0.85 else (not present and rng.random() < 0.3)
                for coder, codes_it in ((researcher, present), (second, second_codes)):
                    if codes_it:
                        segments.append(
                            {
                                "interview_id": pk,
                                "code_id": codes[code_name],
                                "coder_id": coder.pk,
                                "start": start,
                                "end": end,
                                "text": text[start:end],
                            }
                        )
    copy_rows(CodedSegment, segments)
    coded.extend(interview_ids[:CODED_INTERVIEWS])
    services.study_update(study=study, actor=researcher, is_published=True)
    ctx.data["national_study"] = study
    ctx.log(
        f"  national study: {len(respondent_ids)} respondents, {len(nominations)} nominations, "
        f"{len(segments)} coded passages in {len(coded)} interviews"
    )

"""The demo study: a national study of which infrastructure NGOs move the charity sector, with about forty
respondents from many regions, interview transcripts, a coded subset by two researchers and nominations of about
sixty organisations, most of them operating for over twenty years and based in Moscow or St Petersburg."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model

from resurs.core.demo import DemoContext
from resurs.core.demo_files import demo_upload
from resurs.registry import services as registry_services
from resurs.registry.choices import OrganisationKind, TieRole
from resurs.registry.models import Centre, Organisation, Person, Region, Tie
from resurs.registry.validators import complete_inn10, complete_ogrn
from resurs.research import services
from resurs.research.agreement import sentence_spans
from resurs.research.choices import ImpactArea, InterviewMode, MemberRole, RespondentCategory
from resurs.research.demo_texts import CODE_KEYWORDS, INFRASTRUCTURE_NGOS, TRANSCRIPTS, UNMATCHED_NAMES
from resurs.research.models import CodedSegment

AREAS = [a for a in ImpactArea.values if a != ImpactArea.OTHER]
AREA_WEIGHTS = [30, 30, 22, 8, 7, 3]


def _quoted(org: Organisation) -> str:
    name = org.short_name or org.name
    return name if "«" in name or '"' in name else f"«{name}»"


def _add_infrastructure_ngos(ctx: DemoContext, rng, admin) -> list[Organisation]:
    regions = {r.fns_code: r for r in Region.objects.filter(fns_code__in=["77", "78"])}
    created = []
    for index, (name, short, code, year) in enumerate(
        INFRASTRUCTURE_NGOS[: ctx.count(len(INFRASTRUCTURE_NGOS), 12)]
    ):
        existing = Organisation.objects.filter(name=name).first()
        if existing:
            created.append(existing)
            continue
        while True:
            inn = complete_inn10(code + f"{rng.randrange(10**7):07d}")
            ogrn = complete_ogrn("1" + f"{year % 100:02d}" + code + f"{rng.randrange(10**7):07d}")
            if (
                not Organisation.objects.filter(inn=inn).exists()
                and not Organisation.objects.filter(ogrn=ogrn).exists()
            ):
                break
        created.append(
            registry_services.organisation_create(
                actor=admin,
                data={
                    "name": name,
                    "short_name": short,
                    "kind": OrganisationKind.RESOURCE_CENTRE,
                    "inn": inn,
                    "ogrn": ogrn,
                    "region": regions[code],
                    "city": "Москва" if code == "77" else "Санкт-Петербург",
                    "founded_on": dt.date(year, 1 + index % 12, 1 + (index * 7) % 27),
                    "website": f"https://infra{index + 1}.resurs-demo.ru",
                    "description": "Инфраструктурная некоммерческая организация: обучение и консультации для НКО, "
                    "информационные проекты, экспертиза и взаимодействие с органами власти.",
                },
            )
        )
    return created


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("research")
    User = get_user_model()
    hub: Centre = ctx.data["hub"]
    researcher = User.objects.get(username="researcher")
    second = User.objects.get(username="staff")
    admin = User.objects.filter(username="admin").first()
    capitals = _add_infrastructure_ngos(ctx, rng, admin)
    centres = list(Centre.objects.select_related("organisation__region").exclude(pk=hub.pk).order_by("pk"))
    old_centres = [
        c.organisation for c in centres if c.organisation.founded_on and c.organisation.founded_on.year < 2006
    ]

    # The nominated pool: the capitals' infrastructure NGOs, the hub, and older regional resource centres.
    pool = [hub.organisation, *capitals, *old_centres[: ctx.count(23, 3)]]
    weights = [1.0 / (rank + 1) ** 0.6 for rank in range(len(pool))]

    study = services.study_create(
        centre=hub,
        title="Влияние инфраструктурных НКО на развитие некоммерческого сектора",
        actor=researcher,
        method=(
            "Полуструктурированные интервью с руководителями инфраструктурных НКО, экспертами в области развития "
            "благотворительности и руководителями ресурсных центров из разных регионов. Каждый респондент называл "
            "организации, оказавшие наибольшее влияние на сектор, и сферы этого влияния. Номинации сопоставлены с "
            "реестром; анализ включает частоту номинаций, сеть номинаций и устойчивость рейтинга."
        ),
        interview_guide=(
            "1. Какие организации оказали наибольшее влияние на развитие некоммерческого сектора?\n"
            "2. В чём именно выражается это влияние (информационное пространство, обучение и гранты, "
            "взаимодействие с властью, методология, сети)?\n3. Как вы сами связаны с этими организациями?\n"
            "4. Что изменилось в секторе за последние пять лет?"
        ),
        starts_on=dt.date(2026, 3, 1),
        ends_on=dt.date(2026, 10, 30),
        partner_organisations=[c.organisation for c in centres[:2]],
    )
    services.member_add(study=study, user=second, actor=researcher, role=MemberRole.RESEARCHER)

    # Respondents: leaders of infrastructure NGOs, experts, heads of regional resource centres.
    target = ctx.count(40, 8)
    leaders = capitals[: max(2, target // 4)]
    heads = centres[: max(3, target // 2)]
    experts_needed = max(2, target - len(leaders) - len(heads))
    used_people: set[int] = set()

    def person_for(org: Organisation | None) -> Person:
        if org is not None:
            tie = (
                Tie.objects.filter(organisation=org, role=TieRole.LEADER)
                .exclude(person_id__in=used_people)
                .select_related("person")
                .first()
            )
            if tie:
                used_people.add(tie.person_id)
                return tie.person
        person = Person.objects.exclude(pk__in=used_people).order_by("pk")[rng.randrange(50)]
        used_people.add(person.pk)
        return person

    respondents = []
    for org in leaders:
        respondents.append((RespondentCategory.INFRASTRUCTURE_LEADER, org, person_for(org)))
    for centre in heads:
        respondents.append(
            (RespondentCategory.RESOURCE_CENTRE_HEAD, centre.organisation, person_for(centre.organisation))
        )
    universities = list(
        Organisation.objects.filter(kind=OrganisationKind.UNIVERSITY).order_by("pk")[:experts_needed]
    )
    for index in range(experts_needed):
        org = universities[index] if index < len(universities) else None
        respondents.append((RespondentCategory.EXPERT, org, person_for(None)))
    respondents = respondents[:target]

    made = []
    for index, (category, org, person) in enumerate(respondents):
        made.append(
            services.respondent_create(
                study=study,
                person=person,
                organisation=org,
                category=category,
                code=f"R{index + 1:02d}",
                actor=researcher,
            )
        )

    # Nominations and interviews.
    coded_interviews = []
    for index, respondent in enumerate(made):
        count = rng.randint(3, 8)
        chosen: list[Organisation] = []
        while len(chosen) < min(count, len(pool)):
            org = rng.choices(pool, weights=weights)[0]
            if org not in chosen and (org.pk != respondent.organisation_id or rng.random() < 0.5):
                chosen.append(org)
        own = _quoted(respondent.organisation) if respondent.organisation else "наш центр"
        region = respondent.region.name_ru if respondent.region else "нашем регионе"
        names = [_quoted(o) for o in chosen] + ["«Ассоциация «Содействие»»"] * 3
        text = TRANSCRIPTS[index % len(TRANSCRIPTS)].format(
            a=names[0], b=names[1], c=names[2], own=own, region=region
        )
        interview = services.interview_create(
            respondent=respondent,
            held_on=dt.date(2026, 3, 10) + dt.timedelta(days=index * 5 + rng.randint(0, 4)),
            mode=rng.choice(
                [InterviewMode.VIDEO, InterviewMode.VIDEO, InterviewMode.IN_PERSON, InterviewMode.PHONE]
            ),
            consent=True,
            transcript=text,
            # The first interviews arrive as files, as a recorder's software saves them (Windows-1251).
            upload=demo_upload(
                f"Интервью {respondent.code or index + 1}.txt", text.encode("cp1251", "replace")
            )
            if index < 3
            else None,
        )
        sentences = [text[s:e] for s, e in sentence_spans(text)]
        for rank, org in enumerate(chosen, start=1):
            areas = sorted(set(rng.choices(AREAS, weights=AREA_WEIGHTS, k=rng.randint(1, 3))))
            quote = next((s for s in sentences if _quoted(org) in s), "")
            services.nomination_create(
                respondent=respondent,
                name=org.short_name or org.name,
                organisation=org,
                areas=areas,
                rank=rank if rank <= 3 else None,
                quote=quote.replace("Респондент: ", "")[:600],
                actor=researcher,
            )
        if index < len(UNMATCHED_NAMES):
            services.nomination_create(
                respondent=respondent,
                name=UNMATCHED_NAMES[index],
                areas=[ImpactArea.NETWORKS],
                actor=researcher,
            )
        if index < ctx.count(12, 3):
            coded_interviews.append(interview)

    # Two researchers code a subset independently: the second agrees on most sentences, not all.
    codes = {c.name: c for c in study.codes.all()}
    segments = []
    for interview in coded_interviews:
        text = interview.transcript
        for start, end in sentence_spans(text):
            sentence = text[start:end].lower()
            if sentence.startswith("интервьюер"):
                continue
            for code_name, stems in CODE_KEYWORDS:
                present = any(stem in sentence for stem in stems)
                code = codes[code_name]
                if present:
                    segments.append(
                        CodedSegment(
                            interview=interview,
                            code=code,
                            coder=researcher,
                            start=start,
                            end=end,
                            text=text[start:end],
                        )
                    )
                second_codes = present if rng.random() < 0.85 else (not present and rng.random() < 0.3)
                if second_codes:
                    segments.append(
                        CodedSegment(
                            interview=interview,
                            code=code,
                            coder=second,
                            start=start,
                            end=end,
                            text=text[start:end],
                        )
                    )
    CodedSegment.objects.bulk_create(segments, ignore_conflicts=True)
    services.study_update(study=study, actor=researcher, is_published=True)

    # A second, private study of the hub in its early days: one respondent, nothing published.
    early = services.study_create(
        centre=hub,
        title="Ресурсные центры и местные сообщества: пилотное исследование",
        actor=researcher,
        method="Пилотные интервью с руководителями ресурсных центров малых городов.",
        starts_on=dt.date(2026, 10, 1),
    )
    if centres:
        services.respondent_create(
            study=early,
            person=person_for(None),
            organisation=centres[-1].organisation,
            category=RespondentCategory.RESOURCE_CENTRE_HEAD,
            actor=researcher,
        )
    ctx.data["research_study"] = study
    ctx.log(
        f"  research: {len(made)} respondents, {study.codes.count()} codes, {len(segments)} coded passages"
    )

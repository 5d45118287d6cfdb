"""National cooperation: 2,000 partnerships in all (the demo's kinds: business funding and pro bono, government
subsidies and social contracts, media information partnerships, joint programmes) between organisations of the
same region, the registry's councils as advisory bodies with their members' seats, business and government people
on NGO boards (seats with their main affiliation), corporate volunteering and 1,500 requests for advice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from resurs.cooperation.choices import AdviceStatus, AdvisoryKind, AdvisoryLevel, PartnershipType, sector_of
from resurs.cooperation.demo import (
    ADVICE_ANSWERS,
    ADVICE_TOPICS,
    CONTRACT_TITLES,
    FUNDING_TITLES,
    INFO_TITLES,
    JOINT_TITLES,
    OUTCOMES,
    PRO_BONO_TITLES,
    SUBSIDY_TITLES,
    TOPICS,
    VOLUNTEERING_TITLES,
    _money,
)
from resurs.cooperation.models import (
    AdviceRequest,
    AdvisoryBody,
    CorporateVolunteering,
    GovernanceSeat,
    Partnership,
)
from resurs.core.bulk import copy_rows
from resurs.core.demo import DemoContext
from resurs.registry.choices import OrganisationKind, TieRole

ADVICE_REQUESTS = 1_500
VOLUNTEERING_COMPANIES = 400
GOVERNANCE_SEATS = 12_000  # board and council seats whose holder's main work the centres recorded


def build(ctx: DemoContext) -> None:
    from resurs.accounts.models import User
    from resurs.registry.models import Centre, Organisation, Tie

    size = ctx.national
    rng = ctx.rng("cooperation-national")
    today = timezone.localdate()
    by_kind: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))  # kind → region → ids
    kinds: dict[int, str] = {}
    for pk, kind, region_id in Organisation.objects.exclude(kind=OrganisationKind.NGO).values_list(
        "pk", "kind", "region_id"
    ):
        by_kind[kind][region_id].append(pk)
        kinds[pk] = kind
    ngos: dict[int, list[int]] = defaultdict(list)
    for pk, region_id in (
        Organisation.objects.filter(kind=OrganisationKind.NGO, status="active")
        .order_by("pk")
        .values_list("pk", "region_id")[::10]  # every tenth NGO is enough to draw partners from
    ):
        ngos[region_id].append(pk)
        kinds[pk] = OrganisationKind.NGO
    regions = [r for r in ngos if r is not None]
    centres = dict(Centre.objects.values_list("organisation__region_id", "pk"))
    hub = Centre.objects.get(is_hub=True)

    def centre_of(region_id):
        return centres.get(region_id, hub.pk)

    # 1. Partnerships of the demo's kinds, between a giver and an NGO of one region.
    specs = [
        (0.30, PartnershipType.FUNDING, OrganisationKind.BUSINESS, FUNDING_TITLES, (200_000, 5_000_000)),
        (0.12, PartnershipType.PRO_BONO, OrganisationKind.BUSINESS, PRO_BONO_TITLES, (50_000, 600_000)),
        (0.10, PartnershipType.CORPORATE_VOLUNTEERING, OrganisationKind.BUSINESS, VOLUNTEERING_TITLES, (30_000, 300_000)),
        (0.18, PartnershipType.GOVERNMENT_SUBSIDY, OrganisationKind.GOVERNMENT, SUBSIDY_TITLES, (300_000, 8_000_000)),
        (0.08, PartnershipType.SOCIAL_CONTRACT, OrganisationKind.GOVERNMENT, CONTRACT_TITLES, (500_000, 12_000_000)),
        (0.12, PartnershipType.INFORMATION, OrganisationKind.MEDIA, INFO_TITLES, None),
        (0.10, PartnershipType.JOINT_PROGRAMME, OrganisationKind.FOUNDATION, JOINT_TITLES, (100_000, 2_000_000)),
    ]  # fmt: skip
    wanted = size.partnerships - Partnership.objects.count()
    rows = []
    for share, kind, giver_kind, titles, money in specs:
        givers = by_kind[giver_kind]
        for _ in range(round(wanted * share)):
            region_id = rng.choice(regions)
            giver = rng.choice(givers.get(region_id) or [pk for ids in givers.values() for pk in ids[:5]])
            receiver = rng.choice(ngos[region_id])
            start = today - dt.timedelta(days=rng.randint(30, 11 * 365))
            end = start + dt.timedelta(days=30 * rng.randint(3, 36)) if rng.random() < 0.7 else None
            value = _money(rng, *money) if money else None
            rows.append(
                {
                    "centre_id": centre_of(region_id),
                    "organisation_a_id": giver,
                    "organisation_b_id": receiver,
                    "sector_a": sector_of(kinds[giver]),
                    "sector_b": sector_of(kinds[receiver]),
                    "type": kind,
                    "title": rng.choice(titles).format(topic=rng.choice(TOPICS)),
                    "started_on": start,
                    "ended_on": end,
                    "value": value,
                    "outcomes": rng.choice(OUTCOMES).format(n=rng.randint(40, 3000), m=rng.randint(3, 60))
                    if end and end <= today
                    else "",
                }
            )
    rows = rows[:wanted]
    copy_rows(Partnership, rows)

    # 2. Advisory bodies: the registry's councils and chambers that have no row yet, at a government body of their
    #    region; their members' seats get the organisation the member leads as main affiliation.
    government = by_kind[OrganisationKind.GOVERNMENT]
    have = set(AdvisoryBody.objects.values_list("organisation_id", flat=True))
    body_rows = []
    for region_id, ids in by_kind[OrganisationKind.ADVISORY_BODY].items():
        for pk in ids:
            if pk in have:
                continue
            body_rows.append(
                {
                    "organisation_id": pk,
                    "kind": AdvisoryKind.PUBLIC_CHAMBER
                    if rng.random() < 0.3
                    else AdvisoryKind.PUBLIC_COUNCIL,
                    "level": AdvisoryLevel.REGIONAL if rng.random() < 0.7 else AdvisoryLevel.MUNICIPAL,
                    "government_body_id": rng.choice(
                        government.get(region_id) or government[next(iter(government))]
                    ),
                    "centre_id": centre_of(region_id),
                }
            )
    copy_rows(AdvisoryBody, body_rows)
    led_by = dict(
        Tie.objects.filter(role=TieRole.LEADER, ended_on=None).values_list("person_id", "organisation_id")
    )
    led_kind = dict(
        Organisation.objects.filter(pk__in=set(led_by.values()))
        .values_list("pk", "kind")
        .iterator(chunk_size=20_000)
    )
    seated = set(GovernanceSeat.objects.values_list("tie_id", flat=True))
    seats = []
    for tie_id, person_id, region_id in (
        Tie.objects.filter(role__in=[TieRole.ADVISORY_MEMBER, TieRole.BOARD_MEMBER])
        .values_list("pk", "person_id", "organisation__region_id")
        .iterator(chunk_size=20_000)
    ):
        affiliation = led_by.get(person_id)
        if tie_id in seated or affiliation is None:
            continue  # a seat's details are recorded where the member's main work is known
        seats.append(
            {
                "tie_id": tie_id,
                "centre_id": centre_of(region_id),
                "main_affiliation_id": affiliation,
                "affiliation_sector": sector_of(led_kind.get(affiliation, OrganisationKind.NGO)),
            }
        )
    rng.shuffle(seats)
    seats = sorted(seats[:GOVERNANCE_SEATS], key=lambda row: row["tie_id"])
    copy_rows(GovernanceSeat, seats)

    # 3. Corporate volunteering of 400 companies over the last three years.
    companies = [pk for ids in by_kind[OrganisationKind.BUSINESS].values() for pk in ids]
    have = set(CorporateVolunteering.objects.values_list("company_id", flat=True))
    volunteering = []
    company_region = {pk: region for region, ids in by_kind[OrganisationKind.BUSINESS].items() for pk in ids}
    for company in rng.sample([c for c in companies if c not in have], VOLUNTEERING_COMPANIES):
        base = rng.randint(10, 250)
        for year in (today.year - 2, today.year - 1, today.year):
            volunteers = max(3, int(base * rng.uniform(0.7, 1.4)))
            volunteering.append(
                {
                    "centre_id": centre_of(company_region[company]),
                    "company_id": company,
                    "year": year,
                    "volunteers": volunteers,
                    "hours": volunteers * rng.randint(4, 16),
                    "programme": rng.choice(
                        ["Добрые выходные", "Наставники", "Команда добра", "Серебряные волонтёры"]
                    ),
                }
            )
    copy_rows(CorporateVolunteering, volunteering)

    # 4. Requests for advice from ministries and companies to the centres of their region.
    staff_of = ctx.data.get("national_centre_staff", {})
    demo_staff = list(User.objects.filter(username__in=["staff", "manager"]).values_list("pk", flat=True))
    advice = []
    for _ in range(ADVICE_REQUESTS):
        giver_kind = OrganisationKind.GOVERNMENT if rng.random() < 0.6 else OrganisationKind.BUSINESS
        region_id = rng.choice(regions)
        pool = by_kind[giver_kind].get(region_id) or companies
        requester = rng.choice(pool)
        centre_id = centre_of(region_id)
        received = today - dt.timedelta(days=rng.randint(0, 3 * 365))
        due = received + dt.timedelta(days=rng.choice([10, 14, 21, 30]))
        if due < today:
            status = rng.choices(
                [AdviceStatus.ANSWERED, AdviceStatus.CLOSED, AdviceStatus.IN_WORK, AdviceStatus.RECEIVED],
                [3, 12, 1, 1],
            )[0]
        else:
            status = rng.choice([AdviceStatus.RECEIVED, AdviceStatus.IN_WORK])
        answered = status in (AdviceStatus.ANSWERED, AdviceStatus.CLOSED)
        answered_at = timezone.make_aware(
            dt.datetime.combine(min(due, received + dt.timedelta(days=rng.randint(3, 20))), dt.time(15, 30))
        )
        staff = staff_of.get(centre_id) or (rng.choice(demo_staff) if demo_staff else None)
        advice.append(
            {
                "centre_id": centre_id,
                "topic": rng.choice(ADVICE_TOPICS),
                "question": "Просим дать заключение и рекомендации центра по вопросу, указанному в теме обращения.",
                "requester_id": requester,
                "contact_name": f"{rng.choice(['Ольга', 'Андрей', 'Марина', 'Сергей'])} "
                f"{rng.choice(['Петрова', 'Иванов', 'Соколова', 'Кузнецов'])}",
                "contact_email": f"priemnaya{requester}@example.org",
                "received_on": received,
                "due_on": due,
                "status": status,
                "response": rng.choice(ADVICE_ANSWERS) if answered else "",
                "assignee_id": staff if status != AdviceStatus.RECEIVED else None,
                "answered_by_id": staff if answered else None,
                "answered_at": answered_at if answered else None,
                "closed_at": answered_at if status == AdviceStatus.CLOSED else None,
            }
        )
    copy_rows(AdviceRequest, advice)
    ctx.log(
        f"  {len(rows)} partnerships ({Partnership.objects.count()} in all), {len(body_rows)} advisory bodies, "
        f"{len(seats)} seats, {len(volunteering)} volunteering years, {len(advice)} requests for advice"
    )

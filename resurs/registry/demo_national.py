"""The national-size registry: the demo's organisations grown to 250,000 in all 85 regions, 300 resource centres,
about 250,000 people and 600,000 positions and memberships.

Names, addresses, activities and legal forms are recombined from the 3,999 real NGOs of the EGRUL sample
(``data/registry_sample``), so word frequencies and regional shares are the sector's own; businesses, media,
government and advisory bodies get the demo's kinds of names. People hold one tie or several, mostly in one region
(a director who sits on two boards, a volunteer of three organisations): the shared people are the bulk of the
sector network's ties (``research.sector``). Everything is written with COPY and is reproducible from the seed.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from resurs.core.bulk import copy_links, copy_rows
from resurs.core.demo import DemoContext
from resurs.registry.choices import OrganisationKind, OrganisationStatus, TieRole
from resurs.registry.demo import BUSINESS_NAMES, CAPITALS, MEDIA_NAMES, RC_NAMES, _match_region, _person_name
from resurs.registry.models import Centre, Field, LegalForm, OkvedCode, Organisation, Person, Region, Tie
from resurs.registry.validators import complete_inn10, complete_ogrn

SAMPLE = "registry_sample/ngo_egrul_2022_jul.csv"

# Organisations of other sectors, per 250,000 (the rest are NGOs and foundations).
OTHER_KINDS = {
    OrganisationKind.BUSINESS: 6_000,
    OrganisationKind.GOVERNMENT: 2_500,
    OrganisationKind.MEDIA: 1_500,
    OrganisationKind.ADVISORY_BODY: 1_200,
    OrganisationKind.UNIVERSITY: 600,
}
BUSINESS_FORMS = ["ООО", "АО", "ПАО"]
BUSINESS_WORDS = ["Альфа", "Север", "Волга", "Урал", "Сибирь", "Балтика", "Кама", "Восток", "Дон", "Ока",
                  "Техно", "Агро", "Строй", "Энерго", "Транс", "Инвест", "Софт", "Пром", "Логистик", "Фарм"]  # fmt: skip
GOVERNMENT_NAMES = [
    "Министерство социальной политики",
    "Министерство образования и науки",
    "Министерство здравоохранения",
    "Министерство культуры",
    "Комитет по делам молодёжи",
    "Департамент внутренней политики",
    "Управление социальной защиты населения",
    "Администрация городского округа",
]
ADVISORY_NAMES = [
    "Общественная палата",
    "Общественный совет при министерстве социальной политики",
    "Общественный совет при министерстве культуры",
    "Общественный совет при администрации городского округа",
    "Координационный совет по делам НКО",
]
STAFF_TITLES = ["Руководитель проектов", "Бухгалтер", "Координатор волонтёров", "PR-менеджер", "Юрист",
                "Специалист по работе с благополучателями", "Методист", "Фандрайзер"]  # fmt: skip
# How many ties a person holds: most one, a long tail of people on several boards and in several organisations.
TIES_PER_PERSON = [(1, 40), (2, 20), (3, 12), (4, 8), (5, 6), (6, 4), (8, 4), (10, 3), (14, 2)]
ENDED_SHARE = 0.06


def build(ctx: DemoContext) -> None:
    size = ctx.national
    rng = ctx.rng("registry-national")
    today = timezone.localdate()
    regions = list(Region.objects.select_related("federal_district").order_by("fns_code"))
    by_code = {r.fns_code: r for r in regions}
    sample = _sample(regions)
    legal_forms = {lf.code: lf.pk for lf in LegalForm.objects.all()}
    okved = dict(OkvedCode.objects.values_list("code", "pk"))
    fields = list(Field.objects.all())
    fields_by_okved = [(p.strip(), f.pk) for f in fields for p in f.okved_prefixes.split(",") if p.strip()]
    used_inn = set(Organisation.objects.exclude(inn="").values_list("inn", flat=True))
    used_ogrn = set(Organisation.objects.exclude(ogrn="").values_list("ogrn", flat=True))
    serial = iter(range(1, 10**7))

    def identifiers(region_code: str, year: int) -> tuple[str, str]:
        while True:
            number = next(serial)
            inn = complete_inn10(f"{region_code}{number:07d}")
            ogrn = complete_ogrn(f"1{year % 100:02d}{region_code}{number:07d}")
            if inn not in used_inn and ogrn not in used_ogrn:
                used_inn.add(inn)
                used_ogrn.add(ogrn)
                return inn, ogrn

    existing = Organisation.objects.count()
    existing_centres = Centre.objects.count()
    new_centres = max(0, size.centres - existing_centres)
    others = {kind: round(count * size.organisations / 250_000) for kind, count in OTHER_KINDS.items()}
    ngos = size.organisations - existing - new_centres - sum(others.values())
    rows: list[dict] = []
    links: list[tuple[int, int]] = []  # (row index, field id)

    # NGOs and foundations: a real NGO's legal form, region, address and activity; a name recombined from real ones.
    prefixes = [split_name(row["full_name"])[0] for row in sample]
    words = [w for row in sample for w in re.split(r"\s+", split_name(row["full_name"])[1]) if len(w) > 1]
    for _ in range(ngos):
        template = sample[rng.randrange(len(sample))]
        region = template["region_obj"] if rng.random() < 0.8 else rng.choice(regions)
        prefix = prefixes[rng.randrange(len(prefixes))]
        proper = " ".join(rng.choice(words) for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))
        year = rng.randint(1992, 2024)
        inn, ogrn = identifiers(region.fns_code, year)
        okopf = template["okopf"]
        okved_code = template["okved_code"]
        founded = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        liquidated = (
            min(today, founded + dt.timedelta(days=rng.randint(400, 6000))) if rng.random() < 0.04 else None
        )
        same_region = region is template["region_obj"]
        rows.append(
            {
                "name": f'{prefix} "{proper}"'[:500],
                "short_name": f'{"".join(w[0] for w in prefix.split()).upper()} "{proper}"'[:300],
                "kind": OrganisationKind.FOUNDATION if okopf.startswith("704") else OrganisationKind.NGO,
                "legal_form_id": legal_forms.get(okopf),
                "inn": inn,
                "ogrn": ogrn,
                "region_id": region.pk,
                "city": template["city"] if same_region else CAPITALS.get(region.fns_code, ""),
                "address": template["address"] if same_region else "",
                "founded_on": founded,
                "liquidated_on": liquidated,
                "status": OrganisationStatus.LIQUIDATED if liquidated else OrganisationStatus.ACTIVE,
                "main_okved_id": okved.get(okved_code),
                "description": template["okved"],
            }
        )
        matches = [pk for prefix_code, pk in fields_by_okved if okved_code.startswith(prefix_code)]
        for field_id in matches[:2] or [rng.choice(fields).pk]:
            links.append((len(rows) - 1, field_id))

    # Other sectors, spread over the regions.
    for kind, count in others.items():
        for index in range(count):
            region = regions[(index * 7 + rng.randrange(len(regions))) % len(regions)]
            year = rng.randint(1991, 2020)
            inn, ogrn = identifiers(region.fns_code, year)
            capital = CAPITALS.get(region.fns_code, "")
            name, form = _other_name(kind, region, index, rng)
            rows.append(
                {
                    "name": name[:500],
                    "kind": kind,
                    "legal_form_id": legal_forms.get(form),
                    "inn": inn,
                    "ogrn": ogrn,
                    "region_id": region.pk,
                    "city": capital,
                    "founded_on": dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                }
            )

    # Resource centres: every region has at least three (the demo's among them).
    have = defaultdict(int)
    for region_id in Centre.objects.values_list("organisation__region_id", flat=True):
        have[region_id] += 1
    centre_regions: list[Region] = []
    while len(centre_regions) < new_centres:
        for region in sorted(regions, key=lambda r: (have[r.pk], r.fns_code)):
            if len(centre_regions) < new_centres:
                centre_regions.append(region)
                have[region.pk] += 1
    nko_support = next(f.pk for f in fields if f.slug == "nko-support")
    centre_rows = []
    for index, region in enumerate(centre_regions):
        year = 1993 + index % 28
        inn, ogrn = identifiers(region.fns_code, year)
        label = f"Ресурсный центр «{RC_NAMES[index % len(RC_NAMES)]}»"
        number = existing_centres + index + 1
        rows.append(
            {
                "name": f"Автономная некоммерческая организация {label} — {region.name_ru}"[:500],
                "short_name": f"{label} ({region.name_ru})"[:300],
                "kind": OrganisationKind.RESOURCE_CENTRE,
                "legal_form_id": legal_forms.get("71400"),
                "inn": inn,
                "ogrn": ogrn,
                "region_id": region.pk,
                "city": CAPITALS.get(region.fns_code, ""),
                "founded_on": dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                "website": f"https://rc{number}.resurs-demo.ru",
                "email": f"info@rc{number}.resurs-demo.ru",
                "description": "Инфраструктурная некоммерческая организация: обучает и консультирует НКО, "
                "проводит грантовые конкурсы, форумы и исследования, развивает межсекторное партнёрство.",
            }
        )
        centre_rows.append((len(rows) - 1, region))
        links.append((len(rows) - 1, nko_support))

    ids = copy_rows(Organisation, rows)
    copy_links(
        Organisation.fields.through,
        ("organisation_id", "field_id"),
        sorted({(ids[index], field_id) for index, field_id in links}),
    )
    copy_rows(
        Centre,
        (
            {"organisation_id": ids[index], "slug": f"rc-{region.fns_code}-{existing_centres + n}"}
            for n, (index, region) in enumerate(centre_rows)
        ),
    )
    ctx.log(f"  {len(ids)} organisations ({existing + len(ids)} in all), {len(centre_rows)} centres")

    _people_and_ties(ctx, rng, ids, rows, regions, by_code, today)
    _accounts(ctx)


def _people_and_ties(ctx, rng, ids, rows, regions, by_code, today) -> None:
    """Tie slots for every organisation (a leader, staff, boards, founders, volunteers, council members), shuffled
    within each region and dealt to people who hold one or several of them."""
    size = ctx.national
    slots: dict[int, list[tuple]] = defaultdict(list)  # region id → (organisation id, role, title, started)
    for pk, row in zip(ids, rows, strict=True):
        kind, region_id = row["kind"], row["region_id"]
        founded = row["founded_on"]
        start = max(founded, dt.date(2005, 1, 1))
        add = slots[region_id].append
        if kind in (OrganisationKind.NGO, OrganisationKind.FOUNDATION, OrganisationKind.RESOURCE_CENTRE):
            title = (
                "Президент фонда"
                if kind == OrganisationKind.FOUNDATION
                else rng.choice(["Директор", "Директор", "Председатель", "Исполнительный директор"])
            )
            add((pk, TieRole.LEADER, title, start))
            for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 3))):
                add(
                    (
                        pk,
                        TieRole.STAFF,
                        rng.choice(STAFF_TITLES),
                        start + dt.timedelta(days=rng.randint(30, 2500)),
                    )
                )
            if rng.random() < 0.12:
                for _ in range(rng.randint(2, 4)):
                    add(
                        (
                            pk,
                            TieRole.BOARD_MEMBER,
                            "Член правления",
                            today - dt.timedelta(days=rng.randint(200, 3000)),
                        )
                    )
            if rng.random() < 0.08:
                add((pk, TieRole.FOUNDER, "Учредитель", founded))
            if rng.random() < 0.08:
                add((pk, TieRole.VOLUNTEER, "Волонтёр", today - dt.timedelta(days=rng.randint(10, 900))))
        elif kind == OrganisationKind.ADVISORY_BODY:
            for _ in range(rng.randint(8, 20)):
                add(
                    (
                        pk,
                        TieRole.ADVISORY_MEMBER,
                        "Член совета",
                        today - dt.timedelta(days=rng.randint(100, 2500)),
                    )
                )
        else:
            add((pk, TieRole.LEADER, "Генеральный директор" if kind == OrganisationKind.BUSINESS else "Руководитель",
                 start))  # fmt: skip
            for _ in range(rng.randint(1, 3)):
                add(
                    (
                        pk,
                        TieRole.STAFF,
                        "Специалист по связям с общественностью",
                        start + dt.timedelta(days=400),
                    )
                )
    wanted = size.ties - Tie.objects.count()
    total = sum(len(v) for v in slots.values())
    # Trim (or top up with volunteers) to reach the total exactly, the same share in every region.
    region_ids = sorted(slots)
    for region_id in region_ids:
        rng.shuffle(slots[region_id])
    while total > wanted:
        region_id = rng.choice(region_ids)
        if len(slots[region_id]) > 1:
            slots[region_id].pop()
            total -= 1
    ngos = [
        (pk, row["region_id"])
        for pk, row in zip(ids, rows, strict=True)
        if row["kind"] == OrganisationKind.NGO
    ]
    while total < wanted:
        pk, region_id = rng.choice(ngos)
        slots[region_id].append(
            (pk, TieRole.VOLUNTEER, "Волонтёр", today - dt.timedelta(days=rng.randint(10, 900)))
        )
        total += 1
    sizes, weights = zip(*TIES_PER_PERSON, strict=True)
    people: list[dict] = []
    ties: list[tuple] = []  # (person index, organisation id, role, title, started, ended)
    region_by_id = {r.pk: r for r in regions}
    for region_id in region_ids:
        queue = slots[region_id]
        position = 0
        region = region_by_id[region_id]
        while position < len(queue):
            k = rng.choices(sizes, weights)[0]
            last, first, patronymic = _person_name(rng)
            people.append(
                {
                    "last_name": last,
                    "first_name": first,
                    "patronymic": patronymic,
                    "region_id": region_id,
                    "city": CAPITALS.get(region.fns_code, ""),
                    "consent_given_at": timezone.now(),
                    "consent_text_version": "2026-01",
                }
            )
            seen = set()
            end = min(position + k, len(queue))
            for slot in range(position, end):
                if queue[slot][0] in seen and end < len(queue):
                    # One person, one tie per organisation: swap in a later slot of the region.
                    other = rng.randrange(end, len(queue))
                    queue[slot], queue[other] = queue[other], queue[slot]
                organisation_id, role, title, started = queue[slot]
                seen.add(organisation_id)
                ended = None
                if rng.random() < ENDED_SHARE:
                    span = (today - started).days
                    if span > 60:
                        ended = started + dt.timedelta(days=rng.randint(30, span - 1))
                ties.append((len(people) - 1, organisation_id, role, title, started, ended))
            position += k
    person_ids = copy_rows(Person, people)
    copy_rows(
        Tie,
        (
            {
                "person_id": person_ids[index],
                "organisation_id": organisation_id,
                "role": role,
                "title": title,
                "started_on": started,
                "ended_on": ended,
            }
            for index, organisation_id, role, title, started, ended in ties
        ),
    )
    ctx.log(f"  {len(person_ids)} people, {len(ties)} ties ({Tie.objects.count()} in all)")


def _other_name(kind: str, region: Region, index: int, rng) -> tuple[str, str]:
    capital = CAPITALS.get(region.fns_code) or region.name_ru
    if kind == OrganisationKind.BUSINESS:
        if index % 5 == 0:
            return f"ООО «{BUSINESS_NAMES[index % len(BUSINESS_NAMES)]}» ({region.name_ru})", "12300"
        form = rng.choice(BUSINESS_FORMS)
        name = rng.choice(BUSINESS_WORDS) + rng.choice(BUSINESS_WORDS).lower()
        return f"{form} «{name}»", {"ООО": "12300", "АО": "12267", "ПАО": "12247"}[form]
    if kind == OrganisationKind.MEDIA:
        return MEDIA_NAMES[index % len(MEDIA_NAMES)].format(city=capital) + f" ({region.name_ru})", "12300"
    if kind == OrganisationKind.GOVERNMENT:
        return f"{GOVERNMENT_NAMES[index % len(GOVERNMENT_NAMES)]} ({region.name_ru})", "75201"
    if kind == OrganisationKind.ADVISORY_BODY:
        return f"{ADVISORY_NAMES[index % len(ADVISORY_NAMES)]} ({region.name_ru})", ""
    return f"Университет № {index + 1} ({region.name_ru})", "75101"


def split_name(full_name: str) -> tuple[str, str]:
    """("АВТОНОМНАЯ НЕКОММЕРЧЕСКАЯ ОРГАНИЗАЦИЯ", "ЦЕНТР РАЗВИТИЯ ...") — legal-form words and the proper part."""
    match = re.match(r'^([^"«]+?)\s*["«](.+?)["»]*$', full_name)
    if match:
        return match.group(1).strip(), match.group(2).strip().strip('"»')
    words = full_name.split()
    return " ".join(words[:3]), " ".join(words[3:]) or full_name


def _sample(regions: list[Region]) -> list[dict]:
    """The EGRUL sample's rows with a region of the reference (rows whose region cannot be matched are left out)."""
    matched: dict[str, Region | None] = {}
    rows = []
    with open(Path(settings.DATA_DIR) / SAMPLE, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = row["region"]
            if name not in matched:
                matched[name] = _match_region(name, regions)
            region = matched[name]
            if region is None or not row["full_name"]:
                continue
            address = row["address_x"][:500]
            city = next((p.strip()[3:] for p in address.split(",") if p.strip().startswith("г. ")), "")
            rows.append(
                {
                    "full_name": row["full_name"],
                    "region_obj": region,
                    "address": address,
                    "city": (city or CAPITALS.get(region.fns_code, ""))[:200],
                    "okopf": row["okopf_code"].split(".")[0],
                    "okved_code": row["okved_code"].strip(),
                    "okved": row["okved"].strip(),
                }
            )
    return rows


APPLICANTS = 30_000
MEMBERS = 50_000


def _accounts(ctx: DemoContext) -> None:
    """The people of the registry who sign in: leaders of about 30,000 NGOs (who apply for grants), about 50,000
    staff members (who learn, consult and come to events) and a staff member for every centre that has none.

    None of them can sign in to the demo (unusable passwords); the demo personas stay the ones to use. Other
    national builders take them from ``ctx.data``: ``national_applicants`` and ``national_members`` hold
    ``(user id, organisation id, region id)``, ``national_centre_staff`` maps a centre id to its staff user id.
    """
    from resurs.accounts.choices import Role
    from resurs.accounts.models import Representation, RoleAssignment, User

    rng = ctx.rng("accounts-national")
    taken = set(User.objects.exclude(person=None).values_list("person_id", flat=True))
    represented = set(Representation.objects.values_list("organisation_id", flat=True))
    current = Tie.objects.filter(ended_on=None, person__user__isnull=True)
    leaders = list(
        current.filter(role=TieRole.LEADER, organisation__kind=OrganisationKind.NGO)
        .values_list("person_id", "organisation_id", "organisation__region_id", "title")
        .order_by("pk")
    )
    staff = list(
        current.filter(role=TieRole.STAFF, organisation__kind=OrganisationKind.NGO)
        .values_list("person_id", "organisation_id", "organisation__region_id", "title")
        .order_by("pk")
    )
    rng.shuffle(leaders)
    rng.shuffle(staff)
    chosen: list[tuple[int, int, int, str, str]] = []  # person, organisation, region, position, group
    for group, ties, wanted in (("applicant", leaders, APPLICANTS), ("member", staff, MEMBERS)):
        count = 0
        for person_id, organisation_id, region_id, title in ties:
            if count == wanted:
                break
            if person_id in taken or (group == "applicant" and organisation_id in represented):
                continue
            taken.add(person_id)
            represented.add(organisation_id)
            chosen.append((person_id, organisation_id, region_id, title, group))
            count += 1
    names = dict(
        (pk, (first, last))
        for pk, first, last in Person.objects.filter(pk__in=[c[0] for c in chosen]).values_list(
            "pk", "first_name", "last_name"
        )
    )
    password = make_password(None)
    user_ids = copy_rows(
        User,
        (
            {
                "username": f"person{person_id}",
                "email": f"person{person_id}@national.resurs.local",
                "first_name": names[person_id][0],
                "last_name": names[person_id][1],
                "person_id": person_id,
                "password": password,
                "is_active": True,
            }
            for person_id, *_rest in chosen
        ),
    )
    copy_rows(RoleAssignment, ({"user_id": pk, "role": Role.NGO_REPRESENTATIVE} for pk in user_ids))
    copy_rows(
        Representation,
        (
            {"user_id": pk, "organisation_id": organisation_id, "position": title[:200]}
            for pk, (_person, organisation_id, _region, title, _group) in zip(user_ids, chosen, strict=True)
        ),
    )
    ctx.data["national_applicants"] = [
        (pk, organisation_id, region_id)
        for pk, (_p, organisation_id, region_id, _t, group) in zip(user_ids, chosen, strict=True)
        if group == "applicant"
    ]
    ctx.data["national_members"] = [
        (pk, organisation_id, region_id)
        for pk, (_p, organisation_id, region_id, _t, group) in zip(user_ids, chosen, strict=True)
        if group == "member"
    ]

    # A staff member for each centre that has none (their work needs someone to record it).
    staffed = set(RoleAssignment.objects.filter(role=Role.STAFF).values_list("centre_id", flat=True))
    centres = list(Centre.objects.exclude(pk__in=staffed).values_list("pk", "organisation__region_id"))
    staff_ids = copy_rows(
        User,
        (
            {
                "username": f"centre{pk}-staff",
                "email": f"staff@centre{pk}.resurs-demo.ru",
                "first_name": rng.choice(["Анна", "Ольга", "Марина", "Елена", "Сергей", "Андрей", "Ирина"]),
                "last_name": rng.choice(["Смирнова", "Кузнецова", "Волкова", "Лебедев", "Морозова", "Орлов"]),
                "password": password,
                "is_active": True,
            }
            for pk, _region in centres
        ),
    )
    copy_rows(
        RoleAssignment,
        (
            {"user_id": user_id, "role": Role.STAFF, "centre_id": centre_id}
            for user_id, (centre_id, _region) in zip(staff_ids, centres, strict=True)
        ),
    )
    ctx.data["national_centre_staff"] = dict(
        zip([centre_id for centre_id, _r in centres], staff_ids, strict=True)
    )
    ctx.log(f"  {len(user_ids)} people with accounts, {len(staff_ids)} centre staff")

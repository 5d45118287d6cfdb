"""The demo sector: about 1,500 organisations in every region (real NGOs from the EGRUL sample where the region
has them, generated ones elsewhere), 60 resource centres, 3,000 people and their positions and memberships."""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

from django.utils import timezone

from resurs.core.demo import DemoContext
from resurs.registry.choices import OrganisationKind, OrganisationStatus, TieRole
from resurs.registry.models import Centre, Field, LegalForm, OkvedCode, Organisation, Person, Region, Tie
from resurs.registry.validators import (
    complete_inn10,
    complete_ogrn,
    is_valid_inn,
    is_valid_ogrn,
    normalise_identifier,
)

SAMPLE = Path(__file__).resolve().parent / "reference" / "demo_ngos.csv"

MALE_FIRST = [
    "Александр",
    "Сергей",
    "Дмитрий",
    "Андрей",
    "Алексей",
    "Максим",
    "Евгений",
    "Иван",
    "Михаил",
    "Артём",
    "Николай",
    "Владимир",
    "Павел",
    "Роман",
    "Олег",
    "Игорь",
    "Константин",
    "Григорий",
    "Юрий",
    "Виктор",
]
FEMALE_FIRST = [
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Анна",
    "Мария",
    "Светлана",
    "Екатерина",
    "Юлия",
    "Марина",
    "Анастасия",
    "Дарья",
    "Людмила",
    "Галина",
    "Вера",
    "Ксения",
    "Надежда",
    "Полина",
    "Алла",
]
SURNAMES = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Сергеев",
    "Кузьмин",
    "Фролов",
    "Александров",
    "Дмитриев",
    "Королёв",
    "Гусев",
    "Киселёв",
    "Ильин",
    "Максимов",
    "Поляков",
    "Сорокин",
    "Виноградов",
    "Ковалёв",
    "Белов",
    "Медведев",
    "Антонов",
    "Тарасов",
    "Жуков",
    "Баранов",
    "Филиппов",
    "Комаров",
]
PATRONYMIC_ROOTS = [
    "Александров",
    "Сергеев",
    "Дмитриев",
    "Андреев",
    "Алексеев",
    "Михайлов",
    "Иванов",
    "Николаев",
    "Владимиров",
    "Павлов",
    "Викторов",
    "Юрьев",
    "Петров",
    "Борисов",
]
RC_NAMES = [
    "Вектор",
    "Содействие",
    "Гражданская инициатива",
    "Партнёрство",
    "Открытый регион",
    "Развитие",
    "Добрые дела",
    "Сибирский центр",
    "Диалог",
    "Точка роста",
    "Мост",
    "Перспектива",
    "Согласие",
    "Агентство социальной информации",
    "Кадры НКО",
    "Сообщество",
    "Новые возможности",
    "Ресурс",
]
BUSINESS_NAMES = [
    "Северсталь-Инвест",
    "Уралхимпласт",
    "Волга-Телеком",
    "СибЭнергоСбыт",
    "Балтийская логистика",
    "Агрохолдинг Заречье",
    "Региональный банк развития",
    "Камский металл",
    "ТехноСофт",
    "Дальневосточная рыбная компания",
    "Строительный трест № 4",
    "Сеть аптек Здоровье",
]
MEDIA_NAMES = [
    "Городские новости",
    "Радио Регион",
    "Вести-{city}",
    "Областная газета",
    "Телеканал «Губерния»",
    "Портал «Добро-{city}»",
]


def _person_name(rng):
    female = rng.random() < 0.62  # the sector's workforce is mostly women
    surname = rng.choice(SURNAMES)
    root = rng.choice(PATRONYMIC_ROOTS)
    if female:
        return surname + "а", rng.choice(FEMALE_FIRST), root + "на"
    return surname, rng.choice(MALE_FIRST), root + "ич"


def _match_region(name: str, regions: list[Region]) -> Region | None:
    lowered = name.strip().lower()
    for region in regions:
        names = [region.name_ru.lower()] + [
            n.strip().lower() for n in region.alternative_names.split("|") if n
        ]
        if lowered in names:
            return region
    for region in regions:
        if lowered and (lowered in region.name_ru.lower() or region.name_ru.lower() in lowered):
            return region
    return None


def _sample_rows() -> list[dict]:
    with open(SAMPLE, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


class _Identifiers:
    """Unique, checksum-valid INN/OGRN for generated organisations."""

    def __init__(self, rng, used_inn: set[str], used_ogrn: set[str]):
        self.rng, self.used_inn, self.used_ogrn = rng, used_inn, used_ogrn

    def make(self, region_code: str, year: int) -> tuple[str, str]:
        while True:
            inn = complete_inn10(region_code + f"{self.rng.randrange(10**7):07d}")
            ogrn = complete_ogrn("1" + f"{year % 100:02d}" + region_code + f"{self.rng.randrange(10**7):07d}")
            if inn not in self.used_inn and ogrn not in self.used_ogrn:
                self.used_inn.add(inn)
                self.used_ogrn.add(ogrn)
                return inn, ogrn


def build(ctx: DemoContext) -> None:
    rng = ctx.rng("registry")
    regions = list(Region.objects.select_related("federal_district").order_by("fns_code"))
    fields = list(Field.objects.all())
    fields_by_okved = [
        (prefix.strip(), f) for f in fields for prefix in f.okved_prefixes.split(",") if prefix.strip()
    ]
    legal_forms = {lf.code: lf for lf in LegalForm.objects.all()}
    okved = {o.code: o for o in OkvedCode.objects.all()}
    today = timezone.localdate()

    # 1. Real NGOs from the EGRUL sample, about 1,150 of them (in every region the sample covers).
    used_inn: set[str] = set()
    used_ogrn: set[str] = set()
    organisations: list[Organisation] = []
    field_links: list[tuple[Organisation, Field]] = []
    by_region: dict[str, list[dict]] = defaultdict(list)
    region_cache: dict[str, Region | None] = {}
    for row in _sample_rows():
        if row.get("status_x") != "Действующая":
            continue
        name = row["region"]
        if name not in region_cache:
            region_cache[name] = _match_region(name, regions)
        if region_cache[name] is not None:
            by_region[region_cache[name].fns_code].append(row)
    real_target = ctx.count(1150, 20)
    chosen: list[tuple[Region, dict]] = []
    region_map = {r.fns_code: r for r in regions}
    pools = {code: rng.sample(rows, len(rows)) for code, rows in sorted(by_region.items())}
    while len(chosen) < real_target and any(pools.values()):
        for code in sorted(pools):
            if pools[code] and len(chosen) < real_target:
                chosen.append((region_map[code], pools[code].pop()))
    for region, row in chosen:
        inn, ogrn = normalise_identifier(row["inn"]), normalise_identifier(row["ogrn"])
        if not (is_valid_inn(inn) and is_valid_ogrn(ogrn)) or inn in used_inn or ogrn in used_ogrn:
            continue
        used_inn.add(inn)
        used_ogrn.add(ogrn)
        full_name = row["full_name"].strip()
        short = row["short_name"].split(";")[0].strip().replace('""', '"')
        try:
            founded = dt.date.fromisoformat(row["reg_date"][:10])
        except ValueError:
            founded = None
        code = normalise_identifier(row.get("okopf_code", ""))
        okved_code = (row.get("okved_code") or "").strip()
        org = Organisation(
            name=full_name[:500],
            short_name=short[:300],
            kind=OrganisationKind.FOUNDATION if code.startswith("704") else OrganisationKind.NGO,
            legal_form=legal_forms.get(code),
            inn=inn,
            ogrn=ogrn,
            region=region,
            city=_city_of(row.get("address_x", ""), region),
            address=row.get("address_x", "")[:500],
            founded_on=founded,
            main_okved=okved.get(okved_code),
            website=_website(row.get("website", "")),
            description=(row.get("okved") or "").strip(),
        )
        organisations.append(org)
        matches = [f for prefix, f in fields_by_okved if okved_code.startswith(prefix)]
        for f in matches[:2] or rng.sample(fields, 2):
            field_links.append((org, f))

    ids = _Identifiers(rng, used_inn, used_ogrn)
    ngo_forms = [
        legal_forms[c] for c in ("71400", "20200", "70401", "70400", "75500", "71601") if c in legal_forms
    ]

    # 2. Generated NGOs where a region has none, so that every region has organisations.
    covered = {o.region.fns_code for o in organisations}
    themes = [
        ("Помощь детям", "children"),
        ("Забота о старших", "elderly"),
        ("Зелёный город", "ecology"),
        ("Равные возможности", "disability"),
        ("Культурное наследие", "culture"),
        ("Здоровье для всех", "health"),
    ]
    for region in regions:
        for _ in range(0 if region.fns_code in covered else 3):
            theme, slug = rng.choice(themes)
            year = rng.randint(1995, 2021)
            inn, ogrn = ids.make(region.fns_code, year)
            lf = rng.choice(ngo_forms)
            org = Organisation(
                name=f"{lf.name[:-1] if lf.name.endswith('и') else lf.name} «{theme}» ({region.name_ru})"[
                    :500
                ],
                short_name=f"«{theme}», {region.name_ru}",
                kind=OrganisationKind.NGO,
                legal_form=lf,
                inn=inn,
                ogrn=ogrn,
                region=region,
                city=_capital(region),
                founded_on=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                description=f"Некоммерческая организация, работающая в области «{theme.lower()}».",
            )
            organisations.append(org)
            field_links.append((org, next(f for f in fields if f.slug == slug)))

    # 3. Resource centres (60): one hub in Moscow and centres across the federal districts.
    centre_orgs: list[Organisation] = []
    centre_regions = [r for r in regions if r.fns_code == "77"] + rng.sample(
        [r for r in regions if r.fns_code != "77"], min(len(regions) - 1, ctx.count(59, 3))
    )
    for index, region in enumerate(centre_regions):
        is_hub = index == 0
        year = 1993 + index % 25 if not is_hub else 1996
        inn, ogrn = ids.make(region.fns_code, year)
        label = (
            "Национальный ресурсный центр НКО"
            if is_hub
            else f"Ресурсный центр «{RC_NAMES[index % len(RC_NAMES)]}»"
        )
        org = Organisation(
            name=(
                f"Ассоциация «{label}»"
                if is_hub
                else f"Автономная некоммерческая организация {label} — {region.name_ru}"
            )[:500],
            short_name=label if is_hub else f"{label} ({region.name_ru})",
            kind=OrganisationKind.RESOURCE_CENTRE,
            legal_form=legal_forms.get("71601" if is_hub else "71400"),
            inn=inn,
            ogrn=ogrn,
            region=region,
            city=_capital(region),
            founded_on=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
            website=f"https://rc{index + 1}.resurs-demo.ru",
            email=f"info@rc{index + 1}.resurs-demo.ru",
            description="Инфраструктурная некоммерческая организация: обучает и консультирует НКО, проводит "
            "грантовые конкурсы, форумы и исследования, развивает межсекторное партнёрство.",
        )
        organisations.append(org)
        centre_orgs.append(org)
        field_links.append((org, next(f for f in fields if f.slug == "nko-support")))

    # 4. Businesses, media, government bodies, advisory bodies and universities, spread over the regions.
    other_specs = [
        (
            OrganisationKind.BUSINESS,
            ctx.count(120, 4),
            lambda r, i: f"ООО «{BUSINESS_NAMES[i % len(BUSINESS_NAMES)]}»",
            "12300",
        ),
        (
            OrganisationKind.MEDIA,
            ctx.count(60, 3),
            lambda r, i: MEDIA_NAMES[i % len(MEDIA_NAMES)].format(city=_capital(r)),
            "12300",
        ),
        (
            OrganisationKind.GOVERNMENT,
            ctx.count(85, 3),
            lambda r, i: f"Министерство социальной политики ({r.name_ru})",
            "75201",
        ),
        (
            OrganisationKind.ADVISORY_BODY,
            ctx.count(50, 2),
            lambda r, i: f"Общественная палата ({r.name_ru})",
            "",
        ),
        (OrganisationKind.UNIVERSITY, ctx.count(30, 2), lambda r, i: f"Университет ({r.name_ru})", "75101"),
    ]
    for kind, count, namer, form_code in other_specs:
        for i in range(count):
            region = regions[(i * 7 + len(kind)) % len(regions)]
            year = rng.randint(1991, 2018)
            inn, ogrn = ids.make(region.fns_code, year)
            organisations.append(
                Organisation(
                    name=namer(region, i)[:500],
                    kind=kind,
                    legal_form=legal_forms.get(form_code),
                    inn=inn,
                    ogrn=ogrn,
                    region=region,
                    city=_capital(region),
                    founded_on=dt.date(year, rng.randint(1, 12), rng.randint(1, 28)),
                )
            )

    Organisation.objects.bulk_create(organisations, batch_size=500)
    Organisation.fields.through.objects.bulk_create(
        [Organisation.fields.through(organisation_id=o.pk, field_id=f.pk) for o, f in field_links],
        batch_size=1000,
        ignore_conflicts=True,
    )
    Centre.objects.bulk_create(
        [
            Centre(
                organisation=org,
                slug=f"rc-{org.region.fns_code}-{i}" if i else "hub",
                is_hub=(i == 0),
                tagline="Сеть ресурсных центров для некоммерческих организаций" if i == 0 else "",
            )
            for i, org in enumerate(centre_orgs)
        ]
    )

    # 5. People (3,000) and their ties: a leader for most organisations, staff, boards, advisory members.
    people = []
    for _ in range(ctx.count(3000, 60)):
        last, first, patronymic = _person_name(rng)
        region = rng.choice(regions)
        people.append(
            Person(
                last_name=last,
                first_name=first,
                patronymic=patronymic,
                region=region,
                city=_capital(region),
                consent_given_at=timezone.now(),
                consent_text_version="2026-01",
            )
        )
    Person.objects.bulk_create(people, batch_size=1000)
    for index, person in enumerate(people[:400]):
        person.email = f"person{index + 1}@demo.resurs.local"
    Person.objects.bulk_update(people[:400], ["email"])

    ties = []
    ngos = [
        o
        for o in organisations
        if o.kind in (OrganisationKind.NGO, OrganisationKind.FOUNDATION, OrganisationKind.RESOURCE_CENTRE)
    ]
    advisory = [o for o in organisations if o.kind == OrganisationKind.ADVISORY_BODY]
    businesses = [o for o in organisations if o.kind == OrganisationKind.BUSINESS]
    person_iter = iter(rng.sample(people, len(people)))
    for org in ngos:
        person = next(person_iter, None) or rng.choice(people)
        start = max(org.founded_on or dt.date(2010, 1, 1), dt.date(2005, 1, 1))
        ties.append(
            Tie(
                person=person,
                organisation=org,
                role=TieRole.LEADER,
                title="Директор" if org.kind != OrganisationKind.FOUNDATION else "Президент фонда",
                started_on=start,
            )
        )
        for _ in range(rng.randint(0, 3)):
            ties.append(
                Tie(
                    person=rng.choice(people),
                    organisation=org,
                    role=TieRole.STAFF,
                    title=rng.choice(
                        [
                            "Руководитель проектов",
                            "Бухгалтер",
                            "Координатор волонтёров",
                            "PR-менеджер",
                            "Юрист",
                        ]
                    ),
                    started_on=start + dt.timedelta(days=rng.randint(30, 2000)),
                )
            )
        if rng.random() < 0.35:
            for _ in range(rng.randint(2, 4)):
                ties.append(
                    Tie(
                        person=rng.choice(people),
                        organisation=org,
                        role=TieRole.BOARD_MEMBER,
                        title="Член правления",
                        started_on=today - dt.timedelta(days=rng.randint(200, 3000)),
                    )
                )
    for body in advisory:
        for _ in range(rng.randint(5, 12)):
            started = today - dt.timedelta(days=rng.randint(100, 2500))
            ended = started + dt.timedelta(days=3 * 365) if rng.random() < 0.3 else None
            ties.append(
                Tie(
                    person=rng.choice(people),
                    organisation=body,
                    role=TieRole.ADVISORY_MEMBER,
                    title="Член Общественной палаты",
                    started_on=started,
                    ended_on=ended if ended and ended < today else None,
                )
            )
    for company in businesses:
        ties.append(
            Tie(
                person=rng.choice(people),
                organisation=company,
                role=TieRole.LEADER,
                title="Генеральный директор",
                started_on=(company.founded_on or dt.date(2010, 1, 1)),
            )
        )
    for _ in range(ctx.count(300, 10)):
        ties.append(
            Tie(
                person=rng.choice(people),
                organisation=rng.choice(ngos),
                role=TieRole.VOLUNTEER,
                title="Волонтёр",
                started_on=today - dt.timedelta(days=rng.randint(10, 900)),
            )
        )
    Tie.objects.bulk_create(ties, batch_size=1000)
    ctx.log(
        f"  {len(organisations)} organisations, {len(centre_orgs)} centres, {len(people)} people, {len(ties)} ties"
    )
    _demo_duplicates(rng, [o for o in organisations if o.kind == OrganisationKind.NGO and o.founded_on], ids)
    _demo_import(rng, [o for o in organisations if o.kind == OrganisationKind.NGO and o.ogrn and o.region_id])


def _demo_import(rng, ngos: list[Organisation]) -> None:
    """A rating agency's list imported over the registry: short names (kept beside the full ones, or listed as
    conflicts), a city one NGO's staff had corrected by hand, statuses the importer maps and one it does not, an
    unknown region and a web address "." (imported without them, with warnings)."""
    import io

    from django.core.files.base import ContentFile

    from resurs.registry.imports.service import import_batch_configure, import_batch_create, import_batch_run
    from resurs.registry.services import organisation_update

    chosen = rng.sample(ngos, min(6, len(ngos)))
    if len(chosen) < 6:
        return
    organisation_update(organisation=chosen[0], actor=None, data={"city": "Химки"})
    statuses = [
        "Действующая",
        "Действующая",
        "Ликвидируется",
        "Реорганизуется",
        "Сведения уточняются",
        "Действующая",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["Наименование", "ОГРН", "Регион", "Город", "Статус", "Сайт", "Рейтинг"])
    for i, org in enumerate(chosen):
        name = (org.short_name or org.name)[:60] + ("" if i else " (рейтинг)")
        region = "Лунная область" if i == 5 else org.region.name_ru
        city = "Москва" if i == 0 else org.city
        writer.writerow([name, org.ogrn, region, city, statuses[i], "." if i == 4 else "", rng.choice("ABC")])
    content = buffer.getvalue().encode("cp1251", errors="replace")
    batch = import_batch_create(
        upload=ContentFile(content, name="rating-ngo-2026.csv"), file_name="rating-ngo-2026.csv"
    )
    import_batch_run(import_batch_configure(batch=batch, columns=batch.columns))


def _demo_duplicates(rng, ngos: list[Organisation], ids: _Identifiers) -> None:
    """Records staff typed in by hand (from event sign-up sheets) for NGOs already in the registry: no identifiers,
    a typo, the legal form abbreviated, other quotes; and an NGO registered anew after its predecessor was
    liquidated. Then one duplicate search, so that the duplicates page has pairs with their reasons."""
    from resurs.registry.dedup import duplicate_search_run

    # EGRUL's short names begin with the legal form abbreviated: ЧПОУ УЦ "ОХРАНА ПРОФИ".
    quoted = [o for o in ngos if '"' in o.name and re.match(r'^[А-ЯЁ ]{2,12}"', o.short_name)]
    copies = []
    for original in rng.sample(quoted, min(8, len(quoted))):
        abbreviation, _quote, _rest = original.short_name.partition('"')
        abbreviation = abbreviation.strip()
        _prefix, _quote, proper = original.name.partition('"')
        proper = proper.replace('"', "").strip()
        words = proper.split()
        long_words = [i for i, word in enumerate(words) if len(word) >= 6]
        if long_words:
            i = rng.choice(long_words)
            cut = rng.randrange(2, len(words[i]) - 1)
            words[i] = words[i][:cut] + words[i][cut + 1 :]  # a letter left out
        name = rng.choice(
            [f"{abbreviation} «{' '.join(words).title()}»", f"{' '.join(words)}, {abbreviation}"]
        )
        copies.append(
            Organisation(name=name, kind=original.kind, region=original.region, city=original.city, phone="")
        )
    successor = rng.choice([o for o in ngos if o.founded_on.year >= 2012])
    year = successor.founded_on.year - rng.randint(6, 10)
    inn, ogrn = ids.make(successor.region.fns_code, year)
    copies.append(
        Organisation(
            name=successor.name,
            kind=successor.kind,
            legal_form=successor.legal_form,
            inn=inn,
            ogrn=ogrn,
            region=successor.region,
            city=successor.city,
            founded_on=dt.date(year, 3, 1),
            liquidated_on=successor.founded_on - dt.timedelta(days=rng.randint(30, 300)),
            status=OrganisationStatus.LIQUIDATED,
        )
    )
    Organisation.objects.bulk_create(copies)
    duplicate_search_run()


def _website(value: str) -> str:
    value = (value or "").strip().split(";")[0].strip()
    if not value:
        return ""
    return value if value.startswith("http") else f"https://{value.lower()}"


CAPITALS = {"77": "Москва", "78": "Санкт-Петербург", "92": "Севастополь"}


def _capital(region: Region) -> str:
    return CAPITALS.get(region.fns_code, "")


def _city_of(address: str, region: Region) -> str:
    for part in address.split(","):
        part = part.strip()
        if part.startswith("г. "):
            return part[3:].strip()[:200]
    return _capital(region)

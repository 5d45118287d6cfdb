"""A synthetic study with known answers, imported from a researcher's spreadsheet of names only
(``fixtures/study_names_only.csv``): respondents are not in the registry and nominees are written as people say
them. The import creates the respondents (consent recorded), matches nominees by exact normalised name («Опора-5»
wins over the near tie «Опора-53») and leaves the rest for review. The figures are anchored at the end of
fieldwork: 71% of the named organisations were over 20 years old on 30 June 2020, which is what the report says
in 2026 too (computed on the day of viewing it would be 84%)."""

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.utils import translation

from resurs.registry.models import Person, Region
from resurs.registry.tests.factories import OrganisationFactory, PersonFactory
from resurs.registry.validators import complete_inn10
from resurs.research import services
from resurs.research.importing import import_rows, read_table
from resurs.research.models import Nomination
from resurs.research.report import study_findings
from resurs.research.tests.factories import make_study

pytestmark = pytest.mark.django_db
SPREADSHEET = Path(__file__).resolve().parent / "fixtures" / "study_names_only.csv"
NAMES = [
    "Агентство социальной информации",
    "Опора-5",
    "Гражданские инициативы",
    "Сибирский центр поддержки общественных инициатив",
    "Серебряный возраст",
    "Нужна помощь",
    "Вера",
    "Старость в радость",
    "Волонтёры Петербурга",
    "Ночлежка",
    "Перспектива",
    "Дом с маяком",
    "Подари жизнь",
    "Линия жизни",
    "Русфонд",
    "Друзья",
    "Кислород",
    "Даунсайд Ап",
    "Ценность каждого",
    "Живи",
    "Созвездие",
    "Открытые сердца",
    "Доброе дело",
    "Радуга",
    "Милосердие",
    "Наш дом",
    "Свет",
    "Пульс",
    "Берег",
    "Исток",
    "Маяк Поволжья",
]
MOSCOW = {0, 1, 2, 5, 7, 11, 12, 14, 17}
ST_PETERSBURG = {8, 9, 16, 20}
FIELDWORK_END = dt.date(2020, 6, 30)
VIEWED = dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC)


def _founded(index: int) -> dt.date:
    if index < 22:  # over 20 years old on 30 June 2020
        return dt.date(1990 + index % 10, 3, 1)
    if index < 26:  # over 20 in 2026, not yet in 2020
        return dt.date(2002 + index - 22, 9, 1)
    return dt.date(2012, 1, 15)


def _registry():
    regions = {code: Region.objects.get(fns_code=code) for code in ("77", "78", "16")}
    orgs = []
    for index, short in enumerate(NAMES):
        code = "77" if index in MOSCOW else "78" if index in ST_PETERSBURG else "16"
        orgs.append(
            OrganisationFactory(
                name=f"Автономная некоммерческая организация «{short}»",
                short_name=f"АНО «{short}»",
                inn=complete_inn10(f"77{index + 5000000:07d}"),
                region=regions[code],
                founded_on=_founded(index),
            )
        )
    # The near tie of «Опора-5» (similarity 0.985 with the full names), never nominated.
    OrganisationFactory(name="Автономная некоммерческая организация «Опора-53»", short_name="АНО «Опора-53»")
    # A board member shared by «Опора-5» and «Гражданские инициативы» until 2021: partners during fieldwork.
    from resurs.registry.models import Tie

    member = PersonFactory()
    for org in (orgs[1], orgs[2]):
        Tie.objects.create(
            person=member,
            organisation=org,
            role="board_member",
            started_on=dt.date(2015, 1, 1),
            ended_on=dt.date(2021, 3, 1),
        )
    return orgs


def _run(personas):
    orgs = _registry()
    people_before = Person.objects.count()
    study = make_study(personas, starts_on=dt.date(2019, 9, 1), ends_on=FIELDWORK_END)
    with time_machine.travel(VIEWED, tick=False):
        result = import_rows(
            study=study,
            rows=read_table(SPREADSHEET.read_bytes(), SPREADSHEET.name),
            actor=personas.researcher,
        )
    # Every respondent was added to the registry with consent recorded.
    assert result.respondents == 10 and len(result.people_created) == 10
    created = Person.objects.order_by("-pk")[:10]
    assert Person.objects.count() == people_before + 10
    assert all(p.consent_given_at is not None for p in created)
    assert "Соколова Ирина Павловна" in result.people_created
    # Nominees: 72 matched by exact normalised name, 2 left for review; none matched by a guess.
    assert result.nominations == 74
    assert dict(result.matched_by) == {"name": 72, "review": 2}, result.unmatched
    assert sorted(result.unmatched) == ["Агенство социальной информаци", "Фонд «Надежда-Плюс»"]
    assert Nomination.objects.filter(organisation=orgs[1]).count() == 8  # «Опора-5», not «Опора-53»
    # Self- and partner flags on the study's reference date.
    assert set(
        Nomination.objects.filter(is_self=True).values_list("respondent__code", "organisation_id")
    ) == {
        ("R01", orgs[0].pk),
        ("R02", orgs[1].pk),
    }
    assert set(
        Nomination.objects.filter(is_partner=True).values_list("respondent__code", "organisation_id")
    ) == {("R02", orgs[2].pk)}

    with time_machine.travel(VIEWED, tick=False), translation.override("en"):
        findings = study_findings(study)
        assert findings.respondents == 10 and findings.unmatched == 2
        chars = findings.chars
        assert (chars.total, chars.over_20, chars.moscow, chars.st_petersburg) == (31, 22, 9, 4)
        assert chars.as_of == FIELDWORK_END
        assert round(chars.over_20_percent) == 71
        assert round(chars.capitals_percent) == 42
        assert findings.headline[1] == "71% had operated for over 20 years on June 30, 2020."
        top = [(findings.organisations[r.org_id].short_name, r.count, r.rank) for r in findings.ranking[:10]]
        assert top == [
            (f"АНО «{NAMES[i]}»", count, rank)
            for i, count, rank in [
                (0, 9, 1),
                (1, 8, 2),
                (2, 7, 3),
                (3, 6, 4),
                (4, 5, 5),
                (5, 4, 6),
                (6, 4, 6),
                (7, 3, 8),
                (8, 3, 8),
                (9, 2, 10),
            ]
        ]
        no_self = {r.org_id: r.count for r in findings.ranking_no_self}
        assert (no_self[orgs[0].pk], no_self[orgs[1].pk]) == (8, 7)
        no_partner = {r.org_id: r.count for r in findings.ranking_no_self_partner}
        assert no_partner[orgs[2].pk] == 6

        # Computed on the day of viewing (no end of fieldwork), the share drifts to 84% and the partnership,
        # ended in 2021, no longer counts.
        services.study_update(study=study, actor=personas.researcher, ends_on=None)
        study.refresh_from_db()
        drifted = study_findings(study)
        assert drifted.chars.as_of == VIEWED.date()
        assert round(drifted.chars.over_20_percent) == 84
        assert not Nomination.objects.filter(is_partner=True).exists()


def test_synthetic_study_from_names_only(personas):
    _run(personas)


@pytest.mark.postgres
def test_synthetic_study_from_names_only_postgres(requires_postgres, personas):
    _run(personas)

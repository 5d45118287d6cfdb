import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from resurs.grants import history, opendata, services
from resurs.grants.choices import CallStatus, DecisionOutcome
from resurs.grants.models import HistoricalGrant
from resurs.grants.tests.factories import eligible_application, open_call

pytestmark = pytest.mark.django_db
HISTORY = Path(settings.DATA_DIR) / "grants_history"


@pytest.fixture
def published(personas):
    call = open_call(personas.centre, actor=personas.staff)
    personas.ngo.ogrn = "1027700132195"
    personas.ngo.save()
    application = eligible_application(call, personas.ngo, personas.ngo_rep, personas.staff)
    services.application_decide(
        application=application,
        actor=personas.staff,
        outcome=DecisionOutcome.AWARDED,
        awarded_amount=Decimal("450000"),
    )
    for status in (CallStatus.CLOSED, CallStatus.REVIEW, CallStatus.DECIDED, CallStatus.RESULTS_PUBLISHED):
        services.call_set_status(call=call, actor=personas.staff, status=status)
    return call, application


def test_360giving_package_validates_against_the_official_schema(published):
    call, application = published
    package = opendata.package_for_calls([call])
    assert opendata.validation_errors(package) == []
    grant = package["grants"][0]
    assert grant["recipientOrganization"][0]["id"] == "RU-OGRN-1027700132195"
    assert grant["amountAwarded"] == 450000.0
    assert grant["currency"] == "RUB"
    # The app validates with its own copy of the official schema, kept inside the repository.
    local = opendata.SCHEMA_DIR / "360-giving-schema.json"
    assert local.is_relative_to(settings.BASE_DIR)
    assert json.loads(local.read_text())["title"]


def test_360giving_validator_rejects_broken_packages(published):
    call, _application = published
    package = opendata.package_for_calls([call])
    package["grants"][0]["plannedDates"] = [{"startDate": "2027-01-01", "duration": "12"}]
    del package["grants"][0]["awardDate"]
    errors = opendata.validation_errors(package)
    assert any("duration" in e for e in errors)
    assert errors
    assert opendata.validation_errors({"grants": []})  # at least one grant


def test_org_identifier_falls_back_to_inn_then_local(personas):
    organisation = personas.ngo
    organisation.ogrn, organisation.inn = "", "7707083893"
    assert opendata.org_identifier(organisation) == "RU-INN-7707083893"
    organisation.inn = ""
    assert opendata.org_identifier(organisation) == f"360G-resurs-org-{organisation.pk}"


def test_import_gosclub_2009_messy_csv(personas):
    content = (HISTORY / "gosclub_2009.csv").read_bytes()
    result = history.history_import(
        centre=personas.centre,
        actor=personas.staff,
        content=content,
        filename="gosclub_2009.csv",
        mapping={"number": 1, "organisation": 2, "inn": 3, "title": 4, "amount": 5},
        competition="Президентские гранты 2009 (Гражданское достоинство)",
        year=2009,
    )
    assert result.created > 100
    first = HistoricalGrant.objects.get(application_number="02-03")
    assert first.organisation_name == 'Фонд "Институт фондового рынка и управления"'
    assert first.inn == "7710264307"
    assert first.amount == Decimal("2000000.00")
    assert first.title == "Всероссийская олимпиада по финансовому рынку для старшеклассников"
    # Importing the same file again adds nothing.
    again = history.history_import(
        centre=personas.centre,
        actor=personas.staff,
        content=content,
        filename="gosclub_2009.csv",
        mapping={"number": 1, "organisation": 2, "inn": 3, "title": 4, "amount": 5},
        competition="Президентские гранты 2009 (Гражданское достоинство)",
        year=2009,
    )
    assert again.created == 0
    assert again.duplicates == result.created


def test_import_inop_2008_csv(personas):
    result = history.history_import(
        centre=personas.centre,
        actor=personas.staff,
        content=(HISTORY / "inop_2008.csv").read_bytes(),
        filename="inop_2008.csv",
        mapping={"number": 1, "organisation": 2, "title": 3, "amount": 4},
        competition="Президентские гранты 2008 (ИНОП)",
        year=2008,
    )
    assert result.created > 50
    grant = HistoricalGrant.objects.get(application_number="8")
    assert grant.amount == Decimal("650000.00")
    assert grant.title == "Семью каждому ребёнку!"
    assert all(g.amount and g.amount > 0 for g in HistoricalGrant.objects.all())


def test_import_pgf_xlsx_titles_directions_regions_only(personas):
    result = history.history_import(
        centre=personas.centre,
        actor=personas.staff,
        content=(HISTORY / "pgf_2025_applications_titles_directions.xlsx").read_bytes(),
        filename="pgf_2025_applications_titles_directions.xlsx",
        mapping={"number": 1, "title": 3, "region": 4, "direction": 6},
        competition="Президентские гранты 2025, первый конкурс",
        year=2025,
        has_header=True,
    )
    grant = HistoricalGrant.objects.get(application_number="25-1-000003")
    assert grant.title.startswith("Семья как ценность")
    assert grant.region is not None and grant.region.name_ru == "Нижегородская область"
    assert grant.direction.startswith("Социальное обслуживание")
    # Many rows per project in this file: each project once.
    assert result.duplicates > result.created > 100


def test_bad_mapping_and_bad_rows_are_explained(personas):
    csv_bytes = "1,А-1,НКО «Ромашка»,7707083893,Проект,100 000 р.\n2,А-2,НКО,12,Проект 2,сто рублей\n3,А-3,НКО,,,5\n".encode()
    with pytest.raises(history.ValidationError) as caught:
        history.history_import(
            centre=personas.centre,
            actor=personas.staff,
            content=csv_bytes,
            filename="x.csv",
            mapping={"title": 9},
            competition="К",
            year=2010,
        )
    assert "point beyond" in caught.value.messages[0]
    result = history.history_import(
        centre=personas.centre,
        actor=personas.staff,
        content=csv_bytes,
        filename="x.csv",
        mapping={"number": 1, "organisation": 2, "inn": 3, "title": 4, "amount": 5},
        competition="К",
        year=2010,
    )
    assert result.created == 1
    assert [line for line, _message in result.errors] == [2, 3]
    assert HistoricalGrant.objects.get().amount == Decimal("100000.00")
    with pytest.raises(history.ValidationError):
        history.history_import(
            centre=personas.centre,
            actor=personas.staff,
            content=b"\x00\x01",
            filename="x.pdf",
            mapping={"title": 0},
            competition="К",
            year=2010,
        )


def test_cp1251_csv_is_decoded(personas):
    content = "1;Б-7;Фонд «Заря»;Школа волонтёров;250 000\n".encode("cp1251")
    result = history.history_import(
        centre=personas.centre,
        actor=personas.staff,
        content=content,
        filename="old.csv",
        mapping={"number": 1, "organisation": 2, "title": 3, "amount": 4},
        competition="К",
        year=2007,
    )
    assert result.created == 1
    assert HistoricalGrant.objects.get().title == "Школа волонтёров"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2   000 000,0═", "2000000.00"),
        ("3 000 000", "3000000.00"),
        ("650 000 р.", "650000.00"),
        ("1,234.50", "1234.50"),
        ("", None),
    ],
)
def test_parse_amount(raw, expected):
    assert history.parse_amount(raw) == (Decimal(expected) if expected else None)

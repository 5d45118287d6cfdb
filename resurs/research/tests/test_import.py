"""Import of respondents, interviews and nominations: the documented sample works; bad rows are reported one by
one and nothing is written."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from resurs.registry.tests.factories import OrganisationFactory, PersonFactory
from resurs.research.importing import ImportFailed, import_rows, read_table
from resurs.research.models import Interview, Nomination, Respondent
from resurs.research.tests.factories import make_study

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English (the msgids); the product's default language is Russian."""
    with translation.override("en"):
        yield


SAMPLE = Path(__file__).resolve().parents[1] / "static" / "research" / "import_sample.csv"
HEADER = "record,respondent,last_name,first_name,patronymic,organisation_inn,category,region_code,date,mode,consent,transcript,nominee,nominee_inn,areas,rank,quote\n"
COLUMNS = HEADER.strip().split(",")


def table(*rows: dict) -> str:
    """CSV text with the header and one line per dict (missing columns empty)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def test_sample_file_imports(personas):
    PersonFactory(last_name="Смирнова", first_name="Елена", patronymic="Викторовна")
    study = make_study(personas)
    result = import_rows(
        study=study, rows=read_table(SAMPLE.read_bytes(), SAMPLE.name), actor=personas.researcher
    )
    assert (result.respondents, result.interviews, result.nominations) == (1, 1, 2)
    respondent = Respondent.objects.get(study=study)
    assert respondent.region.fns_code == "78"
    assert set(result.unmatched) == {
        "Агентство социальной информации",
        "Ресурсный центр «Гражданские инициативы»",
    }
    assert Nomination.objects.get(rank=1).areas == ["information", "methodology"]


def test_unknown_category_and_other_errors_write_nothing(personas):
    person = PersonFactory()
    nominee = OrganisationFactory()
    study = make_study(personas)
    rows = table(
        {
            "record": "respondent",
            "respondent": "R01",
            "last_name": person.last_name,
            "first_name": person.first_name,
            "patronymic": person.patronymic,
            "category": "леader",
            "region_code": "77",
        },
        {
            "record": "respondent",
            "respondent": "R02",
            "last_name": "Нет",
            "first_name": "Такого",
            "category": "expert",
        },
        {
            "record": "interview",
            "respondent": "R01",
            "date": "31.02.2026",
            "mode": "video",
            "transcript": "Текст",
        },
        {
            "record": "nomination",
            "respondent": "R01",
            "nominee_inn": nominee.inn,
            "areas": "astrology",
            "rank": "0",
        },
        {"record": "nomination", "respondent": "R09", "nominee": "Фонд"},
    )
    with pytest.raises(ImportFailed) as failure:
        import_rows(study=study, rows=read_table(rows.encode("cp1251"), "x.csv"), actor=personas.researcher)
    errors = "\n".join(failure.value.errors)
    assert "Row 2:" in errors and "леader" in errors  # unknown respondent category, named
    assert "Row 3:" in errors  # person not in the registry
    assert "Row 4:" in errors  # impossible date
    assert "Row 5:" in errors and "astrology" in errors  # unknown area; rank 0
    assert "Row 6:" in errors and "R09" in errors  # unknown respondent
    assert Respondent.objects.filter(study=study).count() == 0
    assert Interview.objects.count() == 0 and Nomination.objects.count() == 0


def test_bad_header_is_reported():
    with pytest.raises(ImportFailed, match="Unknown columns"):
        read_table(b"record,respondent,colour\n", "x.csv")
    with pytest.raises(ImportFailed, match="Missing columns"):
        read_table(b"name\nx\n", "x.csv")
    with pytest.raises(ImportFailed):
        read_table(b"not an xlsx", "x.xlsx")


def test_xlsx_import(personas):
    from resurs.core.tabular import xlsx_bytes

    person = PersonFactory(email="r1@example.org")
    study = make_study(personas)
    data = xlsx_bytes(
        ["record", "respondent", "person_email", "category"],
        [["respondent", "R01", "r1@example.org", "resource_centre_head"]],
    )
    result = import_rows(study=study, rows=read_table(data, "x.xlsx"), actor=personas.researcher)
    assert result.respondents == 1
    assert Respondent.objects.get(study=study).person == person


def test_import_page_shows_row_errors(personas, client_for):
    study = make_study(personas)
    rows = table(
        {
            "record": "respondent",
            "respondent": "R01",
            "last_name": "А",
            "first_name": "Б",
            "category": "wizard",
        }
    )
    upload = SimpleUploadedFile("bad.csv", rows.encode())
    response = client_for(personas.researcher).post(
        reverse("research:import", args=[study.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert any("wizard" in e for e in response.context["errors"])
    assert not Respondent.objects.filter(study=study).exists()


def test_import_page_needs_team_membership(personas, client_for):
    study = make_study(personas)
    assert client_for(personas.staff).get(reverse("research:import", args=[study.pk])).status_code == 403
    assert (
        client_for(personas.other_staff).get(reverse("research:import", args=[study.pk])).status_code == 404
    )


def _names_only_row(code="R01", consent="да", **extra):
    return {
        "record": "respondent",
        "respondent": code,
        "last_name": "Новикова",
        "first_name": "Вера",
        "category": "expert",
        **({"consent": consent} if consent is not None else {}),
        **extra,
    }


def test_absent_respondent_is_created_with_consent(personas):
    study = make_study(personas)
    rows = read_table(table(_names_only_row()).encode(), "names.csv")
    result = import_rows(study=study, rows=rows, actor=personas.researcher)
    assert result.people_created == ["Новикова Вера"]
    respondent = Respondent.objects.get(study=study)
    assert respondent.person.consent_given_at is not None


def test_absent_respondent_without_consent_is_refused_and_nothing_written(personas):
    study = make_study(personas)
    rows = read_table(table(_names_only_row(consent="")).encode(), "names.csv")
    with pytest.raises(ImportFailed) as failure:
        import_rows(study=study, rows=rows, actor=personas.researcher)
    assert "Новикова Вера is not in the registry" in failure.value.errors[0]
    assert not Respondent.objects.exists()


def _check_exact_name_wins_over_a_near_tie(personas):
    from resurs.research.matching import best_match, match_nominee, similarity

    near = OrganisationFactory(
        name="Автономная некоммерческая организация «Опора-53»", short_name="АНО «Опора-53»"
    )
    exact = OrganisationFactory(
        name="Автономная некоммерческая организация «Опора-5»", short_name="АНО «Опора-5»"
    )
    assert similarity("Опора-5", near.name) > 0.9  # a near tie that used to leave «Опора-5» unmatched
    assert best_match("Опора-5") == exact
    assert match_nominee("опора-5") == (exact, "name")
    assert match_nominee("Опора-5", exact.ogrn) == (exact, "identifier")
    assert match_nominee("Опора", near.inn) == (near, "identifier")
    # A name that only resembles registry names is left for review, never guessed.
    assert match_nominee("Опора-55") == (None, "review")


def test_exact_name_wins_over_a_near_tie(personas):
    _check_exact_name_wins_over_a_near_tie(personas)


@pytest.mark.postgres
def test_exact_name_wins_over_a_near_tie_postgres(requires_postgres, personas):
    _check_exact_name_wins_over_a_near_tie(personas)

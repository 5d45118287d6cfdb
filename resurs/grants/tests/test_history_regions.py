"""The grants history import on a headerless winners list of the 2007–2009 presidential grants: HTML entities are
unescaped, regions written any way are matched by the registry's one normaliser, and a region it cannot match is
reported with its count (never silently dropped)."""

from decimal import Decimal
from pathlib import Path

import pytest

from resurs.grants import history
from resurs.grants.models import HistoricalGrant

pytestmark = pytest.mark.django_db
WINNERS = Path(__file__).resolve().parent / "fixtures" / "winners_2009_regions.csv"
MAPPING = {"number": 1, "organisation": 2, "inn": 3, "region": 4, "title": 5, "amount": 6}


def _import(personas, content: bytes | None = None):
    return history.history_import(
        centre=personas.centre,
        actor=personas.staff,
        content=content if content is not None else WINNERS.read_bytes(),
        filename=WINNERS.name,
        mapping=MAPPING,
        competition="Президентские гранты 2009",
        year=2009,
    )


def _check(personas):
    result = _import(personas)
    assert result.created == 6 and not result.errors
    names = dict(HistoricalGrant.objects.values_list("application_number", "organisation_name"))
    assert names["01-09"] == "Фонд “Институт фондового рынка и управления”"
    assert names["02-09"] == 'Региональная общественная организация "Северный дом"'
    assert names["05-09"] == "Общественная организация & клуб “Исток”"
    assert not any("&#" in n or "&quot;" in n or "&amp;" in n for n in names.values())
    assert HistoricalGrant.objects.get(application_number="02-09").title == "«Поморская память»"
    regions = {
        g.application_number: g.region.name_ru if g.region else None
        for g in HistoricalGrant.objects.select_related("region")
    }
    assert regions == {
        "01-09": "Москва",
        "02-09": "Архангельская область (с автономным округом)",
        "03-09": "Ханты-Мансийский автономный округ — Югра",
        "04-09": "Санкт-Петербург",
        "05-09": "Республика Татарстан",
        "06-09": None,
    }
    assert result.with_region == 5
    assert dict(result.unmatched_regions) == {"Арханг. обл-ть": 1}
    assert HistoricalGrant.objects.get(application_number="01-09").amount == Decimal("350000.00")
    assert HistoricalGrant.objects.get(application_number="02-09").amount == Decimal("1200000.00")


def test_headerless_winners_entities_and_region_spellings(personas):
    _check(personas)


@pytest.mark.postgres
def test_headerless_winners_entities_and_region_spellings_postgres(requires_postgres, personas):
    _check(personas)


def test_windows_1251_file_gives_the_same_result(personas):
    result = _import(personas, WINNERS.read_text(encoding="utf-8").encode("cp1251"))
    assert result.created == 6 and result.with_region == 5
    assert (
        HistoricalGrant.objects.get(application_number="03-09").organisation_name == "АНО “Югра-Перспектива”"
    )


def test_unmatched_regions_are_shown_on_the_import_page(personas, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse
    from django.utils import translation

    client = client_for(personas.staff)
    with translation.override("en"):
        response = client.post(
            reverse("grants:history-import"),
            {
                "centre": personas.centre.pk,
                "competition": "Президентские гранты 2009",
                "year": 2009,
                "file": SimpleUploadedFile(WINNERS.name, WINNERS.read_bytes(), content_type="text/csv"),
                **{f"column_{name}": index + 1 for name, index in MAPPING.items()},
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    text = response.content.decode()
    assert response.status_code == 200, text[:2000]
    assert "Арханг. обл-ть" in text
    assert 'data-testid="unmatched-regions"' in text

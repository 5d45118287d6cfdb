"""Browser journey: staff search for duplicates, read why a pair was proposed, compare it and merge it; a pair of
two legal entities with different OGRNs is not proposed."""

from __future__ import annotations

from importlib import import_module

import pytest
from django.conf import settings
from playwright.sync_api import expect

from resurs.registry.models import Organisation
from resurs.registry.tests.factories import OrganisationFactory, TieFactory, region
from resurs.registry.validators import complete_inn10, complete_ogrn


@pytest.fixture(autouse=True, scope="module")
def _urls_loaded():
    import_module(settings.ROOT_URLCONF)


def test_staff_review_a_proposed_duplicate_with_its_reasons_and_merge_it(page, personas, login):
    official = OrganisationFactory(
        name="Автономная некоммерческая организация «Центр развития добровольчества»",
        short_name="АНО «Центр развития добровольчества»",
        inn=complete_inn10("779912301"),
        ogrn=complete_ogrn("102779912301"),
        region=region("77"),
        city="",
    )
    typed = OrganisationFactory(
        name="Центр развития добровольчесва, АНО",
        short_name="",
        inn="",
        ogrn="",
        region=region("77"),
        city="Москва",
    )
    TieFactory(organisation=typed)
    # Two funds of the same name with their own OGRNs: two legal entities, never proposed.
    for number in (2, 3):
        OrganisationFactory(
            name="МИЛОСЕРДИЕ, БФ",
            short_name="",
            inn=complete_inn10(f"77991230{number + 1}"),
            ogrn=complete_ogrn(f"10{number}779912399"),
            region=region("77"),
        )
    login(personas.staff)
    page.goto("/registry/duplicates/")
    expect(page.get_by_text("Поиск дублей ещё не запускался.")).to_be_visible()
    page.get_by_role("button", name="Искать во всех регионах заново").click()
    expect(page.locator(".job")).to_contain_text("Найдено вероятных дублей: 1, вероятных преемников: 0.")

    pairs = page.get_by_test_id("duplicate-pair")
    expect(pairs).to_have_count(1)
    expect(pairs.first).to_contain_text("Центр развития добровольчесва, АНО")
    expect(pairs.first).to_contain_text("Одинаковые отличительные слова: «центр», «развития»")
    expect(pairs.first).to_contain_text("Написано по-разному: «добровольчества» / «добровольчесва»")
    expect(pairs.first).to_contain_text("ОГРН только в первой записи")
    expect(page.get_by_text("МИЛОСЕРДИЕ, БФ")).to_have_count(0)

    pairs.first.get_by_role("link", name="Сравнить").click()
    reasons = page.get_by_test_id("duplicate-reasons")
    expect(reasons).to_contain_text("Почему это может быть одна организация")
    expect(reasons).to_contain_text("Сходство названий")
    expect(page.get_by_test_id("compare")).to_contain_text("Москва")
    # The official record is kept (the first one, chosen by default); the typed one's tie moves to it.
    page.get_by_role("button", name="Объединить записи").click()
    expect(page.locator(".messages")).to_contain_text("перенесено связей: 1")
    expect(page.get_by_role("heading", level=1)).to_have_text("АНО «Центр развития добровольчества»")
    typed.refresh_from_db()
    assert typed.merged_into_id == official.pk
    assert Organisation.objects.get(pk=official.pk).city == "Москва"  # its empty city taken from the copy

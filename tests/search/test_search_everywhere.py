"""Every list with a search box finds in any letter case and with «е» for «ё» (issue 15): on the embedded SQLite
default and on PostgreSQL (run this file with DATABASE_URL=postgres://...). The typo fallback of the main lists is
PostgreSQL's (pg_trgm) and marked ``postgres``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resurs.accounts.tests.factories import UserFactory, representative_of
from resurs.cooperation.filters import AdviceRequestFilter, PartnershipFilter
from resurs.cooperation.tests.factories import AdviceRequestFactory, PartnershipFactory
from resurs.core.search import fold, query_words, search_filter
from resurs.events.filters import EventFilter
from resurs.events.models import Event
from resurs.events.selectors import registration_search
from resurs.events.tests.factories import EventFactory, RegistrationFactory
from resurs.grants.tests.factories import open_call, submitted_application
from resurs.learning.filters import CourseFilter
from resurs.learning.models import Course
from resurs.learning.tests.factories import CourseFactory
from resurs.outreach.choices import PublicationKind
from resurs.outreach.models import Publication
from resurs.outreach.selectors import publication_search
from resurs.outreach.tests.factories import MediaContactFactory, PublicationFactory
from resurs.registry.models import Organisation, Person
from resurs.registry.search import organisation_search
from resurs.registry.selectors import person_search
from resurs.registry.tests.factories import OrganisationFactory, PersonFactory
from resurs.research.matching import suggest_organisations

# What people type, and what the capitalised, «ё»-spelt query finds: both must find the same.
QUERIES = [
    ("Растопим Лёд", "растопим лед"),
    ("СЁМИНА", "семина"),
    ("Лёд Сёмина", "лед семина"),
]
TEXT = "Растопим лёд Сёмина"  # what each list's item holds in its searched field
OTHER = "Добрые соседи Петрова"


def _pks(items) -> set[int]:
    return {item.pk for item in items}


def _people(personas):
    def make(text):
        first, _, last = text.rpartition(" ")
        return PersonFactory(last_name=last, first_name=first.split()[0], patronymic=first.split()[-1])

    return make, lambda q: person_search(Person.objects.all(), q)


def _organisations(personas):
    return (
        lambda text: OrganisationFactory(name=f"Фонд «{text}»"),
        lambda q: organisation_search(Organisation.objects.all(), q),
    )


def _events(personas):
    return (
        lambda text: EventFactory(title=f"Семинар «{text}»"),
        lambda q: EventFilter({"q": q}, queryset=Event.objects.all()).qs,
    )


def _courses(personas):
    return (
        lambda text: CourseFactory(title=f"Курс «{text}»"),
        lambda q: CourseFilter({"q": q}, queryset=Course.objects.all()).qs,
    )


def _publications(personas):
    return (
        lambda text: PublicationFactory(title_ru=f"Доклад «{text}»"),
        lambda q: publication_search(Publication.objects.all(), q),
    )


def _checkin(personas):
    event = EventFactory()
    return (
        lambda text: RegistrationFactory(event=event, name=text),
        lambda q: registration_search(event, q),
    )


def _partnerships(personas):
    return (
        lambda text: PartnershipFactory(centre=personas.centre, title=text),
        lambda q: PartnershipFilter({"q": q}, queryset=PartnershipFactory._meta.model.objects.all()).qs,
    )


def _advice_requests(personas):
    return (
        lambda text: AdviceRequestFactory(centre=personas.centre, topic=text),
        lambda q: AdviceRequestFilter({"q": q}, queryset=AdviceRequestFactory._meta.model.objects.all()).qs,
    )


def _matching(personas):
    return (
        lambda text: OrganisationFactory(name=f"Фонд «{text}»"),
        lambda q: [
            suggestion.organisation for suggestion in suggest_organisations(f"Фонд {q}", threshold=0.1)
        ],
    )


LISTS = {
    "people": _people,
    "organisations": _organisations,
    "events": _events,
    "courses": _courses,
    "publications": _publications,
    "check-in": _checkin,
    "partnerships": _partnerships,
    "advice-requests": _advice_requests,
    "research-organisation-matching": _matching,
}


@pytest.mark.parametrize(("capitalised", "typed"), QUERIES)
@pytest.mark.parametrize("name", LISTS)
def test_lowercase_and_e_find_what_capitalised_and_yo_find(personas, name, capitalised, typed):
    make, find = LISTS[name](personas)
    wanted = make(TEXT)
    make(OTHER)
    assert wanted.pk in _pks(find(capitalised))
    assert _pks(find(typed)) == _pks(find(capitalised))
    assert wanted.pk not in _pks(find("Никаких совпадений"))


# Lists searched in the view itself: the page shows the match and not the other row.
def _catalogue(personas, client_for):
    for text in (TEXT, OTHER):
        PublicationFactory(title_ru=text, kind=PublicationKind.PRINT)
    return client_for(None), reverse("outreach:catalogue")


def _contacts(personas, client_for):
    for text in (TEXT, OTHER):
        MediaContactFactory(centre=personas.centre, name=text)
    return client_for(personas.staff), reverse("outreach:contact-list")


def _users(personas, client_for):
    for text in (TEXT, OTHER):
        first, _, last = text.rpartition(" ")
        UserFactory(first_name=first, last_name=last)
    return client_for(personas.admin), reverse("accounts:user-list")


def _applications(personas, client_for):
    call = open_call(personas.centre, actor=personas.manager)
    for text in (TEXT, OTHER):
        organisation = OrganisationFactory()
        applicant = representative_of(organisation)
        submitted_application(call, organisation, applicant, title=text)
    return client_for(personas.manager), reverse("grants:pipeline", args=[call.slug])


PAGES = {"catalogue": _catalogue, "media-contacts": _contacts, "users": _users, "applications": _applications}


@pytest.mark.parametrize(("capitalised", "typed"), QUERIES)
@pytest.mark.parametrize("name", PAGES)
def test_list_pages_find_lowercase_and_e(personas, client_for, name, capitalised, typed):
    client, url = PAGES[name](personas, client_for)
    for query in (capitalised, typed):
        page = client.get(url, {"q": query}).content.decode()
        assert "Сёмина" in page, (name, query)
        assert "Петрова" not in page, (name, query)


def test_fold_is_unicode_lower_case_with_e_for_yo():
    assert fold("ЁЛКА Ёж ёлка İ") == "елка еж елка i̇"
    assert fold(None) is None
    assert query_words("  Растопим   ЛЁД ") == ["растопим", "лед"]


def test_search_filter_escapes_like_wildcards(personas):
    PersonFactory(last_name="Иванов")
    assert not search_filter(Person.objects.all(), "%", ["last_name"]).exists()
    assert not search_filter(Person.objects.all(), "_", ["last_name"]).exists()


@pytest.mark.postgres
@pytest.mark.parametrize("name", ["people", "events", "courses", "publications"])
def test_postgres_typo_finds_the_near_word_when_nothing_matches(requires_postgres, personas, name):
    make, find = LISTS[name](personas)
    wanted = make(TEXT)
    make(OTHER)
    assert _pks(find("растапим")) == {wanted.pk}
    assert _pks(find("семена")) == {wanted.pk} or wanted.pk in _pks(find("сёмино"))

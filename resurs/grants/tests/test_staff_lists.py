"""Staff list pages at scale: counts per call from one grouped query, pages read as ids first, in the same order
and with the same rows as the plain querysets."""

import pytest
from django.urls import reverse

from resurs.accounts.tests.factories import representative_of
from resurs.grants import selectors, services
from resurs.grants.models import Call
from resurs.grants.tests.factories import open_call, submitted_application
from resurs.registry.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _submit(call, n):
    applications = []
    for _ in range(n):
        organisation = OrganisationFactory()
        applications.append(submitted_application(call, organisation, representative_of(organisation)))
    return applications


def test_call_counts_equal_a_count_per_call(personas, call):
    other = open_call(personas.centre, actor=personas.staff)
    first = _submit(call, 3)
    _submit(other, 1)
    services.application_screen(application=first[0], actor=personas.staff, eligible=True, reason="проверено")
    calls = selectors.with_application_counts(selectors.call_list_for_staff(personas.staff))
    assert [c.pk for c in calls] == list(
        Call.objects.filter(pk__in=[c.pk for c in calls]).order_by("-created_at").values_list("pk", flat=True)
    )
    for c in calls:
        applications = c.applications.all()
        assert c.submitted_count == applications.exclude(status__in=["draft", "withdrawn"]).count()
        assert c.to_screen_count == applications.filter(status="submitted").count()
    by_pk = {c.pk: c for c in calls}
    assert (by_pk[call.pk].submitted_count, by_pk[call.pk].to_screen_count) == (3, 2)
    assert (by_pk[other.pk].submitted_count, by_pk[other.pk].to_screen_count) == (1, 1)


def test_pipeline_pages_keep_the_order_and_rows(personas, call):
    _submit(call, 5)
    applications = selectors.application_list_for_staff(personas.staff, call)
    expected = list(applications.values_list("pk", flat=True))
    seen = []
    for number in (1, 2, 3):
        page = selectors.application_page(applications, number, per_page=2)
        seen += [a.pk for a in page.object_list]
        assert all(a.organisation.name and a.call_id == call.pk for a in page.object_list)
    assert seen == expected
    searched = selectors.application_page(
        applications.filter(pk__in=expected[:3]), 1, per_page=2, searched=True
    )
    assert searched.paginator.count == 3
    assert [a.pk for a in searched.object_list] == expected[:2]


def test_pipeline_search_and_deep_page_render(client_for, personas, call):
    applications = _submit(call, 3)
    client = client_for(personas.staff)
    url = reverse("grants:pipeline", args=[call.slug])
    response = client.get(url, {"q": applications[0].number})
    assert applications[0].number in response.text
    assert applications[1].number not in response.text
    assert client.get(url, {"page": 99}).status_code == 200

"""The assignment page is paged by application: the same queries for every page, however large the call."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from resurs.reviews import services, views
from resurs.reviews.models import Assignment
from resurs.reviews.tests.factories import review_round

pytestmark = pytest.mark.django_db


def test_assignment_page_is_paged_with_constant_queries(
    personas, client_for, django_capture_on_commit_callbacks, monkeypatch, django_assert_max_num_queries
):
    rnd = review_round(personas, n_apps=5, n_experts=4, k=2, max_load=5)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_run_start(call=rnd.call, actor=personas.staff)
    monkeypatch.setattr(views, "ASSIGNMENT_PAGE", 2)
    client = client_for(personas.staff)
    url = reverse("reviews:assignment", args=[rnd.call.slug])
    counts, shown = [], set()
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"page": page})
        counts.append(len(captured))
        grouped = response.context["grouped"]
        assert all(len(items) == 2 for items in grouped.values())
        shown |= {application.pk for application in grouped}
    assert counts[0] == counts[1]
    assert shown == set(
        Assignment.objects.filter(call=rnd.call, status="active").values_list("application_id", flat=True)
    )
    assert len(shown) == 5
    with django_assert_max_num_queries(counts[0]):
        client.get(url, {"page": 2})

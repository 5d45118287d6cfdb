"""The registry pages on the demo sector: every demo persona finds something believable to read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resurs.accounts.models import User
from resurs.core.demo import DemoContext

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(reference_data):
    from resurs.accounts import demo as accounts_demo
    from resurs.registry import demo as registry_demo

    ctx = DemoContext(scale=0.05, log=lambda *args: None)
    registry_demo.build(ctx)
    accounts_demo.build(ctx)
    return ctx


def test_demo_personas_use_the_registry(demo, client_for):
    hub = demo.data["hub"]
    ngo_user = User.objects.get(username="ngo")
    staff_user = User.objects.get(username="staff")

    client = client_for(staff_user)
    listing = client.get(reverse("registry:organisation-list"))
    assert listing.status_code == 200 and listing.context["page_obj"].paginator.count > 25
    assert listing.context["facets"]["region"] and listing.context["facets"]["kind"]
    profile = client.get(hub.organisation.get_absolute_url())
    assert profile.status_code == 200 and profile.context["centre"] == hub and profile.context["current_ties"]
    assert client.get(reverse("registry:person-list")).context["page_obj"].paginator.count > 0

    client = client_for(ngo_user)
    organisation = demo.data["ngo_organisation"]
    assert client.get(reverse("registry:proposal-create", args=[organisation.pk])).status_code == 200
    desk = client.get("/desk/").content.decode()
    assert organisation.get_absolute_url() in desk
    if ngo_user.person_id:
        page = client.get(ngo_user.person.get_absolute_url())
        assert page.context["show_contacts"] and page.context["can_manage_data"]

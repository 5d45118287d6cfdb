"""Permission tests for every registry page, through the personas. Denied writes change nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resurs.registry.choices import ProposalStatus
from resurs.registry.models import ChangeProposal, Organisation, Person, Tie
from resurs.registry.services import proposal_create
from resurs.registry.tests.factories import PersonFactory, TieFactory

pytestmark = pytest.mark.django_db

EDITORS = {"admin", "staff", "manager", "other_staff"}
READERS = {"expert", "ngo_rep", "trainer", "researcher", "partner", "outsider"}


@pytest.fixture
def world(personas):
    person = PersonFactory(email="private@example.org")
    tie = TieFactory(organisation=personas.ngo, person=person)
    proposal = proposal_create(
        organisation=personas.ngo, user=personas.ngo_rep, values={"city": "Пермь"}, comment=""
    )
    return {"person": person, "tie": tie, "proposal": proposal, "org": personas.ngo}


def read_urls(world):
    org, person, proposal = world["org"], world["person"], world["proposal"]
    return {
        "list": reverse("registry:organisation-list"),
        "detail": org.get_absolute_url(),
        "people": reverse("registry:person-list"),
        "person": person.get_absolute_url(),
        "my-data": reverse("registry:my-data"),
        "erase-confirm": reverse("registry:my-data-erase"),
        "proposal": reverse("registry:proposal-detail", args=[proposal.pk]),
    }


@pytest.mark.parametrize(
    "name", ["list", "detail", "people", "person", "my-data", "erase-confirm", "proposal"]
)
def test_anonymous_is_sent_to_login(client_for, world, name):
    response = client_for(None).get(read_urls(world)[name])
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("persona", sorted(EDITORS | READERS))
def test_every_signed_in_user_reads_the_registry(personas, client_for, world, persona):
    client = client_for(getattr(personas, persona))
    urls = read_urls(world)
    for name in ("list", "detail", "people", "person", "my-data", "erase-confirm"):
        assert client.get(urls[name]).status_code == 200, name


@pytest.mark.parametrize("persona", sorted(EDITORS | READERS))
def test_staff_forms_only_for_staff(personas, client_for, world, persona):
    client = client_for(getattr(personas, persona))
    org, person, tie = world["org"], world["person"], world["tie"]
    urls = [
        reverse("registry:organisation-create"),
        reverse("registry:organisation-edit", args=[org.pk]),
        reverse("registry:tie-create", args=[org.pk]),
        reverse("registry:tie-end", args=[tie.pk]),
        reverse("registry:person-create"),
        reverse("registry:person-edit", args=[person.pk]),
    ]
    expected = 200 if persona in EDITORS else 403
    for url in urls:
        assert client.get(url).status_code == expected, url


@pytest.mark.parametrize("persona", sorted(READERS))
def test_denied_posts_change_nothing(personas, client_for, world, persona):
    client = client_for(getattr(personas, persona))
    org, person, tie = world["org"], world["person"], world["tie"]
    before = (Organisation.objects.count(), Person.objects.count(), Tie.objects.count())
    name_before = org.name
    posts = [
        (reverse("registry:organisation-create"), {"name": "Взлом", "kind": "ngo", "status": "active"}),
        (
            reverse("registry:organisation-edit", args=[org.pk]),
            {"name": "Взлом", "kind": "ngo", "status": "active"},
        ),
        (reverse("registry:tie-create", args=[org.pk]), {"person": person.pk, "role": "staff"}),
        (reverse("registry:tie-end", args=[tie.pk]), {"ended_on": "2025-01-01"}),
        (reverse("registry:person-create"), {"last_name": "Взлом", "first_name": "Взлом"}),
        (reverse("registry:person-edit", args=[person.pk]), {"last_name": "Взлом", "first_name": "Взлом"}),
        (reverse("registry:person-consent", args=[person.pk]), {"given": "on"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert (Organisation.objects.count(), Person.objects.count(), Tie.objects.count()) == before
    org.refresh_from_db()
    person.refresh_from_db()
    tie.refresh_from_db()
    assert org.name == name_before and person.last_name != "Взлом" and tie.ended_on is None
    assert not person.has_consent


def test_missing_objects_are_404(personas, client_for):
    client = client_for(personas.staff)
    for url in [
        "/registry/organisations/999999/",
        "/registry/organisations/999999/edit/",
        "/registry/people/999999/",
        "/registry/ties/999999/end/",
        "/registry/proposals/999999/",
        "/registry/organisations/999999/propose/",
    ]:
        assert client.get(url).status_code == 404, url


@pytest.mark.parametrize("persona", sorted((EDITORS | READERS) - {"ngo_rep"}))
def test_only_a_representative_proposes_changes(personas, client_for, world, persona):
    org = world["org"]
    client = client_for(getattr(personas, persona))
    url = reverse("registry:proposal-create", args=[org.pk])
    assert client.get(url).status_code == 403
    count = ChangeProposal.objects.count()
    assert client.post(url, {"name": org.name, "city": "Омск"}).status_code == 403
    assert ChangeProposal.objects.count() == count


def test_representative_cannot_propose_for_another_organisation(personas, client_for):
    other = personas.centre.organisation
    response = client_for(personas.ngo_rep).get(reverse("registry:proposal-create", args=[other.pk]))
    assert response.status_code == 403


@pytest.mark.parametrize("persona", sorted(READERS - {"ngo_rep"}))
def test_proposals_hidden_from_others(personas, client_for, world, persona):
    client = client_for(getattr(personas, persona))
    proposal = world["proposal"]
    assert client.get(reverse("registry:proposal-list")).status_code == 403
    url = reverse("registry:proposal-detail", args=[proposal.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approve"}).status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING


def test_proposer_sees_but_cannot_review(personas, client_for, world):
    client = client_for(personas.ngo_rep)
    proposal = world["proposal"]
    url = reverse("registry:proposal-detail", args=[proposal.pk])
    assert client.get(url).status_code == 200
    assert client.get(reverse("registry:proposal-list")).status_code == 200
    assert client.post(url, {"decision": "approve"}).status_code == 403
    proposal.refresh_from_db()
    world["org"].refresh_from_db()
    assert proposal.status == ProposalStatus.PENDING and world["org"].city != "Пермь"


@pytest.mark.parametrize("persona", sorted(EDITORS))
def test_staff_review_proposals(personas, client_for, world, persona):
    client = client_for(getattr(personas, persona))
    assert client.get(reverse("registry:proposal-list")).status_code == 200
    assert client.get(reverse("registry:proposal-detail", args=[world["proposal"].pk])).status_code == 200


@pytest.mark.parametrize("persona", sorted(READERS - {"outsider"}))
def test_consent_of_another_person_cannot_be_changed(personas, client_for, world, persona):
    person = world["person"]
    response = client_for(getattr(personas, persona)).post(
        reverse("registry:person-consent", args=[person.pk]), {"given": "on"}
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.consent_given_at is None


def test_erase_requires_post_and_confirmation(personas, client_for):
    user = personas.outsider
    client = client_for(user)
    response = client.post(reverse("registry:my-data-erase"), {})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active


@pytest.mark.parametrize("persona", sorted(READERS))
def test_only_staff_erase_another_person(personas, client_for, world, persona):
    person = world["person"]
    client = client_for(getattr(personas, persona))
    url = reverse("registry:person-erase", args=[person.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"confirm": "yes"}).status_code == 403
    person.refresh_from_db()
    assert person.erased_at is None and person.email == "private@example.org"


def test_staff_erase_a_person_on_request(personas, client_for, world):
    person = world["person"]
    client = client_for(personas.staff)
    url = reverse("registry:person-erase", args=[person.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 302
    person.refresh_from_db()
    assert person.erased_at is None
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    person.refresh_from_db()
    assert person.erased_at is not None and person.email == ""

"""Accounts pages: the profile with personal data, and the administrators' users-and-roles pages."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resurs.accounts.choices import Role
from resurs.accounts.models import Representation, RoleAssignment
from resurs.accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
NON_ADMINS = [
    "staff",
    "manager",
    "expert",
    "ngo_rep",
    "trainer",
    "researcher",
    "partner",
    "other_staff",
    "outsider",
]


def test_profile_links_personal_data(personas, client_for):
    content = client_for(personas.outsider).get(reverse("accounts:profile")).content.decode()
    assert reverse("registry:my-data") in content and reverse("registry:my-data-erase") in content


def test_user_list_for_admin_with_query_budget(personas, client_for, django_assert_max_num_queries):
    UserFactory.create_batch(20)
    client = client_for(personas.admin)
    client.get(reverse("accounts:user-list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("accounts:user-list"))
    assert response.status_code == 200
    assert len(response.context["users"]) == 30
    response = client.get(reverse("accounts:user-list"), {"role": Role.EXPERT})
    assert [user.username for user in response.context["users"]] == ["expert_p"]


def test_anonymous_goes_to_login(client_for, personas):
    for url in (
        reverse("accounts:user-list"),
        reverse("accounts:user-detail", args=[personas.expert.pk]),
    ):
        response = client_for(None).get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", NON_ADMINS)
def test_non_admins_get_403_and_change_nothing(personas, client_for, persona):
    client = client_for(getattr(personas, persona))
    target = personas.outsider
    assignment = RoleAssignment.objects.get(user=personas.expert)
    representation = Representation.objects.get(user=personas.ngo_rep)
    assert client.get(reverse("accounts:user-list")).status_code == 403
    assert client.get(reverse("accounts:user-detail", args=[target.pk])).status_code == 403
    assert (
        client.post(reverse("accounts:user-detail", args=[target.pk]), {"role": Role.ADMIN}).status_code
        == 403
    )
    assert (
        client.post(reverse("accounts:role-revoke", args=[personas.expert.pk, assignment.pk])).status_code
        == 403
    )
    assert (
        client.post(
            reverse("accounts:representation-status", args=[representation.pk]), {"status": "revoked"}
        ).status_code
        == 403
    )
    assert not RoleAssignment.objects.filter(user=target).exists()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    representation.refresh_from_db()
    assert representation.status == Representation.Status.CONFIRMED


def test_admin_grants_and_revokes_roles(personas, client_for):
    client = client_for(personas.admin)
    target = personas.outsider
    url = reverse("accounts:user-detail", args=[target.pk])
    response = client.post(url, {"role": Role.STAFF})
    assert response.status_code == 400
    assert "centre" in response.context["form"].errors
    response = client.post(url, {"role": Role.STAFF, "centre": personas.centre.pk})
    assert response.status_code == 302
    assignment = RoleAssignment.objects.get(user=target)
    assert assignment.centre == personas.centre
    response = client.post(url, {"role": Role.STAFF, "centre": personas.centre.pk})
    assert response.status_code == 400
    response = client.post(url, {"role": Role.EXPERT, "centre": personas.centre.pk})
    assert RoleAssignment.objects.get(user=target, role=Role.EXPERT).centre is None
    client.post(reverse("accounts:role-revoke", args=[target.pk, assignment.pk]))
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert client.get(url).status_code == 200


def test_last_admin_keeps_the_role(personas, client_for):
    assignment = RoleAssignment.objects.get(user=personas.admin, role=Role.ADMIN)
    client_for(personas.admin).post(reverse("accounts:role-revoke", args=[personas.admin.pk, assignment.pk]))
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_admin_confirms_a_representation(personas, client_for):
    pending = Representation.objects.create(
        user=personas.outsider, organisation=personas.ngo, status=Representation.Status.PENDING
    )
    client = client_for(personas.admin)
    assert (
        "Представительства ждут подтверждения" in client.get(reverse("accounts:user-list")).content.decode()
    )
    response = client.post(
        reverse("accounts:representation-status", args=[pending.pk]), {"status": "confirmed"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Representation.Status.CONFIRMED


def test_missing_user_is_404(personas, client_for):
    assert client_for(personas.admin).get(reverse("accounts:user-detail", args=[999999])).status_code == 404


def test_navigation_by_role(personas, client_for):
    admin_page = client_for(personas.admin).get("/").content.decode()
    assert reverse("accounts:user-list") in admin_page and reverse("registry:proposal-list") in admin_page
    staff_page = client_for(personas.staff).get("/").content.decode()
    assert reverse("accounts:user-list") not in staff_page and reverse("registry:proposal-list") in staff_page
    representative_page = client_for(personas.ngo_rep).get("/").content.decode()
    assert reverse("registry:proposal-list") in representative_page
    outsider_page = client_for(personas.outsider).get("/").content.decode()
    assert reverse("registry:organisation-list") in outsider_page
    assert reverse("registry:proposal-list") not in outsider_page
    anonymous_page = client_for(None).get("/").content.decode()
    assert f'href="{reverse("registry:organisation-list")}"' not in anonymous_page.split("</header>")[0]

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_staff_pages_render(coop, personas, client_for):
    client = client_for(personas.staff)
    urls = [
        reverse("cooperation:overview"),
        reverse("cooperation:network"),
        reverse("cooperation:partnership-list"),
        reverse("cooperation:partnership-create"),
        reverse("cooperation:partnership-detail", args=[coop["partnership"].pk]),
        reverse("cooperation:partnership-edit", args=[coop["partnership"].pk]),
        reverse("cooperation:volunteering-list"),
        reverse("cooperation:volunteering-create"),
        reverse("cooperation:advisory-body-list"),
        reverse("cooperation:advisory-body-create"),
        reverse("cooperation:advisory-body-detail", args=[coop["body"].pk]),
        reverse("cooperation:membership-list"),
        reverse("cooperation:membership-create"),
        reverse("cooperation:organisation", args=[personas.ngo.pk]),
        reverse("cooperation:person", args=[coop["director"].pk]),
        reverse("cooperation:advice-list"),
        reverse("cooperation:advice-create"),
        reverse("cooperation:advice-detail", args=[coop["advice"].pk]),
        reverse("cooperation:network-export", args=["csv"]),
        reverse("cooperation:network-export", args=["graphml"]),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url

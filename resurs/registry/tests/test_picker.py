"""The one registry picker (resurs.registry.widgets.RegistryPicker) and its endpoint ``registry:pick``."""

from __future__ import annotations

import pytest
from django.urls import reverse

from resurs.registry.choices import OrganisationKind
from resurs.registry.tests.factories import OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


def _pick(client, kind, **params):
    return client.get(
        reverse("registry:pick", args=[kind]), {"field": "f", "target": "id_f_chosen", **params}
    )


def test_picker_finds_organisations_and_people_in_lowercase_with_e(personas, client_for):
    wanted = OrganisationFactory(name="Фонд «Растопим лёд»", short_name="")
    OrganisationFactory(name="Фонд «Добрые соседи»", short_name="")
    person = PersonFactory(last_name="Семёнова", first_name="Ольга")
    client = client_for(personas.staff)
    results = _pick(client, "organisation", f__search="растопим лед").content.decode()
    assert "Фонд «Растопим лёд»" in results and "Добрые соседи" not in results
    assert f"pk={wanted.pk}" in results
    assert "Семёнова" in _pick(client, "person", f__search="семенова").content.decode()
    chosen = _pick(client, "person", pk=person.pk).content.decode()
    assert f'name="f" value="{person.pk}" checked' in chosen
    assert 'id="id_f_results" hx-swap-oob="innerHTML"' in chosen  # a single choice closes the results
    assert "hx-swap-oob" not in _pick(client, "person", pk=person.pk, multiple="1").content.decode()


def test_picker_keeps_to_the_kinds_asked_for(personas, client_for):
    OrganisationFactory(name="Банк «Опора»", short_name="", kind=OrganisationKind.BUSINESS)
    ngo = OrganisationFactory(name="Фонд «Опора»", short_name="")
    client = client_for(personas.staff)
    results = _pick(
        client, "organisation", f__search="опора", kinds=OrganisationKind.BUSINESS
    ).content.decode()
    assert "Банк «Опора»" in results and "Фонд «Опора»" not in results
    assert _pick(client, "organisation", pk=ngo.pk, kinds=OrganisationKind.BUSINESS).status_code == 404


@pytest.mark.parametrize("persona", ["ngo_rep", "outsider", "partner", "expert"])
def test_picker_refuses_who_does_not_act_for_a_centre(personas, client_for, persona):
    person = PersonFactory(last_name="Семёнова")
    client = client_for(getattr(personas, persona))
    assert _pick(client, "person", f__search="семенова").status_code == 403
    assert _pick(client, "person", pk=person.pk).status_code == 403
    assert _pick(client, "organisation", f__search="фонд").status_code == 403


def test_picker_needs_sign_in_and_a_known_kind(personas, client_for):
    response = _pick(client_for(None), "person", f__search="семенова")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _pick(client_for(personas.staff), "user", f__search="admin").status_code == 404
    bad_field = client_for(personas.staff).get(
        reverse("registry:pick", args=["person"]), {"field": "<script>", "target": "x"}
    )
    assert bad_field.status_code == 404

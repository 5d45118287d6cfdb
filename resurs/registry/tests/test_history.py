"""The change history of an organisation reads as words (issue 15: it showed
"Change_proposals: registry.ChangeProposal.None")."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from resurs.core.audit import audit_history
from resurs.registry.choices import OrganisationKind
from resurs.registry.models import Organisation
from resurs.registry.selectors import audit_rows
from resurs.registry.services import organisation_update
from resurs.registry.tests.factories import OrganisationFactory, region

pytestmark = pytest.mark.django_db


def _all_text(rows) -> str:
    return " ".join(
        f"{row['action']} {c['field']} {c['old']} {c['new']}" for row in rows for c in row["changes"]
    )


@pytest.mark.parametrize("language", ["ru", "en"])
def test_history_shows_field_names_and_display_values_never_internals(personas, language):
    organisation = OrganisationFactory(city="Москва")
    organisation_update(
        organisation=organisation,
        actor=personas.staff,
        data={"city": "Казань", "kind": OrganisationKind.BUSINESS, "region": region("16")},
    )
    with translation.override(language):
        rows = audit_rows(audit_history(organisation))
        text = _all_text(rows)
        changed = {str(c["field"]): (c["old"] and str(c["old"]), str(c["new"])) for c in rows[0]["changes"]}
        kind_label = str(OrganisationKind.BUSINESS.label)
        region_name = str(region("16"))
        city, kind, region_field = (
            str(Organisation._meta.get_field(name).verbose_name) for name in ("city", "kind", "region")
        )
    assert "ChangeProposal" not in text and ".None" not in text
    assert "change_proposals" not in text.lower() and "_" not in " ".join(changed)
    assert changed[city] == ("Москва", "Казань")
    assert changed[kind][1] == kind_label
    assert changed[region_field][1] == region_name
    created = rows[-1]["changes"]
    assert created, "the creation lists the values given"
    assert all(c["new"] is not None for c in created), "empty fields of a new row are not listed"
    assert "ID" not in {str(c["field"]) for c in created}


def test_history_page_text_has_no_internal_names(personas, client_for):
    organisation = OrganisationFactory()
    organisation_update(organisation=organisation, actor=personas.staff, data={"city": "Казань"})
    page = client_for(personas.staff).get(reverse("registry:organisation-detail", args=[organisation.pk]))
    content = page.content.decode()
    assert "Казань" in content
    assert "registry.ChangeProposal" not in content and "Change_proposals" not in content

"""Every page and action through the personas: who gets 200, 302 (to login), 403 or 404 — and on a refused
change, nothing changed."""

import datetime as dt

import pytest
from django.urls import reverse

from resurs.cooperation.choices import AdviceStatus
from resurs.cooperation.models import AdviceRequest, Partnership
from resurs.registry.models import Tie

pytestmark = pytest.mark.django_db

EVERYONE = [
    "admin",
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


def _status(client_for, personas, persona, url, method="get", data=None):
    user = None if persona == "anonymous" else getattr(personas, persona)
    client = client_for(user)
    return getattr(client, method)(url, data or {}).status_code


EXPECTED_LISTS = {
    # persona: (overview, partnership list, memberships, volunteering, advice queue, create partnership)
    "anonymous": (302, 302, 302, 302, 302, 302),
    "admin": (200, 200, 200, 200, 200, 200),
    "staff": (200, 200, 200, 200, 200, 200),
    "manager": (200, 200, 200, 200, 200, 200),
    "other_staff": (200, 200, 200, 200, 200, 200),
    "partner": (200, 403, 200, 403, 403, 403),
    "researcher": (200, 403, 200, 403, 403, 403),
    "ngo_rep": (302, 200, 403, 403, 403, 403),
    "expert": (403, 403, 403, 403, 403, 403),
    "trainer": (403, 403, 403, 403, 403, 403),
    "outsider": (403, 403, 403, 403, 403, 403),
}


@pytest.mark.parametrize("persona", list(EXPECTED_LISTS))
def test_list_pages(persona, coop, personas, client_for):
    urls = [
        reverse("cooperation:overview"),
        reverse("cooperation:partnership-list"),
        reverse("cooperation:membership-list"),
        reverse("cooperation:volunteering-list"),
        reverse("cooperation:advice-list"),
        reverse("cooperation:partnership-create"),
    ]
    got = tuple(_status(client_for, personas, persona, url) for url in urls)
    assert got == EXPECTED_LISTS[persona]


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("anonymous", 302),
        ("admin", 200),
        ("staff", 200),
        ("partner", 200),
        ("researcher", 200),
        ("ngo_rep", 403),
        ("expert", 403),
        ("outsider", 403),
    ],
)
def test_network_and_exports(persona, expected, coop, personas, client_for):
    for url in (
        reverse("cooperation:network"),
        reverse("cooperation:network-export", args=["csv"]),
        reverse("cooperation:network-export", args=["graphml"]),
        reverse("cooperation:advisory-body-list"),
        reverse("cooperation:advisory-body-detail", args=[coop["body"].pk]),
    ):
        assert _status(client_for, personas, persona, url) == expected, url


EXPECTED_PARTNERSHIP = {
    # persona: (detail of own-centre partnership, edit page, detail of other centre's partnership)
    "anonymous": (302, 302, 302),
    "admin": (200, 200, 200),
    "staff": (200, 200, 200),
    "manager": (200, 200, 200),
    "other_staff": (200, 403, 200),
    "ngo_rep": (200, 403, 404),  # the NGO is a party to the first partnership only
    "partner": (404, 404, 404),
    "researcher": (404, 404, 404),
    "expert": (404, 404, 404),
    "trainer": (404, 404, 404),
    "outsider": (404, 404, 404),
}


@pytest.mark.parametrize("persona", list(EXPECTED_PARTNERSHIP))
def test_partnership_object_access(persona, coop, personas, client_for):
    own, other = coop["partnership"], coop["other_partnership"]
    got = (
        _status(client_for, personas, persona, reverse("cooperation:partnership-detail", args=[own.pk])),
        _status(client_for, personas, persona, reverse("cooperation:partnership-edit", args=[own.pk])),
        _status(client_for, personas, persona, reverse("cooperation:partnership-detail", args=[other.pk])),
    )
    assert got == EXPECTED_PARTNERSHIP[persona]


@pytest.mark.parametrize("persona", ["other_staff", "ngo_rep", "partner", "outsider", "expert", "anonymous"])
def test_refused_partnership_changes_change_nothing(persona, coop, personas, client_for):
    p = coop["partnership"]
    before = Partnership.objects.filter(pk=p.pk).values().get()
    edit = _status(
        client_for,
        personas,
        persona,
        reverse("cooperation:partnership-edit", args=[p.pk]),
        "post",
        {
            "title": "Взлом",
            "type": "funding",
            "started_on": "2020-01-01",
            "organisation_a": p.organisation_a_id,
            "organisation_b": p.organisation_b_id,
        },
    )
    delete = _status(
        client_for, personas, persona, reverse("cooperation:partnership-delete", args=[p.pk]), "post"
    )
    assert edit in (302, 403, 404) and delete in (302, 403, 404)
    if persona == "anonymous":
        assert edit == delete == 302
    assert Partnership.objects.filter(pk=p.pk).values().get() == before


EXPECTED_ADVICE = {
    "anonymous": 302,
    "admin": 200,
    "staff": 200,
    "manager": 200,
    "other_staff": 404,
    "partner": 404,
    "researcher": 404,
    "ngo_rep": 404,
    "expert": 404,
    "trainer": 404,
    "outsider": 404,
}


@pytest.mark.parametrize("persona", list(EXPECTED_ADVICE))
def test_advice_request_access(persona, coop, personas, client_for):
    url = reverse("cooperation:advice-detail", args=[coop["advice"].pk])
    assert _status(client_for, personas, persona, url) == EXPECTED_ADVICE[persona]


@pytest.mark.parametrize("persona", ["other_staff", "partner", "ngo_rep", "outsider", "anonymous"])
def test_refused_advice_actions_change_nothing(persona, coop, personas, client_for):
    advice = coop["advice"]
    before = AdviceRequest.objects.filter(pk=advice.pk).values().get()
    for name, data in [
        ("cooperation:advice-take", {}),
        ("cooperation:advice-answer", {"response": "Ответ постороннего"}),
        ("cooperation:advice-close", {}),
    ]:
        status = _status(client_for, personas, persona, reverse(name, args=[advice.pk]), "post", data)
        assert status == (302 if persona == "anonymous" else 404)
    assert AdviceRequest.objects.filter(pk=advice.pk).values().get() == before


def test_staff_answers_and_other_centre_sees_nothing(coop, personas, client_for):
    advice = coop["advice"]
    client = client_for(personas.staff)
    response = client.post(reverse("cooperation:advice-answer", args=[advice.pk]), {"response": ""})
    assert response.status_code == 400
    assert "Write the answer" in response.content.decode()
    response = client.post(
        reverse("cooperation:advice-answer", args=[advice.pk]), {"response": "Рекомендации"}
    )
    assert response.status_code == 302
    advice.refresh_from_db()
    assert advice.status == AdviceStatus.ANSWERED
    # the other centre's queue does not list it
    other = client_for(personas.other_staff).get(reverse("cooperation:advice-list") + "?f=1")
    assert advice.topic not in other.content.decode()
    assert coop["other_advice"].topic in other.content.decode()


@pytest.mark.parametrize("persona", ["other_staff", "partner", "outsider"])
def test_refused_membership_end_changes_nothing(persona, coop, personas, client_for):
    seat = coop["seat"]
    status = _status(
        client_for,
        personas,
        persona,
        reverse("cooperation:membership-end", args=[seat.pk]),
        "post",
        {"ended_on": "2025-01-01"},
    )
    assert status == 403
    assert Tie.objects.get(pk=seat.pk).ended_on is None


def test_membership_end_by_staff(coop, personas, client_for):
    seat = coop["seat"]
    response = client_for(personas.staff).post(
        reverse("cooperation:membership-end", args=[seat.pk]), {"ended_on": "2025-01-01"}
    )
    assert response.status_code == 302
    assert Tie.objects.get(pk=seat.pk).ended_on == dt.date(2025, 1, 1)


def test_profile_pages_for_every_signed_in_user(coop, personas, client_for):
    for persona in EVERYONE:
        client = client_for(getattr(personas, persona))
        assert client.get(reverse("cooperation:organisation", args=[personas.ngo.pk])).status_code == 200
        assert client.get(reverse("cooperation:person", args=[coop["director"].pk])).status_code == 200
    assert (
        client_for(None).get(reverse("cooperation:organisation", args=[personas.ngo.pk])).status_code == 302
    )


def test_profile_hides_values_from_non_staff(coop, personas, client_for):
    url = reverse("cooperation:organisation", args=[personas.ngo.pk])
    staff_page = client_for(personas.staff).get(url).content.decode()
    rep_page = client_for(personas.ngo_rep).get(url).content.decode()
    partner_page = client_for(personas.partner).get(url).content.decode()
    assert "Фонд добрых дел" in staff_page and "500" in staff_page
    assert "Фонд добрых дел" in rep_page  # its own organisation's partnership
    assert "Фонд добрых дел" not in partner_page
    for page in (staff_page, rep_page, partner_page):
        assert "Громов" in page  # board members are public within the registry


CREATE_PAGES = [
    "cooperation:partnership-create",
    "cooperation:volunteering-create",
    "cooperation:advisory-body-create",
    "cooperation:membership-create",
    "cooperation:advice-create",
]


@pytest.mark.parametrize("persona", ["partner", "researcher", "ngo_rep", "expert", "trainer", "outsider"])
def test_create_pages_refused_and_nothing_created(persona, coop, personas, client_for):
    from resurs.cooperation.models import AdvisoryBody, CorporateVolunteering

    def counts():
        return (
            Partnership.objects.count(),
            CorporateVolunteering.objects.count(),
            AdvisoryBody.objects.count(),
            Tie.objects.count(),
            AdviceRequest.objects.count(),
        )

    before = counts()
    payload = {
        "centre": personas.centre.pk,
        "organisation_a": coop["company"].pk,
        "organisation_b": personas.ngo.pk,
        "company": coop["company"].pk,
        "year": 2025,
        "volunteers": 5,
        "hours": 20,
        "type": "funding",
        "title": "x",
        "topic": "x",
        "requester": coop["ministry"].pk,
        "person": coop["director"].pk,
        "organisation": personas.ngo.pk,
        "role": "board_member",
        "started_on": "2024-01-01",
        "received_on": "2026-01-01",
        "due_on": "2026-02-01",
    }
    for name in CREATE_PAGES:
        assert _status(client_for, personas, persona, reverse(name)) == 403, name
        assert _status(client_for, personas, persona, reverse(name), "post", payload) == 403, name
    assert counts() == before


def test_documents_and_attachments_follow_their_record(coop, personas, client_for, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p, advice = coop["partnership"], coop["advice"]
    staff = client_for(personas.staff)
    pdf = SimpleUploadedFile("letter.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    assert (
        staff.post(
            reverse("cooperation:partnership-document-add", args=[p.pk]), {"title": "Письмо", "file": pdf}
        ).status_code
        == 302
    )
    document = p.documents.get()
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    response = staff.post(reverse("cooperation:partnership-document-add", args=[p.pk]), {"file": bad})
    assert response.status_code == 400 and p.documents.count() == 1
    pdf2 = SimpleUploadedFile("answer.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    assert (
        staff.post(reverse("cooperation:advice-attachment-add", args=[advice.pk]), {"file": pdf2}).status_code
        == 302
    )
    attachment = advice.attachments.get()

    doc_url = reverse("cooperation:partnership-document", args=[p.pk, document.pk])
    att_url = reverse("cooperation:advice-attachment", args=[advice.pk, attachment.pk])
    assert staff.get(doc_url).status_code == 200 and staff.get(att_url).status_code == 200
    assert client_for(personas.ngo_rep).get(doc_url).status_code == 200  # a party to the partnership
    for persona in ("partner", "outsider", "expert"):
        client = client_for(getattr(personas, persona))
        assert client.get(doc_url).status_code == 404
        assert client.get(att_url).status_code == 404
    assert client_for(personas.other_staff).get(att_url).status_code == 404
    pdf3 = SimpleUploadedFile("x.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = client_for(personas.other_staff).post(
        reverse("cooperation:partnership-document-add", args=[p.pk]), {"file": pdf3}
    )
    assert response.status_code == 403 and p.documents.count() == 1
    # a document id of another partnership does not leak through this one
    other_doc_url = reverse(
        "cooperation:partnership-document", args=[coop["other_partnership"].pk, document.pk]
    )
    assert staff.get(other_doc_url).status_code == 404


def test_membership_list_offers_end_only_for_own_centre_seats(coop, personas, client_for):
    seat = coop["seat"]
    marker = f'data-testid="end-membership-{seat.pk}"'
    assert marker in client_for(personas.staff).get(reverse("cooperation:membership-list")).content.decode()
    assert (
        marker
        not in client_for(personas.other_staff).get(reverse("cooperation:membership-list")).content.decode()
    )
    response = client_for(personas.staff).post(
        reverse("cooperation:membership-end", args=[seat.pk]),
        {"ended_on": "2025-05-05", "next": "https://evil.example/cooperation/"},
    )
    assert response["Location"] == reverse("cooperation:organisation", args=[personas.ngo.pk])
    assert Tie.objects.get(pk=seat.pk).ended_on == dt.date(2025, 5, 5)

import uuid
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from resurs.grants import services
from resurs.grants.choices import ApplicationStatus, CallStatus, DecisionOutcome
from resurs.grants.models import Application, Attachment, Call, Decision
from resurs.grants.tests.factories import complete_data, eligible_application, open_call

pytestmark = pytest.mark.django_db

# Who may see what: (persona, status code) for each page.
STAFF_OF_CENTRE = {"admin", "staff", "manager"}


def test_public_pages_render_for_everyone(client_for, personas, call):
    for user in [None, *personas.all().values()]:
        client = client_for(user)
        assert client.get(reverse("grants:call-list")).status_code == 200
        response = client.get(call.get_absolute_url())
        assert response.status_code == 200
        assert call.title in response.text


def test_draft_call_is_hidden_from_all_but_its_staff(client_for, personas):
    from resurs.grants.tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(centre=personas.centre)
    draft = services.call_create(
        programme=programme, actor=personas.staff, title="Черновик", slug="draft-call"
    )
    url = draft.get_absolute_url()
    for name, user in personas.all().items():
        expected = 200 if name in STAFF_OF_CENTRE else 404
        assert client_for(user).get(url).status_code == expected, name
    assert client_for(None).get(url).status_code == 404


def test_application_pages_are_private(client_for, personas, submitted):
    urls = [
        reverse("grants:application-detail", args=[submitted.pk]),
        reverse("grants:application-pdf", args=[submitted.pk]),
    ]
    for name, user in personas.all().items():
        expected = 200 if name in STAFF_OF_CENTRE | {"ngo_rep"} else 404
        for url in urls:
            assert client_for(user).get(url).status_code == expected, (name, url)
    assert client_for(None).get(urls[0]).status_code == 302


def test_pdf_is_a_pdf(client_for, personas, submitted):
    response = client_for(personas.ngo_rep).get(reverse("grants:application-pdf", args=[submitted.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_drafts_are_private_even_from_staff(client_for, personas, call):
    draft = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    url = reverse("grants:application-edit", args=[draft.pk])
    for name, user in personas.all().items():
        expected = 200 if name == "ngo_rep" else 404
        assert client_for(user).get(url).status_code == expected, name


def test_autosave_keeps_bad_input_and_shows_errors_beside_fields(client_for, personas, call):
    draft = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    client = client_for(personas.ngo_rep)
    response = client.post(
        reverse("grants:application-edit", args=[draft.pk]),
        {
            "title": "Проект",
            "a__goal": "ц" * 1001,
            "a__budget__0__item": "Аренда",
            "a__budget__0__quantity": "1",
            "a__budget__0__unit_cost": "-5",
            "a__budget__0__requested": "-5",
            "a__budget__0__cofinancing": "0",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'id="err-answersgoal"' in response.text
    assert "At most 1000 characters, you have 1001." in response.text
    assert "Line 1: amounts cannot be negative." in response.text
    draft.refresh_from_db()
    assert draft.answers["goal"] == "ц" * 1001
    assert draft.title == "Проект"


def test_others_cannot_autosave_or_submit(client_for, personas, call):
    draft = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    for name, user in personas.all().items():
        if name == "ngo_rep":
            continue
        client = client_for(user)
        response = client.post(reverse("grants:application-edit", args=[draft.pk]), {"title": "взлом"})
        assert response.status_code == 404, name
        response = client.post(
            reverse("grants:application-submit", args=[draft.pk]), {"token": str(uuid.uuid4())}
        )
        assert response.status_code == 404, name
    draft.refresh_from_db()
    assert draft.title == "" and draft.status == ApplicationStatus.DRAFT


def test_submit_through_the_page_is_idempotent(client_for, personas, call):
    draft = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    services.application_autosave(application=draft, actor=personas.ngo_rep, data=complete_data(call))
    client = client_for(personas.ngo_rep)
    token = str(uuid.uuid4())
    url = reverse("grants:application-submit", args=[draft.pk])
    first = client.post(url, {"token": token})
    second = client.post(url, {"token": token})
    assert first.status_code == second.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.SUBMITTED
    assert Application.objects.filter(call=call).count() == 1
    assert draft.budget_lines.count() == 1


def test_incomplete_submit_shows_errors_and_keeps_draft(client_for, personas, call):
    draft = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    client = client_for(personas.ngo_rep)
    response = client.post(
        reverse("grants:application-submit", args=[draft.pk]),
        {"token": str(uuid.uuid4()), "title": "Только название"},
    )
    assert response.status_code == 400
    assert "Write a short summary of the project." in response.text
    draft.refresh_from_db()
    assert draft.status == ApplicationStatus.DRAFT
    assert draft.title == "Только название"


def test_attachment_type_and_size_checked(client_for, personas, call):
    draft = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    client = client_for(personas.ngo_rep)
    url = reverse("grants:attachment-upload", args=[draft.pk])
    client.post(url, {"field_key": "letters", "file": SimpleUploadedFile("virus.exe", b"MZ...")})
    assert not Attachment.objects.exists()
    response = client.post(
        url,
        {"field_key": "letters", "file": SimpleUploadedFile("letter.pdf", b"%PDF-1.4 hello")},
        follow=True,
    )
    assert Attachment.objects.get().original_name == "letter.pdf"
    assert "letter.pdf" in response.text
    big = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1))
    client.post(url, {"field_key": "letters", "file": big})
    assert Attachment.objects.count() == 1
    attachment = Attachment.objects.get()
    download = reverse("grants:attachment-download", args=[draft.pk, attachment.pk])
    assert client.get(download).status_code == 200
    assert client_for(personas.other_staff).get(download).status_code == 404


def test_staff_pages_permissions(client_for, personas, call, submitted):
    urls = [
        reverse("grants:manage-calls"),
        reverse("grants:call-manage", args=[call.slug]),
        reverse("grants:call-edit", args=[call.slug]),
        reverse("grants:form-builder", args=[call.slug]),
        reverse("grants:pipeline", args=[call.slug]),
        reverse("grants:report-list"),
        reverse("grants:history-import"),
    ]
    for name, user in personas.all().items():
        client = client_for(user)
        for url in urls:
            status = client.get(url).status_code
            if name in STAFF_OF_CENTRE:
                assert status == 200, (name, url)
            elif name == "other_staff" and url in urls[1:5]:
                assert status == 403, (name, url)
            elif name == "other_staff":
                assert status == 200, (name, url)
            else:
                assert status == 403, (name, url)


def test_other_centre_staff_cannot_screen_or_decide(client_for, personas, submitted):
    client = client_for(personas.other_staff)
    response = client.post(
        reverse("grants:application-screen", args=[submitted.pk]), {"verdict": "1", "reason": "x"}
    )
    assert response.status_code == 404
    response = client.post(
        reverse("grants:application-decide", args=[submitted.pk]),
        {"outcome": "awarded", "awarded_amount": "100"},
    )
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED
    assert not Decision.objects.exists()
    # The applicant cannot screen their own application either.
    response = client_for(personas.ngo_rep).post(
        reverse("grants:application-screen", args=[submitted.pk]), {"verdict": "1", "reason": "x"}
    )
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.SUBMITTED


def test_staff_screens_decides_and_exports(client_for, personas, call, submitted):
    client = client_for(personas.staff)
    client.post(
        reverse("grants:application-screen", args=[submitted.pk]), {"verdict": "1", "reason": "всё в порядке"}
    )
    submitted.refresh_from_db()
    assert submitted.status == ApplicationStatus.ELIGIBLE
    client.post(
        reverse("grants:application-decide", args=[submitted.pk]),
        {"outcome": "awarded", "awarded_amount": "400000", "reason": "Высокий балл"},
    )
    assert Decision.objects.get().awarded_amount == Decimal("400000")
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("grants:pipeline", args=[call.slug]) + f"?format={fmt}")
        assert response.status_code == 200
    csv_text = b"".join(
        client.get(reverse("grants:pipeline", args=[call.slug]) + "?format=csv").streaming_content
    )
    assert submitted.number.encode() in csv_text


def test_pipeline_query_count(client_for, personas, call, django_assert_max_num_queries):
    from resurs.accounts.tests.factories import representative_of
    from resurs.grants.tests.factories import submitted_application
    from resurs.registry.tests.factories import OrganisationFactory

    for _ in range(5):
        organisation = OrganisationFactory()
        submitted_application(call, organisation, representative_of(organisation))
    client = client_for(personas.staff)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("grants:pipeline", args=[call.slug]))
    assert response.text.count("/grants/applications/") >= 5


def test_call_list_query_count(client_for, personas, django_assert_max_num_queries):
    for _ in range(4):
        open_call(personas.centre, actor=personas.staff)
    client = client_for(None)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("grants:call-list"))
    assert response.status_code == 200


def test_results_page_public_only_when_published(client_for, personas, call):
    application = eligible_application(call, personas.ngo, personas.ngo_rep, personas.staff)
    services.application_decide(
        application=application,
        actor=personas.staff,
        outcome=DecisionOutcome.AWARDED,
        awarded_amount=Decimal("300000"),
    )
    url = reverse("grants:call-results", args=[call.slug])
    assert client_for(None).get(url).status_code == 404
    for status in (CallStatus.CLOSED, CallStatus.REVIEW, CallStatus.DECIDED, CallStatus.RESULTS_PUBLISHED):
        services.call_set_status(call=call, actor=personas.staff, status=status)
    response = client_for(None).get(url)
    assert response.status_code == 200
    assert application.title in response.text
    assert client_for(None).get(reverse("grants:call-results-360", args=[call.slug])).status_code == 200
    register = client_for(None).get(reverse("grants:register-export", args=["csv"]))
    assert application.number.encode() in b"".join(register.streaming_content)


def test_form_builder_adds_field_and_publishes_version(client_for, personas, call):
    client = client_for(personas.staff)
    section = call.form_sections.first()
    url = reverse("grants:form-builder", args=[call.slug])
    response = client.post(
        url,
        {
            "action": "field",
            "field-section": section.pk,
            "field-key": "goal",
            "field-kind": "text",
            "field-label_ru": "Дубль",
            "field-max_file_mb": 10,
        },
    )
    assert "already uses the key" in response.text
    response = client.post(
        url,
        {
            "action": "field",
            "field-section": section.pk,
            "field-key": "format",
            "field-kind": "choice",
            "field-label_ru": "Формат",
            "field-choices_text": "очно",
            "field-max_file_mb": 10,
        },
    )
    assert "A choice needs at least two options." in response.text
    client.post(
        url,
        {
            "action": "field",
            "field-section": section.pk,
            "field-key": "format",
            "field-kind": "choice",
            "field-label_ru": "Формат",
            "field-choices_text": "очно\nонлайн",
            "field-max_file_mb": 10,
        },
    )
    assert call.form_versions.count() == 1
    client.post(url, {"action": "publish"})
    assert call.form_versions.count() == 2
    latest = call.form_versions.order_by("-number").first()
    assert "format" in [f["key"] for f in latest.fields()]
    # Other centres' staff cannot change the form.
    response = client_for(personas.other_staff).post(url, {"action": "publish"})
    assert response.status_code == 403
    assert call.form_versions.count() == 2


def test_staff_creates_programme_and_call(client_for, personas):
    client = client_for(personas.staff)
    client.post(reverse("grants:manage-calls"), {"centre": personas.centre.pk, "title": "Программа «Вместе»"})
    from resurs.grants.models import Programme

    programme = Programme.objects.get(title="Программа «Вместе»")
    response = client.post(
        reverse("grants:call-create", args=[programme.pk]),
        {
            "title": "Конкурс 2027",
            "slug": "together-2027",
            "deadline": "2027-03-01T23:59",
            "deadline_timezone": "Europe/Moscow",
            "budget": "1000000",
            "min_request": "500000",
            "max_request": "100000",
            "cofinancing_share": "10",
            "min_organisation_age_years": "1",
            "experts_per_application": "2",
            "score_threshold": "3",
        },
    )
    assert "The maximum request must not be below the minimum." in response.text
    assert not Call.objects.filter(slug="together-2027").exists()
    # Other centre's staff may not create calls in this programme.
    response = client_for(personas.other_staff).get(reverse("grants:call-create", args=[programme.pk]))
    assert response.status_code == 403


def test_russian_rendering(client_for, personas, call, settings):
    """The default language: Russian labels on the form and Russian errors from the services."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "ru"
    draft = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    client = client_for(personas.ngo_rep)
    with translation.override("ru"):
        page = client.get(reverse("grants:application-edit", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="ru")
        assert "Подать заявку" in page.text
        assert "Смета расходов" in page.text
        response = client.post(
            reverse("grants:application-edit", args=[draft.pk]),
            {"a__goal": "ц" * 1001},
            HTTP_HX_REQUEST="true",
        )
    assert "Не более 1000 знаков, сейчас 1001." in response.text


def test_applicant_registers_a_new_organisation_and_awaits_confirmation(client_for, personas, call):
    from resurs.accounts.models import Representation
    from resurs.registry.models import Organisation, Region
    from resurs.registry.validators import complete_inn10

    client = client_for(personas.outsider)
    url = reverse("grants:organisation-register", args=[call.slug])
    region = Region.objects.get(fns_code="77")
    response = client.post(url, {"name": "АНО «Новые соседи»", "inn": "7707083894", "region": region.pk})
    assert response.status_code == 200
    assert not Organisation.objects.filter(name="АНО «Новые соседи»").exists()
    response = client.post(
        url, {"name": "АНО «Новые соседи»", "inn": complete_inn10("770708389"), "region": region.pk}
    )
    assert response.status_code == 302
    organisation = Organisation.objects.get(name="АНО «Новые соседи»")
    representation = Representation.objects.get(user=personas.outsider, organisation=organisation)
    assert representation.status == Representation.Status.PENDING
    # Pending is not enough to apply.
    response = client.post(
        reverse("grants:application-start", args=[call.slug]), {"organisation": organisation.pk}
    )
    assert response.status_code == 403
    assert not Application.objects.exists()
    assert client_for(None).get(url).status_code == 302


def test_results_figures_are_precomputed_and_equal_a_fresh_computation(client_for, personas, call):
    """Published results can no longer change (decisions are frozen): their figures and charts are computed once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from resurs.grants.views import _results_figures

    first = eligible_application(call, personas.ngo, personas.ngo_rep, personas.staff)
    services.application_decide(
        application=first,
        actor=personas.staff,
        outcome=DecisionOutcome.AWARDED,
        awarded_amount=Decimal("300000"),
    )
    for status in (CallStatus.CLOSED, CallStatus.REVIEW, CallStatus.DECIDED, CallStatus.RESULTS_PUBLISHED):
        services.call_set_status(call=call, actor=personas.staff, status=status)
    url = reverse("grants:call-results", args=[call.slug])
    with CaptureQueriesContext(connection) as cold:
        shown = client_for(None).get(url).context["summary"]
    with CaptureQueriesContext(connection) as warm:
        again = client_for(None).get(url).context["summary"]
    assert (shown["winners"], shown["awarded"]) == (1, Decimal("300000"))
    assert shown == again == _results_figures(call)["summary"]
    assert len(warm) < len(cold)


def test_every_budget_and_plan_input_has_its_own_label(client_for, personas, call):
    """The tables of inputs stack as cards on a phone, where each input shows its label instead of a column
    header: every input of the budget and the plan has a label of its own, naming the column and the row."""
    from html.parser import HTMLParser

    class Labels(HTMLParser):
        def __init__(self):
            super().__init__()
            self.inputs, self.labels, self._label_for, self._text = {}, {}, None, []

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("name", "").startswith(("a__budget__", "a__plan__")):
                self.inputs[attrs["name"]] = attrs.get("id")
            elif tag == "label":
                self._label_for, self._text = attrs.get("for"), []

        def handle_data(self, data):
            if self._label_for:
                self._text.append(data)

        def handle_endtag(self, tag):
            if tag == "label" and self._label_for:
                self.labels[self._label_for] = " ".join("".join(self._text).split())
                self._label_for = None

    draft = services.application_start(call=call, organisation=personas.ngo, actor=personas.ngo_rep)
    services.application_autosave(application=draft, actor=personas.ngo_rep, data=complete_data(call))
    response = client_for(personas.ngo_rep).get(reverse("grants:application-edit", args=[draft.pk]))
    parser = Labels()
    parser.feed(response.text)
    assert "a__budget__0__unit_cost" in parser.inputs and "a__plan__0__ends_on" in parser.inputs
    for name, input_id in parser.inputs.items():
        assert input_id and input_id in parser.labels, name
    assert parser.labels[parser.inputs["a__budget__0__unit_cost"]] == "Unit cost 1"
    assert parser.labels[parser.inputs["a__plan__0__ends_on"]] == "Until 1"
    assert 'class="table-stack-caption" scope="row">Line 1<' in response.text

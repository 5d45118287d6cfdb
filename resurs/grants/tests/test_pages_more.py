"""Reports pages, lists' query counts, the home and desk sections, history pages and call settings."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from resurs.grants import services
from resurs.grants.choices import DecisionOutcome, ReportStatus
from resurs.grants.models import GranteeReport
from resurs.grants.tests.factories import eligible_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreement(call, personas):
    application = eligible_application(call, personas.ngo, personas.ngo_rep, personas.staff)
    services.application_decide(
        application=application,
        actor=personas.staff,
        outcome=DecisionOutcome.AWARDED,
        awarded_amount=Decimal("400000"),
    )
    return services.agreement_create(
        application=application,
        actor=personas.staff,
        number="СС-1",
        signed_on=dt.date(2027, 1, 10),
        starts_on=dt.date(2027, 2, 1),
        ends_on=dt.date(2027, 12, 31),
        interim_reports=[dt.date(2027, 7, 1)],
    )


def test_report_pages_permissions_and_cycle(client_for, personas, agreement):
    report = agreement.reports.get(kind="interim")
    url = reverse("grants:report-detail", args=[report.pk])
    for name, user in personas.all().items():
        expected = 200 if name in {"admin", "staff", "manager", "ngo_rep"} else 404
        assert client_for(user).get(url).status_code == expected, name
    # Staff cannot fill the grantee's report; the grantee cannot review it.
    response = client_for(personas.staff).post(url, {"action": "submit", "narrative": "чужой отчёт"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.narrative == "" and report.status == ReportStatus.DUE
    line = agreement.application.budget_lines.get()
    client = client_for(personas.ngo_rep)
    response = client.post(
        url,
        {
            "action": "submit",
            "narrative": "Проведено 12 встреч",
            "indicator_name": ["Встречи"],
            "indicator_target": ["24"],
            "indicator_actual": ["12"],
            f"spent_{line.pk}": "150000",
        },
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.spending.get().spent == Decimal("150000")
    response = client.post(url, {"action": "review", "accept": "1"})
    assert response.status_code == 403
    client_for(personas.staff).post(url, {"action": "review", "accept": "1", "review_note": ""})
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED


def test_report_list_and_my_applications_query_counts(
    client_for, personas, agreement, django_assert_max_num_queries
):
    staff_client = client_for(personas.staff)
    with django_assert_max_num_queries(8):
        response = staff_client.get(reverse("grants:report-list"))
    assert response.text.count("/grants/reports/") >= 2
    client = client_for(personas.ngo_rep)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("grants:my-applications"))
    assert agreement.application.number in response.text
    staff_client = client_for(personas.staff)
    with django_assert_max_num_queries(10):
        assert staff_client.get(reverse("grants:manage-calls")).status_code == 200


def test_home_and_desk_sections(client_for, personas, call, submitted):
    home = client_for(None).get("/")
    assert call.title in home.text
    desk = client_for(personas.staff).get(reverse("core:dashboard"))
    assert "Applications to screen" in desk.text
    assert call.title in desk.text
    desk = client_for(personas.ngo_rep).get(reverse("core:dashboard"))
    assert "My grant applications" in desk.text


def test_a_companys_partner_desk_has_no_applicant_block(client_for, personas):
    from resurs.accounts.models import Representation
    from resurs.registry.choices import OrganisationKind
    from resurs.registry.tests.factories import OrganisationFactory

    company = OrganisationFactory(kind=OrganisationKind.BUSINESS)
    Representation.objects.create(user=personas.partner, organisation=company)
    desk = client_for(personas.partner).get(reverse("core:dashboard"))
    assert desk.status_code == 200
    assert "My grant applications" not in desk.text
    foundation = OrganisationFactory(kind=OrganisationKind.FOUNDATION)
    Representation.objects.create(user=personas.partner, organisation=foundation)
    personas.partner.refresh_from_db()
    desk = client_for(personas.partner).get(reverse("core:dashboard"))
    assert "My grant applications" in desk.text  # a foundation may apply


def test_navigation_by_role(client_for, personas):
    from resurs.core.navigation import nav_items_for

    names = lambda user: {item["url_name"] for item in nav_items_for(user)}  # noqa: E731
    assert "grants:call-list" in names(personas.outsider)
    assert "grants:my-applications" in names(personas.ngo_rep)
    assert "grants:manage-calls" not in names(personas.ngo_rep)
    assert "grants:manage-calls" in names(personas.staff)
    assert "grants:my-applications" not in names(personas.expert)


def test_history_page_and_import_view(client_for, personas):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from resurs.grants.models import HistoricalGrant

    client = client_for(personas.staff)
    upload = SimpleUploadedFile("old.csv", '1,А-1,НКО «Ромашка»,Проект «Сад»,"150 000 р."\n'.encode())
    response = client.post(
        reverse("grants:history-import"),
        {
            "centre": personas.centre.pk,
            "file": upload,
            "competition": "Конкурс 2010",
            "year": 2010,
            "column_number": 2,
            "column_organisation": 3,
            "column_title": 4,
            "column_amount": 5,
        },
    )
    assert response.status_code == 200
    assert HistoricalGrant.objects.get().amount == Decimal("150000")
    page = client_for(None).get(reverse("grants:history"))
    assert "Проект «Сад»" in page.text
    # Other centres' staff import into their own centre only.
    upload = SimpleUploadedFile("old.csv", "1,А-2,НКО,Проект,100\n".encode())
    client_for(personas.other_staff).post(
        reverse("grants:history-import"),
        {
            "centre": personas.centre.pk,
            "file": upload,
            "competition": "Конкурс 2010",
            "year": 2010,
            "column_organisation": 3,
            "column_title": 4,
        },
    )
    assert HistoricalGrant.objects.filter(centre=personas.centre).count() == 1
    assert HistoricalGrant.objects.filter(centre=personas.other_centre).count() == 1


def test_call_settings_saved_by_staff_only(client_for, personas, call):
    url = reverse("grants:call-edit", args=[call.slug])
    data = {
        "title": "Новое название",
        "deadline": "2027-03-01T23:59",
        "deadline_timezone": "Asia/Novosibirsk",
        "budget": "10000000",
        "min_request": "100000",
        "max_request": "3000000",
        "cofinancing_share": "10",
        "min_organisation_age_years": "1",
        "experts_per_application": "3",
        "score_threshold": "2.5",
        "required_documents_text": "Устав соответствует целям\nСведения достоверны",
    }
    assert client_for(personas.other_staff).post(url, data).status_code == 403
    call.refresh_from_db()
    assert call.title != "Новое название"
    response = client_for(personas.manager).post(url, data)
    assert response.status_code == 302
    call.refresh_from_db()
    assert call.title == "Новое название"
    assert call.required_documents == ["Устав соответствует целям", "Сведения достоверны"]
    assert call.experts_per_application == 3
    response = client_for(personas.manager).post(url, {**data, "deadline_timezone": "Mars/Olympus"})
    assert "Unknown time zone" in response.text


def test_register_xlsx(client_for, personas):
    response = client_for(None).get(reverse("grants:register-export", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_reports_page_hides_other_centres(client_for, personas, agreement):
    response = client_for(personas.other_staff).get(reverse("grants:report-list"))
    assert response.status_code == 200
    assert "СС-1" not in response.text
    assert GranteeReport.objects.count() == 2


def test_staff_marks_a_tranche_paid(client_for, personas, agreement):
    tranche = agreement.tranches.get()
    url = reverse("grants:tranche-paid", args=[agreement.application.pk, tranche.pk])
    assert client_for(personas.ngo_rep).post(url).status_code == 403
    assert client_for(personas.other_staff).post(url).status_code == 404
    tranche.refresh_from_db()
    assert tranche.paid_on is None
    client_for(personas.staff).post(url, {"paid_on": "2027-01-15"})
    tranche.refresh_from_db()
    assert tranche.paid_on == dt.date(2027, 1, 15)

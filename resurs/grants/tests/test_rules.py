"""Eligibility rules, the form builder's validation, agreements and grantee reports."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from resurs.grants import formschema, services
from resurs.grants.choices import ApplicationStatus, DecisionOutcome, FieldKind, ReportStatus
from resurs.grants.models import FormField, GranteeReport
from resurs.grants.tests.factories import eligible_application, open_call, submitted_application
from resurs.notifications.models import EmailMessage
from resurs.registry.models import LegalForm, Region

pytestmark = pytest.mark.django_db


def _checks(application):
    return {c.code: c.passed for c in services.eligibility_checks(application)}


def test_eligibility_rules(personas):
    moscow, tver = Region.objects.get(fns_code="77"), Region.objects.get(fns_code="69")
    anos = LegalForm.objects.order_by("code").first()
    call = open_call(personas.centre, actor=personas.staff, min_organisation_age_years=2)
    call.allowed_regions.set([tver])
    call.allowed_legal_forms.set([anos])
    organisation = personas.ngo
    organisation.region = moscow
    organisation.founded_on = dt.date.today() - dt.timedelta(days=365)
    organisation.legal_form = None
    organisation.save()
    application = submitted_application(call, organisation, personas.ngo_rep)
    assert _checks(application) == {
        "age": False,
        "legal_form": False,
        "region": False,
        "reports": True,
        "request": True,
    }
    organisation.region, organisation.legal_form = tver, anos
    organisation.founded_on = dt.date.today() - dt.timedelta(days=3 * 366)
    organisation.save()
    application.refresh_from_db()
    assert all(_checks(application).values())


def test_overdue_report_makes_an_organisation_ineligible(personas):
    call = open_call(personas.centre, actor=personas.staff)
    application = eligible_application(call, personas.ngo, personas.ngo_rep, personas.staff)
    services.application_decide(
        application=application,
        actor=personas.staff,
        outcome=DecisionOutcome.AWARDED,
        awarded_amount=Decimal("400000"),
    )
    agreement = services.agreement_create(
        application=application,
        actor=personas.staff,
        number="Д-1",
        signed_on=dt.date(2025, 1, 10),
        starts_on=dt.date(2025, 2, 1),
        ends_on=dt.date(2025, 6, 30),
        tranches=[(Decimal("200000"), dt.date(2025, 1, 20)), (Decimal("200000"), dt.date(2025, 4, 1))],
        interim_reports=[dt.date(2025, 4, 15)],
    )
    assert agreement.reports.count() == 2
    second_call = open_call(personas.centre, actor=personas.staff)
    from resurs.accounts.tests.factories import representative_of

    rep = representative_of(personas.ngo, username="ngo_second")
    later = submitted_application(second_call, personas.ngo, rep)
    assert _checks(later)["reports"] is False
    with pytest.raises(services.GrantsError):
        services.application_screen(application=later, actor=personas.staff, eligible=True)
    later.refresh_from_db()
    assert later.status == ApplicationStatus.SUBMITTED


def test_agreement_tranches_must_add_up(personas):
    call = open_call(personas.centre, actor=personas.staff)
    application = eligible_application(call, personas.ngo, personas.ngo_rep, personas.staff)
    services.application_decide(
        application=application,
        actor=personas.staff,
        outcome=DecisionOutcome.AWARDED,
        awarded_amount=Decimal("400000"),
    )
    with pytest.raises(services.GrantsError) as caught:
        services.agreement_create(
            application=application,
            actor=personas.staff,
            number="Д-2",
            signed_on=dt.date(2027, 1, 1),
            starts_on=dt.date(2027, 2, 1),
            ends_on=dt.date(2027, 12, 1),
            tranches=[(Decimal("100"), dt.date(2027, 1, 2))],
        )
    assert "tranches" in caught.value.message_dict


def test_report_cycle_and_overdue_reminders(personas):
    call = open_call(personas.centre, actor=personas.staff)
    application = eligible_application(call, personas.ngo, personas.ngo_rep, personas.staff)
    services.application_decide(
        application=application,
        actor=personas.staff,
        outcome=DecisionOutcome.AWARDED,
        awarded_amount=Decimal("400000"),
    )
    agreement = services.agreement_create(
        application=application,
        actor=personas.staff,
        number="Д-3",
        signed_on=dt.date(2027, 1, 10),
        starts_on=dt.date(2027, 2, 1),
        ends_on=dt.date(2027, 12, 31),
        interim_reports=[dt.date(2027, 7, 1)],
    )
    interim = agreement.reports.get(kind="interim")
    with time_machine.travel(dt.datetime(2027, 7, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        call_command("remind_overdue_reports", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert EmailMessage.objects.filter(template="grants/email/report_overdue").count() == 1
        assert services.reports_remind_overdue() == 0  # once a week at most
    with time_machine.travel(dt.datetime(2027, 7, 18, 9, 0, tzinfo=dt.UTC), tick=False):
        assert services.reports_remind_overdue() == 1
    line = application.budget_lines.get()
    with pytest.raises(services.GrantsError) as caught:
        services.report_save(
            report=interim,
            actor=personas.ngo_rep,
            narrative="",
            indicators=[{"name": "Пары", "target": "60", "actual": ""}],
            spending={line.pk: Decimal("-1")},
            submit=True,
        )
    assert {"narrative", f"spending_{line.pk}", "indicators"} <= set(caught.value.message_dict)
    services.report_save(
        report=interim,
        actor=personas.ngo_rep,
        narrative="Набрали наставников",
        indicators=[{"name": "Пары", "target": "60", "actual": "64"}],
        spending={line.pk: Decimal("150000")},
        submit=True,
    )
    interim.refresh_from_db()
    assert interim.status == ReportStatus.SUBMITTED
    with pytest.raises(services.GrantsError):
        services.report_review(report=interim, actor=personas.staff, accept=False, note="")
    services.report_review(report=interim, actor=personas.staff, accept=False, note="Приложите акты")
    interim.refresh_from_db()
    assert interim.status == ReportStatus.RETURNED
    assert GranteeReport.objects.get(pk=interim.pk).review_note == "Приложите акты"


def test_form_builder_validation(personas):
    call = open_call(personas.centre, actor=personas.staff)
    section = call.form_sections.first()
    cases = [
        ({"key": "goal", "kind": FieldKind.TEXT, "label_ru": "Дубль"}, "key"),
        ({"key": "title", "kind": FieldKind.TEXT, "label_ru": "Зарезервировано"}, "key"),
        ({"key": "fmt", "kind": FieldKind.CHOICE, "label_ru": "Формат", "choices": ["один"]}, "choices"),
        ({"key": "scan", "kind": FieldKind.FILE, "label_ru": "Скан", "file_types": ""}, "file_types"),
        (
            {
                "key": "scan",
                "kind": FieldKind.FILE,
                "label_ru": "Скан",
                "file_types": "pdf",
                "max_file_mb": 500,
            },
            "max_file_mb",
        ),
        ({"key": "age", "kind": FieldKind.TEXT, "label_ru": "Возраст", "min_value": Decimal(1)}, "min_value"),
        (
            {
                "key": "n",
                "kind": FieldKind.NUMBER,
                "label_ru": "Число",
                "min_value": Decimal(5),
                "max_value": Decimal(1),
            },
            "max_value",
        ),
    ]
    for values, field in cases:
        with pytest.raises(services.GrantsError) as caught:
            services.form_field_save(section=section, actor=personas.staff, **values)
        assert field in caught.value.message_dict, values
    assert not FormField.objects.filter(key__in=["fmt", "scan", "age", "n"]).exists()
    services.form_field_save(
        section=section,
        actor=personas.staff,
        key="fmt",
        kind=FieldKind.CHOICE,
        label_ru="Формат",
        choices="очно\nонлайн",
    )
    version = services.form_publish(call=call, actor=personas.staff)
    assert version.number == 2
    assert (
        services.form_publish(call=call, actor=personas.staff).number == 2
    )  # nothing changed, no new version


def test_answers_check_each_kind():
    schema = {
        "sections": [
            {
                "fields": [
                    {"key": "n", "kind": "number", "min_value": "0", "max_value": "10", "required": True},
                    {"key": "d", "kind": "date", "required": False},
                    {"key": "c", "kind": "choice", "choices": ["a", "b"], "required": False},
                    {"key": "p", "kind": "plan", "required": True},
                    {"key": "f", "kind": "file", "required": True, "file_types": ["pdf"], "max_file_mb": 1},
                ]
            }
        ]
    }
    checked = formschema.check_answers(
        schema,
        {
            "n": "11",
            "d": "31.12.2026",
            "c": "z",
            "p": [{"activity": "", "starts_on": "2027-02-01", "ends_on": "2027-01-01"}],
        },
        complete=True,
    )
    assert checked.errors == {
        "n": ["Must be at most 10."],
        "d": ["Enter a date as YYYY-MM-DD."],
        "c": ["Choose one of the options."],
        "p": ["Line 1: describe the activity.", "Line 1: the activity ends before it starts."],
        "f": ["Attach a file."],
    }
    spec = formschema.fields_of(schema)[4]
    pdf = SimpleUploadedFile("scan.PDF", b"%PDF-1.4\n%%EOF\n")
    assert formschema.check_file(spec, pdf) == []
    assert formschema.check_file(spec, SimpleUploadedFile("scan.docx", b"PK\x03\x04")) == [
        "Files of type “.docx” are not accepted here. Accepted: PDF."
    ]
    assert formschema.check_file(spec, SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * 2 * 1024 * 1024)) == [
        "The file “scan.pdf” is 2.0\xa0MB; the limit here is 1.0\xa0MB. Compress it or split it into parts."
    ]
    page = SimpleUploadedFile("scan.pdf", b"<html><script>alert(1)</script></html>")
    assert formschema.check_file(spec, page) == [
        "“scan.pdf” is not a PDF file: it is a web page or an image with scripts (HTML, SVG). Such files are "
        "not accepted. Save the document as PDF and upload it again."
    ]


def test_amounts_shown_in_the_form_parse_back_to_the_same_value():
    from django.utils import translation

    from resurs.core.templatetags.core_tags import amount_input
    from resurs.grants.formschema import _decimal

    for language in ("ru", "en"):
        with translation.override(language):
            for stored in ("40000.00", "1234567.25", "0.50", "12"):
                assert _decimal(amount_input(Decimal(stored))) == Decimal(stored)

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from resurs.cooperation import services
from resurs.cooperation.choices import AdviceStatus, PartnershipType
from resurs.cooperation.models import AdviceRequest, CorporateVolunteering, GovernanceSeat, Partnership
from resurs.cooperation.tests.factories import AdviceRequestFactory, PartnershipFactory
from resurs.registry.choices import OrganisationKind, TieRole
from resurs.registry.models import Tie
from resurs.registry.tests.factories import CentreFactory, OrganisationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(reference_data):
    return {
        "centre": CentreFactory(),
        "company": OrganisationFactory(kind=OrganisationKind.BUSINESS),
        "ngo": OrganisationFactory(kind=OrganisationKind.NGO),
        "ministry": OrganisationFactory(kind=OrganisationKind.GOVERNMENT),
        "media": OrganisationFactory(kind=OrganisationKind.MEDIA),
        "chamber": OrganisationFactory(kind=OrganisationKind.ADVISORY_BODY),
        "person": PersonFactory(),
    }


def _partnership(world, **overrides):
    data = {
        "centre": world["centre"],
        "actor": None,
        "organisation_a": world["company"],
        "organisation_b": world["ngo"],
        "type": PartnershipType.FUNDING,
        "title": "Грант на программу наставничества",
        "started_on": dt.date(2025, 3, 1),
        "ended_on": dt.date(2025, 12, 31),
        "value": Decimal("1500000"),
    }
    return services.partnership_create(**{**data, **overrides})


def test_partnership_sectors_are_derived_from_kinds(world):
    p = _partnership(world)
    assert (p.sector_a, p.sector_b) == ("business", "ngo")
    p2 = _partnership(
        world, organisation_a=world["ministry"], organisation_b=world["media"], type="information"
    )
    assert (p2.sector_a, p2.sector_b) == ("government", "media")
    p3 = _partnership(world, organisation_a=world["chamber"], type="joint_programme")
    assert p3.sector_a == "government"


def test_partnership_ending_before_start_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _partnership(world, started_on=dt.date(2025, 5, 1), ended_on=dt.date(2025, 4, 30))
    assert list(error.value.message_dict) == ["ended_on"]
    assert "cannot end" in error.value.message_dict["ended_on"][0]
    assert Partnership.objects.count() == 0


def test_partnership_same_day_is_fine(world):
    p = _partnership(world, started_on=dt.date(2025, 5, 1), ended_on=dt.date(2025, 5, 1))
    assert p.pk


def test_negative_value_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _partnership(world, value=Decimal("-1"))
    assert list(error.value.message_dict) == ["value"]
    assert "negative" in error.value.message_dict["value"][0]
    assert Partnership.objects.count() == 0


def test_partnership_needs_two_organisations(world):
    with pytest.raises(ValidationError) as error:
        _partnership(world, organisation_b=world["company"])
    assert "organisation_b" in error.value.message_dict


def test_database_refuses_bad_partnerships_too(world):
    p = PartnershipFactory(centre=world["centre"])
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.filter(pk=p.pk).update(value=Decimal("-5"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Partnership.objects.filter(pk=p.pk).update(ended_on=dt.date(2000, 1, 1))


def test_partnership_update_keeps_the_row_when_invalid(world):
    p = _partnership(world)
    with pytest.raises(ValidationError):
        services.partnership_update(
            partnership=p, actor=None, data={"ended_on": dt.date(2020, 1, 1), "title": "X"}
        )
    p.refresh_from_db()
    assert p.ended_on == dt.date(2025, 12, 31)
    assert p.title == "Грант на программу наставничества"
    updated = services.partnership_update(
        partnership=p, actor=None, data={"organisation_a": world["ministry"]}
    )
    assert updated.sector_a == "government"


def test_document_type_and_size_are_checked(world):
    p = _partnership(world)
    good = SimpleUploadedFile("agreement.pdf", b"%PDF-1.7 test", content_type="application/pdf")
    document = services.partnership_document_add(partnership=p, actor=None, title="Соглашение", file=good)
    assert document.file.name.endswith(".pdf")
    with pytest.raises(ValidationError) as error:
        services.partnership_document_add(
            partnership=p, actor=None, title="", file=SimpleUploadedFile("run.exe", b"MZ", content_type="x")
        )
    assert "not accepted" in str(error.value)
    with pytest.raises(ValidationError) as error:
        services.partnership_document_add(
            partnership=p,
            actor=None,
            title="",
            file=SimpleUploadedFile("fake.pdf", b"hello", content_type="x"),
        )
    assert "is not a PDF file" in str(error.value)
    assert p.documents.count() == 1


def test_corporate_volunteering_once_per_company_and_year(world):
    row = services.corporate_volunteering_save(
        centre=world["centre"], actor=None, company=world["company"], year=2025, volunteers=30, hours=240
    )
    again = services.corporate_volunteering_save(
        centre=world["centre"], actor=None, company=world["company"], year=2025, volunteers=35, hours=280
    )
    assert again.pk == row.pk and again.volunteers == 35
    with pytest.raises(ValidationError) as error:
        services.corporate_volunteering_save(
            centre=CentreFactory(), actor=None, company=world["company"], year=2025, volunteers=1, hours=1
        )
    assert "already recorded" in error.value.message_dict["year"][0]
    with pytest.raises(ValidationError) as error:
        services.corporate_volunteering_save(
            centre=world["centre"], actor=None, company=world["ngo"], year=2024, volunteers=1, hours=1
        )
    assert "company" in error.value.message_dict
    assert CorporateVolunteering.objects.count() == 1


def _membership(world, **overrides):
    data = {
        "centre": world["centre"],
        "actor": None,
        "person": world["person"],
        "organisation": world["ngo"],
        "role": TieRole.BOARD_MEMBER,
        "started_on": dt.date(2020, 1, 1),
        "ended_on": dt.date(2022, 12, 31),
        "main_affiliation": world["company"],
    }
    return services.membership_create(**{**data, **overrides})


def test_membership_creates_a_registry_tie_and_seat(world):
    tie = _membership(world)
    assert tie.role == TieRole.BOARD_MEMBER
    seat = GovernanceSeat.objects.get(tie=tie)
    assert seat.main_affiliation == world["company"] and seat.affiliation_sector == "business"


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (dt.date(2022, 12, 31), None),  # starts on the last day of the first
        (dt.date(2019, 1, 1), dt.date(2020, 1, 1)),  # ends on the first day of the first
        (dt.date(2021, 1, 1), dt.date(2021, 6, 1)),  # inside
        (dt.date(2018, 1, 1), None),  # open-ended, covers it
    ],
)
def test_overlapping_membership_is_refused(world, start, end):
    _membership(world)
    with pytest.raises(ValidationError) as error:
        _membership(world, started_on=start, ended_on=end)
    assert "overlap" in error.value.message_dict["started_on"][0]
    assert Tie.objects.count() == 1 and GovernanceSeat.objects.count() == 1


def test_adjacent_or_other_seats_are_fine(world):
    _membership(world)
    _membership(world, started_on=dt.date(2023, 1, 1), ended_on=None)  # after the first ended
    _membership(world, organisation=OrganisationFactory(), started_on=dt.date(2021, 1, 1))  # another board
    _membership(
        world, role=TieRole.ADVISORY_MEMBER, organisation=world["chamber"], started_on=dt.date(2021, 1, 1)
    )
    assert Tie.objects.count() == 4


def test_open_ended_membership_blocks_later_ones(world):
    _membership(world, ended_on=None)
    with pytest.raises(ValidationError):
        _membership(world, started_on=dt.date(2030, 1, 1), ended_on=None)


def test_membership_rules(world):
    with pytest.raises(ValidationError) as error:
        _membership(world, started_on=dt.date(2022, 1, 1), ended_on=dt.date(2021, 1, 1))
    assert "ended_on" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _membership(world, role=TieRole.ADVISORY_MEMBER)  # the NGO is not an advisory body
    assert "organisation" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _membership(world, role=TieRole.STAFF)
    assert "role" in error.value.message_dict
    assert Tie.objects.count() == 0


def test_membership_end(world):
    tie = _membership(world, ended_on=None)
    with pytest.raises(ValidationError):
        services.membership_end(tie=tie, actor=None, ended_on=dt.date(2019, 1, 1))
    ended = services.membership_end(tie=tie, actor=None, ended_on=dt.date(2024, 6, 30))
    assert ended.ended_on == dt.date(2024, 6, 30)


def _advice(world, **overrides):
    data = {
        "centre": world["centre"],
        "actor": None,
        "topic": "Методика оценки социальных проектов",
        "requester": world["ministry"],
        "received_on": dt.date(2026, 11, 2),
        "due_on": dt.date(2026, 11, 30),
    }
    return services.advice_request_create(**{**data, **overrides})


def test_request_without_requester_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _advice(world, requester=None)
    assert "requester" in error.value.message_dict["requester"][0]
    assert AdviceRequest.objects.count() == 0


def test_request_due_before_received_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _advice(world, due_on=dt.date(2026, 11, 1))
    assert "due_on" in error.value.message_dict


def test_request_from_an_ngo_is_refused(world):
    with pytest.raises(ValidationError) as error:
        _advice(world, requester=world["ngo"])
    assert "requester" in error.value.message_dict


def test_answer_flow(world, personas):
    advice = _advice(world, requester=world["company"])
    advice = services.advice_request_take(request=advice, actor=personas.staff)
    assert advice.status == AdviceStatus.IN_WORK and advice.assignee == personas.staff
    with pytest.raises(ValidationError):
        services.advice_request_answer(request=advice, actor=personas.staff, response="   ")
    with pytest.raises(ValidationError):
        services.advice_request_close(request=advice, actor=personas.staff)
    advice = services.advice_request_answer(request=advice, actor=personas.staff, response="Рекомендуем...")
    assert advice.status == AdviceStatus.ANSWERED and advice.answered_by == personas.staff
    advice = services.advice_request_close(request=advice, actor=personas.staff)
    assert advice.status == AdviceStatus.CLOSED
    with pytest.raises(ValidationError):
        services.advice_request_answer(request=advice, actor=personas.staff, response="Ещё")
    with pytest.raises(ValidationError):
        services.advice_request_take(request=advice, actor=personas.staff)


def test_overdue(world):
    import time_machine

    advice = AdviceRequestFactory(centre=world["centre"], due_on=dt.date(2026, 11, 20))
    with time_machine.travel(dt.datetime(2026, 11, 26, 12, tzinfo=dt.UTC), tick=False):
        assert advice.is_overdue
        assert advice.days_left == -6
    with time_machine.travel(dt.datetime(2026, 11, 19, 12, tzinfo=dt.UTC), tick=False):
        assert not advice.is_overdue


def test_answer_is_emailed_to_the_contact_once_per_wording(
    world, personas, django_capture_on_commit_callbacks
):
    from django.core import mail

    advice = _advice(
        world, contact_email="o.smirnova@minsoc.example.ru", contact_name="Смирнова Ольга Петровна"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.advice_request_answer(request=advice, actor=personas.staff, response="Рекомендуем конкурс.")
    with django_capture_on_commit_callbacks(execute=True):
        services.advice_request_answer(request=advice, actor=personas.staff, response="Рекомендуем конкурс.")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["o.smirnova@minsoc.example.ru"]
    assert "Методика оценки социальных проектов" in message.subject
    assert "Рекомендуем конкурс." in message.body and "Смирнова Ольга Петровна" in message.body
    with django_capture_on_commit_callbacks(execute=True):
        services.advice_request_answer(request=advice, actor=personas.staff, response="Уточнённый ответ.")
    assert len(mail.outbox) == 2


def test_no_email_without_a_contact_address(world, personas, django_capture_on_commit_callbacks):
    from django.core import mail

    advice = _advice(world)
    with django_capture_on_commit_callbacks(execute=True):
        services.advice_request_answer(request=advice, actor=personas.staff, response="Ответ.")
    assert mail.outbox == []

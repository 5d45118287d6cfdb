"""Factories for grant-making tests (also used by the reviews app's tests)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import factory
from django.utils import timezone

from resurs.grants import services
from resurs.grants.choices import ApplicationStatus, CallStatus
from resurs.grants.models import Application, Call, Direction, Programme
from resurs.registry.tests.factories import CentreFactory


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme

    centre = factory.SubFactory(CentreFactory)
    title = factory.Sequence(lambda n: f"Программа поддержки НКО {n}")
    funder_name = "Фонд президентских грантов"


def open_call(centre=None, *, actor=None, deadline=None, directions=2, **fields) -> Call:
    """An open call with the default form, two directions and a deadline in two weeks (unless given)."""
    programme = ProgrammeFactory(centre=centre) if centre is not None else ProgrammeFactory()
    now = timezone.now()
    defaults = {
        "opens_at": now - dt.timedelta(days=7),
        "deadline": deadline or now + dt.timedelta(days=14),
        "budget": Decimal("10000000"),
        "min_request": Decimal("100000"),
        "max_request": Decimal("3000000"),
        "cofinancing_share": Decimal("10"),
        "forbid_overdue_reports": True,
    }
    defaults.update(fields)
    call = services.call_create(
        programme=programme,
        actor=actor,
        title=f"Конкурс «{programme.title}»",
        slug=f"call-{uuid.uuid4().hex[:10]}",
        **defaults,
    )
    for i in range(directions):
        services.direction_add(
            call=call,
            actor=actor,
            name_ru=f"Направление {i + 1}",
            name_en=f"Direction {i + 1}",
            budget=Decimal("5000000"),
        )
    return services.call_set_status(call=call, actor=actor, status=CallStatus.OPEN)


def complete_data(call: Call, *, requested=Decimal("500000")) -> dict:
    """Answers that pass every check of the default form."""
    cofinancing = (requested / 9).quantize(Decimal("0.01"))
    total = requested + cofinancing
    return {
        "title": "Школа наставников для подростков",
        "summary": "Проект помогает подросткам из малых городов найти наставников.",
        "direction": call.directions.first().pk if call.directions.exists() else None,
        "project_starts_on": (timezone.localdate() + dt.timedelta(days=60)).isoformat(),
        "project_ends_on": (timezone.localdate() + dt.timedelta(days=400)).isoformat(),
        "declarations": list(call.required_documents),
        "answers": {
            "goal": "Снизить число подростков в трудной жизненной ситуации.",
            "problem": "В малых городах нет системы наставничества.",
            "target_groups": "Подростки 12–17 лет",
            "beneficiaries": "300",
            "results": "120 пар наставник–подросток",
            "budget": [
                {
                    "item": "Работа координатора",
                    "quantity": "1",
                    "unit_cost": str(total),
                    "requested": str(requested),
                    "cofinancing": str(cofinancing),
                }
            ],
            "plan": [
                {
                    "activity": "Набор наставников",
                    "starts_on": "2027-02-01",
                    "ends_on": "2027-03-31",
                    "result": "60 наставников",
                }
            ],
        },
    }


def submitted_application(call: Call, organisation, applicant, **data) -> Application:
    application = services.application_start(call=call, organisation=organisation, actor=applicant)
    services.application_autosave(
        application=application, actor=applicant, data={**complete_data(call), **data}
    )
    return services.application_submit(application=application, actor=applicant, token=uuid.uuid4())


def eligible_application(call: Call, organisation, applicant, staff) -> Application:
    application = submitted_application(call, organisation, applicant)
    return services.application_screen(
        application=application, actor=staff, eligible=True, reason="проверено"
    )


__all__ = ["ApplicationStatus", "Direction"]

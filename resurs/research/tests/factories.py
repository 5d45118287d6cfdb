"""Builders for research tests, going through the services so that tests see what users would create."""

from __future__ import annotations

import datetime as dt

from resurs.registry.tests.factories import OrganisationFactory, PersonFactory
from resurs.research import services
from resurs.research.choices import RespondentCategory

TRANSCRIPT = (
    "Интервьюер: Какие организации сильнее всего повлияли на сектор?\n"
    "Респондент: Прежде всего Агентство социальной информации. Они задают информационную повестку.\n"
    "Респондент: Ещё я назову грантовые конкурсы и обучение для НКО. Это изменило регион."
)


def make_study(personas, *, title: str = "Влияние инфраструктурных НКО", **kwargs):
    return services.study_create(centre=personas.centre, title=title, actor=personas.researcher, **kwargs)


def make_respondent(study, *, organisation=None, category=RespondentCategory.INFRASTRUCTURE_LEADER, **kwargs):
    return services.respondent_create(
        study=study,
        person=kwargs.pop("person", None) or PersonFactory(),
        organisation=organisation if organisation is not None else OrganisationFactory(),
        category=category,
        **kwargs,
    )


def make_interview(respondent, *, transcript: str = TRANSCRIPT):
    return services.interview_create(
        respondent=respondent, held_on=dt.date(2026, 10, 1), consent=True, transcript=transcript
    )

"""Factories for reviews tests: a call in evaluation with eligible applications and an accepted expert pool."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from resurs.accounts.choices import Role
from resurs.accounts.tests.factories import representative_of, user_with_role
from resurs.grants.tests.factories import eligible_application, open_call
from resurs.registry.models import Field, Region
from resurs.registry.tests.factories import OrganisationFactory, PersonFactory
from resurs.reviews import services
from resurs.reviews.choices import InvitationStatus


def expert_profile(user=None, *, fields=(), regions=(), max_load=10, bio="", username=None):
    user = user or user_with_role(Role.EXPERT, **({"username": username} if username else {}))
    person = user.person or PersonFactory()
    if user.person_id is None:
        user.person = person
        user.save(update_fields=["person"])
    return services.expert_profile_save(
        person=person, user=user, fields=fields, regions=regions, max_load=max_load, bio=bio
    )


@dataclass
class ReviewRound:
    call: object
    applications: list
    experts: list  # ExpertProfile, the first one belongs to personas.expert


def review_round(personas, *, n_apps=4, n_experts=4, k=2, max_load=4) -> ReviewRound:
    call = open_call(personas.centre, actor=personas.staff, directions=2)
    call.experts_per_application = k
    call.save(update_fields=["experts_per_application"])
    fields = list(Field.objects.all()[:3])
    regions = list(Region.objects.all()[:2])
    applications = []
    for i in range(n_apps):
        org = OrganisationFactory(region=regions[i % 2])
        org.fields.set([fields[i % len(fields)]])
        applications.append(eligible_application(call, org, representative_of(org), personas.staff))
    experts = []
    for j in range(n_experts):
        user = personas.expert if j == 0 else None
        profile = expert_profile(
            user,
            fields=[fields[j % len(fields)]],
            regions=[regions[j % 2]],
            max_load=max_load,
            bio="Наставничество подростков, малые города" if j % 2 else "Экология и просвещение",
            username=None if j == 0 else f"expert_{j}_{call.pk}",
        )
        invitation = services.expert_invite(call=call, expert=profile, actor=personas.staff)
        invitation.status = InvitationStatus.ACCEPTED
        invitation.save(update_fields=["status"])
        experts.append(profile)
    return ReviewRound(call, applications, experts)


def full_scores(call, value: int, comment: str = "обосновано") -> dict:
    from resurs.criteria.services import ScoreInput

    return {c.code: ScoreInput(value, comment) for c in call.criteria_scheme.criteria.all()}


MONEY = Decimal

"""Demo accounts, one per role, tied to people and organisations of the demo registry."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.utils.translation import gettext_lazy as _

from resurs.accounts.choices import Role
from resurs.accounts.models import Representation, RoleAssignment, User
from resurs.core.demo import DEMO_PASSWORD, DemoContext

DEMO_LOGINS = [
    (_("Administrator"), "admin"),
    (_("Centre staff"), "staff"),
    (_("Programme manager"), "manager"),
    (_("Expert"), "expert"),
    (_("NGO representative"), "ngo"),
    (_("Trainer / consultant"), "trainer"),
    (_("Researcher"), "researcher"),
    (_("Partner"), "partner"),
    (_("Government official"), "official"),
    (_("Staff of another centre"), "staff2"),
]


def build(ctx: DemoContext) -> None:
    from resurs.registry.choices import OrganisationKind
    from resurs.registry.models import Centre, Organisation, Person

    hub = Centre.objects.get(is_hub=True)
    other = Centre.objects.exclude(pk=hub.pk).order_by("pk").first()
    people = list(Person.objects.order_by("pk")[:12])
    ngo = (
        Organisation.objects.filter(kind=OrganisationKind.NGO, region=hub.organisation.region)
        .order_by("pk")
        .first()
        or Organisation.objects.filter(kind=OrganisationKind.NGO).order_by("pk").first()
    )
    business = Organisation.objects.filter(kind=OrganisationKind.BUSINESS).order_by("pk").first()

    def make(
        username: str, person: Person | None, roles: list[tuple[str, object]], *, superuser=False
    ) -> User:
        user = User(
            username=username,
            email=f"{username}@demo.resurs.local",
            first_name=person.first_name if person else "",
            last_name=person.last_name if person else "",
            person=person,
            is_staff=superuser,
            is_superuser=superuser,
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
        # The demo's administrator vouches for the addresses (sign-in requires a verified one).
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        for role, centre in roles:
            RoleAssignment.objects.create(user=user, role=role, centre=centre)
        return user

    make("admin", people[0], [(Role.ADMIN, None)], superuser=True)
    make("staff", people[1], [(Role.STAFF, hub)])
    make("manager", people[2], [(Role.PROGRAMME_MANAGER, hub)])
    make("expert", people[3], [(Role.EXPERT, None)])
    ngo_user = make("ngo", people[4], [(Role.NGO_REPRESENTATIVE, None)])
    Representation.objects.create(user=ngo_user, organisation=ngo, position="Директор")
    make("trainer", people[5], [(Role.TRAINER, hub)])
    make("researcher", people[6], [(Role.RESEARCHER, hub)])
    partner = make("partner", people[7], [(Role.PARTNER, None)])
    if business:
        Representation.objects.create(user=partner, organisation=business, position="Менеджер по КСО")
    government = (
        Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT, region=hub.organisation.region)
        .order_by("pk")
        .first()
        or Organisation.objects.filter(kind=OrganisationKind.GOVERNMENT).order_by("pk").first()
    )
    if government:  # an official of a regional ministry: asks the centre for advice (cooperation)
        official = make("official", people[9], [(Role.PARTNER, None)])
        Representation.objects.create(user=official, organisation=government, position="Консультант отдела")
    if other:
        make("staff2", people[8], [(Role.STAFF, other)])
    _self_signed_up_representative(ngo_candidates=Organisation.objects.filter(kind=OrganisationKind.NGO))
    ctx.data["hub"] = hub
    ctx.data["ngo_user"] = ngo_user
    ctx.data["ngo_organisation"] = ngo


def _self_signed_up_representative(*, ngo_candidates) -> None:
    """Someone from an NGO who signed up on their own (consent recorded, address verified) and asked to represent
    their organisation: the request waits for staff on the users page."""
    from resurs.accounts.services import account_signup_complete, representation_request

    organisation = ngo_candidates.exclude(representations__isnull=False).order_by("pk")[5:6].first()
    if organisation is None:
        return
    user = User(
        username="irina.petrova",
        email="irina.petrova@demo.resurs.local",
        first_name="Ирина",
        last_name="Петрова",
    )
    user.set_unusable_password()  # not a demo login: it shows a request waiting for confirmation
    user.save()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    account_signup_complete(user=user, language="ru")
    representation_request(user=user, organisation=organisation, position="Руководитель проектов")

import pytest

from resurs.cooperation.choices import OPEN_ADVICE_STATUSES, AdvisoryLevel
from resurs.cooperation.models import (
    AdviceRequest,
    AdvisoryBody,
    CorporateVolunteering,
    GovernanceSeat,
    Partnership,
)
from resurs.cooperation.services import overlapping_membership
from resurs.core.demo import DemoContext

pytestmark = pytest.mark.django_db


def test_demo_builds_a_believable_cooperation_sector(reference_data):
    from resurs.accounts import demo as accounts_demo
    from resurs.cooperation import demo
    from resurs.registry import demo as registry_demo

    ctx = DemoContext(scale=0.05, log=lambda message: None)
    registry_demo.build(ctx)
    accounts_demo.build(ctx)
    demo.build(ctx)

    assert Partnership.objects.count() >= 20
    assert set(Partnership.objects.values_list("type", flat=True)) >= {
        "funding",
        "pro_bono",
        "government_subsidy",
        "information",
        "joint_programme",
    }
    assert not Partnership.objects.filter(value__lt=0).exists()
    assert all(p.ended_on is None or p.ended_on >= p.started_on for p in Partnership.objects.all())
    assert Partnership.objects.filter(organisation_b=ctx.data["ngo_organisation"]).exists()
    assert CorporateVolunteering.objects.values("company").distinct().count() >= 3
    partner = ctx.data["ngo_user"].__class__.objects.get(username="partner")
    partner_company = partner.representations.get().organisation
    assert CorporateVolunteering.objects.filter(company=partner_company).count() == 3
    assert Partnership.objects.filter(organisation_a=partner_company).exists()
    assert GovernanceSeat.objects.filter(
        tie__organisation=ctx.data["ngo_organisation"], tie__role="board_member"
    ).exists()
    assert AdvisoryBody.objects.filter(level=AdvisoryLevel.FEDERAL).count() == 1
    assert AdvisoryBody.objects.filter(level=AdvisoryLevel.MUNICIPAL).count() == 2
    assert GovernanceSeat.objects.filter(tie__role="board_member", affiliation_sector="business").exists()
    for seat in GovernanceSeat.objects.select_related("tie")[:50]:
        tie = seat.tie
        assert (
            overlapping_membership(
                person=tie.person,
                organisation=tie.organisation,
                role=tie.role,
                started_on=tie.started_on,
                ended_on=tie.ended_on,
                exclude_pk=tie.pk,
            )
            is None
        )
    assert AdviceRequest.objects.count() >= 6
    assert AdviceRequest.objects.filter(status__in=["answered", "closed"]).exclude(response="").exists()
    assert AdviceRequest.objects.filter(status__in=OPEN_ADVICE_STATUSES).exists()

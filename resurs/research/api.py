"""API router of the research app (mounted under /api/v1/research/): the study's researchers read studies,
respondents, nominations and the ranking and record nominations, through the same access rules and services as
the pages. A published study's ranking is public."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from resurs.accounts.api_auth import OptionalAuth
from resurs.core.api import ColumnText, ErrorOut, FilterIn, Id, LimitOffsetPagination, StrictId, choice
from resurs.registry.models import Organisation
from resurs.research import access, selectors, services
from resurs.research.choices import ImpactArea, NominationStatus
from resurs.research.models import Nomination
from resurs.research.report import ranking_table, study_findings

router = Router(tags=["research"])
MAX_NOMINATION_RANK = 100  # as the nomination form


class StudyOut(Schema):
    id: int
    title: str
    centre_id: int
    centre: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    method: str
    is_published: bool


class RespondentOut(Schema):
    id: int
    code: str
    person: str
    organisation_id: int | None
    organisation: str | None
    category: str
    region_code: str | None


class NominationOut(Schema):
    id: int
    respondent_id: int
    respondent_code: str
    name: str
    organisation_id: int | None
    organisation: str | None
    areas: list[str]
    rank: int | None
    quote: str
    status: str
    source: str
    is_self: bool
    is_partner: bool

    @staticmethod
    def resolve_respondent_code(obj) -> str:
        return obj.respondent.code

    @staticmethod
    def resolve_organisation(obj) -> str | None:
        return str(obj.organisation) if obj.organisation_id else None


class NominationFilterIn(FilterIn):
    status: choice(NominationStatus) | None = None


class NominationIn(Schema):
    respondent_id: StrictId
    name: ColumnText(Nomination, "name") = ""
    organisation_id: StrictId | None = None
    areas: list[choice(ImpactArea)] = Field([], max_length=len(ImpactArea.values))
    rank: int | None = Field(None, strict=True, ge=1, le=MAX_NOMINATION_RANK)
    quote: ColumnText(Nomination, "quote") = ""


class StudyRankingRowOut(Schema):
    """One organisation in a study's ranking by nominations (competition ranks: 1, 2, 2, 4)."""

    rank: int
    organisation_id: int
    organisation: str
    nominations: int
    share: float
    rank_without_self: int | None
    rank_without_self_and_partners: int | None
    loo_rank_min: int | None
    loo_rank_max: int | None
    bootstrap_rank_low: int | None
    bootstrap_rank_high: int | None
    pagerank: float | None


class RankingOut(Schema):
    headline: list[str]
    organisations_named: int
    over_20_years_percent: float
    moscow_or_st_petersburg_percent: float
    ranking: list[StudyRankingRowOut]


def _study(request, pk, need):
    try:
        return access.get_study_for_user(request.user, pk, need=need)
    except PermissionDenied:
        raise PermissionDenied(_("Only the study's researchers may do this.")) from None


def _study_out(study) -> StudyOut:
    return StudyOut(
        id=study.pk,
        title=study.title,
        centre_id=study.centre_id,
        centre=str(study.centre),
        starts_on=study.starts_on,
        ends_on=study.ends_on,
        method=study.method,
        is_published=study.is_published,
    )


@router.get("/studies", response=list[StudyOut])
def list_studies(request):
    """Studies the caller may see (their centre's, or those whose team they are in)."""
    return [_study_out(s) for s in selectors.study_list(request.user)[:500]]


@router.get("/studies/{study_id}", response={200: StudyOut, 403: ErrorOut})
def get_study(request, study_id: Id):
    return _study_out(_study(request, study_id, access.VIEW))


@router.get("/studies/{study_id}/respondents", response={200: list[RespondentOut], 403: ErrorOut})
def list_respondents(request, study_id: Id):
    study = _study(request, study_id, access.WORK)
    return [
        RespondentOut(
            id=r.pk,
            code=r.code,
            person=str(r.person),
            organisation_id=r.organisation_id,
            organisation=str(r.organisation) if r.organisation_id else None,
            category=r.category,
            region_code=r.region.fns_code if r.region else None,
        )
        for r in selectors.respondent_list(study)
    ]


@router.get(
    "/studies/{study_id}/nominations",
    response={200: list[NominationOut], 403: ErrorOut},
    summary="Nominations of a study, paginated",
)
@paginate(LimitOffsetPagination)
def list_nominations(request, study_id: Id, filters: Query[NominationFilterIn]):
    """One page at a time (a national study has thousands of nominations), by respondent's code and rank."""
    study = _study(request, study_id, access.WORK)
    return selectors.nomination_list_brief(study, status=filters.status)


@router.post("/studies/{study_id}/nominations", response={201: NominationOut, 403: ErrorOut})
def create_nomination(request, study_id: Id, payload: NominationIn):
    study = _study(request, study_id, access.WORK)
    respondent = study.respondents.filter(pk=payload.respondent_id).first()
    if respondent is None:
        raise ValidationError({"respondent_id": [_("No such respondent in this study.")]})
    organisation = None
    if payload.organisation_id is not None:
        organisation = Organisation.objects.filter(pk=payload.organisation_id).first()
        if organisation is None:
            raise ValidationError({"organisation_id": [_("No such organisation in the registry.")]})
    nomination = services.nomination_create(
        respondent=respondent,
        name=payload.name,
        organisation=organisation,
        areas=payload.areas,
        rank=payload.rank,
        quote=payload.quote,
        actor=request.user,
    )
    return Status(201, nomination)


@router.get("/studies/{study_id}/ranking", response=RankingOut, auth=OptionalAuth())
def get_ranking(request, study_id: Id):
    """The ranking with its stability and the headline figures (public for a published study)."""
    study = access.get_report_study(request.user, study_id)
    findings = study_findings(study)
    rows = []
    for row in ranking_table(findings):
        item = row["item"]
        rows.append(
            StudyRankingRowOut(
                rank=item.rank,
                organisation_id=item.org_id,
                organisation=str(row["organisation"]),
                nominations=item.count,
                share=round(item.share, 4),
                rank_without_self=row["rank_no_self"],
                rank_without_self_and_partners=row["rank_no_partner"],
                loo_rank_min=item.loo_range[0] if item.loo_range else None,
                loo_rank_max=item.loo_range[1] if item.loo_range else None,
                bootstrap_rank_low=item.bootstrap_interval[0] if item.bootstrap_interval else None,
                bootstrap_rank_high=item.bootstrap_interval[1] if item.bootstrap_interval else None,
                pagerank=row["pagerank"],
            )
        )
    return RankingOut(
        headline=findings.headline,
        organisations_named=findings.chars.total,
        over_20_years_percent=round(findings.chars.over_20_percent, 1),
        moscow_or_st_petersburg_percent=round(findings.chars.capitals_percent, 1),
        ranking=rows,
    )

"""API router of the outreach app (mounted under /api/v1/outreach/): public publications and social challenges."""

import datetime as dt

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from resurs.core.api import FilterIn, Id, LimitOffsetPagination, Search, Year, choice, filtered
from resurs.outreach import selectors
from resurs.outreach.access import get_challenge_for_user, get_publication_for_user
from resurs.outreach.choices import PublicationKind, Trend
from resurs.outreach.filters import ChallengeFilter, PublicationFilter

router = Router(tags=["outreach"])


class NamedOut(Schema):
    id: int
    name: str


class PublicationOut(Schema):
    id: int
    kind: str
    title: str
    title_ru: str
    title_en: str
    summary: str
    published_on: dt.date | None
    year: int | None
    isbn: str
    issn: str
    centre: str
    url: str
    pdf_url: str | None

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.title

    @staticmethod
    def resolve_centre(obj) -> str:
        return str(obj.centre)

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()

    @staticmethod
    def resolve_pdf_url(obj) -> str | None:
        return obj.pdf_url or None


class PublicationDetailOut(PublicationOut):
    body: str
    authors: list[str]
    topics: list[NamedOut]
    challenges: list[int]

    @staticmethod
    def resolve_authors(obj) -> list[str]:
        return [p.full_name for p in obj.author_people.all()] + [
            str(o) for o in obj.author_organisations.all()
        ]

    @staticmethod
    def resolve_topics(obj) -> list[dict]:
        return [{"id": t.pk, "name": t.name} for t in obj.topics.all()]

    @staticmethod
    def resolve_challenges(obj) -> list[int]:
        return list(obj.challenges.filter(is_published=True).values_list("pk", flat=True))


class PublicationFilterIn(FilterIn):
    q: Search | None = None
    kind: choice(PublicationKind) | None = None
    topic: Id | None = None
    region: Id | None = None
    year: Year() | None = None


class ChallengeOut(Schema):
    id: int
    title: str
    trend: str
    description: str
    centre: str
    regions: list[NamedOut]
    organisation_count: int
    url: str

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.title

    @staticmethod
    def resolve_centre(obj) -> str:
        return str(obj.centre)

    @staticmethod
    def resolve_regions(obj) -> list[dict]:
        return [{"id": r.pk, "name": r.name} for r in obj.regions.all()]

    @staticmethod
    def resolve_url(obj) -> str:
        return obj.get_absolute_url()


class ChallengeDirectionOut(Schema):
    """A direction of a grant call that addresses the challenge."""

    id: int
    name: str
    call: str
    call_url: str


class ChallengeDetailOut(ChallengeOut):
    evidence: str
    directions: list[ChallengeDirectionOut]
    grant_directions: list[str]
    organisations: list[NamedOut]
    publications: list[int]

    @staticmethod
    def resolve_directions(obj) -> list[dict]:
        return [
            {"id": d.pk, "name": d.name, "call": d.call.title, "call_url": d.call.get_absolute_url()}
            for d in obj.directions.select_related("call")
        ]

    @staticmethod
    def resolve_grant_directions(obj) -> list[str]:
        return obj.grant_direction_list

    @staticmethod
    def resolve_organisations(obj) -> list[dict]:
        return [{"id": o.pk, "name": str(o)} for o in obj.organisations.all()]

    @staticmethod
    def resolve_publications(obj) -> list[int]:
        return list(obj.publications.filter(is_published=True).values_list("pk", flat=True))


class ChallengeFilterIn(FilterIn):
    region: Id | None = None
    trend: choice(Trend) | None = None


@router.get("/publications/", response=list[PublicationOut], auth=None, summary="Published publications")
@paginate(LimitOffsetPagination)
def list_publications(request, filters: Query[PublicationFilterIn]):
    queryset = selectors.publication_list_public()
    data = filters.dict(exclude_none=True)
    if data:
        queryset = filtered(PublicationFilter(data, queryset=queryset))
    return queryset.order_by("-published_on", "-pk") if not data.get("q") else queryset


@router.get(
    "/publications/{publication_id}/", response=PublicationDetailOut, auth=None, summary="A publication"
)
def get_publication(request, publication_id: Id):
    publication = get_publication_for_user(request.user, publication_id)
    if not publication.is_published:
        raise Http404
    return publication


@router.get("/challenges/", response=list[ChallengeOut], auth=None, summary="Social challenges")
@paginate(LimitOffsetPagination)
def list_challenges(request, filters: Query[ChallengeFilterIn]):
    queryset = selectors.challenge_list_public().prefetch_related("regions")
    data = filters.dict(exclude_none=True)
    return filtered(ChallengeFilter(data, queryset=queryset)) if data else queryset


@router.get(
    "/challenges/{challenge_id}/", response=ChallengeDetailOut, auth=None, summary="A social challenge"
)
def get_challenge(request, challenge_id: Id):
    challenge = get_challenge_for_user(request.user, challenge_id)
    if not challenge.is_published:
        raise Http404
    challenge.organisation_count = challenge.organisations.count()
    return challenge

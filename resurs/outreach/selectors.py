"""Reading the information space: what the public sees, what a centre's staff manage, search, segments."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from resurs.accounts.access import centre_ids_for, is_admin
from resurs.core.search import query_words, search_filter, similar_filter, words_condition
from resurs.outreach.choices import PublicationKind
from resurs.outreach.models import MediaContact, PressAnnouncement, Publication, SocialChallenge


def _managed(queryset: QuerySet, user) -> QuerySet:
    return queryset if is_admin(user) else queryset.filter(centre_id__in=centre_ids_for(user))


# --- Publications -------------------------------------------------------------------------------------------


def publication_list_public() -> QuerySet[Publication]:
    return Publication.objects.filter(is_published=True).select_related("centre__organisation")


def publication_list_visible(user) -> QuerySet[Publication]:
    """Published ones, plus drafts of the centres the user works for."""
    if is_admin(user):
        return Publication.objects.all()
    return Publication.objects.filter(Q(is_published=True) | Q(centre_id__in=centre_ids_for(user)))


def publication_list_for_manager(user) -> QuerySet[Publication]:
    return _managed(Publication.objects.select_related("centre__organisation"), user).order_by("-updated_at")


def publication_search(queryset: QuerySet[Publication], query: str) -> QuerySet[Publication]:
    """Full-text search (Russian stemming, ranked) on PostgreSQL, with the titles also matched word by word in any
    letter case and «е» for «ё», and near words (pg_trgm) when nothing is found; elsewhere every word in a title,
    the summary or the text (``resurs.core.search``)."""
    query = (query or "").strip()
    words = query_words(query)
    if not words:
        return queryset
    if settings.IS_POSTGRES:
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

        vector = (
            SearchVector("title_ru", weight="A", config="russian")
            + SearchVector("title_en", weight="A", config="english")
            + SearchVector("summary", weight="B", config="russian")
            + SearchVector("body", weight="C", config="russian")
        )
        search = SearchQuery(query, config="russian", search_type="websearch")
        found = (
            queryset.annotate(document=vector, rank=SearchRank(vector, search))
            .filter(Q(document=search) | words_condition(words, ["title_ru", "title_en"]))
            .order_by("-rank", "-published_on")
        )
        if found.exists():
            return found
        return similar_filter(queryset, words, ["title_ru", "title_en", "summary"])
    return search_filter(queryset, query, ["title_ru", "title_en", "summary", "body"])


def publication_latest_reports(limit: int = 5) -> QuerySet[Publication]:
    return (
        publication_list_public()
        .filter(kind__in=[PublicationKind.REPORT, PublicationKind.REVIEW])
        .order_by("-published_on", "-pk")[:limit]
    )


# --- Challenges ---------------------------------------------------------------------------------------------


def challenge_list_public() -> QuerySet[SocialChallenge]:
    return (
        SocialChallenge.objects.filter(is_published=True)
        .select_related("centre__organisation")
        .annotate(organisation_count=Count("organisations", distinct=True))
    )


def challenge_list_visible(user) -> QuerySet[SocialChallenge]:
    if is_admin(user):
        return SocialChallenge.objects.all()
    return SocialChallenge.objects.filter(Q(is_published=True) | Q(centre_id__in=centre_ids_for(user)))


def challenges_by_region(*, by: str = "federal_district") -> list[tuple[str, int, int]]:
    """(area, challenges, organisations working on them) for the overview chart, largest first."""
    through = SocialChallenge.regions.through
    area = "region__federal_district__name_ru" if by == "federal_district" else "region__name_ru"
    rows = (
        through.objects.filter(socialchallenge__is_published=True)
        .values(area)
        .annotate(
            challenges=Count("socialchallenge", distinct=True),
            organisations=Count("socialchallenge__organisations", distinct=True),
        )
        .order_by("-challenges", area)
    )
    return [(row[area], row["challenges"], row["organisations"]) for row in rows]


# --- Media --------------------------------------------------------------------------------------------------


def media_contact_list_for_manager(user) -> QuerySet[MediaContact]:
    return _managed(
        MediaContact.objects.select_related("outlet", "centre__organisation"), user
    ).prefetch_related("topics", "regions")


def announcement_list_for_manager(user) -> QuerySet[PressAnnouncement]:
    return _managed(
        PressAnnouncement.objects.select_related("event", "centre__organisation").annotate(
            delivery_count=Count("deliveries")
        ),
        user,
    ).order_by("-created_at", "-pk")


def announcement_segment(announcement: PressAnnouncement) -> QuerySet[MediaContact]:
    """The journalists an announcement goes to: the centre's contacts with consent, not unsubscribed, following
    any of its topics (when it has topics) and covering any of its regions (when it has regions)."""
    contacts = MediaContact.objects.filter(
        centre_id=announcement.centre_id, consent_given_on__isnull=False, unsubscribed_at__isnull=True
    )
    if announcement.pk:
        topic_ids = list(announcement.topics.values_list("pk", flat=True))
        region_ids = list(announcement.regions.values_list("pk", flat=True))
        if topic_ids:
            contacts = contacts.filter(topics__in=topic_ids)
        if region_ids:
            contacts = contacts.filter(regions__in=region_ids)
    return contacts.distinct().order_by("name", "pk")

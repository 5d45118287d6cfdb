"""The Atom feed of publications (feedgen)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from feedgen.feed import FeedGenerator

from resurs.core.site import site_name
from resurs.outreach.models import Publication


def publications_atom(publications: Iterable[Publication], *, self_url: str) -> bytes:
    feed = FeedGenerator()
    base = settings.SITE_URL
    feed.id(f"{base}/outreach/publications/")
    feed.title(f"{site_name()}: {_('Publications')}")
    feed.subtitle(_("Reports on social issues, analytical reviews and news"))
    feed.link(href=f"{base}/outreach/publications/", rel="alternate")
    feed.link(href=f"{base}{self_url}", rel="self")
    feed.language("ru")
    feed.author({"name": site_name()})
    latest = None
    for publication in publications:
        entry = feed.add_entry(order="append")
        url = f"{base}{publication.get_absolute_url()}"
        entry.id(url)
        entry.title(publication.title)
        entry.link(href=url)
        published = timezone.make_aware(dt.datetime.combine(publication.published_on, dt.time(9, 0)))
        entry.published(published)
        entry.updated(publication.updated_at)
        latest = max(latest or publication.updated_at, publication.updated_at)
        if publication.summary:
            entry.summary(publication.summary)
        entry.category(term=publication.kind, label=publication.get_kind_display())
        authors = [{"name": person.full_name} for person in publication.author_people.all()]
        authors += [{"name": str(org)} for org in publication.author_organisations.all()]
        for author in authors or [{"name": str(publication.centre)}]:
            entry.author(author)
        if publication.pdf:
            entry.link(href=f"{base}{publication.pdf_url}", rel="enclosure", type="application/pdf")
    feed.updated(latest or timezone.now())
    return feed.atom_str(pretty=True)

"""National events: the demo's kinds of events at every centre over three years and the next three months (about
2,500), the national forum opened to 5,000 people, and 100,000 registrations in all — past events checked in,
upcoming ones filling up — named like the demo's participants (NGO staff with accounts register as themselves).
"""

from __future__ import annotations

import datetime as dt

from resurs.core.bulk import copy_links, copy_rows
from resurs.core.demo import DemoContext
from resurs.events.choices import EventStatus, RegistrationStatus
from resurs.events.demo import FIRST, LAST, OUTCOMES, TEMPLATES, TODAY, ZONES, _at
from resurs.events.models import CODE_ALPHABET, CODE_LENGTH, Event, Registration

EVENTS_PER_CENTRE = 8
FORUM_REGISTRATIONS = 3_500
FORUM_CAPACITY = 5_000
VENUES = ["Дом НКО", "Конференц-зал администрации", "Библиотека им. Горького", "Центр социальных инноваций"]


def build(ctx: DemoContext) -> None:
    from resurs.accounts.models import User
    from resurs.registry.choices import OrganisationKind
    from resurs.registry.models import Centre, Organisation

    size = ctx.national
    rng = ctx.rng("events-national")
    centres = list(Centre.objects.select_related("organisation__region__federal_district").order_by("pk"))
    has_events = set(Event.objects.values_list("centre_id", flat=True))
    now = dt.datetime.combine(TODAY, dt.time(9, 30), tzinfo=dt.UTC)
    rows = []
    for centre in centres:
        if centre.pk in has_events:
            continue
        region = centre.organisation.region
        district = region.federal_district.code if region else ""
        zone = next((z for key, z in ZONES.items() if key in district), "Europe/Moscow")
        for index in range(EVENTS_PER_CENTRE):
            kind, title, summary, days, hour = TEMPLATES[(index + centre.pk) % len(TEMPLATES)]
            day = TODAY + dt.timedelta(days=rng.randint(-3 * 365, 90))
            online = kind == "webinar"
            starts = _at(day, hour, zone)
            rows.append(
                {
                    "centre_id": centre.pk,
                    "kind": kind,
                    "status": EventStatus.PUBLISHED,
                    "title": title,
                    "summary": summary,
                    "description": f"{summary} Организатор — {centre.organisation.short_name or centre.organisation.name}. "
                    "Участие бесплатное, требуется регистрация.",
                    "starts_at": starts,
                    "ends_at": _at(day + dt.timedelta(days=days - 1), hour + 3 + 3 * (days > 1), zone),
                    "time_zone": zone,
                    "region_id": region.pk if region else None,
                    "venue": "" if online else rng.choice(VENUES),
                    "address": "" if online else centre.organisation.city,
                    "online_url": f"https://webinar.resurs.example/{centre.slug}-{index}" if online else "",
                    "capacity": 300 if online else rng.choice([30, 40, 60, 100]),
                    "outcomes": OUTCOMES if starts < now else "",
                }
            )
    event_ids = copy_rows(Event, rows)
    copy_links(
        Event.organisers.through,
        ("event_id", "organisation_id"),
        (
            (pk, organisation_id)
            for pk, organisation_id in zip(
                event_ids,
                [
                    c.organisation_id
                    for c in centres
                    for _ in range(EVENTS_PER_CENTRE)
                    if c.pk not in has_events
                ],
                strict=True,
            )
        ),
    )
    partners = list(
        Organisation.objects.filter(kind__in=[OrganisationKind.BUSINESS, OrganisationKind.GOVERNMENT])
        .order_by("pk")
        .values_list("pk", flat=True)[:2000]
    )
    copy_links(
        Event.partners.through,
        ("event_id", "organisation_id"),
        ((pk, partner) for pk in event_ids for partner in rng.sample(partners, 2)),
    )

    # Registrations: the forum first, then every event up to a share of its capacity, until the national total.
    forum = Event.objects.filter(kind="forum", centre__is_hub=True).order_by("pk").first()
    members = ctx.data["national_members"]
    names = {
        pk: (f"{last} {first}".strip(), email, organisation)
        for pk, first, last, email, organisation in User.objects.filter(
            pk__in=[m[0] for m in members[:40_000]]
        ).values_list("pk", "first_name", "last_name", "email", "representations__organisation__short_name")
    }
    member_ids = list(names)
    codes = set(Registration.objects.values_list("code", flat=True))

    def code() -> str:
        while True:
            value = "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            if value not in codes:
                codes.add(value)
                return value

    wanted = size.registrations - Registration.objects.count()
    plan = []
    if forum is not None:
        Event.objects.filter(pk=forum.pk).update(capacity=FORUM_CAPACITY)
        plan.append((forum.pk, forum.starts_at, forum.ends_at, FORUM_CAPACITY, FORUM_REGISTRATIONS, True))
    events = list(zip(event_ids, rows, strict=True))
    rng.shuffle(events)
    budget = wanted - sum(p[4] for p in plan)
    for pk, row in events:
        if budget <= 0:
            break
        count = min(
            budget,
            rng.randint(row["capacity"] // 3, row["capacity"])
            if row["capacity"] < 300
            else rng.randint(60, 160),
        )
        plan.append((pk, row["starts_at"], row["ends_at"], row["capacity"], count, False))
        budget -= count
    registrations = []
    taken: set[tuple[int, str]] = set(
        (event_id, email.lower()) for event_id, email in Registration.objects.values_list("event_id", "email")
    )
    for event_id, starts, ends, capacity, count, is_forum in plan:
        past = ends < now
        for n in range(count):
            if rng.random() < 0.4 and member_ids:
                user_id = rng.choice(member_ids)
                name, email, organisation = names[user_id]
            else:
                user_id, organisation = None, ""
                name = f"{rng.choice(LAST)} {rng.choice(FIRST)}"
                email = f"guest{event_id}-{n}@example.org"
            if (event_id, email) in taken:
                continue
            taken.add((event_id, email))
            checked = (past and rng.random() < 0.8) or (is_forum and rng.random() < 0.45)
            status = RegistrationStatus.CONFIRMED if n < capacity else RegistrationStatus.WAITLISTED
            registrations.append(
                {
                    "event_id": event_id,
                    "user_id": user_id,
                    "name": name,
                    "email": email,
                    "organisation_name": organisation or "",
                    "status": status,
                    "code": code(),
                    "consent_given_at": starts - dt.timedelta(days=rng.randint(2, 20)),
                    "checked_in_at": starts + dt.timedelta(minutes=rng.randint(-30, 20))
                    if checked and status == RegistrationStatus.CONFIRMED
                    else None,
                    "created_at": starts - dt.timedelta(days=rng.randint(3, 30), minutes=n),
                }
            )
    copy_rows(Registration, registrations)
    ctx.log(
        f"  {len(event_ids)} events, {len(registrations)} registrations ({Registration.objects.count()} in all)"
    )

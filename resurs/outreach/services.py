"""Writing the information space: media contacts, press announcements (with unsubscription), publications and
social challenges."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from resurs.core.audit import audit_event
from resurs.notifications.services import email_send, render_email
from resurs.outreach.choices import AnnouncementStatus, DeliveryStatus, PublicationKind
from resurs.outreach.models import (
    AnnouncementDelivery,
    MediaContact,
    PressAnnouncement,
    Publication,
    SocialChallenge,
)
from resurs.outreach.selectors import announcement_segment
from resurs.outreach.validators import validate_pdf

UNSUBSCRIBE_SALT = "resurs.outreach.unsubscribe"


class AnnouncementError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Generic helpers ----------------------------------------------------------------------------------------


def _save_with_relations(obj, *, relations: dict, actor, action: str):
    obj.full_clean()
    obj.save()
    for name, values in relations.items():
        if values is not None:
            getattr(obj, name).set(values)
    audit_event(actor=actor, obj=obj, action=action)
    return obj


def _apply(obj, fields: dict, allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(obj, name, value)


# --- Media contacts -----------------------------------------------------------------------------------------

CONTACT_FIELDS = {
    "person",
    "name",
    "outlet",
    "outlet_name",
    "position",
    "email",
    "phone",
    "language",
    "consent_given_on",
    "notes",
}


@transaction.atomic
def media_contact_save(
    *, centre, actor, contact: MediaContact | None = None, topics=None, regions=None, **fields
) -> MediaContact:
    """Create (or, with ``contact``, change) a journalist's record."""
    contact = contact or MediaContact(centre=centre)
    _apply(contact, fields, CONTACT_FIELDS)
    if not contact.outlet_id and not contact.outlet_name:
        raise ValidationError({"outlet": _("Choose the outlet from the registry or type its name.")})
    if (
        MediaContact.objects.filter(centre=contact.centre, email__iexact=contact.email)
        .exclude(pk=contact.pk)
        .exists()
    ):
        raise ValidationError({"email": _("A journalist with this e-mail is already in your list.")})
    return _save_with_relations(
        contact, relations={"topics": topics, "regions": regions}, actor=actor, action="media_contact_save"
    )


def unsubscribe_token(contact: MediaContact) -> str:
    return signing.dumps({"contact": contact.pk}, salt=UNSUBSCRIBE_SALT)


def contact_from_unsubscribe_token(token: str) -> MediaContact | None:
    """The contact a signed unsubscribe link names, or None when the link was altered."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("contact"), int):
        return None
    return MediaContact.objects.filter(pk=data["contact"]).first()


@transaction.atomic
def media_contact_unsubscribe(*, contact: MediaContact) -> MediaContact:
    """Stop all later announcements to this contact (idempotent: the first date is kept)."""
    MediaContact.objects.filter(pk=contact.pk, unsubscribed_at__isnull=True).update(
        unsubscribed_at=timezone.now()
    )
    contact.refresh_from_db(fields=["unsubscribed_at"])
    return contact


# --- Press announcements ------------------------------------------------------------------------------------


@transaction.atomic
def announcement_save(
    *,
    centre,
    actor,
    subject: str,
    body: str,
    event=None,
    topics=(),
    regions=(),
    announcement: PressAnnouncement | None = None,
) -> PressAnnouncement:
    announcement = announcement or PressAnnouncement(centre=centre, created_by=actor)
    if announcement.status == AnnouncementStatus.SENT:
        raise AnnouncementError(_("This announcement has already been sent and can no longer be changed."))
    if event is not None and event.centre_id != announcement.centre_id:
        raise ValidationError({"event": _("Choose an event of your own centre.")})
    announcement.subject, announcement.body, announcement.event = subject, body, event
    return _save_with_relations(
        announcement,
        relations={"topics": topics, "regions": regions},
        actor=actor,
        action="announcement_save",
    )


ANNOUNCEMENT_TEMPLATE = "outreach/email/announcement"


def _announcement_context(announcement: PressAnnouncement, contact, unsubscribe_url: str) -> dict:
    return {
        "announcement": announcement,
        "contact": contact,
        "event": announcement.event,
        "unsubscribe_url": unsubscribe_url,
    }


def _unsubscribe_url(contact: MediaContact) -> str:
    return f"{settings.SITE_URL}/outreach/unsubscribe/{unsubscribe_token(contact)}/"


def announcement_preview(*, announcement: PressAnnouncement, contact: MediaContact) -> dict[str, str]:
    """Exactly what ``contact`` will receive: subject, text and language, rendered by the same template and
    context as the real sending."""
    subject, text, _html = render_email(
        ANNOUNCEMENT_TEMPLATE,
        _announcement_context(announcement, contact, _unsubscribe_url(contact)),
        contact.language,
    )
    return {"to": contact.email, "subject": subject, "text": text, "language": contact.language}


@transaction.atomic
def announcement_send_test(*, announcement: PressAnnouncement, actor, language: str = "ru") -> str:
    """Mail the announcement to the person preparing it, as a journalist would get it (marked as a test, with a
    harmless unsubscribe link). Returns the address it went to. Audited."""
    if not getattr(actor, "email", ""):
        raise AnnouncementError(_("Your account has no e-mail address to send a test to."))
    stand_in = MediaContact(
        centre=announcement.centre, name=actor.get_full_name() or actor.get_username(), email=actor.email
    )
    context = _announcement_context(announcement, stand_in, f"{settings.SITE_URL}/outreach/unsubscribe/test/")
    email_send(
        to=actor.email,
        template=ANNOUNCEMENT_TEMPLATE,
        context=context | {"is_test": True},
        language=language,
        related=announcement,
    )
    audit_event(actor=actor, obj=announcement, action="announcement_test", data={"to": actor.email})
    return actor.email


@transaction.atomic
def announcement_send(
    *, announcement: PressAnnouncement, actor, expected_recipients: int | None = None
) -> int:
    """Mail the announcement to its segment (journalists with consent who have not unsubscribed), each with a
    personal unsubscribe link and List-Unsubscribe header, and log every delivery. Sent once only.

    With ``expected_recipients`` (the count the sender confirmed), nothing is sent if the segment has changed
    since."""
    announcement = PressAnnouncement.objects.select_for_update().get(pk=announcement.pk)
    if announcement.status == AnnouncementStatus.SENT:
        raise AnnouncementError(_("This announcement has already been sent."))
    contacts = list(announcement_segment(announcement))
    if not contacts:
        raise AnnouncementError(_("No journalist matches these topics and regions; widen the segment."))
    if expected_recipients is not None and expected_recipients != len(contacts):
        raise AnnouncementError(
            _("The list of recipients has changed since you confirmed it; please check it again.")
        )
    now = timezone.now()
    for contact in contacts:
        url = _unsubscribe_url(contact)
        message = email_send(
            to=contact.email,
            template=ANNOUNCEMENT_TEMPLATE,
            context=_announcement_context(announcement, contact, url),
            language=contact.language,
            related=announcement,
            key=f"outreach:announcement:{announcement.pk}:{contact.pk}",
            headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        )
        AnnouncementDelivery.objects.create(
            announcement=announcement,
            contact=contact,
            email=contact.email,
            message=message,
            status=DeliveryStatus.QUEUED,
        )
    announcement.status = AnnouncementStatus.SENT
    announcement.sent_at = now
    announcement.sent_by = actor
    announcement.save(update_fields=["status", "sent_at", "sent_by", "updated_at"])
    audit_event(actor=actor, obj=announcement, action="announcement_send", data={"recipients": len(contacts)})
    return len(contacts)


# --- Publications -------------------------------------------------------------------------------------------

PUBLICATION_FIELDS = {
    "kind",
    "title_ru",
    "title_en",
    "summary",
    "body",
    "published_on",
    "is_published",
    "pdf",
    "print_format",
    "year",
    "isbn",
    "issn",
    "pages",
    "scan_url",
}


@transaction.atomic
def publication_save(
    *,
    centre,
    actor,
    publication: Publication | None = None,
    topics=None,
    regions=None,
    challenges=None,
    author_people=None,
    author_organisations=None,
    **fields,
) -> Publication:
    """Create or change a publication. A Russian title is required; a PDF must be a PDF of at most 20 MB.
    Publishing without a date dates it today."""
    publication = publication or Publication(centre=centre, created_by=actor)
    if "title_ru" in fields:
        fields["title_ru"] = (fields["title_ru"] or "").strip()
    _apply(publication, fields, PUBLICATION_FIELDS)
    if not publication.title_ru:
        raise ValidationError({"title_ru": _("A title in Russian (the default language) is required.")})
    pdf = fields.get("pdf")
    if isinstance(pdf, UploadedFile):
        validate_pdf(pdf)
        publication.pdf_name = pdf.name[:255]
    elif "pdf" in fields and not pdf:
        publication.pdf_name = ""
    if publication.kind == PublicationKind.PRINT and publication.year and publication.published_on is None:
        publication.published_on = dt.date(publication.year, 1, 1)
    if publication.is_published and publication.published_on is None:
        publication.published_on = timezone.localdate()
    return _save_with_relations(
        publication,
        relations={
            "topics": topics,
            "regions": regions,
            "challenges": challenges,
            "author_people": author_people,
            "author_organisations": author_organisations,
        },
        actor=actor,
        action="publication_save",
    )


# --- Social challenges --------------------------------------------------------------------------------------

CHALLENGE_FIELDS = {
    "title_ru",
    "title_en",
    "description",
    "evidence",
    "trend",
    "grant_directions",
    "is_published",
}


@transaction.atomic
def challenge_save(
    *,
    centre,
    actor,
    challenge: SocialChallenge | None = None,
    regions=None,
    fields_of_activity=None,
    organisations=None,
    directions=None,
    **fields,
) -> SocialChallenge:
    challenge = challenge or SocialChallenge(centre=centre)
    _apply(challenge, fields, CHALLENGE_FIELDS)
    return _save_with_relations(
        challenge,
        relations={
            "regions": regions,
            "fields": fields_of_activity,
            "organisations": organisations,
            "directions": directions,
        },
        actor=actor,
        action="challenge_save",
    )

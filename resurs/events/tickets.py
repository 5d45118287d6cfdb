"""Event tickets: a signed, unguessable token per registration, drawn as a QR code and read back at the door.

The token is the registration's id signed with the site's secret (``django.core.signing``): it cannot be guessed
or forged, it stays the same for the life of the registration, and it carries no personal data."""

from __future__ import annotations

import segno
from django.core import signing

from resurs.events.models import Registration

TICKET_SALT = "resurs.events.ticket"
_signer = signing.Signer(salt=TICKET_SALT)


def ticket_token(registration: Registration) -> str:
    return _signer.sign(f"T{registration.pk}")


def ticket_registration_id(token: str) -> int | None:
    """The registration id a scanned token stands for, or None when it is not one of our tickets."""
    try:
        value = _signer.unsign(token.strip())
    except signing.BadSignature:
        return None
    return int(value[1:]) if value.startswith("T") and value[1:].isdigit() else None


def ticket_qr_svg(registration: Registration, *, scale: int = 5) -> str:
    """The ticket's QR code as inline SVG markup (no styles, so it passes the Content-Security-Policy)."""
    return segno.make(ticket_token(registration), error="m").svg_inline(
        scale=scale, title=registration.code, svgclass="ticket-qr", lineclass=None
    )

"""Reading transcript files: plain text in whatever encoding the recorder's software chose, detected with
charset-normalizer and converted to Unicode, or refused with a message that says what to do."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024
# Encodings Russian transcripts really arrive in; anything else is more likely a mis-detection of binary data.
EXPECTED = {"utf_8", "utf_16", "utf_16_le", "utf_16_be", "cp1251", "koi8_r", "cp866", "mac_cyrillic", "ascii"}


def decode_transcript(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) for the bytes of a transcript file, or raise ValidationError."""
    from charset_normalizer import from_bytes

    if len(data) > MAX_TRANSCRIPT_BYTES:
        raise ValidationError(_("The transcript file is larger than 5 MB."), code="too_large")
    if not data.strip():
        raise ValidationError(_("The transcript file is empty."), code="empty")
    if b"\x00" in data and not (data.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise ValidationError(
            _("This is not a text file. Save the transcript as plain text (.txt) and upload it again."),
            code="binary",
        )
    try:
        text = data.decode("utf-8-sig")
        return _normalise(text), "utf_8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=sorted(EXPECTED - {"ascii"})).best()
    if best is None or best.encoding not in EXPECTED or best.chaos > 0.2:
        raise ValidationError(
            _(
                "The encoding of the transcript file could not be recognised. Save it as UTF-8 text "
                "(in Word: Save as → Plain text → Unicode (UTF-8)) and upload it again."
            ),
            code="encoding",
        )
    return _normalise(str(best)), best.encoding


def _normalise(text: str) -> str:
    # Offsets of coded passages count characters of this exact string, so line ends are fixed once, here.
    return text.replace("\r\n", "\n").replace("\r", "\n").strip("\ufeff")

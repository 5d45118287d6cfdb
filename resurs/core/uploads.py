"""What Resurs accepts from a person's computer, checked by content, not by name.

Each upload field has an :class:`UploadPolicy`: the kinds of file it takes (PDF, DOCX, PNG...) and a size limit.
:func:`check_upload` is the one check every upload passes (the form field :class:`SafeFileField` and the
services call it): a name without folders and of at most 255 characters, not empty, not over the limit, an
extension the field accepts, and content that really is of that kind — recognised from its bytes by puremagic,
office documents by their inner structure (a DOCX is a ZIP with ``word/``, an ODT a ZIP whose ``mimetype``
says so). HTML, SVG, scripts, programs and archives are never accepted from users, whatever they are called.

Size is refused before the body is read: :class:`LimitedUploadHandler` stops reading a file as soon as it
passes the limit (``MAX_UPLOAD_MB``, or a smaller one a view declares with :func:`upload_limit`), and
:class:`UploadLimitMiddleware` puts a :class:`RefusedUpload` in its place, which the form turns into an error
beside the field, the rest of the form as typed.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath

import puremagic
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.translation import gettext as _

MB = 1024 * 1024
MAX_NAME_LENGTH = 255
HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class FileKind:
    label: str
    content: str  # what the bytes must be (see ``identify``)
    extensions: tuple[str, ...]


KINDS: dict[str, FileKind] = {
    "pdf": FileKind("PDF", "pdf", (".pdf",)),
    "docx": FileKind("DOCX", "docx", (".docx",)),
    "xlsx": FileKind("XLSX", "xlsx", (".xlsx",)),
    "xlsm": FileKind("XLSM", "xlsx", (".xlsm",)),
    "pptx": FileKind("PPTX", "pptx", (".pptx",)),
    "odt": FileKind("ODT", "odt", (".odt",)),
    "ods": FileKind("ODS", "ods", (".ods",)),
    "odp": FileKind("ODP", "odp", (".odp",)),
    "doc": FileKind("DOC", "ole", (".doc",)),
    "xls": FileKind("XLS", "ole", (".xls",)),
    "ppt": FileKind("PPT", "ole", (".ppt",)),
    "rtf": FileKind("RTF", "rtf", (".rtf",)),
    "png": FileKind("PNG", "png", (".png",)),
    "jpeg": FileKind("JPEG", "jpeg", (".jpg", ".jpeg")),
    "txt": FileKind("TXT", "text", (".txt",)),
    "csv": FileKind("CSV", "text", (".csv",)),
    "tsv": FileKind("TSV", "text", (".tsv",)),
}
KIND_BY_EXTENSION = {extension: key for key, kind in KINDS.items() for extension in kind.extensions}

# What puremagic's best match means for us (binary formats; text is judged below).
_CONTENT_BY_MATCH = {
    ".pdf": "pdf",
    ".png": "png",
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jfif": "jpeg",
    ".jpe": "jpeg",
    ".rtf": "rtf",
    ".doc": "ole",
    ".xls": "ole",
    ".ppt": "ole",
}
_ZIP_SIGNATURE = b"PK\x03\x04"
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODF = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
_MARKUP = re.compile(rb"<\s*(?:script|svg|html|body|iframe|object|embed|\?xml|!doctype)\b", re.IGNORECASE)
_PROGRAM_MIME = re.compile(
    r"executable|msdownload|x-elf|mach|x-sh|x-dosexec|java-archive|x-msi", re.IGNORECASE
)


def identify(upload) -> str:
    """What the bytes of ``upload`` are: one of the ``content`` values of ``KINDS``, or "html" (any markup,
    SVG included), "program", "zip" (an archive that is not an office document) or "unknown"."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    if head.startswith(_ZIP_SIGNATURE):
        return _zip_content(upload)
    if head.startswith(_OLE_SIGNATURE):
        return "ole"
    try:
        matches = puremagic.magic_stream(upload)
    except (puremagic.PureError, ValueError):
        matches = []
    finally:
        upload.seek(0)
    for match in matches[:1]:
        extension = match.extension if isinstance(match.extension, str) else ""
        if extension in _CONTENT_BY_MATCH:
            return _CONTENT_BY_MATCH[extension]
        if _PROGRAM_MIME.search(match.mime_type or "") or extension in {".exe", ".dll", ".msi", ".elf"}:
            return "program"
    if _is_text(head):
        sample = _as_utf8(head)
        if sample.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<") or _MARKUP.search(sample):
            return "html"
        return "text"
    if head.startswith((b"MZ", b"\x7fELF", b"#!")):
        return "program"
    return "unknown"


def _zip_content(upload) -> str:
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return _ODF.get(archive.read("mimetype").decode("ascii", "replace").strip(), "zip")
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return "unknown"
    finally:
        upload.seek(0)
    if "[Content_Types].xml" in names:
        for folder, content in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
            if any(name.startswith(folder) for name in names):
                return content
    return "zip"


def _is_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            head[: len(head) // 2 * 2].decode("utf-16")
        except UnicodeDecodeError:
            return False
        return True
    if b"\x00" in head:
        return _is_utf16_without_bom(head)
    controls = sum(1 for byte in head if byte < 0x09 or 0x0E <= byte < 0x20)
    if controls > len(head) // 100:
        return False
    for encoding in ("utf-8", "cp1251"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as error:
            if encoding == "utf-8" and error.start >= len(head) - 3:  # a character cut by the head's end
                return True
    return False


def _as_utf8(head: bytes) -> bytes:
    """The text's bytes in UTF-8 when it was saved in UTF-16 (so markup is found whatever the encoding)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return head.decode("utf-16", "replace").encode("utf-8")
    if b"\x00" in head:
        even = head[: len(head) // 2 * 2]
        le, be = even.decode("utf-16-le", "replace"), even.decode("utf-16-be", "replace")
        return (le if le.count("\ufffd") <= be.count("\ufffd") else be).encode("utf-8")
    return head


def _is_utf16_without_bom(head: bytes) -> bool:
    """Text saved as "Unicode" without a byte-order mark (the table's reader then says what to do with it)."""
    even = head[: len(head) // 2 * 2]
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = even.decode(encoding)
        except UnicodeDecodeError:
            continue
        printable = sum(1 for char in text if char.isprintable() or char in "\t\r\n")
        if text and printable >= 0.95 * len(text):
            return True
    return False


@dataclass(frozen=True)
class UploadPolicy:
    """The kinds of file an upload field takes and its own size limit (never above ``MAX_UPLOAD_MB``)."""

    kinds: tuple[str, ...]
    max_mb: int | None = None

    def __post_init__(self):
        unknown = set(self.kinds) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown file kinds: {sorted(unknown)}")

    @property
    def max_bytes(self) -> int:
        limit = settings.MAX_UPLOAD_MB
        return (min(limit, self.max_mb) if self.max_mb else limit) * MB

    @property
    def extensions(self) -> tuple[str, ...]:
        return tuple(extension for key in self.kinds for extension in KINDS[key].extensions)

    @property
    def labels(self) -> str:
        return ", ".join(dict.fromkeys(KINDS[key].label for key in self.kinds))

    def describe(self) -> str:
        return _("%(kinds)s, up to %(size)s.") % {
            "kinds": self.labels,
            "size": filesizeformat(self.max_bytes),
        }


# Policies shared by several fields.
DOCUMENTS = UploadPolicy(("pdf", "docx", "odt", "doc", "rtf", "xlsx", "ods", "xls", "txt", "png", "jpeg"), 20)
HANDOUTS = UploadPolicy(("pdf", "docx", "odt", "doc", "pptx", "odp", "ppt", "xlsx", "ods", "png", "jpeg"), 50)
TABLES = UploadPolicy(("csv", "txt", "tsv", "xlsx"))


class RefusedUpload(UploadedFile):
    """Stands in ``request.FILES`` for a file that was not read because it passed the size limit."""

    def __init__(self, name: str, limit: int):
        super().__init__(file=None, name=name, content_type="application/octet-stream", size=0)
        self.limit = limit

    def open(self, mode=None):
        raise ValueError("a refused upload has no content")


def check_upload(upload, policy: UploadPolicy) -> str:
    """The kind (a key of ``KINDS``) of an acceptable upload, or ValidationError with a message that says
    what is wrong with the file and what to do."""
    name = getattr(upload, "name", "") or ""
    if isinstance(upload, RefusedUpload):
        raise _too_large(name, upload.limit)
    if not name.strip():
        raise ValidationError(_("The file has no name. Give it a name and choose it again."), code="no_name")
    if any(char in name for char in "/\\\x00") or name.strip() in {".", ".."}:
        raise ValidationError(
            _("The file name “%(name)s” contains a folder path. Choose the file itself.") % {"name": name},
            code="path",
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            _(
                "The file name is %(length)d characters long; the limit is %(limit)d. "
                "Shorten the name and choose the file again."
            )
            % {"length": len(name), "limit": MAX_NAME_LENGTH},
            code="name_too_long",
        )
    if not upload.size:
        raise ValidationError(
            _("The file “%(name)s” is empty (0 bytes). Choose the right file.") % {"name": name}, code="empty"
        )
    if upload.size > policy.max_bytes:
        raise _too_large(name, policy.max_bytes, upload.size)
    extension = PurePosixPath(name).suffix.lower()
    key = KIND_BY_EXTENSION.get(extension)
    if key not in policy.kinds:
        raise ValidationError(
            _("Files of type “%(ext)s” are not accepted here. Accepted: %(kinds)s.")
            % {"ext": extension or _("no extension"), "kinds": policy.labels},
            code="file_type",
        )
    content = identify(upload)
    if content == KINDS[key].content:
        return key
    refused = {
        "html": _("a web page or an image with scripts (HTML, SVG)"),
        "program": _("a program"),
        "zip": _("an archive"),
    }
    if content in refused:
        message = _(
            "“%(name)s” is not a %(kind)s file: it is %(what)s. Such files are not accepted. "
            "Save the document as %(kinds)s and upload it again."
        ) % {"name": name, "kind": KINDS[key].label, "what": refused[content], "kinds": policy.labels}
    else:
        message = _(
            "The content of “%(name)s” is not a %(kind)s file; it may be damaged or renamed. "
            "Save it again as %(kinds)s and upload it."
        ) % {"name": name, "kind": KINDS[key].label, "kinds": policy.labels}
    raise ValidationError(message, code="file_content")


def _too_large(name: str, limit: int, size: int | None = None) -> ValidationError:
    if size:
        message = _("The file “%(name)s” is %(size)s; the limit here is %(limit)s.") % {
            "name": name,
            "size": filesizeformat(size),
            "limit": filesizeformat(limit),
        }
    else:
        message = _("The file “%(name)s” is larger than %(limit)s, the limit here.") % {
            "name": name,
            "limit": filesizeformat(limit),
        }
    return ValidationError(message + " " + _("Compress it or split it into parts."), code="too_large")


class PrivateFileInput(forms.ClearableFileInput):
    """A file input that shows the current file by the name its owner gave (``current_name``), not by a URL:
    private files have none (Django's own widget would ask the storage for one and fail)."""

    template_name = "core/widgets/private_file_input.html"
    current_name = ""

    def is_initial(self, value):
        return bool(value and getattr(value, "name", ""))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["current_name"] = self.current_name
        return context


class SafeFileField(forms.FileField):
    """The upload field of every form: says what it accepts and checks it with :func:`check_upload`."""

    widget = PrivateFileInput

    def __init__(self, *, policy: UploadPolicy, **kwargs):
        self.policy = policy
        kwargs.setdefault("help_text", lazy(policy.describe, str)())
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs["accept"] = ",".join(self.policy.extensions)
        attrs["data-max-bytes"] = str(self.policy.max_bytes)
        return attrs

    def to_python(self, data):
        if data in self.empty_values:
            return None
        if not (hasattr(data, "name") and hasattr(data, "size")):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        check_upload(data, self.policy)
        return data


def upload_limit(megabytes: int):
    """Declare a view's smaller upload limit, so that its uploads are cut off there (see the middleware)."""

    def decorate(view):
        view.upload_limit_bytes = megabytes * MB
        return view

    return decorate


class LimitedUploadHandler(FileUploadHandler):
    """First of ``FILE_UPLOAD_HANDLERS``: stops reading the request as soon as a file passes the limit, so a
    60 MB body costs the server the limit plus one chunk, not 60 MB."""

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0
        self.limit = getattr(self.request, "upload_limit_bytes", None) or settings.MAX_UPLOAD_MB * MB

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.request.upload_refusals = [
                *getattr(self.request, "upload_refusals", []),
                (self.field_name, self.file_name, self.limit),
            ]
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


class UploadLimitMiddleware:
    """Before CSRF (which reads the form): applies a view's :func:`upload_limit`, parses the upload, and puts a
    :class:`RefusedUpload` where a file was cut off, so the view's form reports it beside the field."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or request.content_type != "multipart/form-data":
            return None
        declared = getattr(view_func, "upload_limit_bytes", None)
        if declared:
            request.upload_limit_bytes = min(declared, settings.MAX_UPLOAD_MB * MB)
        files = request.FILES
        for field_name, file_name, limit in getattr(request, "upload_refusals", []):
            files.appendlist(field_name, RefusedUpload(file_name, limit))
        return None

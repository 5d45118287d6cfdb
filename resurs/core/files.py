"""The file policy of the whole project: where files live, what they are called and how they are handed out.

Every file a person uploads (and every file Resurs makes from their data) is *private*: it lives in the
``private`` storage (``STORAGES["private"]``), which is never served by URL — on disk under
``PRIVATE_MEDIA_ROOT``, outside ``MEDIA_ROOT``; on S3 under a private prefix of the bucket. Its stored name is
random (``<prefix>/<year>/<uuid4>.<ext>``) and tells nothing; the name the person gave is kept in the database
and used only in ``Content-Disposition``.

A private file leaves Resurs through one door: a view fetches the object with its app's ``access.py``
(``get_<noun>_for_user``: 404 when missing or forbidden) and returns :func:`private_file_response`, which hands
the file out as an attachment with ``nosniff`` and a sandboxing Content-Security-Policy:

- on S3: a redirect to a presigned URL valid for ``PRIVATE_FILES_URL_SECONDS`` (the bucket serves the bytes);
- with ``PRIVATE_FILES_ACCEL_PREFIX`` (nginx in front): an empty response with ``X-Accel-Redirect``
  (nginx streams the file from an ``internal`` location);
- otherwise Python streams it (development and tests).

See docs/decisions/0007-private-files.md.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import mimetypes
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.deconstruct import deconstructible
from django.utils.functional import LazyObject, empty

PRIVATE_STORAGE_ALIAS = "private"
# Extensions a stored name may keep (they help nginx and people reading a bucket); anything else is dropped.
_KEPT_EXTENSIONS = {
    ".pdf", ".doc", ".docx", ".odt", ".rtf", ".txt", ".csv", ".tsv", ".xls", ".xlsx", ".xlsm", ".ods",
    ".ppt", ".pptx", ".odp", ".png", ".jpg", ".jpeg",
}  # fmt: skip
# Served with these types; anything else is application/octet-stream (the browser only offers to save it).
_CONTENT_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".tsv": "text/tab-separated-values; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
# A downloaded file is a document, never a page of this site: no scripts, no plugins, no same-origin rights.
FILE_RESPONSE_CSP = "sandbox; default-src 'none'"


class _PrivateStorage(LazyObject):
    """``STORAGES["private"]``, looked up when first used (and again after tests change ``STORAGES``)."""

    def _setup(self):
        self._wrapped = storages[PRIVATE_STORAGE_ALIAS]


_private_storage = _PrivateStorage()


def private_storage() -> Storage:
    """The storage of private files; FileFields name this callable (``storage=private_storage``)."""
    return _private_storage


def _reset_private_storage(*, setting, **kwargs) -> None:
    if setting in {"STORAGES", "PRIVATE_MEDIA_ROOT"}:
        _private_storage._wrapped = empty


setting_changed.connect(_reset_private_storage)


@deconstructible
class RandomName:
    """``upload_to`` of a private file: ``<prefix>/<year>/<uuid4 hex>.<ext>`` (the given name is not used)."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        return random_name(self.prefix, filename)

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomName) and other.prefix == self.prefix


def random_name(prefix: str, filename: str, *, year: int | None = None) -> str:
    extension = PurePosixPath(filename.replace("\\", "/")).suffix.lower()
    if extension not in _KEPT_EXTENSIONS:
        extension = ""
    return f"{prefix}/{year or dt.date.today().year}/{uuid.uuid4().hex}{extension}"


def content_disposition(filename: str, *, attachment: bool = True) -> str:
    """``attachment; filename="…"; filename*=UTF-8''…``: the name as given, by RFC 5987 when it is not plain
    ASCII (Cyrillic), with ``file.<ext>`` for the rare client that reads only ``filename``."""
    kind = "attachment" if attachment else "inline"
    filename = " ".join(filename.split()) or "file"
    if all(0x20 <= ord(c) < 0x7F for c in filename) and not any(c in filename for c in '"\\;'):
        return f'{kind}; filename="{filename}"'
    extension = PurePosixPath(filename).suffix.lower()
    fallback = f"file{extension}" if extension in _KEPT_EXTENSIONS else "file"
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def content_type_for(filename: str) -> str:
    extension = PurePosixPath(filename).suffix.lower()
    if extension in _CONTENT_TYPES:
        return _CONTENT_TYPES[extension]
    if extension in _KEPT_EXTENSIONS:
        return mimetypes.types_map.get(extension) or "application/octet-stream"
    return "application/octet-stream"


def _is_s3(storage) -> bool:
    return storage.__class__.__module__.startswith(
        "storages.backends.s3"
    )  # __class__: through the LazyObject


def private_file_response(field_file: FieldFile, filename: str, *, public: bool = False) -> HttpResponse:
    """Hand out a private file the caller has already authorised (see the module's docstring).

    ``filename`` is the name the person gave; ``public``: the object is public (a published report), so shared
    caches may keep it for an hour; otherwise nothing caches it.
    """
    storage = field_file.storage
    name = field_file.name
    disposition = content_disposition(filename)
    content_type = content_type_for(filename)
    if _is_s3(storage):
        url = storage.url(
            name,
            parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type},
            expire=settings.PRIVATE_FILES_URL_SECONDS,
        )
        response = HttpResponseRedirect(url)
    elif settings.PRIVATE_FILES_ACCEL_PREFIX:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_FILES_ACCEL_PREFIX.rstrip("/") + "/" + quote(name)
    else:
        response = FileResponse(storage.open(name, "rb"), content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_RESPONSE_CSP
    response["Cache-Control"] = "public, max-age=3600" if public else "private, no-store"
    return response


@contextlib.contextmanager
def local_path(field_file: FieldFile) -> Iterator[Path]:
    """A path on this machine to read the file from: the file itself on disk, a temporary copy otherwise
    (S3), removed afterwards. For readers that need a real file (CSV sniffing, openpyxl, counting rows)."""
    try:
        path = Path(field_file.storage.path(field_file.name))
    except NotImplementedError:
        path = None
    if path is not None:
        yield path
        return
    suffix = PurePosixPath(field_file.name).suffix
    with (
        tempfile.NamedTemporaryFile(suffix=suffix) as copy,
        field_file.storage.open(field_file.name) as source,
    ):
        shutil.copyfileobj(source, copy, length=1024 * 1024)
        copy.flush()
        yield Path(copy.name)

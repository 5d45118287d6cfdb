"""A page's precomputed data served as JSON beside the page (the drawn networks: megabytes that have no place in the
HTML). The page is the door: an endpoint checks the same access as its page, answers the result the page shows
(the last stored one while the current one is computed, so the drawing agrees with the page's notice), gzipped
when the client accepts it, and with a weak ETag keyed on the result's version so that a revisit costs a 304.

The body is serialised and compressed once per version and kept beside the result: compressing 1.4 MB of JSON
takes some 45 ms, more than everything else the answer does. It holds no CSRF token or secret for BREACH to guess
at (Django's gzip middleware would pad it for that; nothing here needs it).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.regex_helper import _lazy_re_compile
from django.utils.translation import gettext as _

from resurs.core import precomputed

ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")


def json_error(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, no_store=True)
    return response


def json_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in reader's JSON endpoint: refusals answer JSON with a message in the reader's language (not the
    HTML error pages or the login redirect a fetch cannot show)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_authenticated:
            return json_error(401, _("Your session has ended: sign in again to see this."))
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied:
            return json_error(403, _("You do not have access to this."))
        except Http404:
            return json_error(404, _("Not found, or you do not have access to it."))

    return wrapped


def _etag(topic: str, name: str, version: str, variant: str) -> str:
    digest = hashlib.sha256(f"{topic}\n{name}\n{version}\n{variant}".encode()).hexdigest()[:32]
    return f'W/"{digest}"'  # weak: the gzipped and the plain bodies are the same data


def _respond(request: HttpRequest, etag: str, packed: bytes, *, current: bool) -> HttpResponse:
    if ACCEPTS_GZIP.search(request.headers.get("Accept-Encoding", "")):
        response = HttpResponse(packed, content_type="application/json")
        response["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(gzip.decompress(packed), content_type="application/json")
    patch_vary_headers(response, ("Accept-Encoding",))
    response["X-Precomputed"] = "current" if current else "stale"
    return _cache_headers(response, etag)


def _cache_headers(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    # The reader's own data (access depends on the reader): kept by the browser only, and revalidated every time
    # since a change of the data makes a new version at any moment.
    patch_cache_control(response, private=True, no_cache=True)
    return response


def _stored(request: HttpRequest, etag: str, *, current: bool) -> HttpResponse | None:
    """A 304 when the client's copy has ``etag``, else the kept body of that version, else None."""
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _cache_headers(not_modified, etag)
    packed = cache.get(f"precomputed:json:{etag}")
    return _respond(request, etag, packed, current=current) if packed is not None else None


def precomputed_json_response(
    request: HttpRequest,
    *,
    topic: str,
    name: str,
    shown: Callable[[], precomputed.Background],
    payload: Callable[[Any], Any],
    version: str | None = None,
    variant: str = "",
    computing_message: str,
) -> HttpResponse:
    """The JSON of ``payload(value)`` for the result ``topic``/``name`` that ``shown()`` (the page's own
    ``precomputed.background`` call, which starts the job if the page has not) reads. ``version`` is the topic's
    data version when it is not ``data_changed``'s; ``variant`` tells apart what different readers get of one
    result. A client whose copy is current gets a 304, and any other its kept body, without the result being read;
    while nothing is stored yet the answer is 409 with ``computing_message`` (the page shows its progress)."""
    current = precomputed.current_version(topic, name, version=version)
    if current is not None:
        answer = _stored(request, _etag(topic, name, current, variant), current=True)
        if answer is not None:
            return answer
    result = shown()
    if result.value is None:
        return json_error(409, computing_message)
    etag = _etag(topic, name, result.version or "", variant)
    answer = _stored(request, etag, current=result.current)
    if answer is not None:
        return answer
    body = json.dumps(payload(result.value), ensure_ascii=False, separators=(",", ":")).encode()
    packed = gzip.compress(body, compresslevel=6, mtime=0)
    cache.set(f"precomputed:json:{etag}", packed, precomputed.TIMEOUT)
    return _respond(request, etag, packed, current=result.current)

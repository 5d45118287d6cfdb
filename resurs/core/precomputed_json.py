"""A page's precomputed data served as JSON beside the page (the drawn networks: megabytes that have no place in the
HTML). The page is the door: an endpoint checks the same access as its page, answers the result the page shows
(the last stored one while the current one is computed, so the drawing agrees with the page's notice), compressed
when the client accepts it, and with a weak ETag keyed on the result's version so that a revisit costs a 304.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page

from resurs.core import precomputed


def json_error(status: int, message: str) -> JsonResponse:
    response = JsonResponse({"error": message}, status=status, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, no_store=True)
    return response


def json_endpoint(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A signed-in reader's JSON endpoint: refusals answer JSON with a message in the reader's language (not the
    HTML error pages or the login redirect a fetch cannot show), and the answer is compressed when the client
    accepts gzip. It carries no CSRF token or secret for BREACH to guess at, and Django masks the page's token."""

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

    return gzip_page(wrapped)


def _etag(topic: str, name: str, version: str, variant: str) -> str:
    digest = hashlib.sha256(f"{topic}\n{name}\n{version}\n{variant}".encode()).hexdigest()[:32]
    return f'W/"{digest}"'  # weak: the gzipped and the plain bodies are the same data


def _cache_headers(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    # The reader's own data (access depends on the reader): kept by the browser only, and revalidated every time
    # since a change of the data makes a new version at any moment.
    patch_cache_control(response, private=True, no_cache=True)
    return response


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
    ``precomputed.background`` call, which starts the job if the page has not) reads. ``version`` is the topic's data version when it is
    not ``data_changed``'s; ``variant`` tells apart what different readers get of one result. A client whose copy
    is current gets a 304 without the result being read; while nothing is stored yet the answer is 409 with
    ``computing_message`` (the page shows its progress meanwhile)."""
    current = precomputed.current_version(topic, name, version=version)
    if current is not None:
        etag = _etag(topic, name, current, variant)
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return _cache_headers(not_modified, etag)
    result = shown()
    if result.value is None:
        return json_error(409, computing_message)
    etag = _etag(topic, name, result.version or "", variant)
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is not None:
        return _cache_headers(not_modified, etag)
    response = JsonResponse(
        payload(result.value),
        safe=False,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},
    )
    response["X-Precomputed"] = "current" if result.current else "stale"
    return _cache_headers(response, etag)

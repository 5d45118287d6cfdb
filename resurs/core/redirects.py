"""Where to go after a form: the ``next`` a page carries, only if it stays on this site (no open redirect)."""

from __future__ import annotations

from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default="", *, field: str = "next") -> str:
    """The ``next`` URL of the request (POST first, then the query string) if it points at this site; else
    ``default`` (a URL, a URL name or a model, as ``redirect`` takes)."""
    candidate = (request.POST.get(field) or request.GET.get(field) or "").strip()
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(default) if default else ""

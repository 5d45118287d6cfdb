"""HTMX helpers: one URL, two renderings (the full page, or only the partial HTMX asked for)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render ``partial`` for an HTMX request that targets part of the page, else the full ``template``."""
    is_htmx = getattr(request, "htmx", False)
    if partial and is_htmx and not request.htmx.boosted:
        return render(request, partial, context, status=status)
    return render(request, template, context, status=status)


def hx_redirect(url: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


# --- Results computed in the background (resurs.core.precomputed.background) -----------------------------------
# The page shows the last result with the job computing the current one; the job's progress polls the page itself
# (one URL, two renderings), so whoever may see the page may watch it (an anonymous reader of a published report
# too) and nobody else: the page's own access check comes first. The job's owner, if any, is only who started it.

PRECOMPUTE_POLL = "precompute"


def precompute_poll(request: HttpRequest) -> bool:
    """Whether the request is the page's poll of its precomputation's progress."""
    return request.headers.get("HX-Request") == "true" and PRECOMPUTE_POLL in request.GET


def precompute_context(request: HttpRequest, shown) -> dict:
    """What ``includes/precomputing.html`` needs: the result shown and the URL its progress polls."""
    poll_url = None
    if shown.job is not None:
        query = request.GET.copy()
        query[PRECOMPUTE_POLL] = str(shown.job.uuid)
        poll_url = f"{request.path}?{query.urlencode()}"
    return {"precomputed": shown, "poll_url": poll_url}


def precompute_poll_response(request: HttpRequest, shown) -> HttpResponse:
    """The answer to the page's poll: the job's progress, or a refresh of the page once the result is current (or
    the job finished for a version that has moved on meanwhile: the refreshed page starts the next one)."""
    from resurs.core.models import Job

    job = shown.job
    if shown.current or job is None or job.status == Job.Status.DONE:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return render(request, "includes/job_status.html", precompute_context(request, shown) | {"job": job})

"""Public home page, the signed-in user's desk, job status polling, and the brand colour's stylesheet."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from resurs.core.brand import brand_palette
from resurs.core.files import private_file_response
from resurs.core.models import Job
from resurs.core.sections import collect


def home(request):
    return render(request, "core/home.html", {"sections": collect("home", request)})


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html", {"sections": collect("desk", request)})


def get_job_for_user(user, uuid) -> Job:
    """A job is its owner's alone (404 for everyone else)."""
    job = Job.objects.filter(uuid=uuid, owner_id=user.pk).first() if user.is_authenticated else None
    if job is None:
        raise Http404
    return job


@login_required
def job_status(request, uuid):
    return render(request, "includes/job_status.html", {"job": get_job_for_user(request.user, uuid)})


def job_file(request, uuid):
    """The file a finished job made (an export, a report), for its owner."""
    job = get_job_for_user(request.user, uuid)
    if not job.file:
        raise Http404
    return private_file_response(job.file, job.file_name or job.file.name.rsplit("/", 1)[-1])


def server_error(request):
    """The 500 page. It promises that someone knows only when errors are reported (SENTRY_DSN); it renders
    without the base layout or the database, which may be what failed."""
    from django.http import HttpResponseServerError
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"error_reported": bool(settings.SENTRY_DSN)}))


@require_GET
@cache_control(public=True, max_age=60 * 60 * 24 * 365, immutable=True)
def brand_css(request):
    """The configured brand colour as CSS custom properties (a file, because the Content-Security-Policy allows
    no inline styles). Linked with the colour in its query string, so a changed colour is a new URL."""
    css = brand_palette(settings.RESURS_BRAND_COLOR).as_css()
    return HttpResponse(css, content_type="text/css; charset=utf-8")

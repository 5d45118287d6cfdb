"""Public home page, the signed-in user's desk, job status polling, and the brand colour's stylesheet."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from resurs.core.brand import brand_palette
from resurs.core.models import Job
from resurs.core.sections import collect


def home(request):
    return render(request, "core/home.html", {"sections": collect("home", request)})


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html", {"sections": collect("desk", request)})


@login_required
def job_status(request, uuid):
    job = Job.objects.filter(uuid=uuid, owner=request.user).first()
    if job is None:
        raise Http404
    return render(request, "includes/job_status.html", {"job": job})


@require_GET
@cache_control(public=True, max_age=60 * 60 * 24 * 365, immutable=True)
def brand_css(request):
    """The configured brand colour as CSS custom properties (a file, because the Content-Security-Policy allows
    no inline styles). Linked with the colour in its query string, so a changed colour is a new URL."""
    css = brand_palette(settings.RESURS_BRAND_COLOR).as_css()
    return HttpResponse(css, content_type="text/css; charset=utf-8")

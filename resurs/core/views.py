"""Public home page, the signed-in user's desk, and job status polling."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

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


def server_error(request):
    """The 500 page. It promises that someone knows only when errors are reported (SENTRY_DSN); it renders
    without the base layout or the database, which may be what failed."""
    from django.conf import settings
    from django.http import HttpResponseServerError
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"error_reported": bool(settings.SENTRY_DSN)}))

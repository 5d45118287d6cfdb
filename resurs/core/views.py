"""Public home page, the signed-in user's desk, and job status polling."""

from __future__ import annotations

from importlib import import_module

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from resurs.core.models import Job


def _sections(hook: str, request) -> list[dict]:
    """Blocks contributed by apps: each app's ``sections.py`` may define ``home(request)``/``desk(request)``
    returning a list of ``{"template": ..., **context}`` dicts (or nothing)."""
    blocks: list[dict] = []
    for config in apps.get_app_configs():
        if not config.name.startswith("resurs."):
            continue
        try:
            module = import_module(f"{config.name}.sections")
        except ModuleNotFoundError:
            continue
        provider = getattr(module, hook, None)
        if provider is not None:
            blocks.extend(provider(request) or [])
    return sorted(blocks, key=lambda block: block.get("order", 100))


def home(request):
    return render(request, "core/home.html", {"sections": _sections("home", request)})


@login_required
def dashboard(request):
    return render(request, "core/dashboard.html", {"sections": _sections("desk", request)})


@login_required
def job_status(request, uuid):
    job = Job.objects.filter(uuid=uuid, owner=request.user).first()
    if job is None:
        raise Http404
    return render(request, "includes/job_status.html", {"job": job})

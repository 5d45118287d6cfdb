"""Warm an app process up before it serves, then keep its long-lived objects out of the garbage collector's way.

Django imports the views and compiles the templates on first use: after its first requests an app process holds about
280,000 objects that live as long as it does. Python's collector traverses all of them at every collection of its
oldest generation, which comes every hundred requests or so: a pause of 100–300 ms in whichever request triggers it
(on the national installation these pauses were the slow requests behind the list pages' p95, see
docs/benchmarks.md). ``warm_up`` does the first-use work at start — the URL configuration with every view module, the
translation catalogues, the project's templates compiled — and then ``gc.freeze()`` moves everything alive to a
permanent generation that collections skip, so they traverse only what requests create.

Called by ``config/wsgi.py`` (each gunicorn worker) and by ``bench/pages.py`` before measuring.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.template.loader import get_template
from django.urls import get_resolver
from django.utils import translation

TEMPLATE_SUFFIXES = (".html", ".txt")


def project_template_names() -> list[str]:
    """Names of the templates this project ships (its own folders and its apps', not third-party packages')."""
    base = Path(settings.BASE_DIR).resolve()
    packages = Path(sys.prefix).resolve()
    folders = [Path(folder) for engine in settings.TEMPLATES for folder in engine.get("DIRS", [])]
    folders += [
        Path(config.path) / "templates"
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base)
        and not Path(config.path).resolve().is_relative_to(packages)  # a virtualenv inside the checkout
    ]
    names = set()
    for folder in folders:
        if folder.is_dir():
            names.update(
                path.relative_to(folder).as_posix()
                for path in folder.rglob("*")
                if path.suffix in TEMPLATE_SUFFIXES and path.is_file()
            )
    return sorted(names)


def warm_up(*, freeze: bool = True) -> int:
    """Do the app's first-use work now and (``freeze``) exempt what it made from garbage collection; returns the
    number of templates compiled."""
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 — imports every URL module and with them the views
    resolver.reverse_dict  # noqa: B018 — the table ``reverse()`` reads
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("Resurs")  # loads the catalogue
    names = project_template_names()
    for name in names:
        get_template(name)
    if freeze:
        gc.collect()
        gc.freeze()
    return len(names)

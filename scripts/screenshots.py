#!/usr/bin/env python3
"""Screenshots of the whole product as each demo persona sees it: ``make screenshots``.

Against the demo database (``manage.py demo --if-empty`` first), starts its own ``runserver`` on a free loopback
port, signs in as each demo persona (resurs.accounts.demo.DEMO_LOGINS, plus an anonymous visitor) and saves a
full-page PNG of each persona's key pages — the menu's pages, their desk and the demo objects they work on, about 30
each — at 1366 and 390 px in Russian and English into var/screenshots/ (not committed), with an index.html to
browse them. Pages a persona may not open (403/404) are skipped; pages that scroll sideways are listed at the end.

    .venv/bin/python scripts/screenshots.py [--personas ngo,expert] [--languages ru] [--widths 390] [--limit 30]
"""

from __future__ import annotations

import argparse
import html
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
WIDTHS = {1366: 768, 390: 844}
ANONYMOUS = "anonymous"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"runserver exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=10):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("runserver did not answer within two minutes")


def _first(queryset):
    return queryset.order_by("pk").first()


def demo_pages() -> list[str]:
    """The demo objects' pages that some persona works on; each persona keeps those it may open."""
    from resurs.events.models import Event
    from resurs.grants.choices import ApplicationStatus, CallStatus
    from resurs.grants.models import Application, Call
    from resurs.learning.models import Course
    from resurs.registry.models import Centre, Person
    from resurs.research.models import Study
    from resurs.reviews.models import Assignment

    pages: list[str] = []
    if event := Event.objects.filter(status="published").order_by("-starts_at").first():
        pages += [f"/events/{event.pk}/", f"/events/{event.pk}/check-in/"]
    if call := _first(Call.objects.filter(status=CallStatus.OPEN)):
        pages += [call.get_absolute_url(), f"/grants/manage/calls/{call.slug}/"]
    if call := _first(Call.objects.filter(status=CallStatus.REVIEW)):
        pages += [
            f"/grants/manage/calls/{call.slug}/applications/",
            f"/reviews/calls/{call.slug}/",
            f"/reviews/calls/{call.slug}/assignment/",
            f"/reviews/calls/{call.slug}/ranking/",
        ]
        if application := _first(Application.objects.filter(call=call)):
            pages.append(f"/grants/applications/{application.pk}/")
    if call := _first(Call.objects.filter(status=CallStatus.RESULTS_PUBLISHED)):
        pages.append(f"/grants/calls/{call.slug}/results/")
    for application in Application.objects.filter(
        organisation__representations__user__username="ngo"
    ).order_by("-pk")[:2]:
        edit = application.status == ApplicationStatus.DRAFT
        pages.append(f"/grants/applications/{application.pk}/{'edit/' if edit else ''}")
    if assignment := _first(Assignment.objects.filter(expert__user__username="expert", status="active")):
        pages.append(f"/reviews/assignments/{assignment.pk}/")
    if course := _first(Course.objects.all()):
        pages.append(f"/learning/courses/{course.pk}/")
    if study := _first(Study.objects.filter(is_published=True)) or _first(Study.objects.all()):
        pages += [
            f"/research/{study.pk}/",
            f"/research/{study.pk}/analysis/",
            f"/research/{study.pk}/report/",
        ]
    if hub := Centre.objects.filter(is_hub=True).select_related("organisation").first():
        pages.append(hub.organisation.get_absolute_url())
    if person := _first(Person.objects.all()):
        pages.append(person.get_absolute_url())
    return pages


def persona_pages(username: str, details: list[str], limit: int) -> list[str]:
    """The persona's menu, desk and the demo objects' pages, without duplicates, at most ``limit``."""
    from django.contrib.auth.models import AnonymousUser

    from resurs.accounts.models import User
    from resurs.core.navigation import nav_items_for

    user = AnonymousUser() if username == ANONYMOUS else User.objects.get(username=username)
    pages = ["/"] if username == ANONYMOUS else ["/", "/desk/"]
    pages += [item["url"] for item in nav_items_for(user)]
    pages += ["/accounts/login/"] if username == ANONYMOUS else ["/accounts/profile/"]
    pages += details
    return list(dict.fromkeys(pages))[:limit]


def slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def shoot(
    base: str, personas: list[str], languages: list[str], widths: list[int], limit: int, out: Path
) -> None:
    from playwright.sync_api import sync_playwright

    from resurs.core.demo import DEMO_PASSWORD

    details = demo_pages()
    # Every database read before the browser starts (Playwright's sync API runs an event loop, where Django
    # refuses synchronous queries).
    candidates_of = {username: persona_pages(username, details, limit * 2) for username in personas}
    index: list[str] = []
    sideways: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--headless=new"]
        )
        for username in personas:
            candidates = candidates_of[username]
            allowed: list[str] | None = None  # learnt on the first width and language
            index.append(f"<h2>{html.escape(username)}</h2>")
            for language in languages:
                for width in widths:
                    context = browser.new_context(
                        viewport={"width": width, "height": WIDTHS[width]}, base_url=base
                    )
                    context.set_default_timeout(60_000)
                    context.add_cookies([{"name": "resurs_language", "value": language, "url": base}])
                    page = context.new_page()
                    if username != ANONYMOUS:
                        page.goto("/accounts/login/")
                        page.fill("input[name=login]", username)
                        page.fill("input[name=password]", DEMO_PASSWORD)
                        page.click("[data-testid=login-form] button[type=submit]")
                        page.wait_for_load_state("networkidle")
                    shown = []
                    for path in allowed if allowed is not None else candidates:
                        response = page.goto(path)
                        page.wait_for_load_state("networkidle")
                        sent_to_login = "/accounts/login/" in page.url and path != "/accounts/login/"
                        if response is None or response.status != 200 or sent_to_login:
                            continue
                        shown.append(path)
                        name = f"{username}/{len(shown):02d}-{slug(path)}-{width}-{language}.png"
                        (out / name).parent.mkdir(parents=True, exist_ok=True)
                        page.screenshot(path=str(out / name), full_page=True)
                        over = page.evaluate(
                            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                        )
                        if over > 0:
                            sideways.append(f"{name}: {over}px")
                        index.append(
                            f'<figure><a href="{name}"><img loading="lazy" src="{name}" width="{min(width, 390) // 2}">'
                            f"</a><figcaption>{html.escape(path)} · {width} · {language}</figcaption></figure>"
                        )
                        print(f"{name}{f'  (scrolls sideways by {over}px)' if over > 0 else ''}", flush=True)
                        if len(shown) >= limit:
                            break
                    if allowed is None:
                        allowed = shown
                    context.close()
        browser.close()
    (out / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>Resurs screenshots</title>"
        "<style>figure{display:inline-block;margin:4px;vertical-align:top;font:12px sans-serif}"
        "img{border:1px solid #ccc;max-height:400px;object-fit:cover;object-position:top}</style>"
        + "\n".join(index),
        encoding="utf-8",
    )
    print(f"\n{out / 'index.html'}")
    if sideways:
        print("Pages that scroll sideways:\n  " + "\n  ".join(sideways))


def main() -> None:
    import django

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--personas", help="comma-separated usernames (default: every demo persona and anonymous)"
    )
    parser.add_argument("--languages", default="ru,en")
    parser.add_argument("--widths", default="1366,390")
    parser.add_argument("--limit", type=int, default=30, help="pages per persona")
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "screenshots")
    args = parser.parse_args()

    subprocess.run(
        [sys.executable, "manage.py", "demo", "--if-empty"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL
    )
    django.setup()
    from resurs.accounts.demo import DEMO_LOGINS

    personas = args.personas.split(",") if args.personas else [ANONYMOUS, *(u for _label, u in DEMO_LOGINS)]
    widths = [int(w) for w in args.widths.split(",")]
    if unknown := set(widths) - set(WIDTHS):
        raise SystemExit(f"widths are 1366 and 390, not {sorted(unknown)}")
    args.out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = start_server(port)
    try:
        shoot(f"http://127.0.0.1:{port}", personas, args.languages.split(","), widths, args.limit, args.out)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main()

"""Every kind of page at national scale (issue 17): server time p50/p95 and SQL queries per page kind and persona,
the memory of exports, and (``--locust``) a bounded mixed-traffic run against gunicorn.

The database is the national-size installation (``manage.py demo --scale national``: 250,000 organisations, a call
of 15,000 applications, 200,000 enrolments...); ``--scale small`` uses the ordinary demo for a quick run. The
benchmark builds it in a database of its own (``resurs_bench_pages``, dropped at the end unless ``--keep``), or
measures an existing installation with ``--database NAME`` (never dropped).

Each persona signs in through the login form, then every page kind is requested ``--repeat`` times (cycling through
its URLs: filters, deep pages, several objects) after one warm-up request, which is reported apart as
``cold_ms`` (it fills the caches: precomputed analysis pages are computed then). Server time is the time Django
takes to answer in this process (middleware, views, templates; no network); queries are counted per request.
Exports are read to the end while tracemalloc records the peak memory they need (``peak_mib``), once for a small
selection and once for everything: a streamed export needs as much for both.

Targets (issue 17): an HTML page p95 ≤ 300 ms and ≤ 30 queries; the analysis pages ≤ 500 ms.

    python bench/pages.py [--scale small|full] [--database NAME] [--keep] [--repeat N] [--only WORD] [--locust]

Progress goes to standard error; the last line of standard output is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "resurs_bench_pages"
SCALES = {"full": "national", "small": "1"}
PASSWORD = "resurs-demo"
HTML_TARGET_MS, HTML_TARGET_QUERIES, ANALYSIS_TARGET_MS = 300, 30, 500
SLOW_MS = 20_000  # a page whose first request takes longer is measured once, not repeated


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


@dataclass
class Kind:
    """A kind of page: who asks, the URLs to cycle through; ``analysis`` pages have the 500 ms target, ``export`` and
    ``api`` kinds are not HTML."""

    kind: str
    persona: str
    urls: list[str]
    analysis: bool = False
    export: bool = False
    api: bool = False
    status: int = 200
    headers: dict = field(default_factory=dict)
    results: dict = field(default_factory=dict)


GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def page_kinds(f: dict) -> list[Kind]:
    """The page kinds, with URLs filled from the installation's facts ``f``."""
    national, open_call, past = f["national_call"], f["open_call"], f["past_call"]
    study = f["study"]
    k = Kind
    return [
        # Visitors (not signed in): calls, events, publications, the catalogue, open data.
        k("home", "visitor", ["/"]),
        k("call-list", "visitor", ["/grants/"]),
        k("call-detail", "visitor", [f"/grants/calls/{open_call}/", f"/grants/calls/{national}/"]),
        k("call-results", "visitor", [f"/grants/calls/{past}/results/"]),
        k("event-list", "visitor", ["/events/", "/events/?when=past", f"/events/?region={f['region']}", "/events/?when=past&page=20"]),
        k("event-detail", "visitor", [f"/events/{f['forum']}/", f"/events/{f['past_event']}/"]),
        k("publication-list", "visitor", ["/outreach/publications/", "/outreach/publications/?q=отчёт"]),
        k("publication-detail", "visitor", [f"/outreach/publications/{f['publication']}/"]),
        k("challenge-list", "visitor", ["/outreach/challenges/"]),
        k("course-catalogue", "visitor", ["/learning/", "/learning/?topic=projects", "/learning/?page=5"]),
        k("course-detail", "visitor", [f"/learning/courses/{f['course']}/"]),
        k("certificate-verify", "visitor", [f"/learning/certificates/verify/?code={f['certificate']}"]),
        k("register-export", "visitor", ["/grants/register.csv"], export=True),
        k("results-360giving", "visitor", [f"/grants/calls/{past}/results/360giving.json"], export=True),
        k("calendar-feed", "visitor", ["/events/calendar.ics"], export=True),
        k("api-calls", "visitor", ["/api/v1/grants/calls"], api=True),
        k("api-events", "visitor", ["/api/v1/events/events/", "/api/v1/events/events/?offset=1000"], api=True),
        # An NGO: its desk, applications, learning, events, consultations, its organisation.
        k("desk", "ngo", ["/desk/"]),
        k("my-applications", "ngo", ["/grants/my/"]),
        k("application-detail", "ngo", [f"/grants/applications/{f['ngo_draft']}/"]),
        k("application-form", "ngo", [f"/grants/applications/{f['ngo_draft']}/edit/"]),
        k("my-learning", "ngo", ["/learning/my/"]),
        k("my-registrations", "ngo", ["/events/my/"]),
        k("consultation-list", "ngo", ["/learning/consultations/"]),
        k("consultation-form", "ngo", ["/learning/consultations/new/"]),
        k("organisation-detail", "ngo", [f"/registry/organisations/{f['ngo_org']}/"]),
        k("api-my-applications", "ngo", ["/api/v1/grants/applications"], api=True),
        # An expert: the assignments and the scoring page.
        k("my-reviews", "expert", ["/reviews/"]),
        k("review", "expert", [f"/reviews/assignments/{f['expert_assignment']}/"]),
        k("expert-profile", "expert", ["/reviews/profile/"]),
        k("api-my-assignments", "expert", ["/api/v1/reviews/my/assignments"], api=True),
        # Centre staff: the registry, screening, learning, events, cooperation, outreach.
        k("desk", "staff", ["/desk/"]),
        k("organisation-list", "staff", ["/registry/organisations/", f"/registry/organisations/?region={f['region']}&field={f['field']}", "/registry/organisations/?q=фонд", "/registry/organisations/?page=2000", "/registry/organisations/?kind=foundation&page=40"]),
        k("organisation-detail", "staff", [f"/registry/organisations/{f['hub_org']}/", f"/registry/organisations/{f['ngo_org']}/", f"/registry/organisations/{f['big_org']}/"]),
        k("organisation-form", "staff", [f"/registry/organisations/{f['ngo_org']}/edit/"]),
        k("person-list", "staff", ["/registry/people/", "/registry/people/?q=Иванова", "/registry/people/?q=иваноф", "/registry/people/?page=2000"]),
        k("person-detail", "staff", [f"/registry/people/{f['person']}/"]),
        k("proposal-list", "staff", ["/registry/proposals/"]),
        k("duplicate-list", "staff", ["/registry/duplicates/"]),
        k("manage-calls", "staff", ["/grants/manage/"]),
        k("pipeline", "staff", [f"/grants/manage/calls/{national}/applications/", f"/grants/manage/calls/{national}/applications/?q=центр", f"/grants/manage/calls/{national}/applications/?page=250", f"/grants/manage/calls/{open_call}/applications/?status=submitted"]),
        k("application-detail", "staff", [f"/grants/applications/{f['national_application']}/", f"/grants/applications/{f['open_application']}/"]),
        k("report-list", "staff", ["/grants/reports/", "/grants/reports/?page=30"]),
        k("report-detail", "staff", [f"/grants/reports/{f['report']}/"]),
        k("grants-history", "staff", ["/grants/history/"]),
        k("consultation-list", "staff", ["/learning/consultations/", "/learning/consultations/?status=requested", "/learning/consultations/?page=50"]),
        k("consultation-detail", "staff", [f"/learning/consultations/{f['consultation']}/"]),
        k("session-detail", "staff", [f"/learning/sessions/{f['session']}/"]),
        k("session-attendance", "staff", [f"/learning/sessions/{f['session']}/attendance/"]),
        k("feedback-summary", "staff", ["/learning/feedback/"]),
        k("service-quality", "staff", ["/learning/quality/"], analysis=True),
        k("event-manage", "staff", ["/events/manage/"]),
        k("event-checkin", "staff", [f"/events/{f['forum']}/check-in/", f"/events/{f['forum']}/check-in/?q=Иванова"]),
        k("cooperation-overview", "staff", ["/cooperation/"], analysis=True),
        k("cooperation-network", "staff", ["/cooperation/network/"], analysis=True),
        # The drawn network the page's script fetches, as a browser asks for it (bytes: gzipped).
        k("cooperation-network-data", "staff", ["/cooperation/network/data.json"], api=True, headers=GZIP),
        k("partnership-list", "staff", ["/cooperation/partnerships/", "/cooperation/partnerships/?sector=business", "/cooperation/partnerships/?page=20"]),
        k("partnership-detail", "staff", [f"/cooperation/partnerships/{f['partnership']}/"]),
        k("advisory-body-list", "staff", ["/cooperation/advisory-bodies/"]),
        k("membership-list", "staff", ["/cooperation/memberships/"]),
        k("advice-list", "staff", ["/cooperation/advice/"]),
        k("cooperation-organisation", "staff", [f"/cooperation/organisations/{f['hub_org']}/"]),
        k("publication-manage", "staff", ["/outreach/publications/manage/"]),
        k("contact-list", "staff", ["/outreach/media/"]),
        k("sector-network", "staff", ["/research/sector/"], analysis=True),
        k("organisation-export", "staff", [f"/registry/organisations/?format=csv&region={f['region']}", "/registry/organisations/?format=csv"], export=True),
        k("pipeline-export", "staff", [f"/grants/manage/calls/{national}/applications/?format=csv"], export=True),
        k("partnership-export", "staff", ["/cooperation/partnerships/?format=csv"], export=True),
        k("api-organisations", "staff", ["/api/v1/registry/organisations", "/api/v1/registry/organisations?offset=100000"], api=True),
        k("api-consultations", "staff", ["/api/v1/learning/consultations"], api=True),
        # A programme manager: the national call's review.
        k("call-manage", "manager", [f"/grants/manage/calls/{national}/"]),
        k("review-calls", "manager", ["/reviews/calls/"]),
        k("review-call", "manager", [f"/reviews/calls/{national}/", f"/reviews/calls/{national}/?page=150", f"/reviews/calls/{national}/?show=disputed", f"/reviews/calls/{national}/?show=unscored&page=2"]),
        k("expert-pool", "manager", [f"/reviews/calls/{national}/pool/"]),
        k("experts", "manager", ["/reviews/experts/"]),
        k("conflicts", "manager", [f"/reviews/calls/{national}/conflicts/"]),
        k("assignment", "manager", [f"/reviews/calls/{national}/assignment/"], analysis=True),
        # The row's expert picker (a search of the pool, as one types) and the page per application (without JavaScript).
        k("assignment-picker", "manager", [f"/reviews/calls/{national}/assignment/{f['national_application']}/experts/?field=add_expert&target=id_app{f['national_application']}_add_expert_chosen&add_expert__search={quote(q)}" for q in ("ив", "Иванова", "иваноф", "москва")]),
        k("assignment-change", "manager", [f"/reviews/calls/{national}/assignment/{f['national_application']}/override/?q={quote(q)}" for q in ("", "Смирн")]),
        k("moderation", "manager", [f"/reviews/calls/{national}/moderation/", f"/reviews/calls/{national}/moderation/?page=3", f"/reviews/calls/{national}/moderation/?direction={f['national_direction']}"]),
        k("ranking", "manager", [f"/reviews/calls/{national}/ranking/", f"/reviews/calls/{national}/ranking/?page=200", f"/reviews/calls/{national}/ranking/?outcome=proposed"]),
        k("api-call-assignments", "manager", [f"/api/v1/reviews/calls/{national}/assignments"], api=True),
        # A researcher: the national study.
        k("study-list", "researcher", ["/research/"]),
        k("study-detail", "researcher", [f"/research/{study}/"]),
        k("nomination-list", "researcher", [f"/research/{study}/nominations/", f"/research/{study}/nominations/?page=20"]),
        k("coding", "researcher", [f"/research/{study}/coding/"]),
        k("interview-detail", "researcher", [f"/research/interviews/{f['interview']}/"]),
        k("research-analysis", "researcher", [f"/research/{study}/analysis/"], analysis=True),
        k("research-analysis-network", "researcher", [f"/research/{study}/analysis/network.json"], api=True, headers=GZIP),
        k("research-report", "researcher", [f"/research/{study}/report/"], analysis=True),
        k("report-pdf", "researcher", [f"/research/{study}/report.pdf"], export=True),
        k("ranking-export", "researcher", [f"/research/{study}/ranking.csv"], export=True),
        k("api-nominations", "researcher", [f"/api/v1/research/studies/{study}/nominations"], api=True),
        # A trainer, a partner, another centre's staff, the administrator.
        k("desk", "trainer", ["/desk/"]),
        k("consultation-list", "trainer", ["/learning/consultations/"]),
        k("partnership-list", "partner", ["/cooperation/partnerships/"]),
        k("desk", "staff2", ["/desk/"]),
        k("user-list", "admin", ["/accounts/users/", "/accounts/users/?page=100"]),
    ]  # fmt: skip


def facts() -> dict:
    """Ids and slugs the page URLs need, read from the installation."""
    from resurs.accounts.models import User
    from resurs.cooperation.models import Partnership
    from resurs.events.models import Event
    from resurs.grants.models import Application, Call, GranteeReport
    from resurs.learning.models import Certificate, Consultation, Course, Session
    from resurs.outreach.models import Publication
    from resurs.registry.models import Centre, Field, Organisation, Person, Region
    from resurs.research.models import Interview, Study
    from resurs.reviews.models import Assignment

    calls = Call.objects.order_by("-pk")
    review_calls = sorted(calls.filter(status="review"), key=lambda c: -c.applications.count())
    national = review_calls[0]
    open_call = calls.filter(status="open").first()
    past = calls.filter(status="results_published").order_by("-deadline").first()
    ngo = User.objects.get(username="ngo")
    expert = User.objects.get(username="expert")
    hub = Centre.objects.get(is_hub=True)
    studies = sorted(Study.objects.all(), key=lambda s: -s.respondents.count())
    forum = Event.objects.filter(kind="forum").order_by("pk").first()
    session = (
        Session.objects.filter(course__centre=hub)
        .order_by("-starts_on")
        .exclude(starts_on__gt=time_today())
        .first()
    )
    return {
        "national_call": national.slug,
        "national_direction": national.directions.order_by("pk").values_list("pk", flat=True).first() or "",
        "open_call": open_call.slug,
        "past_call": past.slug,
        "region": Region.objects.get(fns_code="66").pk,
        "field": Field.objects.get(slug="children").pk,
        "forum": forum.pk,
        "past_event": Event.objects.filter(ends_at__lt=forum.starts_at).order_by("-starts_at").first().pk,
        "publication": Publication.objects.filter(is_published=True).first().pk,
        "course": Course.objects.filter(centre=hub).first().pk,
        "certificate": Certificate.objects.first().code,
        "ngo_draft": Application.objects.filter(applicant=ngo, status="draft").first().pk,
        "ngo_org": ngo.representations.first().organisation_id,
        "expert_assignment": Assignment.objects.filter(expert__user=expert, call=national, status="active")
        .first()
        .pk,
        "hub_org": hub.organisation_id,
        "big_org": Organisation.objects.filter(kind="advisory_body").order_by("pk").first().pk,
        "person": Person.objects.filter(ties__isnull=False).order_by("pk")[100].pk,
        "national_application": national.applications.order_by("pk")[national.applications.count() // 2].pk,
        "open_application": open_call.applications.exclude(status="draft").first().pk,
        "report": GranteeReport.objects.order_by("pk").first().pk,
        "consultation": Consultation.objects.filter(centre=hub).order_by("-pk").first().pk,
        "session": session.pk,
        "partnership": Partnership.objects.order_by("pk").first().pk,
        "study": studies[0].pk,
        "interview": Interview.objects.filter(respondent__study=studies[0]).first().pk,
        "organisations": Organisation.objects.count(),
        "applications": national.applications.count(),
    }


def time_today():
    from django.utils import timezone

    return timezone.localdate()


def totp_code(username: str) -> str | None:
    """The current six digits of the user's authenticator app, when their role requires two factors
    (settings.MFA_REQUIRED_ROLES, all staff roles in production): a persona without one gets one first (an
    authenticator row in the measured database), as a real staff member would have enrolled one."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
    from allauth.mfa.utils import decrypt
    from django.contrib.auth import get_user_model

    from resurs.accounts.access import two_factor_required

    user = get_user_model().objects.get(username=username)
    if not two_factor_required(user):
        return None
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        authenticator = TOTP.activate(user, generate_totp_secret()).instance
    secret = decrypt(authenticator.data["secret"])
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


_used_windows: dict[str, int] = {}  # persona → the 30-second window of the last code it signed in with


def login(client, username: str) -> None:
    """Sign in through the login form, whichever name its user field has (``username``, or allauth's ``login``),
    then with the authenticator's code when the persona's role requires two factors."""
    totp_code(username)  # enrols the authenticator first when the role requires one
    page = client.get("/accounts/login/")
    names = set(re.findall(r'name="([^"]+)"', page.content.decode()))
    field_name = "login" if "login" in names else "username"
    response = client.post("/accounts/login/", {field_name: username, "password": PASSWORD})
    assert response.status_code in (302, 303), f"login of {username} failed: {response.status_code}"
    if "/2fa/authenticate" in response.get("Location", ""):
        # A code is accepted once (replay protection): a second sign-in of the same persona within the same
        # 30-second window waits for the next code, as a person would.
        window = int(time.time()) // 30
        if _used_windows.get(username) == window:
            time.sleep(30 - time.time() % 30 + 0.5)
        _used_windows[username] = int(time.time()) // 30
        code = totp_code(username)  # read now: the six digits change every 30 seconds
        assert code, f"{username} is asked for a second factor the bench does not know"
        response = client.post(response["Location"], {"code": code})
        assert response.status_code in (302, 303), (
            f"second factor of {username} failed: {response.status_code}"
        )
    # Every persona must reach its desk, not the two-factor set-up or a refusal.
    desk = client.get("/desk/")
    assert desk.status_code == 200, f"{username} does not reach the desk after signing in: {desk.status_code}"


def measure(kinds: list[Kind], repeat: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from resurs.core.warmup import warm_up

    warm_up()  # as config/wsgi.py does in each app process before it serves
    clients: dict[str, Client] = {}
    for kind in kinds:
        client = clients.get(kind.persona)
        if client is None:
            client = clients[kind.persona] = Client()
            if kind.persona != "visitor":
                login(client, kind.persona)
        times, queries, statuses = [], [], []
        cold_ms = None
        slowest = ("", 0.0)  # the URL of the slowest warm request, to tell which one a high p95 comes from
        for attempt in range(repeat + 1):
            url = kind.urls[(attempt - 1) % len(kind.urls)] if attempt else kind.urls[0]
            connection.queries_log.clear()
            with CaptureQueriesContext(connection) as captured:
                start = time.perf_counter()
                response = client.get(url, headers=kind.headers)
                size = (
                    sum(len(chunk) for chunk in response.streaming_content)
                    if response.streaming
                    else len(response.content)
                )
                elapsed = (time.perf_counter() - start) * 1000
            statuses.append(response.status_code)
            if attempt == 0:
                cold_ms = elapsed
                if elapsed > SLOW_MS and not kind.analysis:  # far off every target: one request says enough
                    times, queries = [elapsed], [len(captured)]
                    break
                continue
            times.append(elapsed)
            queries.append(len(captured))
            if elapsed > slowest[1]:
                slowest = (url, elapsed)
        kind.results = {
            "kind": kind.kind,
            "persona": kind.persona,
            "url": kind.urls[0],
            "p50_ms": round(statistics.median(times), 1),
            "p95_ms": round(percentile(times, 0.95), 1),
            "queries": max(queries),
            "cold_ms": round(cold_ms, 1),
            "slowest": {"url": slowest[0], "ms": round(slowest[1], 1)},
            "bytes": size,
            "status": sorted(set(statuses)),
            "repetitions": len(times),
        }
        if kind.analysis:
            kind.results["analysis"] = True
        if kind.export or kind.api:
            kind.results["type"] = "export" if kind.export else "api"
        flag = "" if set(statuses) == {kind.status} else f"  STATUS {sorted(set(statuses))}"
        log(
            f"  {kind.persona:>10} {kind.kind:<26} p50 {kind.results['p50_ms']:>8.1f}  p95 {kind.results['p95_ms']:>8.1f} "
            f"ms  {kind.results['queries']:>3} q  cold {kind.results['cold_ms']:>8.1f}{flag}"
        )


def export_memory(kinds: list[Kind]) -> list[dict]:
    """Peak Python memory of each export, read to the end (tracemalloc; timing is left to ``measure``)."""
    from django.test import Client

    out = []
    clients: dict[str, Client] = {}  # one signed-in client per persona
    for kind in kinds:
        client = clients.get(kind.persona)
        if client is None:
            client = clients[kind.persona] = Client()
            if kind.persona != "visitor":
                login(client, kind.persona)
        for url in kind.urls:
            tracemalloc.start()
            response = client.get(url)
            size = (
                sum(len(chunk) for chunk in response.streaming_content)
                if response.streaming
                else len(response.content)
            )
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            out.append(
                {
                    "kind": kind.kind,
                    "url": url,
                    "streamed": bool(response.streaming),
                    "bytes": size,
                    "peak_mib": round(peak / 2**20, 1),
                }
            )
            log(
                f"  export {kind.kind:<22} {url[:70]:<70} {size / 2**20:8.1f} MiB out, peak {peak / 2**20:6.1f} MiB"
            )
    return out


# --- database ------------------------------------------------------------------------------------------------


def admin_connection(url: str):
    import psycopg

    return psycopg.connect(re.sub(r"/[^/]*$", "/postgres", url), autocommit=True)


def build(url: str, scale: str) -> dict:
    """Create the bench database and build the installation with ``manage.py demo``; its time and size."""
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    env = {**os.environ, "DATABASE_URL": re.sub(r"/[^/]*$", f"/{BENCH_DB}", url)}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True)
    start = time.perf_counter()
    subprocess.run([*manage, "demo", "--scale", scale], env=env, check=True, stdout=subprocess.DEVNULL)
    return {"build_s": round(time.perf_counter() - start, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default=os.environ.get("BENCH_SCALE", "full"))
    parser.add_argument("--database", help="Measure this existing installation (never dropped).")
    parser.add_argument("--keep", action="store_true", help="Keep the bench database afterwards.")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--only", help="Only page kinds whose name contains one of these (comma-separated).")
    parser.add_argument("--locust", action="store_true", help="Also run the mixed-traffic Locust run.")
    parser.add_argument("--locust-users", type=int, default=200)
    parser.add_argument("--locust-time", default="150s")
    parser.add_argument(
        "--locust-think",
        type=float,
        default=1.0,
        help="Scale the simulated people's think times (0.2: five times the demand, to find saturation).",
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("bench/pages.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    report: dict = {"scale": "national" if args.scale == "full" else "demo", "nproc": os.cpu_count()}
    if args.database:
        database = args.database
    else:
        log(f"building {BENCH_DB} at scale {SCALES[args.scale]}…")
        report.update(build(url, SCALES[args.scale]))
        database = BENCH_DB
    os.environ["DATABASE_URL"] = re.sub(r"/[^/]*$", f"/{database}", url)
    os.environ.update(
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench-pages-" + "x" * 40),
        STATIC_MANIFEST="false",
    )
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.pages_settings"
    import django

    django.setup()
    try:
        report.update(run(args, database))
    finally:
        if not (args.keep or args.database):
            from django.db import connections

            connections.close_all()
            with admin_connection(url) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
    print(json.dumps(report, ensure_ascii=False))


def run(args, database: str) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        (size,) = cursor.fetchone()
    f = facts()
    wanted = [word for word in (args.only or "").split(",") if word]
    kinds = [k for k in page_kinds(f) if not wanted or any(word in k.kind for word in wanted)]
    log(f"{len(kinds)} page kinds, {args.repeat} requests each after a warm-up…")
    measure(kinds, args.repeat)
    log("exports: peak memory…")
    exports = export_memory([k for k in kinds if k.export])
    html = [k.results for k in kinds if not (k.export or k.api)]
    analysis = [r for r in html if r.get("analysis")]
    plain = [r for r in html if not r.get("analysis")]
    misses = [
        {"kind": r["kind"], "persona": r["persona"], "p95_ms": r["p95_ms"], "queries": r["queries"]}
        for r in html
        if r["queries"] > HTML_TARGET_QUERIES
        or r["p95_ms"] > (ANALYSIS_TARGET_MS if r.get("analysis") else HTML_TARGET_MS)
    ]
    report = {
        "organisations": f["organisations"],
        "applications": f["applications"],
        "database_mib": round(size / 2**20),
        "personas": sorted({k.persona for k in kinds}),
        "page_kinds": [k.results for k in kinds],
        "worst_p95_ms": max((r["p95_ms"] for r in plain), default=None),
        "worst_queries": max((r["queries"] for r in html), default=None),
        "analysis_worst_p95_ms": max((r["p95_ms"] for r in analysis), default=None),
        "exports": exports,
        "errors": [
            {"kind": k.kind, "persona": k.persona, "status": k.results["status"]}
            for k in kinds
            if k.results["status"] != [k.status]
        ],
        "targets_missed": misses,
        "repetitions": args.repeat,
    }
    if args.locust:
        from bench.locust_run import locust_run

        report["locust"] = locust_run(
            database,
            users=args.locust_users,
            duration=args.locust_time,
            facts=f,
            think_factor=args.locust_think,
        )
    return report


if __name__ == "__main__":
    main()

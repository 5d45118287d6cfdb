"""The deadline spike: many applicants submit complete applications at once (see docs/benchmarks.md).

    python bench/submission_spike.py [--scale small|full]

It creates its own PostgreSQL database on the server of ``DATABASE_URL`` (dropped at the end), migrates it, seeds a
centre, two open calls and one organisation, representative and API token per applicant, and starts the app the
way production runs it: gunicorn with several worker processes, ``DEBUG=false``, the receipt e-mail queued as a
database task (``django_tasks_db``) for the worker, not sent inline. Then concurrent applicants (threads, a
bounded count, loopback only) each submit a complete application through

- ours: ``POST /api/v1/grants/calls/<slug>/submissions`` — token auth, access checks, the form's full validation,
  the row lock, the reference number, budget lines, the audit event and the queued receipt;
- baseline: a bare view in this benchmark's own URLconf (``bench/spike_urls.py``) behind the same server that stores
  the same payload (one application row plus its budget lines) with no validation.

Baseline first, then ours, alternating for a few rounds with fresh applicants each time; medians are quoted. Some
applicants retry their request with the same idempotency key (a double click, a retry after a timeout) and a few
send an invalid application (a negative budget line): afterwards every acknowledged submission must be in the
database exactly once, and nothing that was refused may be there.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = f"resurs_bench_spike_{os.getpid()}"
SCALES = {
    "small": {"per_round": 150, "rounds": 1, "concurrency": 10, "workers": 3},
    "full": {"per_round": 1500, "rounds": 3, "concurrency": 30, "workers": 3},
}
RETRY_SHARE = 0.05  # applicants who send the same submission twice
INVALID_SHARE = 0.02  # applicants whose application is refused (a negative budget line)
REQUEST_TIMEOUT_S = 30
ROUND_TIME_LIMIT_S = 300


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def admin_connection(url: str):
    import psycopg

    return psycopg.connect(re.sub(r"/[^/]*$", "/postgres", url), autocommit=True)


def setup_database(url: str) -> str:
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    bench_url = re.sub(r"/[^/]*$", f"/{BENCH_DB}", url)
    os.environ["DATABASE_URL"] = bench_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.spike_settings"
    os.environ.setdefault("SECRET_KEY", "bench-" + uuid.uuid4().hex)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, skip_checks=True)
    return bench_url


def drop_database(url: str) -> None:
    from django.db import connections

    connections.close_all()
    with admin_connection(url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


# --- data --------------------------------------------------------------------------------------------------------


def seed(applicants: int):
    """A centre, two open calls (ours and the baseline's), and per applicant an organisation, a representative
    user and a personal API token. Returns (our call, baseline call, [(user id, organisation id, token)])."""
    import datetime as dt

    from django.utils import timezone

    from resurs.accounts.choices import Role
    from resurs.accounts.models import ApiToken, Representation, RoleAssignment, User
    from resurs.grants import services
    from resurs.grants.choices import CallStatus
    from resurs.registry.models import Centre, Organisation, Region

    region = Region.objects.order_by("fns_code").first()
    hub_org = Organisation.objects.create(name="Ресурсный центр «Бенчмарк»", region=region)
    centre = Centre.objects.create(organisation=hub_org, slug="bench", is_hub=True)
    staff = User.objects.create(username="bench-staff", email="staff@bench.local")
    RoleAssignment.objects.create(user=staff, role=Role.STAFF, centre=centre)
    programme = services.programme_create(centre=centre, actor=staff, title="Программа «Вместе»")
    now = timezone.now()
    calls = []
    for slug in ("spike", "spike-baseline"):
        call = services.call_create(
            programme=programme,
            actor=staff,
            title=f"Конкурс {slug}",
            slug=slug,
            opens_at=now - dt.timedelta(days=30),
            deadline=now + dt.timedelta(days=1),
            budget=10**10,
            min_request=100_000,
            max_request=3_000_000,
            cofinancing_share=10,
            required_documents=["Устав организации соответствует целям проекта"],
        )
        services.direction_add(call=call, actor=staff, name_ru="Поддержка семьи", budget=10**9)
        services.direction_add(call=call, actor=staff, name_ru="Развитие местных сообществ", budget=10**9)
        calls.append(services.call_set_status(call=call, actor=staff, status=CallStatus.OPEN))
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"АНО «Участник {i:05d}»", region=region) for i in range(applicants)],
        batch_size=2000,
    )
    users = User.objects.bulk_create(
        [
            User(username=f"applicant{i:05d}", email=f"applicant{i:05d}@bench.local")
            for i in range(applicants)
        ],
        batch_size=2000,
    )
    Representation.objects.bulk_create(
        [Representation(user=u, organisation=o) for u, o in zip(users, organisations, strict=True)],
        batch_size=2000,
    )
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user=u, role=Role.NGO_REPRESENTATIVE) for u in users], batch_size=2000
    )
    secrets = []
    tokens = []
    for user in users:
        secret = "rs_" + uuid.uuid4().hex + uuid.uuid4().hex
        secrets.append(secret)
        tokens.append(ApiToken(user=user, name="bench", digest=ApiToken.digest_of(secret), prefix=secret[:8]))
    ApiToken.objects.bulk_create(tokens, batch_size=2000)
    directions = [list(c.directions.values_list("pk", flat=True)) for c in calls]
    people = [(u.pk, o.pk, s) for u, o, s in zip(users, organisations, secrets, strict=True)]
    return calls, directions, people


def payload(organisation_id: int, direction_id: int, index: int, *, invalid: bool) -> dict:
    """A complete application (the default form: five text answers, three budget lines, a calendar plan)."""
    lines = [
        ("Оплата труда координатора проекта", 12, 45_000, 486_000, 54_000),
        ("Аренда помещения для занятий", 10, 20_000, 180_000, 20_000),
        ("Печать методических материалов", 500, 120, 54_000, 6_000),
    ]
    budget = [
        {"item": item, "quantity": str(q), "unit_cost": str(c), "requested": str(r), "cofinancing": str(f)}
        for item, q, c, r, f in lines
    ]
    if invalid:
        budget[1]["requested"] = "-180000"
    return {
        "organisation_id": organisation_id,
        "idempotency_key": str(uuid.uuid4()),
        "title": f"Школа наставников для подростков из малых городов № {index}",
        "summary": "Проект создаёт в районе систему наставничества для подростков в трудной жизненной ситуации.",
        "direction_id": direction_id,
        "project_starts_on": "2027-03-01",
        "project_ends_on": "2027-12-31",
        "declarations": ["Устав организации соответствует целям проекта"],
        "answers": {
            "goal": "Снизить число подростков, состоящих на учёте, через наставничество взрослых волонтёров.",
            "problem": "В районе нет системной работы с подростками группы риска; " * 20,
            "target_groups": "Подростки 12–17 лет, их родители, волонтёры-наставники",
            "beneficiaries": "320",
            "results": "120 пар наставник–подросток, снижение правонарушений на 20 %",
            "budget": budget,
            "plan": [
                {
                    "activity": "Набор и обучение наставников",
                    "starts_on": "2027-03-01",
                    "ends_on": "2027-04-30",
                    "result": "60 наставников",
                },
                {
                    "activity": "Работа пар наставник–подросток",
                    "starts_on": "2027-05-01",
                    "ends_on": "2027-12-15",
                    "result": "120 пар",
                },
            ],
        },
        "timezone": "Asia/Yekaterinburg",
    }


# --- the server --------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(bench_url: str, workers: int, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": bench_url,
        "DJANGO_SETTINGS_MODULE": "bench.spike_settings",
        "DEBUG": "false",
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TASK_BACKEND": "django_tasks_db.DatabaseBackend",
        "LOG_LEVEL": "WARNING",
        "DB_CONN_MAX_AGE": "600",
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "config.wsgi:application",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
        "--timeout",
        "60",
        "--backlog",
        "2048",
    ]
    server = subprocess.Popen(command, env=env, stdout=sys.stderr, stderr=sys.stderr, start_new_session=True)
    deadline = time.monotonic() + 240  # a busy machine may take long to import the app in every worker
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/health")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    stop_server(server)
    raise RuntimeError("the server did not start")


def stop_server(server: subprocess.Popen) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(server.pid, signal.SIGKILL)


# --- the load ----------------------------------------------------------------------------------------------------


def post(port: int, path: str, body: bytes, token: str) -> tuple[int, bytes, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT_S)
    try:
        conn.request(
            "POST",
            path,
            body=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
                "Host": "127.0.0.1",
            },
        )
        response = conn.getresponse()
        data = response.read()
        return response.status, data, time.perf_counter() - started
    except OSError:
        return 0, b"", time.perf_counter() - started
    finally:
        conn.close()


def run_round(port: int, path: str, jobs: list[dict], concurrency: int) -> dict:
    """Send every job (some twice), ``concurrency`` at a time. Returns timings and what was acknowledged."""
    latencies: list[float] = []
    acknowledged: dict[str, int] = {}  # idempotency key -> application id the server answered with
    refused: set[str] = set()
    failures = 0
    lock = threading.Lock()
    cursor = iter(range(len(jobs)))
    stop_at = time.monotonic() + ROUND_TIME_LIMIT_S

    def worker():
        nonlocal failures
        while time.monotonic() < stop_at:
            with lock:
                index = next(cursor, None)
            if index is None:
                return
            job = jobs[index]
            body = json.dumps(job["payload"]).encode()
            for _attempt in range(2 if job["retry"] else 1):
                status, data, seconds = post(port, path, body, job["token"])
                key = job["payload"]["idempotency_key"]
                with lock:
                    latencies.append(seconds)
                    if status in (200, 201):
                        answer = json.loads(data)
                        if key in acknowledged and acknowledged[key] != answer["id"]:
                            acknowledged[key] = -1  # two different applications for one key: a duplicate
                        else:
                            acknowledged.setdefault(key, answer["id"])
                    elif status == 400:
                        refused.add(key)
                    else:
                        failures += 1

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "latencies": latencies,
        "acknowledged": acknowledged,
        "refused": refused,
        "failures": failures,
        "elapsed": elapsed,
        "requests": len(latencies),
    }


def check(call_id: int, acknowledged: dict[str, int], refused: set[str], *, baseline: bool) -> dict:
    """Every acknowledged submission is in the database exactly once; nothing refused or unacknowledged is."""
    from django.db.models import Count

    from resurs.grants.models import Application

    rows = Application.objects.filter(call_id=call_id).exclude(status="draft")
    by_key = dict(
        rows.values_list("submission_token").annotate(n=Count("pk")).values_list("submission_token", "n")
    )
    by_key = {str(k): n for k, n in by_key.items()}
    in_db = sum(1 for key in acknowledged if by_key.get(key, 0) >= 1)
    lost = sum(1 for key in acknowledged if by_key.get(key, 0) == 0)
    duplicated = sum(n - 1 for n in by_key.values() if n > 1) + sum(
        1 for v in acknowledged.values() if v == -1
    )
    per_org = rows.values("organisation_id").annotate(n=Count("pk")).filter(n__gt=1).count()
    unacknowledged = sum(1 for key in by_key if key not in acknowledged)
    refused_in_db = sum(1 for key in refused if key in by_key)
    lines_ok = True
    if not baseline:
        from resurs.grants.models import BudgetLine

        lines_ok = BudgetLine.objects.filter(application__call_id=call_id).count() == 3 * len(by_key)
    return {
        "in_db": in_db,
        "lost": lost,
        "duplicated": duplicated + per_org,
        "unacknowledged_in_db": unacknowledged,
        "refused_in_db": refused_in_db,
        "budget_lines_ok": lines_ok,
    }


def main() -> None:
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    try:
        run()
    finally:
        try:
            drop_database(url)
        except Exception as exc:  # never hide the benchmark's own error behind the cleanup's
            log(f"could not drop {BENCH_DB}: {exc}")


def run() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", choices=SCALES, default=os.environ.get("BENCH_SCALE", "full"))
    args = parser.parse_args()
    scale = SCALES[args.scale]
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if not url.startswith("postgres"):
        raise SystemExit("submission_spike needs PostgreSQL: set DATABASE_URL=postgres://...")
    per_round, rounds = scale["per_round"], scale["rounds"]
    total = per_round * rounds * 2
    log(f"creating {BENCH_DB} and migrating…")
    bench_url = setup_database(url)
    server = None
    try:
        started = time.perf_counter()
        (ours_call, base_call), directions, people = seed(total)
        log(f"seeded {total} applicants in {time.perf_counter() - started:.1f} s")
        from django.db import connections

        connections.close_all()
        port = free_port()
        server = start_server(bench_url, scale["workers"], port)
        log(f"gunicorn with {scale['workers']} workers on 127.0.0.1:{port}")
        # Warm up both paths (imports, connections, template caches) with throwaway applicants.
        import random

        rng = random.Random(20261126)

        def jobs_for(chunk, direction_ids, *, ours: bool):
            # Retries and invalid applications go to our path only: the bare view neither dedupes nor validates.
            jobs = []
            for user_id, organisation_id, token in chunk:
                invalid = ours and rng.random() < INVALID_SHARE
                jobs.append(
                    {
                        "token": token,
                        "retry": ours and not invalid and rng.random() < RETRY_SHARE,
                        "payload": payload(
                            organisation_id, rng.choice(direction_ids), user_id, invalid=invalid
                        ),
                    }
                )
            return jobs

        paths = {
            "baseline": f"/bench/bare/{base_call.slug}/",
            "ours": f"/api/v1/grants/calls/{ours_call.slug}/submissions",
        }
        results: dict[str, list[dict]] = {"baseline": [], "ours": []}
        offset = 0
        for round_number in range(rounds):
            for name, _call, direction_ids in (
                ("baseline", base_call, directions[1]),
                ("ours", ours_call, directions[0]),
            ):
                chunk = people[offset : offset + per_round]
                offset += per_round
                outcome = run_round(
                    port,
                    paths[name],
                    jobs_for(chunk, direction_ids, ours=name == "ours"),
                    scale["concurrency"],
                )
                acknowledged_count = len(outcome["acknowledged"])
                rate = acknowledged_count / outcome["elapsed"]
                log(
                    f"round {round_number + 1} {name}: {acknowledged_count} acknowledged, {len(outcome['refused'])} "
                    f"refused, {outcome['failures']} failed requests, {rate:.0f}/s, "
                    f"p50 {1000 * percentile(outcome['latencies'], 0.5):.0f} ms, "
                    f"p99 {1000 * percentile(outcome['latencies'], 0.99):.0f} ms"
                )
                outcome["rate"] = rate
                results[name].append(outcome)
    finally:
        if server is not None:
            stop_server(server)
    ours_ack = {k: v for r in results["ours"] for k, v in r["acknowledged"].items()}
    ours_refused = {k for r in results["ours"] for k in r["refused"]}
    base_ack = {k: v for r in results["baseline"] for k, v in r["acknowledged"].items()}
    verdict = check(ours_call.pk, ours_ack, ours_refused, baseline=False)
    base_verdict = check(base_call.pk, base_ack, set(), baseline=True)
    from django_tasks_db.models import DBTaskResult

    receipts_queued = DBTaskResult.objects.count()
    latencies = [x for r in results["ours"] for x in r["latencies"]]
    ours_rate = statistics.median(r["rate"] for r in results["ours"])
    base_rate = statistics.median(r["rate"] for r in results["baseline"])
    report = {
        "applicants": len(ours_ack) + len(ours_refused),
        "workers": scale["workers"],
        "acknowledged": len(ours_ack),
        "in_db": verdict["in_db"],
        "lost": verdict["lost"],
        "duplicated": verdict["duplicated"],
        "submissions_per_s": round(ours_rate, 1),
        "p50_ms": round(1000 * percentile(latencies, 0.5), 1),
        "p99_ms": round(1000 * percentile(latencies, 0.99), 1),
        "baseline_submissions_per_s": round(base_rate, 1),
        "ratio": round(ours_rate / base_rate, 3) if base_rate else None,
        "concurrency": scale["concurrency"],
        "rounds": rounds,
        "requests": sum(r["requests"] for r in results["ours"]),
        "retried": sum(r["requests"] for r in results["ours"]) - len(ours_ack) - len(ours_refused),
        "refused": len(ours_refused),
        "refused_in_db": verdict["refused_in_db"],
        "unacknowledged_in_db": verdict["unacknowledged_in_db"],
        "failed_requests": sum(r["failures"] for r in results["ours"]),
        "budget_lines_ok": verdict["budget_lines_ok"],
        "receipts_queued": receipts_queued,
        "baseline_lost": base_verdict["lost"],
        "baseline_p99_ms": round(
            1000 * percentile([x for r in results["baseline"] for x in r["latencies"]], 0.99), 1
        ),
        "nproc": os.cpu_count(),
        "scale": args.scale,
        "correct": len(ours_ack) > 0
        and verdict["lost"] == 0
        and verdict["duplicated"] == 0
        and verdict["unacknowledged_in_db"] == 0
        and verdict["refused_in_db"] == 0
        and verdict["budget_lines_ok"]
        and receipts_queued >= len(ours_ack),
    }
    print(json.dumps(report))


if __name__ == "__main__":
    main()

"""The mixed-traffic run of bench/pages.py: gunicorn (several workers, production settings but plain HTTP) on the
loopback against the installation, Locust headless with a fixed number of users for a fixed time, then both stop.
Throughput, p95 and errors overall and per page kind come from Locust's CSV statistics."""

from __future__ import annotations

import csv
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(port: int, workers: int, seconds: float = 600) -> None:
    """Until every worker answers (the master listens at once; a worker needs Django loaded, which takes long on
    a busy machine: requests sent before then only wait in the queue and spoil the run's figures)."""
    import urllib.request

    deadline = time.monotonic() + seconds
    answered = 0
    while time.monotonic() < deadline and answered < 3 * workers:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as response:
                answered += response.status == 200
        except OSError:
            time.sleep(1)
    if answered < 3 * workers:
        raise RuntimeError("gunicorn did not start")


def _sessions(per_persona: int) -> dict[str, list[str]]:
    """Signed-in sessions for the simulated users (stored in the database, which the server's cached_db sessions
    read): a second factor cannot be replayed by a load generator, so its users arrive signed in."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    from bench.pages import totp_code

    sessions: dict[str, list[str]] = {}
    for username in ("ngo", "expert", "staff"):
        totp_code(username)  # enrols an authenticator where the role requires one, as a sign-in would
        user = get_user_model().objects.get(username=username)
        keys = []
        for _ in range(per_persona):
            client = Client()
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            keys.append(client.cookies["sessionid"].value)
        sessions[username] = keys
    return sessions


def locust_run(
    database: str, *, users: int, duration: str, facts: dict, workers: int = 4, think_factor: float = 1.0
) -> dict:
    facts = {**facts, "sessions": _sessions(max(1, users // 3))}
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": re.sub(r"/[^/]*$", f"/{database}", os.environ["DATABASE_URL"]),
        "DJANGO_SETTINGS_MODULE": "bench.pages_settings",
        "DEBUG": "false",
        "STATIC_MANIFEST": "false",
        # Several app processes share sessions and precomputed pages through Redis (a database of its own).
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/11"),
        "CACHE_KEY_PREFIX": "bench-pages",
        "RESURS_FACTS": json.dumps(facts),
        "RESURS_THINK_FACTOR": str(think_factor),
    }
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [str(bin_dir / "gunicorn"), "config.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        _wait(port, workers)
        with tempfile.TemporaryDirectory() as folder:
            prefix = str(Path(folder) / "run")
            subprocess.run(
                [str(bin_dir / "locust"), "-f", str(ROOT / "bench" / "locust" / "locustfile.py"), "--headless",
                 "--users", str(users), "--spawn-rate", str(max(1, users // 20)), "--run-time", duration,
                 "--host", f"http://127.0.0.1:{port}", "--csv", prefix, "--only-summary", "--stop-timeout", "10",
                 "--loglevel", "WARNING"],
                cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            with open(prefix + "_stats.csv", encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
    finally:
        server.terminate()
        server.wait(timeout=30)
    total = next(row for row in rows if row["Name"] == "Aggregated")
    kinds = [
        {
            "kind": row["Name"],
            "requests": int(row["Request Count"]),
            "requests_per_s": round(float(row["Requests/s"]), 2),
            "p50_ms": float(row["50%"] or 0),
            "p95_ms": float(row["95%"] or 0),
            "errors": int(row["Failure Count"]),
        }
        for row in rows
        if row["Name"] != "Aggregated"
    ]
    return {
        "users": users,
        "duration": duration,
        "workers": workers,
        "think_factor": think_factor,
        "requests": int(total["Request Count"]),
        "requests_per_s": round(float(total["Requests/s"]), 2),
        "p95_ms": float(total["95%"] or 0),
        "errors": int(total["Failure Count"]),
        "page_kinds": sorted(kinds, key=lambda row: -row["p95_ms"]),
    }

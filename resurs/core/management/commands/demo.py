"""Load the demo sector once: ``manage.py demo`` (``--force`` rebuilds into an empty database only).

``--scale national`` builds the national-size installation (PostgreSQL only): the demo grown to a country's
size, see ``resurs.core.demo.NATIONAL``.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings

from resurs.core.demo import NATIONAL, DemoContext, build_demo

NATIONAL_SCALE = "national"


def scale_value(value: str) -> float | str:
    if value == NATIONAL_SCALE:
        return value
    try:
        number = float(value)
    except ValueError:
        raise CommandError(
            f"--scale takes a number (1 is the demo) or “{NATIONAL_SCALE}”, not “{value}”."
        ) from None
    if number <= 0:
        raise CommandError("--scale must be above zero.")
    return number


class Command(BaseCommand):
    help = (
        "Load a deterministic, realistic demo sector built on the real reference data, and print demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            default="1",
            help="Fraction of the full demo size (tests use 0.05), or “national” for a country's size "
            "(PostgreSQL only; 250,000 organisations, takes minutes).",
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when demo data is already loaded."
        )

    def handle(self, *args, scale: str, seed: int, if_empty: bool, **options):
        from resurs.accounts.models import User

        scale = scale_value(str(scale))
        national = scale == NATIONAL_SCALE
        if national and connection.vendor != "postgresql":
            raise CommandError(
                "The national-size installation needs PostgreSQL: set DATABASE_URL=postgres://… "
                f"(this database is {connection.vendor})."
            )
        if User.objects.filter(username="admin").exists():
            if if_empty:
                self.stdout.write("Demo data is already loaded.")
                self._print_logins()
                return
            raise CommandError("The database already holds demo data; start from an empty database.")
        started = time.monotonic()
        ctx = DemoContext(
            seed=seed,
            scale=1.0 if national else scale,
            national=NATIONAL if national else None,
            log=lambda msg: self.stderr.write(msg),
        )
        # The demo's letters (receipts, confirmations...) are logged like any other but go to nobody.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            build_demo(ctx)
        if national:
            # What autovacuum would do after a bulk load, now: planner statistics and the visibility map that
            # index-only scans (registry counts and facets) rely on.
            self.stderr.write("demo: VACUUM ANALYZE…")
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
                cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
                (size,) = cursor.fetchone()
            self.stderr.write(
                f"demo: national installation built in {time.monotonic() - started:.0f} s, {size}"
            )
        self._print_logins()

    def _print_logins(self):
        from resurs.accounts.demo import DEMO_LOGINS

        self.stdout.write(self.style.SUCCESS("\nDemo logins (password for all: resurs-demo):"))
        for label, username in DEMO_LOGINS:
            self.stdout.write(f"  {label:<28} {username}")
        self.stdout.write("")

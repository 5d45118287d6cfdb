"""Load the demo sector once: ``manage.py demo`` (``--force`` rebuilds into an empty database only)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings

from resurs.core.demo import DemoContext, build_demo


class Command(BaseCommand):
    help = (
        "Load a deterministic, realistic demo sector built on the real reference data, and print demo logins."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Fraction of the full demo size (tests use 0.05)."
        )
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when demo data is already loaded."
        )

    def handle(self, *args, scale: float, seed: int, if_empty: bool, **options):
        from resurs.accounts.models import User

        if User.objects.filter(username="admin").exists():
            if if_empty:
                self.stdout.write("Demo data is already loaded.")
                self._print_logins()
                return
            raise CommandError("The database already holds demo data; start from an empty database.")
        ctx = DemoContext(seed=seed, scale=scale, log=lambda msg: self.stderr.write(msg))
        # The demo's letters (receipts, confirmations...) are logged like any other but go to nobody.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            transaction.atomic(),
        ):
            build_demo(ctx)
        self._print_logins()

    def _print_logins(self):
        from resurs.accounts.demo import DEMO_LOGINS

        self.stdout.write(self.style.SUCCESS("\nDemo logins (password for all: resurs-demo):"))
        for label, username in DEMO_LOGINS:
            self.stdout.write(f"  {label:<28} {username}")
        self.stdout.write("")

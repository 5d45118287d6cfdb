"""manage.py demo --scale: a number or "national"; the national size needs PostgreSQL and says so."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from resurs.core.management.commands.demo import scale_value

pytestmark = pytest.mark.django_db


def test_scale_is_a_number_or_national():
    assert scale_value("0.05") == 0.05 and scale_value("national") == "national"
    for bad in ("big", "0", "-1"):
        with pytest.raises(CommandError):
            scale_value(bad)


def test_the_national_size_is_refused_on_sqlite_with_a_clear_message(monkeypatch):
    User = get_user_model()

    monkeypatch.setattr(connection, "vendor", "sqlite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("demo", scale="national")
    assert not User.objects.filter(username="admin").exists()

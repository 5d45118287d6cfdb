import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_list, env_str

ROOT = Path(__file__).resolve().parents[3]


def test_env_helpers_parse_and_fail_loudly(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.example, b.example,")
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert env_bool("X_BOOL") is True
    assert env_int("X_INT", 1) == 42
    assert env_list("X_LIST") == ["a.example", "b.example"]
    assert env_str("X_SECRET") == "from-a-file"
    monkeypatch.setenv("X_BAD_BOOL", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="X_BAD_BOOL"):
        env_bool("X_BAD_BOOL")
    monkeypatch.setenv("X_BAD_INT", "many")
    with pytest.raises(ImproperlyConfigured, match="X_BAD_INT"):
        env_int("X_BAD_INT", 0)


def _manage(*args, **env):
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", **env}
    full_env.pop("RESURS_TESTING", None)
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser journeys, never in deployment
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deployment_checks():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 60 + "-production-like-secret",
        ALLOWED_HOSTS="resurs.example.org",
    )
    assert result.returncode == 0, result.stderr + result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr

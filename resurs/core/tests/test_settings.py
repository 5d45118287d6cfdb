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


def test_object_storage_is_configured_from_the_environment(tmp_path):
    result = _manage("check", STORAGE_BACKEND="s3", S3_BUCKET="")
    assert result.returncode != 0 and "STORAGE_BACKEND=s3 needs S3_BUCKET" in result.stderr
    secret = tmp_path / "s3-secret"
    secret.write_text("from-a-file\n")
    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; p = settings.STORAGES['private']; "
        "print(p['BACKEND'], p['OPTIONS']['location'], p['OPTIONS']['bucket_name'], "
        "p['OPTIONS']['endpoint_url'], p['OPTIONS']['secret_key'], p['OPTIONS']['querystring_expire'])",
        STORAGE_BACKEND="s3",
        S3_BUCKET="resurs-files",
        S3_ENDPOINT_URL="https://storage.yandexcloud.net",
        S3_REGION="ru-central1",
        S3_ACCESS_KEY_ID="key",
        S3_SECRET_ACCESS_KEY_FILE=str(secret),
        PRIVATE_FILES_URL_SECONDS="30",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "storages.backends.s3.S3Storage",
        "private",
        "resurs-files",
        "https://storage.yandexcloud.net",
        "from-a-file",
        "30",
    ]


def test_private_files_may_not_live_under_the_public_media_root(tmp_path):
    result = _manage("check", MEDIA_ROOT=str(tmp_path), PRIVATE_MEDIA_ROOT=str(tmp_path / "private"))
    assert result.returncode != 0 and "PRIVATE_MEDIA_ROOT must not be inside MEDIA_ROOT" in result.stderr

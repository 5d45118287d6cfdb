"""Settings of the pages benchmark: production settings (DEBUG off) served over plain HTTP on the loopback, so the
session and CSRF cookies may travel without TLS. Production settings never change for the benchmark's sake."""

from config.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]

"""WSGI entry point (gunicorn config.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Views imported, templates compiled and the result kept out of the garbage collector's way before the first request
# (resurs/core/warmup.py): otherwise every hundred requests or so one pauses 100–300 ms for a full collection.
if os.environ.get("RESURS_WARM_UP", "true").lower() not in ("0", "false", "no"):
    from resurs.core.warmup import warm_up

    warm_up()

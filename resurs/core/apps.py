from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "resurs.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self):
        from resurs.core import search  # noqa: F401  (registers the SQLite fold function on new connections)

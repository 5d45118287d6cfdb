"""Shared base models: timestamps on every row and the Job that tracks work a user waits for."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from resurs.core.files import RandomName, private_storage


class TimeStampedModel(models.Model):
    """Every Resurs row knows when it was created and last changed."""

    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class BilingualNameMixin:
    """For reference rows with ``name_ru`` and ``name_en``: ``name`` follows the active language."""

    name_ru: str
    name_en: str

    @property
    def name(self) -> str:
        if (get_language() or "ru").startswith("en") and self.name_en:
            return self.name_en
        return self.name_ru

    def __str__(self) -> str:
        return self.name


class Job(TimeStampedModel):
    """A piece of background work a person waits for (import, export, assignment run, report).

    The page polls the job; the task updates ``progress``/``total`` and finally ``status`` and ``result``.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=64)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    # None for a precomputation an anonymous reader's visit started (a published report): it is everyone's, and
    # its progress is shown through the page that started it, behind that page's own access check.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("owner"),
    )
    progress = models.PositiveIntegerField(_("progress"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    file = models.FileField(_("file"), upload_to=RandomName("jobs"), storage=private_storage, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("job")
        verbose_name_plural = _("jobs")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.progress / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

"""Users, the roles they hold, the organisations they act for, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from resurs.accounts.choices import Role
from resurs.core.models import TimeStampedModel


class User(AbstractUser):
    """A person who signs in. Linked to a Person in the registry (their public identity there)."""

    email = models.EmailField(_("e-mail"), unique=True)
    person = models.OneToOneField(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("person in the registry"),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=[("ru", "Русский"), ("en", "English")], default="ru"
    )
    # Consent to the processing of personal data given when the person signed up themselves (152-FZ): when, and
    # which version of the policy text they agreed to. Accounts created by an administrator leave these empty.
    personal_data_consent_at = models.DateTimeField(
        _("consent to personal-data processing given"), null=True, blank=True
    )
    personal_data_consent_version = models.CharField(
        _("version of the personal-data policy"), max_length=32, blank=True
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class RoleAssignment(TimeStampedModel):
    """A role held by a user, for one centre where the role is a centre role (staff, managers, trainers...)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    centre = models.ForeignKey(
        "registry.Centre",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("centre"),
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "centre"], name="unique_role_per_centre"),
            models.UniqueConstraint(
                fields=["user", "role"], condition=models.Q(centre__isnull=True), name="unique_global_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_role_display()}" + (f" ({self.centre})" if self.centre_id else "")


class Representation(TimeStampedModel):
    """A user acts for an organisation (an NGO representative). Staff confirm a representation."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REVOKED = "revoked", _("Revoked")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="representations")
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="representations"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.CONFIRMED)
    position = models.CharField(_("position"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("representation")
        verbose_name_plural = _("representations")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_representation")]
        indexes = [
            # The few representations awaiting an administrator's confirmation, above the list of users.
            models.Index(
                fields=["created_at"], condition=models.Q(status="pending"), name="representation_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation}"


class ApiToken(TimeStampedModel):
    """A personal API token. Only its SHA-256 digest is stored; the token is shown once, when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return "rs_" + secrets.token_urlsafe(32)

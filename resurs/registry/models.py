"""The registry: reference data (federal districts, regions, legal forms, fields of activity, OKVED), organisations,
centres, people and the ties between people and organisations."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resurs.core.files import RandomName, private_storage
from resurs.core.models import BilingualNameMixin, TimeStampedModel
from resurs.registry.choices import (
    ConflictStatus,
    DuplicateKind,
    OrganisationKind,
    OrganisationStatus,
    ProposalStatus,
    TieRole,
)
from resurs.registry.validators import validate_inn, validate_ogrn


class FederalDistrict(BilingualNameMixin, TimeStampedModel):
    """A federal district of Russia (source: the regions reference in resurs/registry/reference/regions.csv)."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("federal district")
        verbose_name_plural = _("federal districts")


class Region(BilingualNameMixin, TimeStampedModel):
    """A federal subject as the Russian official classification lists it; the ISO code is kept as data."""

    fns_code = models.CharField(_("tax region code"), max_length=2, unique=True)
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=8, blank=True)
    okato = models.CharField(_("OKATO"), max_length=16, blank=True)
    oktmo = models.CharField(_("OKTMO"), max_length=16, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    alternative_names = models.TextField(_("alternative names"), blank=True, help_text=_("Separated by |"))
    federal_district = models.ForeignKey(
        FederalDistrict, on_delete=models.PROTECT, related_name="regions", verbose_name=_("federal district")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class LegalForm(TimeStampedModel):
    """An organisational and legal form (OKOPF-2012)."""

    code = models.CharField(_("OKOPF code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=300)
    is_non_commercial = models.BooleanField(_("non-commercial"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("legal form")
        verbose_name_plural = _("legal forms")

    def __str__(self) -> str:
        return self.name


class OkvedCode(TimeStampedModel):
    """An activity code of OKVED2 (ОК 029-2014)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=600)
    section = models.CharField(_("section"), max_length=2, blank=True)
    parent_code = models.CharField(_("parent code"), max_length=16, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("OKVED code")
        verbose_name_plural = _("OKVED codes")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Field(BilingualNameMixin, TimeStampedModel):
    """A field of activity of the charity sector (children, health, culture...), linked to OKVED divisions."""

    slug = models.SlugField(_("code"), max_length=64, unique=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    okved_prefixes = models.CharField(
        _("OKVED prefixes"), max_length=200, blank=True, help_text=_("Comma-separated")
    )

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("field of activity")
        verbose_name_plural = _("fields of activity")


class Organisation(TimeStampedModel):
    """An organisation of any sector: NGO, resource centre, foundation, business, media, government, advisory body."""

    name = models.CharField(_("full name"), max_length=500)
    short_name = models.CharField(_("short name"), max_length=300, blank=True)
    kind = models.CharField(
        _("kind"), max_length=32, choices=OrganisationKind.choices, default=OrganisationKind.NGO
    )
    # Foreign keys to reference data carry no index of their own: an index per column costs every imported row,
    # and the lists read regions through ``organisation_live_region`` (the reference rows are never deleted).
    legal_form = models.ForeignKey(
        LegalForm,
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal form"),
    )
    inn = models.CharField(_("INN"), max_length=12, blank=True, validators=[validate_inn])
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True, validators=[validate_ogrn])
    kpp = models.CharField(_("KPP"), max_length=9, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("region"),
    )
    city = models.CharField(_("city"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=500, blank=True)
    founded_on = models.DateField(_("founding date"), null=True, blank=True)
    liquidated_on = models.DateField(_("liquidation date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=OrganisationStatus.choices, default=OrganisationStatus.ACTIVE
    )
    fields = models.ManyToManyField(
        Field, blank=True, related_name="organisations", verbose_name=_("fields of activity")
    )
    main_okved = models.ForeignKey(
        OkvedCode,
        on_delete=models.SET_NULL,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("main activity (OKVED)"),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    sources = models.JSONField(
        _("sources of the values"),
        default=dict,
        blank=True,
        help_text=_(
            "Where each field's value came from: {field: {'b': import batch id, 'd': date}} for imports, "
            "{field: {'m': user id, 'd': date}} for values entered by hand; '*' for every value of the import "
            "that created the record."
        ),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        db_index=False,  # see the partial index organisation_merged_into
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["inn"], condition=~Q(inn=""), name="unique_organisation_inn"),
            models.UniqueConstraint(fields=["ogrn"], condition=~Q(ogrn=""), name="unique_organisation_ogrn"),
            models.CheckConstraint(
                condition=Q(liquidated_on__isnull=True)
                | Q(founded_on__isnull=True)
                | Q(liquidated_on__gte=models.F("founded_on")),
                name="organisation_liquidated_after_founded",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "region"]),
            models.Index(Lower("name"), name="organisation_name_lower"),
            # The list's default order (name, then id) and the order of large search results: walked, not sorted.
            models.Index(fields=["name", "id"], name="organisation_name_id"),
            # Counts and facets of a region (alone or joined with a field of activity) from the index alone.
            models.Index(
                fields=["region", "id"],
                include=["kind"],
                condition=Q(merged_into__isnull=True),
                name="organisation_live_region",
            ),
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="organisation_merged_into",
            ),
            # A page of the list (live records in name order, maybe of one kind, region or status) found as a
            # window of ids from the index alone: a deep page skips index entries, not table rows.
            models.Index(
                fields=["name", "id"],
                include=["kind", "region", "status"],
                condition=Q(merged_into__isnull=True),
                name="organisation_live_name",
            ),
            # The list sorted by founding date (either way, then by name) walked the same way.
            models.Index(
                fields=["founded_on", "name", "id"],
                condition=Q(merged_into__isnull=True),
                name="organisation_live_founded",
            ),
            models.Index(
                fields=["-founded_on", "name", "id"],
                condition=Q(merged_into__isnull=True),
                name="organisation_live_founded_desc",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name or self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:organisation-detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    def source_of(self, field: str) -> dict | None:
        """Where the value of ``field`` came from: its own entry, else the import that created the record
        (``"*"``: every value it brought), else None (entered before sources were kept)."""
        sources = self.sources or {}
        return sources.get(field) or sources.get("*")

    @property
    def founding_year(self) -> int | None:
        return self.founded_on.year if self.founded_on else None

    def age_on(self, day) -> int | None:
        """Full years from the founding to ``day``: every age figure names the day it is computed for."""
        if not self.founded_on:
            return None
        return (
            day.year
            - self.founded_on.year
            - ((day.month, day.day) < (self.founded_on.month, self.founded_on.day))
        )

    @property
    def age_years(self) -> int | None:
        """The age today (the profile says so)."""
        return self.age_on(timezone.localdate())


class Centre(TimeStampedModel):
    """A resource centre that runs its work on this installation. Its work (calls, courses, events, publications,
    consultations, studies) belongs to it; the registry is shared by all centres."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="centre", verbose_name=_("organisation")
    )
    slug = models.SlugField(_("short code"), max_length=64, unique=True)
    is_hub = models.BooleanField(
        _("network hub"),
        default=False,
        help_text=_("The centre that presents the installation on the home page."),
    )
    tagline = models.CharField(_("tagline"), max_length=300, blank=True)

    class Meta:
        ordering = ["organisation__name"]
        verbose_name = _("centre")
        verbose_name_plural = _("centres")
        constraints = [
            models.UniqueConstraint(fields=["is_hub"], condition=Q(is_hub=True), name="single_hub_centre")
        ]

    def __str__(self) -> str:
        return str(self.organisation)

    @property
    def region(self):
        return self.organisation.region


class Person(TimeStampedModel):
    """A person in the registry: a leader, staff member, expert, trainee, journalist, respondent."""

    last_name = models.CharField(_("last name"), max_length=150)
    first_name = models.CharField(_("first name"), max_length=150)
    patronymic = models.CharField(_("patronymic"), max_length=150, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=64, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("region"),
    )
    city = models.CharField(_("city"), max_length=200, blank=True)
    bio = models.TextField(_("about"), blank=True)
    consent_given_at = models.DateTimeField(
        _("consent to personal-data processing given"), null=True, blank=True
    )
    consent_text_version = models.CharField(_("consent text version"), max_length=32, blank=True)
    consent_withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    erased_at = models.DateTimeField(_("personal data erased"), null=True, blank=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            # A page of the people list (in name order) found as a window of ids from the index alone.
            models.Index(
                fields=["last_name", "first_name", "id"],
                condition=Q(erased_at__isnull=True),
                name="person_live_name",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("registry:person-detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name, self.patronymic) if part)

    @property
    def has_consent(self) -> bool:
        return self.consent_given_at is not None and self.consent_withdrawn_at is None


class Tie(TimeStampedModel):
    """A position or membership of a person in an organisation, with dates: staff, leader, board member,
    advisory-chamber member, volunteer, founder."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="ties", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="ties", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=32, choices=TieRole.choices)
    title = models.CharField(pgettext_lazy("job title", "title"), max_length=300, blank=True)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-started_on"]
        verbose_name = _("position or membership")
        verbose_name_plural = _("positions and memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True)
                | Q(started_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="tie_ends_after_start",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "role"]),
            models.Index(fields=["person", "role"]),
            # Board and advisory-body memberships, latest first (the cooperation app's list of 90,000 among
            # 600,000 ties): one page and its count are read from the index alone.
            models.Index(
                fields=["-started_on", "id"],
                include=["role", "ended_on"],
                condition=Q(role__in=[TieRole.BOARD_MEMBER, TieRole.ADVISORY_MEMBER]),
                name="tie_governance_latest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}, {self.organisation}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None or self.ended_on >= timezone.localdate()


class ChangeProposal(TimeStampedModel):
    """Changes an NGO representative proposes to its own organisation; staff approve or reject them."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="change_proposals",
        verbose_name=_("organisation"),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("proposed by")
    )
    changes = models.JSONField(_("changes"), default=dict)
    comment = models.TextField(_("comment"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(pgettext_lazy("registry decision", "reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.get_status_display()}"


class ImportMapping(TimeStampedModel):
    """How the columns of an import file map onto organisation fields, saved for reuse.

    ``columns`` maps a target field (see ``registry.imports.fields.TARGETS``) to a list of source column
    headers, tried in order (the first non-empty cell wins): ``{"name": ["full_name", "short_name"], ...}``.
    Built-in mappings (``is_builtin``) ship with Resurs and cannot be edited from the page.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    columns = models.JSONField(_("columns"), default=dict)
    is_builtin = models.BooleanField(_("built in"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        ordering = ["-is_builtin", "name"]
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")

    def __str__(self) -> str:
        return self.name


class ImportBatch(TimeStampedModel):
    """One import of an organisation file: what was read, how it was mapped, what came of it."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded, columns not mapped yet")
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file = models.FileField(
        _("file"), upload_to=RandomName("registry/imports"), storage=private_storage, blank=True
    )
    file_name = models.CharField(_("file name"), max_length=300)
    file_size = models.PositiveBigIntegerField(_("file size, bytes"), default=0)
    file_format = models.CharField(_("format"), max_length=8, default="csv")
    encoding = models.CharField(_("encoding"), max_length=32, blank=True)
    delimiter = models.CharField(_("delimiter"), max_length=4, blank=True)
    headers = models.JSONField(_("column headers"), default=list, blank=True)
    mapping = models.ForeignKey(
        ImportMapping,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("mapping"),
    )
    columns = models.JSONField(_("columns used"), default=dict, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UPLOADED)
    total_rows = models.PositiveIntegerField(_("rows read"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    warning_count = models.PositiveIntegerField(_("rows with warnings"), default=0)
    conflict_count = models.PositiveIntegerField(_("conflicts"), default=0)
    rejected_file = models.FileField(
        _("rejected rows"), upload_to=RandomName("registry/imports"), storage=private_storage, blank=True
    )
    warnings_file = models.FileField(
        _("rows with warnings"), upload_to=RandomName("registry/imports"), storage=private_storage, blank=True
    )
    report = models.JSONField(
        _("value report"),
        default=dict,
        blank=True,
        help_text=_(
            "Values no reference matched, per target column with counts, and the columns left unmapped."
        ),
    )
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    job = models.ForeignKey(
        "core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("job")
    )
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")

    @property
    def rejected_file_name(self) -> str:
        """The name the rejected-rows file is downloaded under."""
        return f"{Path(self.file_name).stem}-rejected.csv"

    @property
    def warnings_file_name(self) -> str:
        return f"{Path(self.file_name).stem}-warnings.csv"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("registry:import-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class DuplicateDismissal(TimeStampedModel):
    """Staff looked at a pair of organisations proposed as duplicates and said they are different.

    The pair is stored with the smaller id first so that each pair has one row.
    """

    first = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    second = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("dismissed by"),
    )

    class Meta:
        verbose_name = _("dismissed duplicate pair")
        verbose_name_plural = _("dismissed duplicate pairs")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_duplicate_dismissal"),
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="dismissal_ordered_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ≠ {self.second_id}"


class DuplicateCandidate(TimeStampedModel):
    """A pair of organisations the duplicate finder proposed (``registry.dedup``), with its score and reasons, kept
    for the duplicates page until the next search replaces it. ``created_at`` is when the search found it.

    The pair is stored with the smaller id first so that each pair has one row.
    """

    first = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    second = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DuplicateKind.choices)
    score = models.FloatField(_("name similarity"))
    reasons = models.JSONField(_("reasons"), default=list, blank=True)

    class Meta:
        ordering = ["kind", "-score", "first", "second"]
        verbose_name = _("proposed duplicate pair")
        verbose_name_plural = _("proposed duplicate pairs")
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="unique_duplicate_candidate"),
            models.CheckConstraint(
                condition=Q(first__lt=models.F("second")), name="duplicate_candidate_ordered"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="duplicate_candidate_score_range"
            ),
        ]
        indexes = [models.Index(fields=["kind", "-score"], name="duplicate_candidate_rank")]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.kind}, {self.score:.2f})"


class DuplicateSearch(TimeStampedModel):
    """One run of the duplicate finder (from the duplicates page or ``manage.py find_duplicates``): when, where,
    what it read and what it found. The page names the date of the pairs it shows from the latest one."""

    region = models.ForeignKey(
        Region,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    organisations = models.PositiveIntegerField(_("organisations read"), default=0)
    compared_pairs = models.PositiveBigIntegerField(_("pairs compared"), default=0)
    duplicates = models.PositiveIntegerField(_("probable duplicates"), default=0)
    successors = models.PositiveIntegerField(_("probable successors"), default=0)
    seconds = models.FloatField(_("duration, seconds"), default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("duplicate search")
        verbose_name_plural = _("duplicate searches")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}: {self.duplicates} + {self.successors}"


class ImportConflict(TimeStampedModel):
    """A value an import did not write because the registry's value ranks higher (entered by hand, a fuller
    name, a recorded liquidation): staff accept the file's value or keep the registry's."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="import_conflicts",
        verbose_name=_("organisation"),
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="conflicts", verbose_name=_("import")
    )
    field = models.CharField(_("field"), max_length=32)
    current = models.TextField(_("value in the registry"), blank=True)
    proposed = models.JSONField(_("value in the file"))
    proposed_text = models.TextField(_("value in the file, as shown"), blank=True)
    reason = models.CharField(_("why it was not written"), max_length=300, blank=True)
    status = models.CharField(
        _("decision"), max_length=16, choices=ConflictStatus.choices, default=ConflictStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "pk"]
        verbose_name = _("import conflict")
        verbose_name_plural = _("import conflicts")
        indexes = [models.Index(fields=["status", "created_at"], name="import_conflict_status")]

    def __str__(self) -> str:
        return f"{self.organisation_id}.{self.field}: {self.proposed_text}"

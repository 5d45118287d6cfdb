"""Grant-making: programmes, calls with their forms and rules, applications, decisions, agreements and reports."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resurs.core.files import RandomName, private_storage
from resurs.core.models import BilingualNameMixin, TimeStampedModel
from resurs.grants.choices import (
    ApplicationStatus,
    CallStatus,
    DecisionOutcome,
    FieldKind,
    ReportKind,
    ReportStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2}


class Programme(TimeStampedModel):
    """A grant programme of a centre, funded by a funder (a foundation, a ministry, the centre itself)."""

    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="grant_programmes", verbose_name=_("centre")
    )
    funder = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funded_programmes",
        verbose_name=_("funder"),
    )
    funder_name = models.CharField(
        _("funder name"), max_length=500, blank=True, help_text=_("When the funder is not in the registry.")
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.title

    @property
    def funder_display(self) -> str:
        return str(self.funder) if self.funder_id else self.funder_name


class Call(TimeStampedModel):
    """A call for applications (a competition): money, rules, timeline and the form applicants fill."""

    Status = CallStatus

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="calls", verbose_name=_("programme")
    )
    centre = models.ForeignKey(
        "registry.Centre", on_delete=models.PROTECT, related_name="grant_calls", verbose_name=_("centre")
    )
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("short code"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=24, choices=CallStatus.choices, default=CallStatus.DRAFT
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    deadline_timezone = models.CharField(
        _("time zone of the deadline"), max_length=64, default="Europe/Moscow"
    )
    review_ends_on = models.DateField(_("evaluation ends"), null=True, blank=True)
    results_on = models.DateField(_("results announced"), null=True, blank=True)
    budget = models.DecimalField(_("budget"), **MONEY, default=Decimal(0))
    min_request = models.DecimalField(_("minimum request"), **MONEY, default=Decimal(0))
    max_request = models.DecimalField(_("maximum request"), **MONEY, default=Decimal(0))
    cofinancing_share = models.DecimalField(
        _("required co-financing, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
        help_text=_("The least share of the total project cost the applicant covers, in per cent."),
    )
    project_starts_on = models.DateField(_("projects start no earlier than"), null=True, blank=True)
    project_ends_on = models.DateField(_("projects end no later than"), null=True, blank=True)
    # Eligibility rules.
    min_organisation_age_years = models.PositiveSmallIntegerField(
        _("minimum age of the organisation, years"), default=0
    )
    allowed_legal_forms = models.ManyToManyField(
        "registry.LegalForm",
        blank=True,
        related_name="+",
        verbose_name=_("allowed legal forms"),
        help_text=_("Empty: any legal form."),
    )
    allowed_regions = models.ManyToManyField(
        "registry.Region",
        blank=True,
        related_name="+",
        verbose_name=_("allowed regions"),
        help_text=_("Empty: any region."),
    )
    forbid_overdue_reports = models.BooleanField(
        _("no overdue grantee reports"),
        default=True,
        help_text=_("An organisation with an overdue report on an earlier grant is not eligible."),
    )
    required_documents = models.JSONField(
        _("documents the applicant declares"),
        default=list,
        blank=True,
        help_text=_("Statements the applicant must confirm, one per line."),
    )
    criteria_scheme = models.ForeignKey(
        "criteria.Scheme",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("criteria"),
    )
    experts_per_application = models.PositiveSmallIntegerField(_("experts per application"), default=2)
    score_threshold = models.DecimalField(
        _("score dispersion threshold"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(3),
        help_text=_("When two experts' totals differ by more, a third expert is assigned."),
    )

    class Meta:
        ordering = ["-deadline", "-pk"]
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_request__gte=F("min_request")), name="call_request_bounds_ordered"
            ),
            models.CheckConstraint(
                condition=Q(cofinancing_share__gte=0) & Q(cofinancing_share__lte=100),
                name="call_cofinancing_share_percent",
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("grants:call-detail", args=[self.slug])

    @property
    def is_accepting(self) -> bool:
        now = timezone.now()
        return (
            self.status == CallStatus.OPEN
            and (self.opens_at is None or self.opens_at <= now)
            and (self.deadline is None or now <= self.deadline)
        )

    @property
    def deadline_local(self):
        """The deadline in the call's stated time zone."""
        import zoneinfo

        if self.deadline is None:
            return None
        return self.deadline.astimezone(zoneinfo.ZoneInfo(self.deadline_timezone))


class Direction(BilingualNameMixin, TimeStampedModel):
    """A direction (track) of a call with its own budget."""

    call = models.ForeignKey(
        Call, on_delete=models.CASCADE, related_name="directions", verbose_name=_("call")
    )
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    budget = models.DecimalField(_("budget"), **MONEY, default=Decimal(0))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("direction")
        verbose_name_plural = _("directions")
        constraints = [models.UniqueConstraint(fields=["call", "name_ru"], name="unique_direction_name")]


class FormSection(TimeStampedModel):
    """A section of a call's application form (the working copy staff edit)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="form_sections")
    title_ru = models.CharField(_("title (Russian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["call", "order", "pk"]
        verbose_name = _("form section")
        verbose_name_plural = _("form sections")

    def __str__(self) -> str:
        return self.title_ru


class FormField(TimeStampedModel):
    """A field of the application form. Its ``key`` names the answer in ``Application.answers``."""

    Kind = FieldKind

    section = models.ForeignKey(FormSection, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(_("key"), max_length=64)
    kind = models.CharField(_("kind"), max_length=16, choices=FieldKind.choices, default=FieldKind.TEXT)
    label_ru = models.CharField(_("label (Russian)"), max_length=300)
    label_en = models.CharField(_("label (English)"), max_length=300, blank=True)
    help_text = models.CharField(_("hint"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    max_length = models.PositiveIntegerField(_("maximum length, characters"), null=True, blank=True)
    min_value = models.DecimalField(_("minimum"), **MONEY, null=True, blank=True)
    max_value = models.DecimalField(_("maximum"), **MONEY, null=True, blank=True)
    choices = models.JSONField(_("options"), default=list, blank=True)
    file_types = models.CharField(
        _("allowed file types"), max_length=200, blank=True, help_text=_("Extensions, e.g. pdf, docx, jpg.")
    )
    max_file_mb = models.PositiveSmallIntegerField(_("maximum file size, MB"), default=10)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["section__order", "order", "pk"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.UniqueConstraint(fields=["section", "key"], name="unique_form_field_key_in_section"),
            models.CheckConstraint(
                condition=Q(min_value__isnull=True)
                | Q(max_value__isnull=True)
                | Q(max_value__gte=F("min_value")),
                name="form_field_bounds_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.label_ru


class FormVersion(TimeStampedModel):
    """A frozen snapshot of a call's form. Applications point at the version they were filled against."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="form_versions")
    number = models.PositiveSmallIntegerField(_("version"))
    schema = models.JSONField(_("form"), default=dict)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["call", "-number"]
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="unique_form_version")]

    def __str__(self) -> str:
        return f"{self.call} v{self.number}"

    def fields(self) -> list[dict]:
        return [field for section in self.schema.get("sections", []) for field in section.get("fields", [])]


class Application(TimeStampedModel):
    """An organisation's application to a call: a draft the applicant edits, then a frozen submission."""

    Status = ApplicationStatus

    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="applications", verbose_name=_("call")
    )
    direction = models.ForeignKey(
        Direction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("direction"),
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.PROTECT,
        related_name="grant_applications",
        verbose_name=_("organisation"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="grant_applications",
        verbose_name=_("applicant"),
    )
    form_version = models.ForeignKey(
        FormVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    number = models.CharField(_("reference number"), max_length=32, blank=True)
    title = models.CharField(_("project title"), max_length=500, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.DRAFT
    )
    requested_amount = models.DecimalField(_("amount requested"), **MONEY, default=Decimal(0))
    total_cost = models.DecimalField(_("total cost"), **MONEY, default=Decimal(0))
    cofinancing_amount = models.DecimalField(_("co-financing"), **MONEY, default=Decimal(0))
    project_starts_on = models.DateField(_("project start"), null=True, blank=True)
    project_ends_on = models.DateField(_("project end"), null=True, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    declarations = models.JSONField(_("declared documents"), default=list, blank=True)
    submission_token = models.UUIDField(null=True, blank=True, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Screening.
    eligibility_checks = models.JSONField(_("automatic checks"), default=list, blank=True)
    screening_reason = models.TextField(_("screening reason"), blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    screened_at = models.DateTimeField(_("screened"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="unique_application_number"
            ),
            models.UniqueConstraint(
                fields=["submission_token"],
                condition=Q(submission_token__isnull=False),
                name="unique_application_submission_token",
            ),
            # One live application per organisation and call (a withdrawn one may be followed by a new one).
            models.UniqueConstraint(
                fields=["call", "organisation"],
                condition=~Q(status="withdrawn"),
                name="one_live_application_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(requested_amount__gte=0), name="application_request_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=False) | Q(status__in=["draft"]),
                name="application_submitted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["call", "status"]),
            models.Index(fields=["organisation", "status"]),
            # The review pages' freshness check (count and last change per call) reads this index alone.
            models.Index(fields=["call", "updated_at"], name="grants_application_call_upd"),
            # The pipeline's order: a page of ids, however deep, is read from this index alone; so are the
            # organisations of a call's applications, which its search joins to their names.
            models.Index(
                fields=["call", "-submitted_at", "-id"],
                include=["status", "organisation"],
                name="grants_application_call_sub",
            ),
            # The assignment page's order: a page of ids by number is read from this index alone.
            models.Index(fields=["call", "number", "id"], name="grants_application_call_num"),
        ]

    def __str__(self) -> str:
        return self.number or self.title or _("Draft application #%(pk)s") % {"pk": self.pk}

    def get_absolute_url(self) -> str:
        return reverse("grants:application-detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == ApplicationStatus.DRAFT


class BudgetLine(TimeStampedModel):
    """A line of an application's budget, materialised on submission (grantee reports spend against it)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="budget_lines")
    field_key = models.CharField(max_length=64, default="budget")
    position = models.PositiveSmallIntegerField(default=0)
    item = models.CharField(_("item"), max_length=500)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    unit_cost = models.DecimalField(_("unit cost"), **MONEY)
    requested = models.DecimalField(_("requested"), **MONEY)
    cofinancing = models.DecimalField(_("co-financing"), **MONEY)

    class Meta:
        ordering = ["application", "field_key", "position"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0)
                & Q(unit_cost__gte=0)
                & Q(requested__gte=0)
                & Q(cofinancing__gte=0),
                name="budget_line_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.item

    @property
    def total(self) -> Decimal:
        return self.quantity * self.unit_cost


class Attachment(TimeStampedModel):
    """A file attached to an answer of an application (type and size checked by the service)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    field_key = models.CharField(max_length=64)
    file = models.FileField(_("file"), upload_to=RandomName("grants/attachments"), storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size, bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["field_key", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class Decision(TimeStampedModel):
    """The decision on an application, with the awarded amount (audit-logged)."""

    Outcome = DecisionOutcome

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("outcome"), max_length=16, choices=DecisionOutcome.choices)
    awarded_amount = models.DecimalField(_("amount awarded"), **MONEY, default=Decimal(0))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.CheckConstraint(condition=Q(awarded_amount__gte=0), name="decision_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(outcome="awarded", awarded_amount__gt=0) | ~Q(outcome="awarded"),
                name="decision_award_has_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application}: {self.get_outcome_display()}"


class Agreement(TimeStampedModel):
    """The grant agreement signed with an awarded applicant."""

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="agreement")
    number = models.CharField(_("agreement number"), max_length=64, unique=True)
    signed_on = models.DateField(_("signed"))
    starts_on = models.DateField(_("project start"))
    ends_on = models.DateField(_("project end"))
    amount = models.DecimalField(_("grant amount"), **MONEY)

    class Meta:
        ordering = ["-signed_on"]
        verbose_name = _("grant agreement")
        verbose_name_plural = _("grant agreements")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="agreement_dates_ordered"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="agreement_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class Tranche(TimeStampedModel):
    """A payment tranche of an agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="tranches")
    position = models.PositiveSmallIntegerField(_("tranche"))
    amount = models.DecimalField(_("amount"), **MONEY)
    due_on = models.DateField(_("due"))
    paid_on = models.DateField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "position"]
        verbose_name = _("tranche")
        verbose_name_plural = _("tranches")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "position"], name="unique_tranche_position"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="tranche_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement} #{self.position}"


class GranteeReport(TimeStampedModel):
    """An interim or final report of a grantee: narrative, indicators and spending against the budget."""

    Kind = ReportKind
    Status = ReportStatus

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="reports")
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DUE
    )
    narrative = models.TextField(_("what was done"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)
    last_reminded_on = models.DateField(_("last reminder"), null=True, blank=True)

    class Meta:
        ordering = ["agreement", "due_on"]
        verbose_name = _("grantee report")
        verbose_name_plural = _("grantee reports")
        constraints = [
            models.UniqueConstraint(fields=["agreement", "kind", "due_on"], name="unique_report_per_due_date")
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"{self.agreement}: {self.get_kind_display()} ({self.due_on})"

    @property
    def is_overdue(self) -> bool:
        return self.status in {ReportStatus.DUE, ReportStatus.RETURNED} and self.due_on < timezone.localdate()


class ReportIndicator(TimeStampedModel):
    """A result indicator of a report: target and actual value."""

    report = models.ForeignKey(GranteeReport, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField(_("indicator"), max_length=300)
    target = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    actual = models.DecimalField(_("actual"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["report", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name


class ReportSpending(TimeStampedModel):
    """Money spent on one approved budget line during a report's period."""

    report = models.ForeignKey(GranteeReport, on_delete=models.CASCADE, related_name="spending")
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="spending")
    spent = models.DecimalField(_("spent"), **MONEY, default=Decimal(0))

    class Meta:
        ordering = ["report", "budget_line__position"]
        verbose_name = _("spending")
        verbose_name_plural = _("spending")
        constraints = [
            models.UniqueConstraint(fields=["report", "budget_line"], name="unique_spending_per_line"),
            models.CheckConstraint(condition=Q(spent__gte=0), name="spending_not_negative"),
        ]


class HistoricalGrant(TimeStampedModel):
    """A grant of a past competition imported from a results file (before the centre used Resurs)."""

    centre = models.ForeignKey("registry.Centre", on_delete=models.PROTECT, related_name="historical_grants")
    competition = models.CharField(_("competition"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year"))
    application_number = models.CharField(_("application number"), max_length=64, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=500, blank=True)
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="historical_grants",
    )
    inn = models.CharField(_("INN"), max_length=12, blank=True)
    ogrn = models.CharField(_("OGRN"), max_length=15, blank=True)
    region = models.ForeignKey(
        "registry.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("project title"), max_length=1000)
    direction = models.CharField(_("direction"), max_length=300, blank=True)
    amount = models.DecimalField(_("grant amount"), **MONEY, null=True, blank=True)
    source = models.CharField(_("source file"), max_length=255, blank=True)

    class Meta:
        ordering = ["-year", "competition", "pk"]
        verbose_name = _("past grant")
        verbose_name_plural = _("past grants")
        constraints = [
            models.UniqueConstraint(
                fields=["centre", "competition", "application_number"],
                condition=~Q(application_number=""),
                name="unique_historical_grant_number",
            )
        ]
        indexes = [models.Index(fields=["centre", "year"])]

    def __str__(self) -> str:
        return self.title

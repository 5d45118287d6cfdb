"""Forms of the grants app. Business rules stay in services; these parse input and place errors beside fields."""

from __future__ import annotations

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from resurs.grants import formschema
from resurs.grants.choices import ApplicationStatus, DecisionOutcome, FieldKind
from resurs.grants.models import Call, FormField
from resurs.registry.models import LegalForm, Region


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's errors beside the form's fields (or on top when no field matches)."""
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = name if name in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ProgrammeForm(forms.Form):
    title = forms.CharField(label=_("Programme title"), max_length=300)
    funder_name = forms.CharField(label=_("Funder"), max_length=500, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class CallForm(forms.ModelForm):
    required_documents_text = forms.CharField(
        label=_("Declarations the applicant confirms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    allowed_legal_forms = forms.ModelMultipleChoiceField(
        label=_("Allowed legal forms"),
        queryset=LegalForm.objects.all(),
        required=False,
        help_text=_("Empty: any."),
    )
    allowed_regions = forms.ModelMultipleChoiceField(
        label=_("Allowed regions"), queryset=Region.objects.all(), required=False, help_text=_("Empty: any.")
    )

    class Meta:
        model = Call
        fields = [
            "title",
            "slug",
            "description",
            "opens_at",
            "deadline",
            "deadline_timezone",
            "review_ends_on",
            "results_on",
            "budget",
            "min_request",
            "max_request",
            "cofinancing_share",
            "project_starts_on",
            "project_ends_on",
            "min_organisation_age_years",
            "forbid_overdue_reports",
            "experts_per_application",
            "score_threshold",
        ]
        widgets = {
            "opens_at": DateTimeInput(),
            "deadline": DateTimeInput(),
            "review_ends_on": DateInput(),
            "results_on": DateInput(),
            "project_starts_on": DateInput(),
            "project_ends_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["required_documents_text"].initial = "\n".join(self.instance.required_documents)
            self.fields["allowed_legal_forms"].initial = list(self.instance.allowed_legal_forms.all())
            self.fields["allowed_regions"].initial = list(self.instance.allowed_regions.all())
            self.fields["slug"].disabled = True

    def _post_clean(self):  # the service validates the call and gives the messages
        pass

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["required_documents"] = [
            line.strip() for line in data.pop("required_documents_text", "").splitlines() if line.strip()
        ]
        data["legal_forms"] = data.pop("allowed_legal_forms")
        data["regions"] = data.pop("allowed_regions")
        if self.instance.pk:
            data.pop("slug", None)
        return data


class DirectionForm(forms.Form):
    name_ru = forms.CharField(label=_("Direction (Russian)"), max_length=300)
    name_en = forms.CharField(label=_("Direction (English)"), max_length=300, required=False)
    budget = forms.DecimalField(label=_("Budget"), min_value=0, max_digits=14, decimal_places=2)


class SectionForm(forms.Form):
    title_ru = forms.CharField(label=_("Section title (Russian)"), max_length=300)
    title_en = forms.CharField(label=_("Section title (English)"), max_length=300, required=False)


class FormFieldForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )

    class Meta:
        model = FormField
        fields = [
            "section",
            "key",
            "kind",
            "label_ru",
            "label_en",
            "help_text",
            "required",
            "max_length",
            "min_value",
            "max_value",
            "file_types",
            "max_file_mb",
        ]

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = call.form_sections.all()

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("section")
        data["choices"] = [line.strip() for line in data.pop("choices_text", "").splitlines() if line.strip()]
        return data

    def _post_clean(
        self,
    ):  # the service validates the field (keys across the whole form) with clearer messages
        pass


class ScreenForm(forms.Form):
    verdict = forms.TypedChoiceField(
        label=_("Verdict"),
        choices=[("1", _("Eligible")), ("0", _("Not eligible"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=DecisionOutcome.choices)
    awarded_amount = forms.DecimalField(
        label=_("Amount awarded"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class AgreementForm(forms.Form):
    number = forms.CharField(label=_("Agreement number"), max_length=64)
    signed_on = forms.DateField(label=_("Signed"), widget=DateInput())
    starts_on = forms.DateField(label=_("Project start"), widget=DateInput())
    ends_on = forms.DateField(label=_("Project end"), widget=DateInput())
    tranches = forms.IntegerField(label=_("Number of tranches"), min_value=1, max_value=6, initial=2)
    interim_reports = forms.IntegerField(label=_("Interim reports"), min_value=0, max_value=6, initial=1)


class ReviewReportForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Verdict"),
        choices=[("1", _("Accept")), ("0", _("Return for revision"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    review_note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PipelineFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All"))] + list(ApplicationStatus.choices)
    )
    q = forms.CharField(label=_("Search"), required=False)


class HistoryImportForm(forms.Form):
    file = forms.FileField(label=_("Results file (CSV or XLSX)"))
    competition = forms.CharField(label=_("Competition"), max_length=300)
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    has_header = forms.BooleanField(label=_("The first row is a header"), required=False)
    column_number = forms.IntegerField(label=_("Column: application number"), min_value=1, required=False)
    column_organisation = forms.IntegerField(label=_("Column: organisation"), min_value=1)
    column_inn = forms.IntegerField(label=_("Column: INN"), min_value=1, required=False)
    column_region = forms.IntegerField(label=_("Column: region"), min_value=1, required=False)
    column_title = forms.IntegerField(label=_("Column: project title"), min_value=1)
    column_direction = forms.IntegerField(label=_("Column: direction"), min_value=1, required=False)
    column_amount = forms.IntegerField(label=_("Column: amount"), min_value=1, required=False)

    def mapping(self) -> dict[str, int]:
        return {
            name.removeprefix("column_"): value - 1
            for name, value in self.cleaned_data.items()
            if name.startswith("column_") and value
        }


def application_data_from_post(post, schema: dict) -> dict:
    """The applicant's form as the services' plain dict (answers keyed by field, tables as lists of rows)."""
    data: dict = {}
    for name in ("title", "summary", "direction", "project_starts_on", "project_ends_on"):
        if name in post:
            data[name] = post.get(name, "")
    if "declarations_present" in post:
        data["declarations"] = post.getlist("declarations")
    answers: dict = {}
    for spec in formschema.fields_of(schema):
        key, kind = spec["key"], spec["kind"]
        if kind == FieldKind.FILE:
            continue
        if kind in (FieldKind.BUDGET, FieldKind.PLAN):
            columns = formschema.BUDGET_COLUMNS if kind == FieldKind.BUDGET else formschema.PLAN_COLUMNS
            prefix = f"a__{key}__"
            if not any(k.startswith(prefix) for k in post):
                continue
            rows: dict[int, dict] = {}
            for field_name in post:
                if field_name.startswith(prefix):
                    try:
                        index, column = field_name[len(prefix) :].split("__", 1)
                        position = int(index)
                    except ValueError:
                        continue
                    if column in columns:
                        rows.setdefault(position, {})[column] = post.get(field_name, "")
            answers[key] = [rows[i] for i in sorted(rows)]
        elif f"a__{key}" in post:
            answers[key] = post.get(f"a__{key}", "")
    data["answers"] = answers
    return data


def new_token() -> str:
    return str(uuid.uuid4())

"""Forms of the national-scale registry work: uploading an import file, mapping its columns, merging duplicates."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from resurs.core.uploads import SafeFileField, UploadPolicy
from resurs.registry.imports.mapping import TARGETS
from resurs.registry.models import ImportMapping, Organisation

# Organisation files: CSV (or TXT/TSV) and Excel workbooks, up to MAX_UPLOAD_MB.
IMPORT_FILES = UploadPolicy(("csv", "txt", "tsv", "xlsx", "xlsm"))


class ImportUploadForm(forms.Form):
    file = SafeFileField(
        label=_("File"),
        help_text=_("CSV (UTF-8 or Windows-1251, any delimiter) or XLSX, up to %(limit)s MB.")
        % {"limit": settings.MAX_UPLOAD_MB},
        policy=IMPORT_FILES,
    )
    mapping = forms.ModelChoiceField(
        queryset=ImportMapping.objects.all(),
        required=False,
        label=_("Saved column mapping"),
        empty_label=_("Guess from the column headers"),
    )


class ImportMappingForm(forms.Form):
    """One select per target field, listing the file's column headers; plus saving the mapping for reuse."""

    save_as = forms.CharField(
        label=_("Save this mapping as"),
        required=False,
        max_length=200,
        help_text=_("Give it a name to reuse it for files with the same columns."),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check and count, change nothing"),
        required=False,
    )

    def __init__(self, *args, headers: list[str], columns: dict[str, list[str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.initial_columns = columns
        choices = [("", _("— not in this file —"))] + [(header, header) for header in headers]
        fields = {}
        for target in TARGETS:
            required = target.key == "name"
            fields[f"col_{target.key}"] = forms.ChoiceField(
                label=target.label,
                choices=choices,
                required=required,
                initial=(columns.get(target.key) or [""])[0],
            )
        # Target selects first, then the options.
        self.fields = {**fields, **self.fields}

    def clean_save_as(self):
        name = self.cleaned_data["save_as"].strip()
        if name and ImportMapping.objects.filter(name=name, is_builtin=True).exists():
            raise forms.ValidationError(
                _("A built-in mapping has this name; choose another."), code="builtin"
            )
        return name

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("col_inn") or cleaned.get("col_ogrn")):
            self.add_error(
                "col_inn", _("Choose the column that holds the INN or the OGRN (at least one of them).")
            )
        return cleaned

    def columns(self) -> dict[str, list[str]]:
        """The chosen mapping. Where the choice is the first column of the initial mapping, its fallbacks stay
        (the built-in EGRUL mapping takes the full name, else the short name)."""
        columns: dict[str, list[str]] = {}
        for target in TARGETS:
            chosen = self.cleaned_data.get(f"col_{target.key}")
            if not chosen:
                continue
            initial = self.initial_columns.get(target.key) or []
            columns[target.key] = list(initial) if initial and initial[0] == chosen else [chosen]
        return columns


class MergeForm(forms.Form):
    """Which record survives, and for each differing field whose value to keep."""

    survivor = forms.TypedChoiceField(label=_("Keep the record"), coerce=int, widget=forms.RadioSelect)

    MERGEABLE = (
        "name",
        "short_name",
        "kind",
        "inn",
        "ogrn",
        "kpp",
        "region",
        "city",
        "address",
        "founded_on",
        "email",
        "phone",
        "website",
        "description",
    )

    def __init__(self, *args, first: Organisation, second: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.first, self.second = first, second
        self.fields["survivor"].choices = [(first.pk, str(first)), (second.pk, str(second))]
        self.fields["survivor"].initial = first.pk
        self.differing: list[str] = []
        for name in self.MERGEABLE:
            a, b = getattr(first, name), getattr(second, name)
            if a == b or (a in (None, "") and b in (None, "")):
                continue
            self.differing.append(name)
            field = Organisation._meta.get_field(name)
            self.fields[f"take_{name}"] = forms.TypedChoiceField(
                label=field.verbose_name,
                coerce=int,
                choices=[(first.pk, _display(a)), (second.pk, _display(b))],
                initial=first.pk if a not in (None, "") else second.pk,
                widget=forms.RadioSelect,
            )

    def choices(self) -> dict[str, int]:
        return {name: self.cleaned_data[f"take_{name}"] for name in self.differing}


def _display(value) -> str:
    return "—" if value in (None, "") else str(value)

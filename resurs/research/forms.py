"""Forms of the research app: parse and give field-level messages; the rules live in services."""

from __future__ import annotations

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from resurs.core.uploads import SafeFileField, UploadPolicy
from resurs.registry.models import Centre, Organisation, Region
from resurs.research.choices import ImpactArea, InterviewMode, MemberRole, RespondentCategory
from resurs.research.matching import best_match
from resurs.research.models import Code, Study

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def find_organisation(value: str) -> Organisation | None:
    """An organisation by INN, OGRN, exact name, or a clear fuzzy match of the name."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return Organisation.objects.filter(Q(inn=value) | Q(ogrn=value)).first()
    exact = list(Organisation.objects.filter(Q(name__iexact=value) | Q(short_name__iexact=value))[:2])
    if len(exact) == 1:
        return exact[0]
    return best_match(value)


TRANSCRIPT_FILES = UploadPolicy(("txt",), 5)
IMPORT_FILES = UploadPolicy(("csv", "xlsx", "txt"), 10)


class StudyForm(forms.ModelForm):
    centre = forms.ModelChoiceField(queryset=Centre.objects.none(), label=_("Centre"))
    partners = forms.CharField(
        label=_("Partner organisations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: INN or name as in the registry."),
    )

    class Meta:
        model = Study
        fields = ["title", "starts_on", "ends_on", "method", "interview_guide"]
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "method": forms.Textarea(attrs={"rows": 4}),
            "interview_guide": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, centres=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["centre"]
            self.fields["is_published"] = forms.BooleanField(
                label=_("Publish the report"),
                required=False,
                initial=self.instance.is_published,
                help_text=_("Anyone may then read the report; transcripts stay private."),
            )
            self.initial["partners"] = "\n".join(
                o.inn or o.name for o in self.instance.partner_organisations.all()
            )
        else:
            self.fields["centre"].queryset = centres if centres is not None else Centre.objects.none()
            if centres is not None and centres.count() == 1:
                self.initial["centre"] = centres.first()

    def clean_partners(self) -> list[Organisation]:
        found, missing = [], []
        for line in self.cleaned_data.get("partners", "").splitlines():
            if not line.strip():
                continue
            organisation = find_organisation(line)
            (found.append(organisation) if organisation else missing.append(line.strip()))
        if missing:
            raise forms.ValidationError(
                _("Not found in the registry: %(names)s.") % {"names": "; ".join(missing)}
            )
        return found


class MemberForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.RESEARCHER)

    def clean_username(self):
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError(_("There is no user with this name."))
        return user


class RespondentForm(forms.Form):
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    patronymic = forms.CharField(label=_("Patronymic"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=500,
        required=False,
        help_text=_("INN or name as in the registry."),
    )
    category = forms.ChoiceField(label=_("Category"), choices=RespondentCategory.choices)
    region = forms.ModelChoiceField(
        label=_("Region"),
        queryset=Region.objects.all(),
        required=False,
        help_text=_("By default, the organisation's."),
    )
    code = forms.CharField(
        label=_("Code"), max_length=32, required=False, help_text=_("A pseudonym, e.g. R07.")
    )
    consent = forms.BooleanField(
        label=_("The respondent consented to personal-data processing"), required=False
    )

    def clean_organisation(self):
        value = self.cleaned_data.get("organisation", "")
        if not value.strip():
            return None
        organisation = find_organisation(value)
        if organisation is None:
            raise forms.ValidationError(
                _("No organisation in the registry matches “%(value)s”; check the name or give the INN.")
                % {"value": value}
            )
        return organisation


class InterviewForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE_INPUT)
    mode = forms.ChoiceField(label=_("Mode"), choices=InterviewMode.choices, initial=InterviewMode.VIDEO)
    consent = forms.BooleanField(label=_("Consent to recording and analysis"), required=False)
    transcript = forms.CharField(
        label=_("Transcript"), widget=forms.Textarea(attrs={"rows": 12}), required=False
    )
    transcript_file = SafeFileField(
        label=_("…or a transcript file"),
        required=False,
        help_text=_("Plain text (.txt) in any common encoding, up to 5 MB."),
        policy=TRANSCRIPT_FILES,
    )

    def clean(self):
        data = super().clean()
        if not data.get("transcript", "").strip() and not data.get("transcript_file"):
            self.add_error("transcript", _("Type the transcript or upload a file."))
        return data


class TranscriptForm(forms.Form):
    transcript = forms.CharField(label=_("Transcript"), widget=forms.Textarea(attrs={"rows": 16}))


class SegmentForm(forms.Form):
    code = forms.ModelChoiceField(label=_("Code"), queryset=Code.objects.none(), empty_label=None)
    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput, required=False)
    end = forms.IntegerField(min_value=0, widget=forms.HiddenInput, required=False)

    def __init__(self, *args, study, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].queryset = study.codes.filter(is_codable=True).order_by("order", "name")


class CodeForm(forms.ModelForm):
    class Meta:
        model = Code
        fields = ["name", "parent", "color", "description"]
        widgets = {
            "color": forms.TextInput(attrs={"type": "color"}),
            "description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, study, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = study.codes.order_by("order", "name")


class NominationForm(forms.Form):
    name = forms.CharField(label=_("Organisation as named"), max_length=500)
    organisation = forms.CharField(
        label=_("Registry match (INN)"),
        max_length=15,
        required=False,
        help_text=_("Leave empty to match the name automatically."),
    )
    areas = forms.MultipleChoiceField(
        label=_("Areas of impact"),
        choices=ImpactArea.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    rank = forms.IntegerField(label=_("Rank"), min_value=1, max_value=100, required=False)
    quote = forms.CharField(
        label=_("Supporting quote"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean_organisation(self):
        value = self.cleaned_data.get("organisation", "").strip()
        if not value:
            return None
        organisation = Organisation.objects.filter(Q(inn=value) | Q(ogrn=value)).first()
        if organisation is None:
            raise forms.ValidationError(_("No organisation with this INN in the registry."))
        return organisation


class ImportForm(forms.Form):
    file = SafeFileField(label=_("CSV or XLSX file"), policy=IMPORT_FILES)

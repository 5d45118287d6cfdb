"""Forms of the registry. They give messages next to the fields; services.py has the last word."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from resurs.registry.choices import TieRole
from resurs.registry.models import Field, LegalForm, Organisation, Person, Region, Tie
from resurs.registry.services import (
    PROPOSABLE_FIELDS,
    duplicate_message,
    duplicate_organisation,
    founding_date_problem,
)
from resurs.registry.validators import normalise_identifier
from resurs.registry.widgets import RegistryPicker

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "kind",
            "legal_form",
            "inn",
            "ogrn",
            "kpp",
            "region",
            "city",
            "address",
            "founded_on",
            "liquidated_on",
            "status",
            "fields",
            "email",
            "phone",
            "website",
            "description",
        ]
        widgets = {
            "founded_on": DATE,
            "liquidated_on": DATE,
            "fields": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
            "inn": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
            "ogrn": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        }
        labels = {"email": _("E-mail address")}
        help_texts = {
            "inn": _("10 digits for an organisation, 12 for an individual entrepreneur."),
            "ogrn": _("13 digits (OGRNIP: 15)."),
        }

    def _clean_identifier(self, field: str) -> str:
        value = normalise_identifier(self.cleaned_data.get(field) or "")
        existing = duplicate_organisation(field=field, value=value, exclude_pk=self.instance.pk)
        if existing is not None:
            raise forms.ValidationError(duplicate_message(field, existing), code="duplicate")
        return value

    def clean_inn(self) -> str:
        return self._clean_identifier("inn")

    def clean_ogrn(self) -> str:
        return self._clean_identifier("ogrn")

    def clean_founded_on(self):
        value = self.cleaned_data.get("founded_on")
        problem = founding_date_problem(value)
        if problem:
            raise forms.ValidationError(problem, code="future")
        return value

    def clean(self):
        data = super().clean()
        founded, liquidated = data.get("founded_on"), data.get("liquidated_on")
        if founded and liquidated and liquidated < founded:
            self.add_error(
                "liquidated_on", _("The liquidation date cannot be earlier than the founding date.")
            )
        return data


class PersonForm(forms.ModelForm):
    consent = forms.BooleanField(
        label=_("The person has consented to the processing of personal data"), required=False
    )

    class Meta:
        model = Person
        fields = ["last_name", "first_name", "patronymic", "email", "phone", "region", "city", "bio"]
        widgets = {"bio": forms.Textarea(attrs={"rows": 4})}
        labels = {"email": _("E-mail address")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:  # consent of an existing person is changed on its own form
            del self.fields["consent"]


class ConsentForm(forms.Form):
    given = forms.BooleanField(
        label=_("I consent to the processing of my personal data by the resource centre"), required=False
    )


class TieForm(forms.ModelForm):
    """Add a position or membership to an organisation."""

    class Meta:
        model = Tie
        fields = ["person", "role", "title", "started_on", "ended_on"]
        widgets = {"started_on": DATE, "ended_on": DATE, "person": RegistryPicker(kind="person")}

    def __init__(self, *args, organisation: Organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["person"].queryset = Person.objects.filter(erased_at=None)
        self.fields["role"].choices = TieRole.choices

    def clean(self):
        data = super().clean()
        start, end = data.get("started_on"), data.get("ended_on")
        if start and end and end < start:
            self.add_error("ended_on", _("The end date cannot be earlier than the start date."))
        return data

    def _post_clean(self):
        # The organisation is not a form field; the service validates the complete tie.
        self.instance.organisation = self.organisation
        super()._post_clean()


class TieEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE)

    def __init__(self, *args, tie: Tie, **kwargs):
        super().__init__(*args, **kwargs)
        self.tie = tie

    def clean_ended_on(self):
        value = self.cleaned_data["ended_on"]
        if self.tie.started_on and value < self.tie.started_on:
            raise forms.ValidationError(_("The end date cannot be earlier than the start date."))
        return value


class ProposalForm(forms.ModelForm):
    """The public fields a representative may propose to change, pre-filled with the current values."""

    comment = forms.CharField(
        label=_("Comment for the staff"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the change is needed, or where the staff can check it."),
    )

    class Meta:
        model = Organisation
        fields = list(PROPOSABLE_FIELDS)
        labels = {"email": _("E-mail address")}
        widgets = {
            "fields": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fields"].queryset = Field.objects.all()

    def _post_clean(self):
        # Validate the proposed values without touching the organisation in memory.
        pass


class ReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the proposer"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class OrganisationRegisterForm(forms.Form):
    """A new organisation for the registry, added by a person who represents it (validated by the registry's
    service); used after sign-up and from a call's page."""

    name = forms.CharField(label=_("Full name"), max_length=500)
    short_name = forms.CharField(label=_("Short name"), max_length=300, required=False)
    inn = forms.CharField(label=_("INN"), max_length=12)
    ogrn = forms.CharField(label=_("OGRN"), max_length=15, required=False)
    legal_form = forms.ModelChoiceField(
        label=_("Legal form"), queryset=LegalForm.objects.all(), required=False
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.all())
    founded_on = forms.DateField(label=_("Founding date"), required=False, widget=DATE)
    position = forms.CharField(label=_("Your position"), max_length=200, required=False)


class RepresentationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Your organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, INN or OGRN"), "autocomplete": "off"}
        ),
    )

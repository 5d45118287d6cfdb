"""Forms of the information space."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from resurs.core.uploads import SafeFileField
from resurs.grants.selectors import direction_list
from resurs.outreach.models import MediaContact, PressAnnouncement, Publication, SocialChallenge, Topic
from resurs.outreach.validators import PUBLICATION_PDF
from resurs.registry.choices import OrganisationKind
from resurs.registry.models import Field, Organisation, Person, Region
from resurs.registry.widgets import RegistryPicker

MULTI = forms.SelectMultiple(attrs={"size": 6})


def _multi(queryset, label, widget=MULTI, **kw):
    return forms.ModelMultipleChoiceField(queryset=queryset, required=False, label=label, widget=widget, **kw)


class CentreChoiceMixin:
    """A ``centre`` field limited to the centres the user works for, hidden when there is only one."""

    def setup_centre(self, centres):
        if self.instance.pk or centres is None:
            self.fields.pop("centre", None)
            return
        self.fields["centre"].queryset = centres
        if centres.count() == 1:
            self.initial["centre"] = centres.first().pk


class MediaContactForm(CentreChoiceMixin, forms.ModelForm):
    centre = forms.ModelChoiceField(queryset=None, label=_("Centre"))
    outlet = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(kind=OrganisationKind.MEDIA), required=False, label=_("Outlet")
    )
    topics = _multi(Topic.objects.all(), _("Topics"))
    regions = _multi(Region.objects.all(), _("Regions"))

    class Meta:
        model = MediaContact
        fields = [
            "centre",
            "name",
            "outlet",
            "outlet_name",
            "position",
            "email",
            "phone",
            "topics",
            "regions",
            "language",
            "consent_given_on",
            "notes",
        ]
        widgets = {
            "consent_given_on": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, centres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_centre(centres)

    def clean(self):
        data = super().clean()
        if not data.get("outlet") and not data.get("outlet_name"):
            self.add_error("outlet", _("Choose the outlet from the registry or type its name."))
        return data


class AnnouncementForm(CentreChoiceMixin, forms.ModelForm):
    centre = forms.ModelChoiceField(queryset=None, label=_("Centre"))
    topics = _multi(
        Topic.objects.all(),
        _("Topics"),
        help_text=_("Send to journalists who follow any of these topics (all when empty)."),
    )
    regions = _multi(
        Region.objects.all(),
        _("Regions"),
        help_text=_("Send to journalists who cover any of these regions (all when empty)."),
    )

    class Meta:
        model = PressAnnouncement
        fields = ["centre", "event", "subject", "body", "topics", "regions"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, centres=None, events=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_centre(centres)
        self.fields["event"].required = False
        self.fields["event"].queryset = events


class PublicationForm(CentreChoiceMixin, forms.ModelForm):
    centre = forms.ModelChoiceField(queryset=None, label=_("Centre"))
    topics = _multi(Topic.objects.all(), _("Topics"))
    regions = _multi(Region.objects.all(), _("Regions"))
    challenges = _multi(SocialChallenge.objects.only("title_ru", "title_en"), _("Social challenges"))
    # Thousands of people and organisations: searched as you type, only the chosen ones rendered.
    author_people = _multi(
        Person.objects.filter(erased_at__isnull=True).only("last_name", "first_name", "patronymic"),
        _("Authors (people)"),
        widget=RegistryPicker(kind="person", multiple=True),
    )
    author_organisations = _multi(
        Organisation.objects.only("name", "short_name"),
        _("Authors (organisations)"),
        widget=RegistryPicker(kind="organisation", multiple=True),
    )

    class Meta:
        model = Publication
        fields = [
            "centre",
            "kind",
            "title_ru",
            "title_en",
            "summary",
            "body",
            "published_on",
            "is_published",
            "topics",
            "regions",
            "challenges",
            "author_people",
            "author_organisations",
            "pdf",
            "print_format",
            "year",
            "isbn",
            "issn",
            "pages",
            "scan_url",
        ]
        widgets = {
            "published_on": forms.DateInput(attrs={"type": "date"}),
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 10}),
        }
        error_messages = {
            "title_ru": {"required": _("A title in Russian (the default language) is required.")}
        }

    def __init__(self, *args, centres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_centre(centres)
        self.fields["pdf"] = SafeFileField(
            label=self.fields["pdf"].label,
            required=False,
            policy=PUBLICATION_PDF,
        )
        self.fields["pdf"].widget.current_name = self.instance.pdf_name if self.instance.pk else ""

    def clean(self):
        data = super().clean()
        if data.get("kind") == "print" and not data.get("year"):
            self.add_error("year", _("Give the year of a print edition."))
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("centre", None)
        if data.get("pdf") is False:  # "clear" ticked
            data["pdf"] = ""
        elif data.get("pdf") is None:
            data.pop("pdf")
        return data


class ChallengeForm(CentreChoiceMixin, forms.ModelForm):
    centre = forms.ModelChoiceField(queryset=None, label=_("Centre"))
    regions = _multi(Region.objects.all(), _("Regions"))
    fields_of_activity = _multi(Field.objects.all(), _("Fields of activity"))
    organisations = _multi(
        Organisation.objects.only("name", "short_name"),
        _("NGOs working on it"),
        widget=RegistryPicker(kind="organisation", multiple=True),
    )
    directions = _multi(direction_list(), _("Directions of our grant calls"))

    class Meta:
        model = SocialChallenge
        fields = [
            "centre",
            "title_ru",
            "title_en",
            "description",
            "evidence",
            "trend",
            "regions",
            "fields_of_activity",
            "organisations",
            "directions",
            "grant_directions",
            "is_published",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "evidence": forms.Textarea(attrs={"rows": 5}),
            "grant_directions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, centres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_centre(centres)
        self.fields["directions"].label_from_instance = lambda d: f"{d.call.title} — {d.name}"
        if self.instance.pk:
            self.initial["fields_of_activity"] = list(self.instance.fields.values_list("pk", flat=True))

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("centre", None)
        return data

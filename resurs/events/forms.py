"""Forms of the events app. Times are typed in the event's own time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from resurs.core.uploads import HANDOUTS, SafeFileField
from resurs.events.models import Event, Material, Session
from resurs.registry.models import Centre, Organisation, Person
from resurs.registry.widgets import RegistryPicker

# The time zones of Russia, west to east.
TIME_ZONES = [
    ("Europe/Kaliningrad", _("Kaliningrad (UTC+2)")),
    ("Europe/Moscow", _("Moscow (UTC+3)")),
    ("Europe/Samara", _("Samara (UTC+4)")),
    ("Asia/Yekaterinburg", _("Yekaterinburg (UTC+5)")),
    ("Asia/Omsk", _("Omsk (UTC+6)")),
    ("Asia/Novosibirsk", _("Novosibirsk (UTC+7)")),
    ("Asia/Krasnoyarsk", _("Krasnoyarsk (UTC+7)")),
    ("Asia/Irkutsk", _("Irkutsk (UTC+8)")),
    ("Asia/Yakutsk", _("Yakutsk (UTC+9)")),
    ("Asia/Vladivostok", _("Vladivostok (UTC+10)")),
    ("Asia/Magadan", _("Magadan (UTC+11)")),
    ("Asia/Kamchatka", _("Kamchatka (UTC+12)")),
]

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _in_zone(value, zone_name: str):
    """Reinterpret a datetime the form parsed in the site's zone as wall-clock time in ``zone_name``."""
    if value is None:
        return None
    naive = timezone.make_naive(value) if timezone.is_aware(value) else value
    return timezone.make_aware(naive, ZoneInfo(zone_name))


def _local_initial(value, zone_name: str):
    return timezone.localtime(value, ZoneInfo(zone_name)).replace(tzinfo=None) if value else None


class EventForm(forms.ModelForm):
    centre = forms.ModelChoiceField(queryset=Centre.objects.none(), label=_("Centre"))
    time_zone = forms.ChoiceField(choices=TIME_ZONES, label=_("Time zone"), initial="Europe/Moscow")
    organisers = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.only("name", "short_name"),
        required=False,
        label=_("Organisers"),
        widget=RegistryPicker(kind="organisation", multiple=True),
    )
    partners = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.only("name", "short_name"),
        required=False,
        label=_("Partners"),
        widget=RegistryPicker(kind="organisation", multiple=True),
    )

    class Meta:
        model = Event
        fields = [
            "centre",
            "kind",
            "status",
            "title",
            "summary",
            "description",
            "starts_at",
            "ends_at",
            "time_zone",
            "region",
            "venue",
            "address",
            "online_url",
            "capacity",
            "registration_open",
            "organisers",
            "partners",
        ]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, centres=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres if centres is not None else Centre.objects.none()
        if self.instance.pk:
            del self.fields["centre"]
            for name in ("starts_at", "ends_at"):
                self.initial[name] = _local_initial(getattr(self.instance, name), self.instance.time_zone)
        elif centres is not None and centres.count() == 1:
            self.initial["centre"] = centres.first().pk

    def clean(self):
        data = super().clean()
        zone = data.get("time_zone") or "Europe/Moscow"
        for name in ("starts_at", "ends_at"):
            data[name] = _in_zone(data.get(name), zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("The event cannot end before it starts."))
        if not data.get("venue") and not data.get("online_url"):
            self.add_error("venue", _("Give a venue or an online link."))
        return data

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("centre", None)
        return data


class SessionForm(forms.ModelForm):
    speakers = forms.ModelMultipleChoiceField(
        queryset=Person.objects.filter(erased_at__isnull=True).only("last_name", "first_name", "patronymic"),
        required=False,
        label=_("Speakers"),
        widget=RegistryPicker(kind="person", multiple=True),
    )

    class Meta:
        model = Session
        fields = ["title", "starts_at", "ends_at", "room", "speakers", "description"]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if not self.is_bound:
            self.initial.setdefault("starts_at", _local_initial(event.starts_at, event.time_zone))
            self.initial.setdefault("ends_at", _local_initial(event.starts_at, event.time_zone))

    def clean(self):
        data = super().clean()
        for name in ("starts_at", "ends_at"):
            data[name] = _in_zone(data.get(name), self.event.time_zone)
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] < data["starts_at"]:
            self.add_error("ends_at", _("A session cannot end before it starts."))
        return data


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Your full name"), max_length=300)
    email = forms.EmailField(label=_("E-mail"))
    organisation_name = forms.CharField(label=_("Organisation"), max_length=300, required=False)
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data for this event"), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user if user is not None and user.is_authenticated else None
        if self.user is not None:
            self.fields["name"].initial = self.user.get_full_name() or self.user.username
            self.fields["email"].initial = self.user.email
            del self.fields["consent"]
        else:
            self.fields["consent"].required = True
            self.fields["consent"].error_messages["required"] = _(
                "Please agree to the processing of your personal data to register."
            )


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["title", "kind", "file", "url"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"] = SafeFileField(label=self.fields["file"].label, required=False, policy=HANDOUTS)

    def clean(self):
        data = super().clean()
        if not data.get("file") and not data.get("url") and "file" not in self.errors:
            self.add_error("file", _("Attach a file or give a link."))
        return data


class OutcomesForm(forms.Form):
    outcomes = forms.CharField(label=_("Outcomes"), widget=forms.Textarea(attrs={"rows": 8}), required=False)

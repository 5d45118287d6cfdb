"""Forms of the reviews app (the scoring form itself is criteria's EvaluationForm)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from resurs.registry.widgets import SearchPicker
from resurs.reviews.models import ExpertProfile
from resurs.reviews.ranking import DEFAULT_BANDS


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class InviteForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts to invite"),
        queryset=ExpertProfile.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    max_load = forms.IntegerField(
        label=_("Maximum applications in this call"),
        required=False,
        min_value=1,
        max_value=200,
        help_text=_("Empty: each expert's own maximum."),
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = queryset


class OverrideForm(forms.Form):
    """One application's experts changed by hand: an expert of the pool added (found through the picker's search
    of the pool, ``reviews:expert-pick``: a national pool has 1,500 experts, too many to list in every row) or an
    assignment removed, always with a reason."""

    add_expert = forms.ModelChoiceField(
        label=_("Add expert"),
        queryset=ExpertProfile.objects.none(),
        required=False,
        widget=SearchPicker(placeholder=_("Type an expert's name…")),
        error_messages={"invalid_choice": _("Choose an expert who accepted the invitation to this call.")},
    )
    remove = forms.IntegerField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, error_messages={"required": _("Give a reason for the change.")}
    )

    def __init__(self, *args, experts, search_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["add_expert"].queryset = experts
        self.fields["add_expert"].widget.search_url = search_url


class SettingsForm(forms.Form):
    weight_fields = forms.FloatField(label=_("Weight of fields of expertise"), min_value=0, max_value=100)
    weight_region = forms.FloatField(label=_("Weight of the same region"), min_value=0, max_value=100)
    weight_text = forms.FloatField(label=_("Weight of text similarity"), min_value=0, max_value=100)
    require_regional = forms.BooleanField(
        label=_("At least one expert from the applicant's region"), required=False
    )
    fairness = forms.BooleanField(
        label=_("Raise the worst-served application (losing at most 5 per cent of total affinity)"),
        required=False,
    )
    pass_mark_0 = forms.FloatField(
        label=_("Pass mark: up to 0.5 million roubles"), min_value=0, max_value=100
    )
    pass_mark_1 = forms.FloatField(label=_("Pass mark: 0.5 to 3 million roubles"), min_value=0, max_value=100)
    pass_mark_2 = forms.FloatField(label=_("Pass mark: 3 to 10 million roubles"), min_value=0, max_value=100)
    pass_mark_3 = forms.FloatField(label=_("Pass mark: over 10 million roubles"), min_value=0, max_value=100)

    def clean(self):
        data = super().clean()
        weights = [data.get(f"weight_{k}") for k in ("fields", "region", "text")]
        if all(w is not None for w in weights) and sum(weights) <= 0:
            self.add_error("weight_fields", _("At least one weight must be positive."))
        return data

    def bands(self) -> list[dict]:
        return [
            {"up_to": band["up_to"], "pass_mark": self.cleaned_data[f"pass_mark_{i}"]}
            for i, band in enumerate(DEFAULT_BANDS)
        ]

    def weights(self) -> dict:
        return {k: self.cleaned_data[f"weight_{k}"] for k in ("fields", "region", "text")}


class ExpertProfileForm(forms.ModelForm):
    """The expert's own profile: what they know, where, how much they can take."""

    class Meta:
        model = ExpertProfile
        fields = [
            "fields",
            "regions",
            "languages",
            "min_load",
            "max_load",
            "is_available",
            "available_note",
            "bio",
        ]
        widgets = {
            "fields": forms.CheckboxSelectMultiple,
            "regions": forms.SelectMultiple(attrs={"size": 8}),
            "bio": forms.Textarea(attrs={"rows": 5}),
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("min_load"), data.get("max_load")
        if low is not None and high is not None and low > high:
            self.add_error("min_load", _("The minimum load cannot exceed the maximum."))
        return data

"""Forms of the learning app. Business rules stay in services; forms parse and give messages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resurs.core.uploads import DOCUMENTS, HANDOUTS, SafeFileField, UploadPolicy
from resurs.learning.choices import AssessmentKind, Topic
from resurs.learning.models import Area, Course, Feedback, Instrument, Programme, Session

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
RATING_CHOICES = [(i, str(i)) for i in range(1, 6)]


# A project description: a text document (or its PDF), up to 20 MB.
PROJECT_DOCUMENTS = UploadPolicy(("pdf", "docx", "odt", "doc", "rtf"), 20)


class CentreChoiceMixin:
    """Limits the centre field to the centres the user manages."""

    def limit_centres(self, centres):
        self.fields["centre"].queryset = centres
        self.fields["centre"].empty_label = None


class CourseForm(CentreChoiceMixin, forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "centre",
            "title",
            "topic",
            "programme",
            "programme_order",
            "summary",
            "description",
            "audience",
            "hours",
            "min_attendance_percent",
            "feedback_required",
            "issues_certificate",
            "is_published",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, centres, programmes, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_centres(centres)
        self.fields["programme"].queryset = programmes

    def clean(self):
        data = super().clean()
        programme, centre = data.get("programme"), data.get("centre")
        if programme and centre and programme.centre_id != centre.pk:
            self.add_error("programme", _("The programme belongs to another centre."))
        return data


class SessionForm(forms.ModelForm):
    days = forms.CharField(
        label=_("Days it meets"),
        required=False,
        help_text=_("Dates separated by commas (DD.MM.YYYY). Empty: every day from start to end."),
    )

    class Meta:
        model = Session
        fields = [
            "starts_on",
            "ends_on",
            "format",
            "venue",
            "online_url",
            "trainer",
            "capacity",
            "requires_approval",
            "status",
        ]
        widgets = {"starts_on": DATE, "ends_on": DATE}

    def __init__(self, *args, trainers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trainer"].queryset = trainers
        if self.instance.pk:
            self.initial["days"] = ", ".join(d.date.strftime("%d.%m.%Y") for d in self.instance.days.all())

    def clean_days(self) -> list[dt.date]:
        text = self.cleaned_data.get("days", "")
        dates = []
        for chunk in [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]:
            for fmt in ("%d.%m.%Y", "%Y-%m-%d"):
                try:
                    dates.append(dt.datetime.strptime(chunk, fmt).date())
                    break
                except ValueError:
                    continue
            else:
                raise forms.ValidationError(_("“%(value)s” is not a date (DD.MM.YYYY).") % {"value": chunk})
        return dates

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The session cannot end before it starts."))
        if data.get("format") in ("online", "blended") and not data.get("online_url"):
            self.add_error("online_url", _("An online session needs a link."))
        if data.get("format") in ("in_person", "blended") and not data.get("venue"):
            self.add_error("venue", _("An in-person session needs a venue."))
        return data


class MaterialForm(forms.Form):
    title = forms.CharField(label=pgettext_lazy("learning", "Title"), max_length=300)
    url = forms.URLField(label=_("Link"), required=False, assume_scheme="https")
    file = SafeFileField(label=_("File"), required=False, policy=HANDOUTS)

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("file") and "file" not in self.errors:
            raise forms.ValidationError(_("Give a link or attach a file."))
        return data


class EnrolForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("For the organisation"),
        queryset=None,
        required=False,
        empty_label=_("— for myself —"),
    )
    motivation = forms.CharField(
        label=_("Why you want to take part"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


class FeedbackForm(forms.Form):
    comment = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in reversed(Feedback.QUESTIONS):
            self.fields = {
                name: forms.TypedChoiceField(
                    label=label, choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
                ),
                **self.fields,
            }

    def ratings(self) -> dict[str, int]:
        return {name: self.cleaned_data[name] for name, _label in Feedback.QUESTIONS}


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class VerifyForm(forms.Form):
    code = forms.CharField(label=_("Certificate code"), max_length=40)


class ConsultationRequestForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Resource centre"), queryset=None, empty_label=None)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=None, required=False, empty_label=_("— for myself —")
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Topic.choices)
    subject = forms.CharField(label=pgettext_lazy("consultation", "Subject"), max_length=300)
    question = forms.CharField(label=_("Your question"), widget=forms.Textarea(attrs={"rows": 6}))
    files = SafeFileField(label=_("Attachment"), required=False, policy=DOCUMENTS)

    def __init__(self, *args, centres, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        self.fields["organisation"].queryset = organisations
        if organisations.count() == 1:
            self.fields["organisation"].initial = organisations.first()


class AssignForm(forms.Form):
    consultant = forms.ModelChoiceField(label=_("Consultant"), queryset=None)

    def __init__(self, *args, consultants, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consultant"].queryset = consultants
        if label:
            self.fields["consultant"].label = label


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=pgettext_lazy("learning", "Answer"), widget=forms.Textarea(attrs={"rows": 6})
    )
    minutes_spent = forms.IntegerField(label=_("Time spent, minutes"), min_value=1, max_value=10000)
    outcome = forms.CharField(label=_("Outcome"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    follow_up_on = forms.DateField(label=_("Follow-up date"), required=False, widget=DATE)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"), choices=RATING_CHOICES, coerce=int, widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ProjectReviewForm(forms.Form):
    centre = forms.ModelChoiceField(label=_("Resource centre"), queryset=None, empty_label=None)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("Project title"), max_length=300)
    summary = forms.CharField(label=_("Project summary"), widget=forms.Textarea(attrs={"rows": 6}))
    budget = forms.DecimalField(label=_("Budget, roubles"), required=False, min_value=0, max_digits=14)
    document = SafeFileField(label=_("Project document"), required=False, policy=PROJECT_DOCUMENTS)

    def __init__(self, *args, centres, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres
        self.fields["organisation"].queryset = organisations


class AssessmentStartForm(forms.Form):
    instrument = forms.ModelChoiceField(label=_("Instrument"), queryset=None, empty_label=None)
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("Kind"), choices=AssessmentKind.choices)

    def __init__(self, *args, instruments, organisations, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = instruments
        self.fields["organisation"].queryset = organisations
        self.fields["kind"].choices = [(k, AssessmentKind(k).label) for k in kinds]


class AssessmentForm(forms.Form):
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, assessment, **kwargs):
        self.assessment = assessment
        self.areas = list(assessment.instrument.areas.all())
        existing = {s.area_id: s for s in assessment.scores.all()}
        initial = {"notes": assessment.notes}
        for area in self.areas:
            if area.pk in existing:
                initial[f"score_{area.code}"] = existing[area.pk].score
                initial[f"comment_{area.code}"] = existing[area.pk].comment
        super().__init__(*args, initial=initial, **kwargs)
        for area in self.areas:
            self.fields[f"score_{area.code}"] = forms.TypedChoiceField(
                label=area.name,
                choices=[("", "—")] + [(level, f"{level}. {text}") for level, text in area.levels()],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"comment_{area.code}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self):
        return [(a, self[f"score_{a.code}"], self[f"comment_{a.code}"]) for a in self.areas]

    def score_inputs(self):
        data = self.cleaned_data
        return {
            a.code: (data.get(f"score_{a.code}"), data.get(f"comment_{a.code}") or "") for a in self.areas
        }


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("From"), required=False, widget=DATE)
    end = forms.DateField(label=_("To"), required=False, widget=DATE)
    centre = forms.ModelChoiceField(
        label=_("Centre"), queryset=None, required=False, empty_label=_("All my centres")
    )

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = centres

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] < data["start"]:
            self.add_error("end", _("The period cannot end before it starts."))
        return data


class ProgrammeForm(CentreChoiceMixin, forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["centre", "title", "topic", "summary", "description", "is_published"]
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_centres(centres)


class InstrumentForm(CentreChoiceMixin, forms.ModelForm):
    class Meta:
        model = Instrument
        fields = ["centre", "name", "description", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, centres, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit_centres(centres)


AreaFormSet = forms.inlineformset_factory(
    Instrument,
    Area,
    fields=["code", "name_ru", "name_en", "topic", "level_1", "level_2", "level_3", "level_4", "order"],
    widgets={f"level_{i}": forms.Textarea(attrs={"rows": 2}) for i in range(1, 5)},
    extra=1,
    can_delete=False,
)

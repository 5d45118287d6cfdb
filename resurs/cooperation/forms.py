"""Forms of the cooperation app. They parse input; the services hold the rules and their errors are put back
beside the fields with ``apply_errors``."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from resurs.accounts.access import centre_ids_for, is_admin
from resurs.cooperation.choices import ADVICE_REQUESTER_KINDS, AdvisoryKind, AdvisoryLevel, PartnershipType
from resurs.cooperation.validators import DOCUMENT_POLICY
from resurs.cooperation.widgets import SearchSelect
from resurs.core.uploads import SafeFileField
from resurs.registry.choices import OrganisationKind, TieRole
from resurs.registry.models import Centre, Organisation, Person

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the fields it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def _organisations(*kinds: str):
    rows = Organisation.objects.only("id", "name", "short_name", "kind").order_by("name")
    return rows.filter(kind__in=kinds) if kinds else rows


class CentreChoiceMixin:
    """A ``centre`` field limited to the centres the user manages (administrators: every centre)."""

    def _setup_centre(self, user) -> None:
        centres = Centre.objects.select_related("organisation")
        if not is_admin(user):
            centres = centres.filter(pk__in=centre_ids_for(user))
        field = self.fields["centre"]
        field.queryset = centres
        if centres.count() == 1:
            field.initial = centres.first().pk


class PartnershipForm(CentreChoiceMixin, forms.Form):
    centre = forms.ModelChoiceField(queryset=Centre.objects.none(), label=_("Recorded by centre"))
    organisation_a = forms.ModelChoiceField(
        queryset=_organisations(),
        widget=SearchSelect(search="organisation"),
        label=_("First party"),
        help_text=_("The organisation that funds, gives or initiates."),
    )
    organisation_b = forms.ModelChoiceField(
        queryset=_organisations(),
        widget=SearchSelect(search="organisation"),
        label=_("Second party"),
        help_text=_("The organisation that receives or joins."),
    )
    type = forms.ChoiceField(choices=PartnershipType.choices, label=_("Type"))
    title = forms.CharField(max_length=300, label=pgettext_lazy("name", "Title"))
    started_on = forms.DateField(label=pgettext_lazy("period", "Start"), widget=DATE)
    ended_on = forms.DateField(
        label=pgettext_lazy("period", "End"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty if ongoing."),
    )
    value = forms.DecimalField(
        label=_("Value, roubles"),
        required=False,
        max_digits=16,
        decimal_places=2,
        help_text=_("Money or the money equivalent of goods and services."),
    )
    outcomes = forms.CharField(label=_("Outcomes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_centre(user)
        if editing:
            del self.fields["centre"]


class DocumentForm(forms.Form):
    title = forms.CharField(max_length=300, label=pgettext_lazy("name", "Title"), required=False)
    file = SafeFileField(label=_("File"), policy=DOCUMENT_POLICY)


class VolunteeringForm(CentreChoiceMixin, forms.Form):
    centre = forms.ModelChoiceField(queryset=Centre.objects.none(), label=_("Recorded by centre"))
    company = forms.ModelChoiceField(
        queryset=_organisations(OrganisationKind.BUSINESS),
        label=_("Company"),
        widget=SearchSelect(search="organisation", kinds=(OrganisationKind.BUSINESS,)),
    )
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    volunteers = forms.IntegerField(label=_("Volunteers"), min_value=0)
    hours = forms.IntegerField(label=_("Hours"), min_value=0)
    programme = forms.CharField(label=_("Programme"), max_length=300, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_centre(user)


class AdvisoryBodyForm(CentreChoiceMixin, forms.Form):
    centre = forms.ModelChoiceField(queryset=Centre.objects.none(), label=_("Recorded by centre"))
    organisation = forms.ModelChoiceField(
        queryset=_organisations(OrganisationKind.ADVISORY_BODY),
        widget=SearchSelect(search="organisation", kinds=(OrganisationKind.ADVISORY_BODY,)),
        label=_("Advisory body"),
        help_text=_("Add it to the registry first as an organisation of the kind “advisory body”."),
    )
    kind = forms.ChoiceField(choices=AdvisoryKind.choices, label=_("Kind"))
    level = forms.ChoiceField(choices=AdvisoryLevel.choices, label=_("Level"))
    government_body = forms.ModelChoiceField(
        queryset=_organisations(OrganisationKind.GOVERNMENT),
        label=_("Government body"),
        widget=SearchSelect(search="organisation", kinds=(OrganisationKind.GOVERNMENT,)),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_centre(user)


class MembershipForm(CentreChoiceMixin, forms.Form):
    centre = forms.ModelChoiceField(queryset=Centre.objects.none(), label=_("Recorded by centre"))
    person = forms.ModelChoiceField(
        queryset=Person.objects.filter(erased_at__isnull=True).only(
            "id", "last_name", "first_name", "patronymic"
        ),
        label=_("Person"),
        widget=SearchSelect(search="person"),
    )
    role = forms.ChoiceField(
        choices=[
            (TieRole.BOARD_MEMBER, TieRole.BOARD_MEMBER.label),
            (TieRole.ADVISORY_MEMBER, TieRole.ADVISORY_MEMBER.label),
        ],
        label=_("Seat"),
    )
    organisation = forms.ModelChoiceField(
        queryset=_organisations(),
        widget=SearchSelect(search="organisation"),
        label=_("Organisation"),
        help_text=_("The NGO whose board, or the advisory body."),
    )
    title = forms.CharField(
        max_length=300,
        required=False,
        label=pgettext_lazy("position", "Title"),
        help_text=_("E.g. chair of the board, deputy chair."),
    )
    started_on = forms.DateField(label=_("From"), widget=DATE)
    ended_on = forms.DateField(label=_("Until"), required=False, widget=DATE)
    main_affiliation = forms.ModelChoiceField(
        queryset=_organisations(),
        widget=SearchSelect(search="organisation"),
        required=False,
        label=_("Main affiliation"),
        help_text=_("Where the member mainly works, e.g. the company a business person comes from."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_centre(user)


class MembershipEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), widget=DATE)


class AdviceRequestForm(CentreChoiceMixin, forms.Form):
    centre = forms.ModelChoiceField(queryset=Centre.objects.none(), label=_("Centre"))
    topic = forms.CharField(max_length=300, label=_("Topic"))
    question = forms.CharField(label=_("Question"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    requester = forms.ModelChoiceField(
        queryset=_organisations(*ADVICE_REQUESTER_KINDS),
        label=_("Requester"),
        widget=SearchSelect(search="organisation", kinds=ADVICE_REQUESTER_KINDS),
        required=False,  # the service gives the specific message when it is missing
        help_text=_("The government body or company that asks."),
    )
    contact_person = forms.ModelChoiceField(
        queryset=Person.objects.filter(erased_at__isnull=True).only(
            "id", "last_name", "first_name", "patronymic"
        ),
        required=False,
        label=_("Contact person (registry)"),
        widget=SearchSelect(search="person"),
    )
    contact_name = forms.CharField(max_length=300, required=False, label=_("Contact name"))
    contact_email = forms.EmailField(required=False, label=_("Contact e-mail"))
    contact_phone = forms.CharField(max_length=64, required=False, label=_("Contact phone"))
    received_on = forms.DateField(label=_("Received"), widget=DATE)
    due_on = forms.DateField(label=_("Answer due"), widget=DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self._setup_centre(user)


class AdviceAnswerForm(forms.Form):
    response = forms.CharField(
        label=pgettext_lazy("noun", "Answer"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )


class AdviceAskForm(forms.Form):
    """A partner or an official asks a centre for advice, for an organisation they act for."""

    requester = forms.ModelChoiceField(queryset=Organisation.objects.none(), label=_("On behalf of"))
    centre = forms.ModelChoiceField(
        queryset=Centre.objects.select_related("organisation"),
        label=_("Centre"),
        help_text=_("The resource centre you are asking."),
    )
    topic = forms.CharField(max_length=300, label=_("Topic"))
    question = forms.CharField(
        label=_("Question"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What you would like advice on, and any background the centre should know."),
    )
    due_on = forms.DateField(
        label=_("Answer needed by"),
        widget=DATE,
        required=False,
        help_text=_("Leave empty if there is no deadline: the centre answers within 30 days."),
    )
    contact_phone = forms.CharField(max_length=64, required=False, label=_("Phone (optional)"))

    def __init__(self, *args, user, **kwargs):
        from resurs.cooperation.selectors import advice_requester_organisations

        super().__init__(*args, **kwargs)
        organisations = advice_requester_organisations(user)
        self.fields["requester"].queryset = organisations
        if len(organisations) == 1:
            self.fields["requester"].initial = organisations[0].pk
        # The centre of the organisation's region if there is one, else the national hub.
        centres = self.fields["centre"].queryset
        region_id = organisations[0].region_id if len(organisations) else None
        default = (region_id and centres.filter(organisation__region_id=region_id).first()) or centres.filter(
            is_hub=True
        ).first()
        if default is not None:
            self.fields["centre"].initial = default.pk

from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from resurs.accounts.choices import Role
from resurs.accounts.models import ApiToken, Representation, RoleAssignment, User
from resurs.accounts.services import account_signup_complete


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form with a label that says what to type (allauth's says only "Login")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = _("Username or e-mail")
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        self.fields["password"].help_text = ""  # the page links "Forgot your password?" beside the button


class SignupForm(AllauthSignupForm):
    """Self sign-up for NGO representatives: name, e-mail, password, and consent to personal-data processing."""

    first_name = forms.CharField(label=pgettext_lazy("person", "First name"), max_length=150)
    last_name = forms.CharField(label=pgettext_lazy("person", "Last name"), max_length=150)
    consent = forms.BooleanField(
        label=_("I agree to the processing of my personal data"),
        error_messages={
            "required": _("To create an account, agree to the processing of your personal data.")
        },
    )
    field_order = ["last_name", "first_name", "email", "password1", "password2", "consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.pop("placeholder", None)  # the labels say it
        self.fields["email"].label = _("E-mail address")
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["consent"].help_text = format_html(
            '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
            _("Your name and e-mail are processed to run your account and your organisation's requests."),
            reverse("accounts:privacy"),
            _("Read the personal-data policy"),
        )

    def custom_signup(self, request, user) -> None:
        account_signup_complete(user=user, language=get_language() or "ru")


class ProfileForm(forms.ModelForm):
    """Name and language. The e-mail address changes on allauth's page, which verifies the new one first."""

    class Meta:
        model = User
        fields = ["first_name", "last_name", "preferred_language"]


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ["name"]
        labels = {"name": _("What the token is for")}


class RoleGrantForm(forms.ModelForm):
    """Grant a role; the centre is needed for centre roles (staff, programme manager, trainer, researcher)."""

    class Meta:
        model = RoleAssignment
        fields = ["role", "centre"]
        help_texts = {"centre": _("Required for centre staff, programme managers, trainers and researchers.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "---------"), *Role.choices]
        self.fields["centre"].queryset = self.fields["centre"].queryset.select_related("organisation")

    def _post_clean(self):
        # The service validates the role against the user (uniqueness, centre rules).
        pass


class UserFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("any role")), *Role.choices])


class RepresentationStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Representation.Status.choices)

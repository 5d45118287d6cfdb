from django import forms
from django.utils.translation import gettext_lazy as _

from resurs.accounts.choices import Role
from resurs.accounts.models import ApiToken, Representation, RoleAssignment, User


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email", "preferred_language"]
        labels = {"email": _("E-mail address")}


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

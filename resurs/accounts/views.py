"""Sign-in, sign-out, password reset (Django's auth views), the profile and personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resurs.accounts.forms import ApiTokenForm, ProfileForm
from resurs.accounts.services import api_token_create, api_token_revoke

LoginView = auth_views.LoginView.as_view(
    template_name="accounts/login.html", redirect_authenticated_user=True
)
LogoutView = auth_views.LogoutView.as_view()
PasswordResetView = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    success_url=reverse_lazy("accounts:password-reset-done"),
)
PasswordResetDoneView = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)
PasswordResetConfirmView = auth_views.PasswordResetConfirmView.as_view(
    template_name="accounts/password_reset_confirm.html",
    success_url=reverse_lazy("accounts:password-reset-complete"),
)
PasswordResetCompleteView = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        from django.conf import settings

        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.preferred_language)
        return response
    context = {
        "form": form,
        "token_form": ApiTokenForm(),
        "tokens": request.user.api_tokens.all(),
        "roles": request.user.role_assignments.select_related("centre__organisation"),
        "representations": request.user.representations.select_related("organisation"),
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:profile")
    _token, clear = api_token_create(user=request.user, name=form.cleaned_data["name"])
    messages.success(
        request, _("Your new token (copy it now, it is shown only once): %(token)s") % {"token": clear}
    )
    return redirect("accounts:profile")


@login_required
@require_POST
def token_revoke(request, pk: int):
    if api_token_revoke(user=request.user, token_id=pk):
        messages.success(request, _("The token has been revoked."))
    return redirect("accounts:profile")

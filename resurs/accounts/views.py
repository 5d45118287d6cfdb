"""The profile, personal API tokens, the personal-data policy, and the administrators' pages for users, roles,
representations and sign-in locks. Signing in and up, password reset and two factors are allauth's views."""

from __future__ import annotations

from allauth.core.ratelimit import consume
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from resurs.accounts.access import is_admin, two_factor_required
from resurs.accounts.forms import (
    ApiTokenForm,
    ProfileForm,
    RepresentationStatusForm,
    RoleGrantForm,
    UserFilterForm,
)
from resurs.accounts.models import Representation, RoleAssignment, User
from resurs.accounts.selectors import login_locked_until, signin_history
from resurs.accounts.services import (
    PERSONAL_DATA_POLICY_VERSION,
    api_token_create,
    api_token_revoke,
    login_unlock,
    representation_set_status,
    role_grant,
    role_revoke,
    two_factor_reset,
)
from resurs.core.search import search_filter


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your profile has been saved."))
        response = redirect("accounts:profile")
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, request.user.preferred_language)
        return response
    context = {
        "form": form,
        "two_factor_enabled": is_mfa_enabled(request.user),
        "two_factor_required": two_factor_required(request.user),
        "token_form": ApiTokenForm(),
        "tokens": request.user.api_tokens.all(),
        "roles": request.user.role_assignments.select_related("centre__organisation"),
        "representations": request.user.representations.select_related("organisation"),
        "person": request.user.person,
    }
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def token_create(request):
    form = ApiTokenForm(request.POST)
    if not consume(request, action="api_token_create", user=request.user):
        messages.error(
            request, _("You have created too many tokens in the last hour. Try again later or reuse a token.")
        )
        return redirect("accounts:profile")
    if not form.is_valid():
        messages.error(request, _("Give the token a name."))
        return redirect("accounts:profile")
    _token, clear = api_token_create(user=request.user, name=form.cleaned_data["name"])
    messages.success(
        request, _("Your new token (copy it now, it is shown only once): %(token)s") % {"token": clear}
    )
    return redirect("accounts:profile")


def privacy_policy(request):
    """The personal-data policy a person agrees to when signing up (public: it is read before signing up)."""
    return render(request, "accounts/privacy_policy.html", {"version": PERSONAL_DATA_POLICY_VERSION})


@login_required
@require_POST
def token_revoke(request, pk: int):
    if api_token_revoke(user=request.user, token_id=pk):
        messages.success(request, _("The token has been revoked."))
    return redirect("accounts:profile")


# --- Administrators: users, roles, representations --------------------------------------------------------


def _require_admin(request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not is_admin(request.user):
        raise PermissionDenied
    return None


def _get_user_or_404(pk: int) -> User:
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


def user_list(request):
    if (denied := _require_admin(request)) is not None:
        return denied
    form = UserFilterForm(request.GET or None)
    queryset = User.objects.order_by("last_name", "first_name", "username").prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("centre__organisation"))
    )
    if form.is_valid():
        query = form.cleaned_data["q"].strip()
        queryset = search_filter(queryset, query, ["username", "first_name", "last_name", "email"])
        if form.cleaned_data["role"]:
            queryset = queryset.filter(role_assignments__role=form.cleaned_data["role"]).distinct()
    page_obj = Paginator(queryset, 50).get_page(request.GET.get("page"))
    pending = Representation.objects.filter(status=Representation.Status.PENDING).select_related(
        "user", "organisation"
    )
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "users": page_obj.object_list,
            "pending": pending,
            "crumbs": [(_("Users and roles"), None)],
        },
    )


def user_detail(request, pk: int):
    if (denied := _require_admin(request)) is not None:
        return denied
    target = _get_user_or_404(pk)
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            role_grant(
                user=target,
                role=form.cleaned_data["role"],
                centre=form.cleaned_data["centre"],
                actor=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("The role has been granted."))
            return redirect("accounts:user-detail", pk=target.pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "target": target,
            "form": form,
            "roles": target.role_assignments.select_related("centre__organisation"),
            "representations": target.representations.select_related("organisation"),
            "statuses": Representation.Status.choices,
            "locked_until": login_locked_until(target, request),
            "signins": signin_history(target),
            "two_factor_enabled": is_mfa_enabled(target),
            "crumbs": [(_("Users and roles"), "/accounts/users/"), (str(target), None)],
        },
        status=400 if form.errors else 200,
    )


@require_POST
def user_unlock(request, pk: int):
    """Clear the failed sign-ins that lock a user's account."""
    if (denied := _require_admin(request)) is not None:
        return denied
    target = _get_user_or_404(pk)
    login_unlock(user=target, actor=request.user, request=request)
    messages.success(request, _("Sign-in to this account is unlocked."))
    return redirect("accounts:user-detail", pk=target.pk)


@require_POST
def user_two_factor_reset(request, pk: int):
    """Turn off a user's two-factor sign-in (they lost the phone and the recovery codes)."""
    if (denied := _require_admin(request)) is not None:
        return denied
    target = _get_user_or_404(pk)
    two_factor_reset(user=target, actor=request.user)
    messages.success(request, _("Two-factor sign-in is turned off for this user."))
    return redirect("accounts:user-detail", pk=target.pk)


@require_POST
def role_revoke_view(request, pk: int, assignment_pk: int):
    if (denied := _require_admin(request)) is not None:
        return denied
    target = _get_user_or_404(pk)
    assignment = target.role_assignments.filter(pk=assignment_pk).first()
    if assignment is None:
        raise Http404
    try:
        role_revoke(assignment=assignment, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The role has been revoked."))
    return redirect("accounts:user-detail", pk=target.pk)


@require_POST
def representation_status(request, pk: int):
    if (denied := _require_admin(request)) is not None:
        return denied
    representation = Representation.objects.filter(pk=pk).first()
    if representation is None:
        raise Http404
    form = RepresentationStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Unknown status."))
    else:
        representation_set_status(
            representation=representation, status=form.cleaned_data["status"], actor=request.user
        )
        messages.success(request, _("The representation has been updated."))
    return redirect("accounts:user-detail", pk=representation.user_id)

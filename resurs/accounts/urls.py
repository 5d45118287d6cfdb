from allauth.account import views as allauth_views
from django.urls import path

from resurs.accounts import views

app_name = "accounts"
urlpatterns = [
    # Sign-in and sign-out are allauth's views (mounted in config/urls.py); these names stay for the templates
    # and LOGIN_URL that use them.
    path("login/", allauth_views.login, name="login"),
    path("logout/", allauth_views.logout, name="logout"),
    path("profile/", views.profile, name="profile"),
    path("privacy/", views.privacy_policy, name="privacy"),
    path("tokens/", views.token_create, name="token-create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("users/", views.user_list, name="user-list"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/unlock/", views.user_unlock, name="user-unlock"),
    path("users/<int:pk>/two-factor/reset/", views.user_two_factor_reset, name="user-two-factor-reset"),
    path("users/<int:pk>/roles/<int:assignment_pk>/revoke/", views.role_revoke_view, name="role-revoke"),
    path("representations/<int:pk>/status/", views.representation_status, name="representation-status"),
]

from django.urls import path

from resurs.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView, name="login"),
    path("logout/", views.LogoutView, name="logout"),
    path("password-reset/", views.PasswordResetView, name="password-reset"),
    path("password-reset/sent/", views.PasswordResetDoneView, name="password-reset-done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView, name="password-reset-confirm"),
    path("reset/done/", views.PasswordResetCompleteView, name="password-reset-complete"),
    path("profile/", views.profile, name="profile"),
    path("tokens/", views.token_create, name="token-create"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token-revoke"),
    path("users/", views.user_list, name="user-list"),
    path("users/<int:pk>/", views.user_detail, name="user-detail"),
    path("users/<int:pk>/roles/<int:assignment_pk>/revoke/", views.role_revoke_view, name="role-revoke"),
    path("representations/<int:pk>/status/", views.representation_status, name="representation-status"),
]

from django.urls import path

from resurs.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.my_reviews, name="my"),
    path("assignments/<int:pk>/", views.review, name="review"),
    path(
        "assignments/<int:pk>/attachments/<int:attachment_id>/",
        views.assignment_attachment,
        name="assignment-attachment",
    ),
    path("assignments/<int:pk>/conflict/", views.declare_conflict, name="declare-conflict"),
    path("assignments/<int:pk>/decline/", views.decline, name="decline"),
    path("invitations/<int:pk>/respond/", views.invitation_respond, name="invitation-respond"),
    path("profile/", views.profile, name="profile"),
    path("experts/", views.experts, name="experts"),
    path("calls/", views.calls, name="calls"),
    path("calls/<slug:slug>/", views.call, name="call"),
    path("calls/<slug:slug>/pool/", views.pool, name="pool"),
    path("calls/<slug:slug>/settings/", views.settings_view, name="settings"),
    path("calls/<slug:slug>/conflicts/", views.conflicts, name="conflicts"),
    path("calls/<slug:slug>/assignment/", views.assignment, name="assignment"),
    path("calls/<slug:slug>/assignment/<int:pk>/override/", views.override, name="override"),
    path("calls/<slug:slug>/assignment/<int:pk>/experts/", views.expert_pick, name="expert-pick"),
    path("calls/<slug:slug>/moderation/", views.moderation, name="moderation"),
    path("calls/<slug:slug>/moderation/<int:pk>/send-back/", views.send_back, name="send-back"),
    path("calls/<slug:slug>/ranking/", views.ranking, name="ranking"),
    path("calls/<slug:slug>/close/", views.close_round, name="close"),
]

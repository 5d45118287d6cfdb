from django.urls import path

from resurs.cooperation import views

app_name = "cooperation"
urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("network/", views.network_page, name="network"),
    path("network/data.json", views.network_data, name="network-data"),
    path("network/export.<str:fmt>", views.network_export, name="network-export"),
    path("partnerships/", views.partnership_list, name="partnership-list"),
    path("partnerships/new/", views.partnership_create, name="partnership-create"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="partnership-detail"),
    path("partnerships/<int:pk>/edit/", views.partnership_edit, name="partnership-edit"),
    path("partnerships/<int:pk>/delete/", views.partnership_delete, name="partnership-delete"),
    path("partnerships/<int:pk>/documents/", views.partnership_document_add, name="partnership-document-add"),
    path(
        "partnerships/<int:pk>/documents/<int:document_pk>/",
        views.partnership_document_download,
        name="partnership-document",
    ),
    path("volunteering/", views.volunteering_list, name="volunteering-list"),
    path("volunteering/new/", views.volunteering_create, name="volunteering-create"),
    path("advisory-bodies/", views.advisory_body_list, name="advisory-body-list"),
    path("advisory-bodies/new/", views.advisory_body_create, name="advisory-body-create"),
    path("advisory-bodies/<int:pk>/", views.advisory_body_detail, name="advisory-body-detail"),
    path("memberships/", views.membership_list, name="membership-list"),
    path("memberships/new/", views.membership_create, name="membership-create"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership-end"),
    path("organisations/<int:pk>/", views.organisation_cooperation, name="organisation"),
    path("people/<int:pk>/", views.person_cooperation, name="person"),
    path("advice/", views.advice_list, name="advice-list"),
    path("advice/new/", views.advice_create, name="advice-create"),
    path("advice/mine/", views.advice_mine, name="advice-mine"),
    path("advice/mine/<int:pk>/", views.advice_mine_detail, name="advice-mine-detail"),
    path("advice/ask/", views.advice_ask, name="advice-ask"),
    path("advice/<int:pk>/", views.advice_detail, name="advice-detail"),
    path("advice/<int:pk>/take/", views.advice_take, name="advice-take"),
    path("advice/<int:pk>/answer/", views.advice_answer, name="advice-answer"),
    path("advice/<int:pk>/close/", views.advice_close, name="advice-close"),
    path("advice/<int:pk>/attachments/", views.advice_attachment_add, name="advice-attachment-add"),
    path(
        "advice/<int:pk>/attachments/<int:attachment_pk>/",
        views.advice_attachment_download,
        name="advice-attachment",
    ),
]

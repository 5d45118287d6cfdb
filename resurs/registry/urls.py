from django.urls import include, path

from resurs.registry import views

app_name = "registry"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_create, name="organisation-create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<int:pk>/ties/new/", views.tie_create, name="tie-create"),
    path("organisations/<int:pk>/propose/", views.proposal_create, name="proposal-create"),
    path("organisations/<int:pk>/represent/", views.representation_request, name="representation-request"),
    path("ties/<int:pk>/end/", views.tie_end, name="tie-end"),
    path("people/", views.person_list, name="person-list"),
    path("people/new/", views.person_create, name="person-create"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person-edit"),
    path("people/<int:pk>/consent/", views.person_consent, name="person-consent"),
    path("people/<int:pk>/erase/", views.person_erase, name="person-erase"),
    path("proposals/", views.proposal_list, name="proposal-list"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal-detail"),
    path("represent/", views.represent, name="represent"),
    path("represent/new/", views.represent_new, name="represent-new"),
    path("pick/<str:kind>/", views.pick, name="pick"),
    path("my-data/", views.my_data, name="my-data"),
    path("my-data/erase/", views.my_data_erase, name="my-data-erase"),
    path("", include("resurs.registry.urls_scale")),
]

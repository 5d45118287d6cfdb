from django.urls import include, path

from resurs.registry import views

app_name = "registry"
urlpatterns = [
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation-detail"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("", include("resurs.registry.urls_scale")),
]

from django.urls import path

from resurs.events import views

app_name = "events"
urlpatterns = [
    path("", views.event_list, name="event-list"),
    path("month/", views.event_month, name="event-month"),
    path("calendar.ics", views.calendar_feed, name="calendar-feed"),
    path("centres/<slug:slug>/calendar.ics", views.calendar_feed, name="centre-calendar-feed"),
    path("my/", views.my_registrations, name="my-registrations"),
    path("manage/", views.event_manage_list, name="manage"),
    path("new/", views.event_create, name="event-create"),
    path("registry-search/<str:kind>/", views.registry_search, name="registry-search"),
    path("<int:pk>/", views.event_detail, name="event-detail"),
    path("<int:pk>/register/", views.event_register, name="event-register"),
    path("<int:pk>/event.ics", views.event_ics, name="event-ics"),
    path("<int:pk>/edit/", views.event_edit, name="event-edit"),
    path("<int:pk>/sessions/", views.session_add, name="session-add"),
    path("<int:pk>/sessions/<int:session_pk>/delete/", views.session_delete, name="session-delete"),
    path("<int:pk>/materials/", views.event_materials, name="event-materials"),
    path("<int:pk>/materials/<int:material_pk>/", views.material_file, name="material-file"),
    path("<int:pk>/check-in/", views.event_checkin, name="event-checkin"),
    path("<int:pk>/check-in/scan/", views.event_checkin_scan, name="event-checkin-scan"),
    path(
        "<int:pk>/check-in/<int:registration_pk>/", views.registration_check_in, name="registration-check-in"
    ),
    path(
        "<int:pk>/registrations/<int:registration_pk>/cancel/",
        views.registration_cancel_by_staff,
        name="registration-cancel",
    ),
    path("registrations/<str:token>/", views.registration_manage, name="registration-manage"),
]

from django.urls import path

from resurs.outreach import views

app_name = "outreach"
urlpatterns = [
    path("publications/", views.publication_list, name="publication-list"),
    path("publications/feed.atom", views.publication_feed, name="publication-feed"),
    path("publications/manage/", views.publication_manage, name="publication-manage"),
    path("publications/new/", views.publication_create, name="publication-create"),
    path("publications/<int:pk>/", views.publication_detail, name="publication-detail"),
    path("publications/<int:pk>/edit/", views.publication_edit, name="publication-edit"),
    path("publications/<int:pk>/pdf/", views.publication_pdf, name="publication-pdf"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("challenges/", views.challenge_list, name="challenge-list"),
    path("challenges/new/", views.challenge_create, name="challenge-create"),
    path("challenges/<int:pk>/", views.challenge_detail, name="challenge-detail"),
    path("challenges/<int:pk>/edit/", views.challenge_edit, name="challenge-edit"),
    path("media/", views.contact_list, name="contact-list"),
    path("media/contacts/new/", views.contact_create, name="contact-create"),
    path("media/contacts/<int:pk>/", views.contact_edit, name="contact-edit"),
    path("media/contacts/<int:pk>/unsubscribe/", views.contact_unsubscribe, name="contact-unsubscribe"),
    path("media/announcements/", views.announcement_list, name="announcement-list"),
    path("media/announcements/new/", views.announcement_create, name="announcement-create"),
    path("media/announcements/<int:pk>/", views.announcement_detail, name="announcement-detail"),
    path("media/announcements/<int:pk>/edit/", views.announcement_edit, name="announcement-edit"),
    path("media/announcements/<int:pk>/send/", views.announcement_send, name="announcement-send"),
    path("media/announcements/<int:pk>/test/", views.announcement_test, name="announcement-test"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]

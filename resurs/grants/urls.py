from django.urls import path

from resurs.grants import views

app_name = "grants"
urlpatterns = [
    path("", views.call_list, name="call-list"),
    path("calls/<slug:slug>/", views.call_detail, name="call-detail"),
    path("calls/<slug:slug>/apply/", views.application_start, name="application-start"),
    path("calls/<slug:slug>/new-organisation/", views.organisation_register, name="organisation-register"),
    path("calls/<slug:slug>/results/", views.call_results, name="call-results"),
    path("calls/<slug:slug>/results/360giving.json", views.call_results_360, name="call-results-360"),
    path("register.<str:fmt>", views.register_export, name="register-export"),
    path("history/", views.history, name="history"),
    path("history/import/", views.history_import, name="history-import"),
    path("my/", views.my_applications, name="my-applications"),
    path("applications/<int:pk>/", views.application_detail, name="application-detail"),
    path("applications/<int:pk>/edit/", views.application_edit, name="application-edit"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application-submit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application-withdraw"),
    path("applications/<int:pk>/pdf/", views.application_pdf, name="application-pdf"),
    path("applications/<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path(
        "applications/<int:pk>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment-download",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_id>/delete/",
        views.attachment_delete,
        name="attachment-delete",
    ),
    path("applications/<int:pk>/screen/", views.application_screen, name="application-screen"),
    path("applications/<int:pk>/decide/", views.application_decide, name="application-decide"),
    path("applications/<int:pk>/agreement/", views.agreement_create, name="agreement-create"),
    path("applications/<int:pk>/tranches/<int:tranche_id>/paid/", views.tranche_paid, name="tranche-paid"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("manage/", views.manage_calls, name="manage-calls"),
    path("manage/programmes/<int:programme_pk>/new-call/", views.call_create, name="call-create"),
    path("manage/calls/<slug:slug>/", views.call_manage, name="call-manage"),
    path("manage/calls/<slug:slug>/edit/", views.call_edit, name="call-edit"),
    path("manage/calls/<slug:slug>/status/", views.call_status, name="call-status"),
    path("manage/calls/<slug:slug>/directions/", views.direction_add, name="direction-add"),
    path("manage/calls/<slug:slug>/form/", views.form_builder, name="form-builder"),
    path("manage/calls/<slug:slug>/applications/", views.pipeline, name="pipeline"),
]

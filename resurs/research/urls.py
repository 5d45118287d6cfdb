from django.urls import path

from resurs.research import views

app_name = "research"
urlpatterns = [
    path("", views.study_list, name="study-list"),
    path("new/", views.study_create, name="study-create"),
    path("sector/", views.sector, name="sector"),
    path("<int:pk>/", views.study_detail, name="study-detail"),
    path("<int:pk>/edit/", views.study_edit, name="study-edit"),
    path("<int:pk>/members/", views.member_add, name="member-add"),
    path("<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member-remove"),
    path("<int:pk>/respondents/new/", views.respondent_create, name="respondent-create"),
    path("<int:pk>/nominations/", views.nomination_list, name="nomination-list"),
    path("<int:pk>/coding/", views.coding, name="coding"),
    path("<int:pk>/coding/passages.xlsx", views.passages_export, name="passages-export"),
    path("<int:pk>/coding/codebook.qdc", views.codebook_export, name="codebook-export"),
    path("<int:pk>/analysis/", views.analysis, name="analysis"),
    path("<int:pk>/analysis/network.json", views.analysis_network, name="analysis-network"),
    path("<int:pk>/report/", views.report, name="report"),
    path("<int:pk>/report.pdf", views.report_pdf, name="report-pdf"),
    path("<int:pk>/ranking.<str:fmt>", views.ranking_export, name="ranking-export"),
    path("<int:pk>/network.<str:fmt>", views.network_export, name="network-export"),
    path("<int:pk>/import/", views.import_view, name="import"),
    path("respondents/<int:pk>/", views.respondent_detail, name="respondent-detail"),
    path("respondents/<int:pk>/interviews/new/", views.interview_create, name="interview-create"),
    path("interviews/<int:pk>/", views.interview_detail, name="interview-detail"),
    path("interviews/<int:pk>/transcript/", views.transcript_edit, name="transcript-edit"),
    path(
        "interviews/<int:pk>/transcript/file/",
        views.interview_transcript_file,
        name="interview-transcript-file",
    ),
    path("interviews/<int:pk>/segments/", views.segment_create, name="segment-create"),
    path("interviews/<int:pk>/candidates/", views.interview_candidates, name="interview-candidates"),
    path("segments/<int:pk>/delete/", views.segment_delete, name="segment-delete"),
    path("codes/<int:pk>/", views.code_detail, name="code-detail"),
    path("nominations/<int:pk>/resolve/", views.nomination_resolve, name="nomination-resolve"),
    path("nominations/<int:pk>/status/", views.nomination_status, name="nomination-status"),
    path("nominations/<int:pk>/delete/", views.nomination_delete, name="nomination-delete"),
]

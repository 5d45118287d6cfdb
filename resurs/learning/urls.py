from django.urls import path

from resurs.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("my/", views.my_learning, name="my-learning"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme-detail"),
    path("courses/new/", views.course_edit, name="course-create"),
    path("courses/<int:pk>/", views.course_detail, name="course-detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course-edit"),
    path("courses/<int:course_pk>/sessions/new/", views.session_edit, name="session-create"),
    path("sessions/<int:pk>/", views.session_detail, name="session-detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session-edit"),
    path("sessions/<int:pk>/enrol/", views.session_enrol, name="session-enrol"),
    path("sessions/<int:pk>/materials/", views.material_add, name="material-add"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session-attendance"),
    path("enrolments/<int:pk>/", views.enrolment_detail, name="enrolment-detail"),
    path("enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="enrolment-cancel"),
    path("enrolments/<int:pk>/decide/", views.enrolment_decide, name="enrolment-decide"),
    path("enrolments/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("certificates/verify/", views.certificate_verify, name="certificate-verify"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate-pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate-revoke"),
    path("feedback/", views.feedback_summary, name="feedback-summary"),
    path("consultations/", views.consultation_list, name="consultation-list"),
    path("consultations/new/", views.consultation_request, name="consultation-request"),
    path("consultations/<int:pk>/", views.consultation_detail, name="consultation-detail"),
    path("consultations/<int:pk>/<slug:action>/", views.consultation_action, name="consultation-action"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_submit, name="project-submit"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/report/", views.project_report, name="project-report"),
    path("assessments/", views.assessment_list, name="assessment-list"),
    path("assessments/new/", views.assessment_start, name="assessment-start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("quality/", views.service_quality, name="service-quality"),
]

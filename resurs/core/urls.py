from django.urls import path

from resurs.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("desk/", views.dashboard, name="dashboard"),
    path("jobs/<uuid:uuid>/", views.job_status, name="job-status"),
    path("jobs/<uuid:uuid>/file/", views.job_file, name="job-file"),
    path("brand.css", views.brand_css, name="brand-css"),
]

from django.urls import path

from resurs.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("desk/", views.dashboard, name="dashboard"),
    path("jobs/<uuid:uuid>/", views.job_status, name="job-status"),
    path("brand.css", views.brand_css, name="brand-css"),
]

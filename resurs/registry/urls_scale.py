"""URLs of the national-scale registry work: import, deduplication (mounted by urls.py in the registry namespace)."""

from django.urls import path

from resurs.registry import views_scale

urlpatterns = [
    path("imports/", views_scale.import_list, name="import-list"),
    path("imports/<int:pk>/", views_scale.import_detail, name="import-detail"),
    path("imports/<int:pk>/mapping/", views_scale.import_mapping, name="import-mapping"),
    path("imports/<int:pk>/rejected.csv", views_scale.import_rejected, name="import-rejected"),
    path("imports/<int:pk>/warnings.csv", views_scale.import_warnings, name="import-warnings"),
    path("imports/<int:pk>/unmapped.csv", views_scale.import_unmapped, name="import-unmapped"),
    path("imports/conflicts/", views_scale.import_conflicts, name="import-conflicts"),
    path(
        "imports/conflicts/<int:pk>/decide/",
        views_scale.import_conflict_decide_view,
        name="import-conflict-decide",
    ),
    path("duplicates/", views_scale.duplicate_list, name="duplicate-list"),
    path("duplicates/search/", views_scale.duplicate_search, name="duplicate-search"),
    path("duplicates/<int:first>/<int:second>/", views_scale.duplicate_compare, name="duplicate-compare"),
    path(
        "duplicates/<int:first>/<int:second>/dismiss/",
        views_scale.duplicate_dismiss_view,
        name="duplicate-dismiss",
    ),
]

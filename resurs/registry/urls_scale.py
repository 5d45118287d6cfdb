"""URLs of the national-scale registry work: import, deduplication (mounted by urls.py)."""

urlpatterns: list = []

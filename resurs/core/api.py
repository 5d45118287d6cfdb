"""Core API: a health check for load balancers."""

from django.db import connection
from ninja import Router, Schema

router = Router(tags=["core"])


class HealthOut(Schema):
    status: str
    database: str


@router.get("/health", response=HealthOut, auth=None, summary="Health check")
def health(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return {"status": "ok", "database": connection.vendor}

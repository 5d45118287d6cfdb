"""API router of the cooperation app (mounted under /api/v1/cooperation/)."""

from ninja import Router

router = Router(tags=["cooperation"])

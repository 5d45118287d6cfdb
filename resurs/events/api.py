"""API router of the events app (mounted under /api/v1/events/)."""

from ninja import Router

router = Router(tags=["events"])

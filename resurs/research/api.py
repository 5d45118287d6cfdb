"""API router of the research app (mounted under /api/v1/research/)."""

from ninja import Router

router = Router(tags=["research"])

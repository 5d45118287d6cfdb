"""API router of the outreach app (mounted under /api/v1/outreach/)."""

from ninja import Router

router = Router(tags=["outreach"])

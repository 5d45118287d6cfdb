"""API router of the grants app (mounted under /api/v1/grants/)."""

from ninja import Router

router = Router(tags=["grants"])

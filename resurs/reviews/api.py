"""API router of the reviews app (mounted under /api/v1/reviews/)."""

from ninja import Router

router = Router(tags=["reviews"])

"""API router of the registry app (mounted under /api/v1/registry/)."""

from ninja import Router

router = Router(tags=["registry"])

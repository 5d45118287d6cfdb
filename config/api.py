"""The JSON API: one NinjaAPI, version 1, with a router per app. Schema at /api/openapi.json, docs at /api/docs.
Every refusal is JSON in one shape (see ``resurs.core.api.ResursAPI``)."""

from resurs.accounts.api import router as accounts_router
from resurs.accounts.api_auth import ApiTokenAuth, SessionAuthWithCsrf
from resurs.cooperation.api import router as cooperation_router
from resurs.core.api import ResursAPI, fallback_router
from resurs.core.api import router as core_router
from resurs.events.api import router as events_router
from resurs.grants.api import router as grants_router
from resurs.learning.api import router as learning_router
from resurs.outreach.api import router as outreach_router
from resurs.registry.api import router as registry_router
from resurs.research.api import router as research_router
from resurs.reviews.api import router as reviews_router

api = ResursAPI(
    title="Resurs API",
    version="1",
    description="Registry, grant-making, capacity building, convening, cooperation and impact research.",
    urls_namespace="api",
    auth=[ApiTokenAuth(), SessionAuthWithCsrf()],
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/v1/", core_router)
api.add_router("/v1/accounts/", accounts_router)
api.add_router("/v1/registry/", registry_router)
api.add_router("/v1/grants/", grants_router)
api.add_router("/v1/reviews/", reviews_router)
api.add_router("/v1/learning/", learning_router)
api.add_router("/v1/events/", events_router)
api.add_router("/v1/outreach/", outreach_router)
api.add_router("/v1/cooperation/", cooperation_router)
api.add_router("/v1/research/", research_router)
api.add_router("/", fallback_router())  # last: an unknown path under /api/ is a JSON 404

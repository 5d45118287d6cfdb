"""Registry blocks on the home page (figures, for everyone) and on the desk (staff: the proposal queue;
representatives: their organisations and proposals)."""

from __future__ import annotations

from resurs.registry import selectors
from resurs.registry.access import can_review_proposals


def home(request) -> list[dict]:
    figures = selectors.registry_figures()
    if not figures["organisations"]:
        return []
    blocks = [{"template": "registry/partials/_home_figures.html", "order": 90, "figures": figures}]
    summary = selectors.hub_centre_summary()
    if summary:
        blocks.append({"template": "registry/partials/_home_hub.html", "order": 0, "hero": True, **summary})
    return blocks


def desk(request) -> list[dict]:
    blocks = []
    user = request.user
    if can_review_proposals(user):
        blocks.append(
            {
                "template": "registry/partials/_desk_proposals.html",
                "order": 30,
                "pending": selectors.pending_proposals().count(),
            }
        )
    organisations = list(selectors.represented_organisations(user))
    if organisations:
        blocks.append(
            {
                "template": "registry/partials/_desk_representative.html",
                "order": 20,
                "organisations": organisations,
                "proposals": list(selectors.proposals_of(user)[:5]),
            }
        )
    return blocks

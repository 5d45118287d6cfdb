"""Home-page blocks: the latest reports and the social challenges."""

from __future__ import annotations

from resurs.outreach import selectors


def home(request) -> list[dict]:
    reports = list(selectors.publication_latest_reports(5))
    challenges = list(selectors.challenge_list_public().order_by("-updated_at")[:5])
    return [
        {"template": "outreach/partials/_home_reports.html", "order": 40, "publications": reports},
        {"template": "outreach/partials/_home_challenges.html", "order": 50, "challenges": challenges},
    ]

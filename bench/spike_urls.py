"""URLs of the submission-spike server: every production URL, plus the bare baseline view.

The bare view stores the same payload as a real submission (one application row and its budget lines) with no
authentication, validation, audit or receipt: the fastest this server and database can take a submission.
"""

import json
from decimal import Decimal

from django.db import transaction
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as production_urlpatterns

_call_ids: dict[str, int] = {}


@csrf_exempt
def bare_submission(request, slug: str):
    from resurs.accounts.models import Representation
    from resurs.grants.models import Application, BudgetLine, Call

    data = json.loads(request.body)
    if slug not in _call_ids:
        _call_ids[slug] = Call.objects.values_list("pk", flat=True).get(slug=slug)
    answers = data.get("answers", {})
    lines = answers.get("budget", [])
    with transaction.atomic():
        applicant_id = (
            Representation.objects.filter(organisation_id=data["organisation_id"])
            .values_list("user_id", flat=True)
            .first()
        )
        application = Application.objects.create(
            call_id=_call_ids[slug],
            organisation_id=data["organisation_id"],
            applicant_id=applicant_id,
            direction_id=data.get("direction_id"),
            title=data["title"],
            summary=data.get("summary", ""),
            answers=answers,
            status="submitted",
            submitted_at=timezone.now(),
            submission_token=data["idempotency_key"],
            requested_amount=sum(Decimal(line["requested"]) for line in lines),
        )
        BudgetLine.objects.bulk_create(
            [
                BudgetLine(
                    application=application,
                    position=position,
                    item=line["item"],
                    quantity=Decimal(line["quantity"]),
                    unit_cost=Decimal(line["unit_cost"]),
                    requested=Decimal(line["requested"]),
                    cofinancing=Decimal(line["cofinancing"]),
                )
                for position, line in enumerate(lines, start=1)
            ]
        )
    return JsonResponse({"id": application.pk}, status=201)


urlpatterns = [path("bench/bare/<slug:slug>/", bare_submission), *production_urlpatterns]

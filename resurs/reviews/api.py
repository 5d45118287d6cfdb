"""API router of the reviews app (mounted under /api/v1/reviews/).

Experts: their own active assignments and their own scores only. Staff of the call's centre: the assignments,
scores with calibration, and the ranking of a call. The same selectors and access rules as the pages."""

from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import paginate

from resurs.core.api import ErrorOut, Id, LimitOffsetPagination, Slug
from resurs.reviews import access, selectors

router = Router(tags=["reviews"])


class AssignmentOut(Schema):
    id: int
    call: str
    application_id: int
    application_number: str
    application_title: str
    status: str
    source: str
    evaluation_status: str | None = None
    total: Decimal | None = None


class ScoreOut(Schema):
    criterion: str
    score: int
    comment: str


class MyEvaluationOut(Schema):
    assignment_id: int
    status: str
    total: Decimal | None
    overall_comment: str
    scores: list[ScoreOut]


class StaffAssignmentOut(Schema):
    id: int
    application_id: int
    application_number: str
    expert_id: int
    expert: str
    source: str
    affinity: float
    reason: str

    @staticmethod
    def resolve_application_number(obj) -> str:
        return obj.application.number

    @staticmethod
    def resolve_expert(obj) -> str:
        return str(obj.expert)


class CallRankingRowOut(Schema):
    """One application in a call's ranking; ``rank`` is null for an application that has no score yet."""

    application_id: int
    application_number: str
    rank: int | None
    raw_mean: float | None
    calibrated: float | None
    reasons: list[str]
    requested: Decimal
    pass_mark: float
    outcome: str


@router.get("/my/assignments", response=list[AssignmentOut], summary="My active assignments (experts)")
def my_assignments(request):
    assignments = list(selectors.assignments_for_expert(request.user))
    evaluations = selectors.my_evaluation_map(request.user, assignments)
    rows = []
    for a in assignments:
        evaluation = evaluations.get(a.application_id)
        rows.append(
            AssignmentOut(
                id=a.pk,
                call=a.call.slug,
                application_id=a.application_id,
                application_number=a.application.number,
                application_title=a.application.title,
                status=a.status,
                source=a.source,
                evaluation_status=evaluation.status if evaluation else None,
                total=evaluation.total if evaluation else None,
            )
        )
    return rows


@router.get(
    "/my/assignments/{assignment_id}/evaluation",
    response=MyEvaluationOut,
    summary="My scores of one assigned application (experts)",
)
def my_evaluation(request, assignment_id: Id):
    assignment = access.get_assignment_for_expert(request.user, assignment_id)
    evaluation = selectors.my_evaluation_map(request.user, [assignment]).get(assignment.application_id)
    scores = list(evaluation.scores.select_related("criterion")) if evaluation else []
    return MyEvaluationOut(
        assignment_id=assignment.pk,
        status=evaluation.status if evaluation else "not_started",
        total=evaluation.total if evaluation else None,
        overall_comment=evaluation.overall_comment if evaluation else "",
        scores=[ScoreOut(criterion=s.criterion.code, score=s.score, comment=s.comment) for s in scores],
    )


@router.get(
    "/calls/{slug}/assignments",
    response={200: list[StaffAssignmentOut], 403: ErrorOut},
    summary="Assignments of a call (staff), paginated",
)
@paginate(LimitOffsetPagination)
def call_assignments(request, slug: Slug):
    """One page at a time (a national call has 45,000 active assignments)."""
    call = access.get_review_call_for_user(request.user, slug)
    return selectors.active_assignments(call)


@router.get(
    "/calls/{slug}/ranking",
    response={200: list[CallRankingRowOut], 403: ErrorOut},
    summary="Calibrated ranking of a call (staff)",
)
def call_ranking(request, slug: Slug):
    call = access.get_review_call_for_user(request.user, slug)
    result = selectors.call_ranking(call)
    return [
        CallRankingRowOut(
            application_id=item.key,
            application_number=item.extra["application"].number,
            rank=item.rank,
            raw_mean=item.extra["row"].raw_mean,
            calibrated=item.extra["row"].calibrated,
            reasons=item.extra["row"].reasons,
            requested=item.requested,
            pass_mark=item.pass_mark,
            outcome=item.outcome,
        )
        for item in result.items
    ]

"""National capacity building: every centre's catalogue (the demo's courses), about 9,000 sessions over three
years and the next three months, 200,000 enrolments of NGO staff (mostly at the centres of their own region) with
attendance, feedback and certificates, and 10,000 consultations with the demo's questions, answers and timings.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from resurs.core.bulk import copy_rows
from resurs.core.demo import DemoContext
from resurs.learning.choices import ConsultationStatus, EnrolmentStatus, SessionFormat
from resurs.learning.demo import ANSWERS, COMMENTS, COURSES, QUESTIONS, VENUES, _aware, _code
from resurs.learning.models import (
    Attendance,
    Certificate,
    Consultation,
    Course,
    Enrolment,
    Feedback,
    Session,
    SessionDay,
)
from resurs.learning.services import add_working_days

COURSES_PER_CENTRE = 6
HISTORY_DAYS = 3 * 365


def build(ctx: DemoContext) -> None:
    from resurs.accounts.models import User
    from resurs.registry.models import Centre

    size = ctx.national
    rng = ctx.rng("learning-national")
    today = timezone.localdate()
    centres = list(Centre.objects.order_by("pk").values_list("pk", "organisation__region_id"))
    staff_of = ctx.data.get("national_centre_staff", {})
    trainer = User.objects.filter(username="trainer").first()
    hub = Centre.objects.get(is_hub=True)
    members = ctx.data["national_members"]
    by_region: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for user_id, organisation_id, region_id in members:
        by_region[region_id].append((user_id, organisation_id))

    # Courses: six of the demo's catalogue at every centre that has none yet.
    has_courses = set(Course.objects.values_list("centre_id", flat=True))
    course_rows = []
    for centre_id, _region in centres:
        if centre_id in has_courses:
            continue
        for topic, title, summary, hours in rng.sample(COURSES, COURSES_PER_CENTRE):
            course_rows.append(
                {
                    "centre_id": centre_id,
                    "title": title,
                    "topic": topic,
                    "summary": summary,
                    "hours": hours,
                    "audience": "Руководители и сотрудники НКО",
                    "min_attendance_percent": 75 if hours > 8 else 100,
                    "feedback_required": True,
                    "is_published": True,
                }
            )
    course_ids = copy_rows(Course, course_rows)
    courses = [
        (pk, row["centre_id"], row["hours"], row["min_attendance_percent"])
        for pk, row in zip(course_ids, course_rows, strict=True)
    ]
    region_of = dict(centres)

    # Sessions over three years until three months ahead, sized so that enrolments reach the national total.
    enrolments_wanted = size.enrolments - Enrolment.objects.count()
    session_rows, session_meta = [], []
    per_session = 23
    sessions_wanted = enrolments_wanted // per_session + 1
    while len(session_rows) < sessions_wanted:
        course_id, centre_id, hours, attendance_share = courses[len(session_rows) % len(courses)]
        start = today + dt.timedelta(days=rng.randint(-HISTORY_DAYS, 90))
        while start.weekday() >= 5:
            start += dt.timedelta(days=1)
        days = max(1, min(3, hours // 8))
        fmt = rng.choice(
            [SessionFormat.IN_PERSON, SessionFormat.IN_PERSON, SessionFormat.ONLINE, SessionFormat.BLENDED]
        )
        trainer_id = staff_of.get(centre_id) or (trainer.pk if trainer and centre_id == hub.pk else None)
        session_rows.append(
            {
                "course_id": course_id,
                "starts_on": start,
                "ends_on": start + dt.timedelta(days=days - 1),
                "format": fmt,
                "venue": "" if fmt == SessionFormat.ONLINE else VENUES["other"],
                "online_url": ""
                if fmt == SessionFormat.IN_PERSON
                else f"https://meet.example.org/rc-{centre_id}-{len(session_rows)}",
                "trainer_id": trainer_id,
                "capacity": rng.choice([20, 25, 25, 30]),
                "requires_approval": rng.random() < 0.5,
            }
        )
        session_meta.append((centre_id, days, attendance_share))
    session_ids = copy_rows(Session, session_rows)
    day_rows = [
        {"session_id": pk, "date": row["starts_on"] + dt.timedelta(days=n)}
        for pk, row, (_c, days, _a) in zip(session_ids, session_rows, session_meta, strict=True)
        for n in range(days)
    ]
    day_ids = copy_rows(SessionDay, day_rows)
    days_of: dict[int, list[tuple[int, dt.date]]] = defaultdict(list)
    for pk, row in zip(day_ids, day_rows, strict=True):
        days_of[row["session_id"]].append((pk, row["date"]))

    # Enrolments: learners of the centre's region (anyone when the region has too few), statuses as in the demo.
    enrolment_rows, enrolment_meta = [], []
    left = enrolments_wanted
    for pk, row, (centre_id, _days, attendance_share) in zip(
        session_ids, session_rows, session_meta, strict=True
    ):
        if left <= 0:
            break
        pool = by_region.get(region_of[centre_id]) or members
        past = row["ends_on"] < today
        wanted = min(left, len(pool), per_session + rng.randint(-6, 6))
        chosen = rng.sample(pool, wanted)
        accepted = 0
        for entry in chosen:
            user_id, organisation_id = entry[0], entry[1]
            applied_at = _aware(row["starts_on"] - dt.timedelta(days=rng.randint(5, 40)), rng.randint(9, 20))
            if accepted < row["capacity"]:
                status = (
                    EnrolmentStatus.ACCEPTED
                    if past or not row["requires_approval"] or rng.random() < 0.7
                    else EnrolmentStatus.APPLIED
                )
                if past and rng.random() < 0.06:
                    status = EnrolmentStatus.CANCELLED
            else:
                status = EnrolmentStatus.CANCELLED if past else EnrolmentStatus.WAITLISTED
            accepted += status == EnrolmentStatus.ACCEPTED
            enrolment_rows.append(
                {
                    "session_id": pk,
                    "user_id": user_id,
                    "organisation_id": organisation_id,
                    "status": status,
                    "created_at": applied_at,
                    "decided_at": applied_at + dt.timedelta(days=1)
                    if status != EnrolmentStatus.APPLIED
                    else None,
                    "cancelled_at": applied_at + dt.timedelta(days=3)
                    if status == EnrolmentStatus.CANCELLED
                    else None,
                }
            )
            enrolment_meta.append((row, attendance_share))
        left -= wanted
    # Attendance, feedback and certificates of the sessions that have started (decided before writing).
    attendance, feedback, certificates = [], [], []
    codes: set[str] = set(Certificate.objects.values_list("code", flat=True))
    names = dict(
        (pk, f"{first} {last}".strip())
        for pk, first, last in User.objects.filter(pk__in={r["user_id"] for r in enrolment_rows}).values_list(
            "pk", "first_name", "last_name"
        )
    )
    for index, (enrolment, (session, attendance_share)) in enumerate(
        zip(enrolment_rows, enrolment_meta, strict=True)
    ):
        if enrolment["status"] != EnrolmentStatus.ACCEPTED or session["starts_on"] > today:
            continue
        session_days = days_of[enrolment["session_id"]]
        reliability = rng.choice([0.97, 0.92, 0.85, 0.6])
        present_days = 0
        for day_id, date in session_days:
            if date > today:
                continue
            present = rng.random() < reliability
            present_days += present
            attendance.append({"enrolment": index, "day_id": day_id, "present": present})
        if session["ends_on"] >= today:
            continue
        gives_feedback = rng.random() < 0.72
        if gives_feedback:
            base = rng.choice([5, 5, 4, 4, 3])
            feedback.append(
                {
                    "enrolment": index,
                    "rating_content": base,
                    "rating_trainer": min(5, base + rng.choice([0, 0, 1])),
                    "rating_organisation": max(1, base - rng.choice([0, 0, 1])),
                    "rating_overall": base,
                    "comment": rng.choice(COMMENTS),
                    "created_at": _aware(session["ends_on"], 18),
                }
            )
        if 100 * present_days / len(session_days) >= attendance_share and gives_feedback:
            issued = _aware(session["ends_on"] + dt.timedelta(days=1), 12)
            enrolment["completed_at"] = issued
            code = _code(rng)
            while code in codes:
                code = _code(rng)
            codes.add(code)
            certificates.append(
                {
                    "enrolment": index,
                    "code": code,
                    "issued_at": issued,
                    "created_at": issued,
                    "holder_name": names.get(enrolment["user_id"], ""),
                }
            )
    enrolment_ids = copy_rows(Enrolment, enrolment_rows)
    for rows, model in ((attendance, Attendance), (feedback, Feedback), (certificates, Certificate)):
        for row in rows:
            row["enrolment_id"] = enrolment_ids[row.pop("enrolment")]
        copy_rows(model, rows)
    ctx.log(
        f"  {len(course_ids)} courses, {len(session_ids)} sessions, {len(enrolment_ids)} enrolments "
        f"({Enrolment.objects.count()} in all), {len(attendance)} attendance marks, {len(certificates)} certificates"
    )
    _consultations(ctx, rng, centres, staff_of, members, trainer, hub)


def _consultations(ctx, rng, centres, staff_of, members, trainer, hub) -> None:
    """Consultations over three years: most answered and closed, a recent open queue (some overdue)."""
    wanted = ctx.national.consultations - Consultation.objects.count()
    now = timezone.now()
    today = timezone.localdate()
    rows = []
    for _ in range(wanted):
        centre_id, _region = rng.choice(centres)
        consultant_id = staff_of.get(centre_id) or (trainer.pk if trainer else None)
        if consultant_id is None:
            centre_id, consultant_id = hub.pk, trainer.pk if trainer else None
        topic = rng.choice(list(QUESTIONS))
        subject, question = rng.choice(QUESTIONS[topic])
        user_id, organisation_id, _r = rng.choice(members)
        days_ago = rng.randint(0, 14) if rng.random() < 0.05 else rng.randint(15, HISTORY_DAYS)
        requested = _aware(
            today - dt.timedelta(days=days_ago), rng.randint(9, 18), rng.choice([0, 15, 30, 45])
        )
        row = {
            "centre_id": centre_id,
            "organisation_id": organisation_id,
            "requested_by_id": user_id,
            "topic": topic,
            "subject": subject,
            "question": question,
            "requested_at": requested,
            "respond_by": add_working_days(requested, 2),
            "created_at": requested,
            "status": ConsultationStatus.REQUESTED,
        }
        if days_ago > 3 or rng.random() < 0.5:
            response = rng.choice([2, 4, 6, 20, 26, 30, 52, 75])
            row["consultant_id"] = consultant_id
            row["assigned_at"] = row["first_response_at"] = requested + dt.timedelta(hours=response)
            answered = row["assigned_at"] + dt.timedelta(hours=rng.randint(3, 96))
            if days_ago <= 10 or answered > now:
                row["status"] = ConsultationStatus.ASSIGNED
            else:
                row["started_at"] = row["assigned_at"] + dt.timedelta(hours=1)
                row["answered_at"] = answered
                row["answer"] = rng.choice(ANSWERS)
                row["minutes_spent"] = rng.choice([30, 45, 60, 60, 90, 120, 180])
                row["outcome"] = rng.choice(["Вопрос решён", "Подготовлены документы", "Направлены на курс"])
                row["status"] = ConsultationStatus.CLOSED if days_ago > 30 else ConsultationStatus.ANSWERED
                if row["status"] == ConsultationStatus.CLOSED:
                    row["closed_at"] = answered + dt.timedelta(days=7)
                if rng.random() < 0.6:
                    row["rating"] = rng.choice([5, 5, 5, 4, 4, 3, 2])
                    row["rated_at"] = answered + dt.timedelta(days=1)
        rows.append(row)
    copy_rows(Consultation, rows)
    ctx.log(f"  {len(rows)} consultations ({Consultation.objects.count()} in all)")

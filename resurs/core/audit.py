"""Audit trail. Field changes of registered models are recorded by django-auditlog; domain events that are not a
plain field change (a decision, a score, a manual override, a merge) are recorded here with ``audit_event``.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry


def audit_event(*, actor, obj, action: str, changes: dict[str, Any] | None = None, data: dict | None = None):
    """Record a domain event on ``obj`` (shown with its history). ``action`` is a short verb, e.g. "decision".

    ``changes`` maps a field to its new value, or to an ``(old, new)`` pair.
    """
    normalised = {}
    for key, value in (changes or {}).items():
        old, new = value if isinstance(value, tuple | list) and len(value) == 2 else (None, value)
        normalised[key] = [_text(old), _text(new)]
    return LogEntry.objects.log_create(
        obj,
        force_log=True,
        action=LogEntry.Action.UPDATE,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        changes=normalised,
        additional_data={"event": action, **(data or {})},
    )


def audit_history(obj, *, limit: int = 100):
    """Audit entries for one object, newest first, with their actors."""
    return LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp")[:limit]


def _text(value) -> str | None:
    return None if value is None else str(value)


def audit_events_bulk(*, actor, events) -> int:
    """``audit_event`` for many objects in one insert: ``events`` yields ``(obj, action, changes, data)``.

    The same entries as one ``audit_event`` per object (the bulk paths of a national contest use it)."""
    from auditlog.cid import get_cid
    from django.contrib.contenttypes.models import ContentType

    actor = actor if getattr(actor, "is_authenticated", False) else None
    cid = get_cid()
    rows = []
    for obj, action, changes, data in events:
        normalised = {}
        for key, value in (changes or {}).items():
            old, new = value if isinstance(value, tuple | list) and len(value) == 2 else (None, value)
            normalised[key] = [_text(old), _text(new)]
        rows.append(
            LogEntry(
                content_type=ContentType.objects.get_for_model(obj),
                object_pk=str(obj.pk),
                object_id=obj.pk if isinstance(obj.pk, int) else None,
                object_repr=str(obj),
                serialized_data=LogEntry.objects._get_serialized_data_or_none(obj),
                action=LogEntry.Action.UPDATE,
                actor=actor,
                changes=normalised,
                additional_data={"event": action, **(data or {})},
                cid=cid,
            )
        )
    LogEntry.objects.bulk_create(rows, batch_size=2000)
    return len(rows)

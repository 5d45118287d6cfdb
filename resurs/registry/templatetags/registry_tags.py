"""Template filters of the registry pages."""

from django import template

from resurs.registry.dedup import reason_text

register = template.Library()


@register.filter
def duplicate_reason(reason: dict) -> str:
    """A reason the duplicate finder gave for a pair, in the reader's language."""
    return reason_text(reason)

"""A paginator that is told how many objects there are, for lists whose count is computed (or estimated) once
elsewhere, so that counting is not done twice (e.g. the registry's estimated totals for very large results)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CountedPaginator(Paginator):
    """``Paginator`` with a known ``count``; ``estimated`` marks a count that is an estimate (the page shows
    "about"). A page past the real end is simply empty."""

    def __init__(self, object_list, per_page, *, count: int, estimated: bool = False, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self._known_count = count
        self.estimated = estimated

    @cached_property
    def count(self) -> int:
        return self._known_count


def page_number(value) -> int:
    """The page asked for in a query string: a positive whole number, else 1."""
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1

"""Filters shared by the apps' FilterSets."""

from __future__ import annotations

import django_filters
from django import forms

EARLIEST_YEAR, LATEST_YEAR = 1990, 2100  # years of the centres' own work (events, publications, partnerships)


class YearFilter(django_filters.NumberFilter):
    """A year as a whole number within ``min_value``..``max_value``: a year out of range (0, 99999) is a form
    error, not a date the database cannot compute."""

    field_class = forms.IntegerField

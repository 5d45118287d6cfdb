"""The design system's moving parts: the brand colour, the installation's name in the header, form fields through
django-bootstrap5 with Resurs's conventions, and charts that need no inline styles."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation

from resurs.core.brand import DEFAULT_BRAND_COLOR, brand_palette, contrast_ratio, validated_brand_color
from resurs.core.charts import bar_chart, line_chart, stacked_bar_chart, without_inline_styles

ROOT = Path(__file__).resolve().parents[3]


# --- Brand colour ---------------------------------------------------------------------------------------------
def test_contrast_ratio_follows_wcag():
    assert round(contrast_ratio("#000000", "#ffffff"), 1) == 21.0
    assert contrast_ratio("#777777", "#777777") == 1.0
    assert round(contrast_ratio(DEFAULT_BRAND_COLOR, "#ffffff"), 2) == 6.84


def test_a_dark_enough_colour_is_accepted_and_lower_cased():
    assert validated_brand_color("#004D40") == "#004d40"


@pytest.mark.parametrize("value", ["#0d6efd", "#ffc107", "#6c757d"])
def test_a_colour_white_text_cannot_be_read_on_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match="too light"):
        validated_brand_color(value)


@pytest.mark.parametrize("value", ["", "blue", "#1f5f8", "1f5f8b", "#1f5f8bff"])
def test_a_malformed_colour_is_refused(value):
    with pytest.raises(ImproperlyConfigured, match="must look like"):
        validated_brand_color(value)


def test_the_palette_derives_a_darker_and_a_lighter_shade():
    palette = brand_palette("#004d40")
    assert (palette.color, palette.dark, palette.subtle, palette.rgb) == (
        "#004d40",
        "#003e33",
        "#e0eae8",
        "0, 77, 64",
    )
    css = palette.as_css()
    assert "--resurs-brand: #004d40;" in css and "--resurs-brand-dark-rgb: 0, 62, 51;" in css


def test_the_application_refuses_to_start_with_an_unreadable_brand_colour():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings", "RESURS_BRAND_COLOR": "#ffff00"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0
    assert "RESURS_BRAND_COLOR #ffff00 is too light" in result.stderr


@pytest.mark.django_db
def test_the_default_colour_needs_no_extra_stylesheet(client, reference_data):
    body = client.get("/").content.decode()
    assert "/brand.css" not in body


@pytest.mark.django_db
@override_settings(RESURS_BRAND_COLOR="#004d40")
def test_a_configured_colour_is_served_as_a_cacheable_stylesheet(client, reference_data):
    body = client.get("/").content.decode()
    assert '<link rel="stylesheet" href="/brand.css?v=004d40">' in body
    css = client.get("/brand.css?v=004d40")
    assert css.status_code == 200
    assert css["Content-Type"] == "text/css; charset=utf-8"
    assert "immutable" in css["Cache-Control"] and "max-age=31536000" in css["Cache-Control"]
    assert "--resurs-brand: #004d40;" in css.content.decode()


# --- The installation's name ----------------------------------------------------------------------------------
@pytest.mark.django_db
@override_settings(RESURS_NAME="Ресурсный центр «Тест»")
def test_the_login_page_shows_the_installations_name_not_the_host(client):
    body = client.get("/accounts/login/").content.decode()
    assert '<a class="site-brand me-auto" href="/">Ресурсный центр «Тест»</a>' in body
    assert "testserver" not in body


# --- Form fields ----------------------------------------------------------------------------------------------
class SampleForm(forms.Form):
    title = forms.CharField(label="Title")
    amount = forms.DecimalField(label="Amount")
    starts_on = forms.DateField(label="Starts", widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)
    report = forms.FileField(
        label="Report",
        required=False,
        help_text="The signed report.",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,application/vnd.ms-excel,image/*", "data-max-mb": 20}
        ),
    )


def _render(form) -> str:
    return render_to_string("includes/form.html", {"form": form})


def test_fields_have_their_label_and_sensible_widths():
    html = _render(SampleForm())
    assert (
        '<div class="mb-3 required"><label class="form-label" for="id_title">Title</label>'
        '<input type="text" name="title" class="form-control" required id="id_title"></div>'
    ) in html
    assert '<input type="number" name="amount" step="any" class="form-control w-auto mw-100" required' in html
    assert '<input type="date" name="starts_on" class="form-control w-auto mw-100" required' in html
    assert '<textarea name="notes" cols="40" rows="10" class="form-control" id="id_notes">' in html
    assert "placeholder=" not in html


def test_a_file_field_says_what_it_accepts():
    with translation.override("en"):
        assert "The signed report. Accepted: PDF, XLS, images. Up to 20 MB." in _render(SampleForm())
    with translation.override("ru"):
        assert "The signed report. Принимаются: PDF, XLS, изображения. До 20 МБ." in _render(SampleForm())


def test_only_the_field_with_an_error_is_marked():
    form = SampleForm(data={"title": "A project", "amount": "lots", "starts_on": "2027-01-10"})
    html = _render(form)
    assert (
        'class="form-control is-invalid w-auto mw-100" required aria-invalid="true" aria-describedby="id_amount_error"'
        in html
    )
    assert '<div id="id_amount_error" class="w-100">' in html
    assert html.count("is-invalid") == 1
    assert "is-valid " not in html and 'is-valid"' not in html


# --- Charts ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "svg",
    [
        bar_chart(["Москва", "Тула"], [10, 20], title="Гранты"),
        line_chart([2025, 2026], {"a": [1, 2], "b": [3, 4]}),
        stacked_bar_chart(["x", "y"], {"a": [1, 2], "b": [2, 1]}),
    ],
    ids=["bar", "line", "stacked"],
)
def test_charts_carry_no_inline_styles(svg):
    assert "style=" not in svg and "<style" not in svg
    assert 'fill="' in svg and svg.startswith('<svg stroke-linejoin="round" stroke-linecap="butt"')


def test_style_attributes_become_presentation_attributes():
    svg = '<svg><style type="text/css">*{stroke-linejoin: round}</style><path style="fill: #1f5f8b; stroke-width: 0.8"/></svg>'
    assert (
        without_inline_styles(svg)
        == '<svg stroke-linejoin="round"><path fill="#1f5f8b" stroke-width="0.8"/></svg>'
    )
    with pytest.raises(ValueError, match="position"):
        without_inline_styles('<svg><g style="position: absolute"/></svg>')

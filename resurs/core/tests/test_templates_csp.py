"""Every page template works under the Content-Security-Policy (script-src and style-src 'self'): no inline
scripts, no inline styles, no inline event handlers. Behaviour lives in static JS (data- attributes), looks in
static CSS, and data for scripts travels through json_script. PDF templates are rendered by WeasyPrint, not by a
browser, and keep their <style> blocks."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_DIRS = [ROOT / "templates", *sorted((ROOT / "resurs").glob("*/templates"))]
PDF_TEMPLATE = re.compile(r"(_pdf\.html$|/pdf/)")

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
STYLE_ELEMENT = re.compile(r"<style\b", re.IGNORECASE)
# An attribute inside a tag: whitespace, then the name, then "=". Template tags and variables are blanked first.
STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle\s*=", re.IGNORECASE)
HANDLER_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\s(on[a-z]+|hx-on[:\-][^\s=]*)\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""(href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)
TEMPLATE_SYNTAX = re.compile(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}", re.DOTALL)


def page_templates() -> list[Path]:
    files = []
    for folder in TEMPLATE_DIRS:
        files.extend(p for p in folder.rglob("*.html") if not PDF_TEMPLATE.search(p.as_posix()))
    return sorted(files)


def _param(template: Path):
    return pytest.param(template, id=template.relative_to(ROOT).as_posix())


def problems_in(text: str) -> list[str]:
    text = TEMPLATE_SYNTAX.sub(" ", text)
    found = []
    for match in SCRIPT_TAG.finditer(text):
        attributes = match.group(1)
        if "src=" not in attributes and 'type="application/json"' not in attributes:
            found.append(f"inline script {match.group(0)!r}")
    if STYLE_ELEMENT.search(text):
        found.append("a <style> element")
    if match := STYLE_ATTRIBUTE.search(text):
        found.append(f"a style attribute in {match.group(0)[:80]!r}")
    if match := HANDLER_ATTRIBUTE.search(text):
        found.append(f"an inline handler {match.group(1)!r}")
    if JAVASCRIPT_URL.search(text):
        found.append("a javascript: URL")
    return found


def test_the_scan_finds_what_it_looks_for():
    assert problems_in("<script>alert(1)</script>")
    assert problems_in('<script type="text/javascript">x()</script>')
    assert problems_in("<style>p { color: red }</style>")
    assert problems_in('<div class="a" style="color: red">')
    assert problems_in('<select name="y" onchange="this.form.submit()">')
    assert problems_in('<form hx-on::after-request="reset()">')
    assert problems_in('<a href="javascript:history.back()">')
    assert problems_in('<p {% if x %}style="display:none"{% endif %}>')
    assert problems_in('<p class="x" style="{{ css }}">')
    assert not problems_in('<script src="/static/js/resurs.js" defer></script>')
    assert not problems_in('<script id="data" type="application/json">{"a": 1}</script>')
    assert not problems_in('<button data-confirm="Sure?" data-autosubmit class="btn">')
    assert not problems_in("<p>Be online = always reachable</p>")


def test_there_are_templates_to_scan():
    assert len(page_templates()) > 150


@pytest.mark.parametrize("template", [_param(t) for t in page_templates()])
def test_template_has_no_inline_script_style_or_handler(template):
    assert problems_in(template.read_text(encoding="utf-8")) == []

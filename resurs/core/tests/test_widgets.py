"""QuickSelect renders what Django's Select renders (less the whitespace between options and the order of
attributes)."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django import forms

from resurs.core.widgets import QuickSelect

CHOICES = [("", "—"), ("x", "X <&> «ёж»"), ("y", 'Y "quoted"'), ("Group", [("1", "one"), ("2", "two")])]


def compact(html: str) -> list[tuple]:
    """Tags with their attributes (in any order) and the text, whitespace between tags dropped."""

    class Parser(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.items: list[tuple] = []

        def handle_starttag(self, tag, attrs):
            self.items.append(("start", tag, tuple(sorted(attrs, key=lambda pair: pair[0]))))

        def handle_endtag(self, tag):
            self.items.append(("end", tag))

        def handle_data(self, data):
            if data.strip():
                self.items.append(("text", data))

    parser = Parser()
    parser.feed(str(html))
    return parser.items


@pytest.mark.parametrize("value", ["", "y", "2", None])
def test_quick_select_renders_like_djangos_select(value):
    attrs = {"id": "id_kind", "class": "wide", "aria-describedby": "help"}
    ours = QuickSelect(choices=CHOICES).render("kind", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("kind", value, attrs=attrs)
    assert compact(ours) == compact(django)


def test_quick_select_escapes_labels_and_marks_the_choice_made():
    html = QuickSelect(choices=CHOICES).render("kind", "y")
    assert "X &lt;&amp;&gt; «ёж»" in html and 'value="y" selected>Y &quot;quoted&quot;<' in html
    assert html.count(" selected") == 1 and '<optgroup label="Group">' in html

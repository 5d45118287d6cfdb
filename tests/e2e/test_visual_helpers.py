"""The browser checks themselves catch what they promise to catch (on small pages of their own, no server)."""

from __future__ import annotations

import pytest

from tests.e2e.visual import assert_accessible, assert_in_view, assert_no_sideways_scroll


@pytest.fixture
def blank(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()


def _html(body: str) -> str:
    # The project's script policy (no inline scripts): axe-core must load in spite of it.
    return (
        f'<!doctype html><html lang="en"><head><title>t</title>'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self'; style-src 'self' 'unsafe-inline'\">"
        f"</head><body><main>{body}</main></body></html>"
    )


def test_accessible_page_passes_and_violations_are_listed(blank):
    blank.set_content(_html('<h1>Fine</h1><label for="a">Name</label><input id="a">'))
    assert_accessible(blank)

    blank.set_content(_html('<h1>Bad</h1><input id="a"><img src="x.png"><p class="low">grey</p>'))
    blank.add_style_tag(content=".low { color: #bbb; background: #fff; }")
    with pytest.raises(AssertionError) as failure:
        assert_accessible(blank)
    message = str(failure.value)
    assert "label [critical]" in message
    assert "image-alt [critical]" in message
    assert "color-contrast [serious]" in message
    assert "input#a" in message or '<input id="a">' in message


def test_sideways_scroll_is_caught_and_the_culprit_named(blank):
    blank.set_content(_html("<p>narrow</p>"))
    assert_no_sideways_scroll(blank)

    blank.set_content(_html('<div id="wide">too wide</div>'))
    blank.add_style_tag(content="#wide { width: 900px; }")
    with pytest.raises(AssertionError, match=r"(?s)scrolls sideways: 9\d\dpx.*div#wide"):
        assert_no_sideways_scroll(blank)


def test_in_view_scrolls_vertically_and_catches_clipped_and_covered_elements(blank):
    blank.set_content(
        _html(
            '<div class="spacer"></div><input name="far" aria-label="far">'
            '<div class="clip"><span class="value" id="clipped">12 000 000 ₽</span></div>'
            '<div class="rel"><span class="value" id="covered">1 Dec 2026</span><div class="cover"></div></div>'
            '<input type="hidden" name="h"><div hidden><input name="collapsed"></div>'
        )
    )
    blank.add_style_tag(
        content=".spacer { height: 3000px; } .clip { width: 100px; overflow: hidden; white-space: nowrap; }"
        " #clipped { display: inline-block; margin-left: 300px; }"
        " .rel { position: relative; } .cover { position: absolute; inset: 0; background: #fff; }"
    )
    # Far below the fold, yet in view once scrolled to; hidden and collapsed inputs are skipped.
    assert assert_in_view(blank, blank.locator("input")) == 1
    with pytest.raises(AssertionError) as failure:
        assert_in_view(blank, blank.locator(".value"), what="key fact")
    message = str(failure.value)
    assert "2 of 2 key fact(s) not in view" in message
    assert '"12 000 000 ₽": outside the viewport horizontally' in message
    assert '"1 Dec 2026": covered or clipped: the point at its centre shows div.cover' in message

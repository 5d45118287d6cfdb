"""What a person sees, checked in the browser: accessibility (axe-core), no sideways scrolling, elements in view.

Import these in a browser test::

    from tests.e2e.visual import assert_accessible, assert_in_view, assert_no_sideways_scroll

    page.goto("/calls/...")
    assert_accessible(page)                       # axe-core: no critical or serious violation
    assert_no_sideways_scroll(page)               # the page itself never scrolls sideways
    assert_in_view(page, page.locator("main input:not([type=hidden])"))

axe-core is the npm package (pinned in package.json, installed by ``make install``); it is evaluated in the page
through the DevTools protocol, which the strict Content-Security-Policy does not govern (an inline ``<script>``
tag would be refused and reported as a violation by the ``page`` fixture).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("critical", "serious")


@cache
def _axe_source() -> str:
    if not AXE_JS.exists():
        raise AssertionError(f"axe-core is not installed at {AXE_JS}: run `make install` (npm ci)")
    return AXE_JS.read_text(encoding="utf-8")


def _inject_axe(page) -> None:
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # A function body, so that Playwright evaluates the UMD bundle as a script and axe lands on window.
        page.evaluate("() => { " + _axe_source() + "\n}")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        raise AssertionError("axe-core did not load in the page")


def axe_violations(page, *, impacts=BLOCKING_IMPACTS, disable_rules=()) -> list[dict]:
    """axe-core's violations on the current page (WCAG 2.x A and AA rules and best practices), filtered to the
    given impacts."""
    _inject_axe(page)
    options = {"resultTypes": ["violations"], "rules": {rule: {"enabled": False} for rule in disable_rules}}
    results = page.evaluate("async (options) => await window.axe.run(document, options)", options)
    return [v for v in results["violations"] if v.get("impact") in impacts]


def describe_violations(violations: list[dict], *, nodes_per_rule: int = 5) -> str:
    lines = []
    for violation in violations:
        nodes = violation["nodes"]
        lines.append(
            f"- {violation['id']} [{violation['impact']}] {violation['help']} — {len(nodes)} element(s)"
            f" ({violation['helpUrl'].split('?')[0]})"
        )
        for node in nodes[:nodes_per_rule]:
            target = " ".join(str(part) for part in node["target"])
            summary = (node.get("failureSummary") or "").replace("\n", " ").strip()
            lines.append(f"    {target}: {node['html'][:160]}")
            if summary:
                lines.append(f"      {summary[:300]}")
        if len(nodes) > nodes_per_rule:
            lines.append(f"    ... and {len(nodes) - nodes_per_rule} more")
    return "\n".join(lines)


def assert_accessible(page, *, impacts=BLOCKING_IMPACTS, disable_rules=()) -> None:
    """Fail on any critical or serious axe-core violation on the current page, listing each rule and element."""
    violations = axe_violations(page, impacts=impacts, disable_rules=disable_rules)
    assert not violations, (
        f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + describe_violations(violations)
    )


_SIDEWAYS_JS = """() => {
    const root = document.documentElement;
    const width = root.clientWidth;
    const result = {scrollWidth: root.scrollWidth, clientWidth: width, culprits: []};
    if (root.scrollWidth <= width) return result;
    // The outermost elements that stick out on the right (their ancestors fit), so the message names the cause.
    const describe = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (el.classList.length ? "." + [...el.classList].slice(0, 3).join(".") : "");
    for (const el of document.body.querySelectorAll("*")) {
        const rect = el.getBoundingClientRect();
        if (rect.right <= width + 1 || rect.width === 0) continue;
        const parent = el.parentElement;
        if (parent && parent !== document.body && parent.getBoundingClientRect().right > width + 1) continue;
        result.culprits.push(describe(el) + " right=" + Math.round(rect.right) + "px "
            + JSON.stringify((el.innerText || el.value || "").trim().slice(0, 60)));
        if (result.culprits.length >= 8) break;
    }
    return result;
}"""


def assert_no_sideways_scroll(page) -> None:
    """The page itself does not scroll sideways: the document is no wider than the viewport."""
    result = page.evaluate(_SIDEWAYS_JS)
    assert result["scrollWidth"] <= result["clientWidth"], (
        f"{page.url} scrolls sideways: {result['scrollWidth']}px of content in a {result['clientWidth']}px "
        "viewport; sticking out:\n  " + "\n  ".join(result["culprits"])
    )


_IN_VIEW_JS = """(elements) => {
    const root = document.documentElement;
    const viewWidth = root.clientWidth, viewHeight = root.clientHeight;
    const describe = (el) => {
        const name = el.getAttribute("name") || el.id || "";
        const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().slice(0, 50);
        return el.tagName.toLowerCase() + (name ? "[" + name + "]" : "")
            + (el.classList.length ? "." + [...el.classList].slice(0, 2).join(".") : "")
            + (text ? " " + JSON.stringify(text) : "");
    };
    const scrollers = (el) => {
        const list = [document.scrollingElement];
        for (let node = el.parentElement; node; node = node.parentElement) list.push(node);
        return list;
    };
    let checked = 0;
    const problems = [];
    for (const original of elements) {
        let el = original;
        if (!el.checkVisibility({checkVisibilityCSS: true})) continue;  // not rendered (hidden, collapsed)
        let rect = el.getBoundingClientRect();
        if (rect.width === 0 && rect.height === 0) continue;
        // A visually hidden control drawn by its label (Bootstrap .btn-check, .visually-hidden): check the label.
        const style = getComputedStyle(el);
        if ((style.clip !== "auto" || style.clipPath !== "none" || rect.width <= 1 || rect.height <= 1)
                && el.labels && el.labels.length) {
            el = el.labels[0];
        }
        checked += 1;
        // Scroll vertically only: remember every horizontal offset and put it back.
        const lefts = scrollers(el).map((node) => [node, node.scrollLeft]);
        el.scrollIntoView({block: "center", inline: "nearest", behavior: "instant"});
        for (const [node, left] of lefts) node.scrollLeft = left;
        rect = el.getBoundingClientRect();
        const reasons = [];
        if (rect.left < -1 || rect.right > viewWidth + 1) {
            reasons.push("outside the viewport horizontally (left " + Math.round(rect.left) + ", right "
                + Math.round(rect.right) + " of " + viewWidth + "px)");
        }
        const x = Math.min(Math.max((rect.left + rect.right) / 2, 0), viewWidth - 1);
        const y = Math.min(Math.max((rect.top + rect.bottom) / 2, 0), viewHeight - 1);
        const hit = document.elementFromPoint(x, y);
        if (!hit || !(hit === el || el.contains(hit) || (original !== el && original.contains(hit)))) {
            reasons.push("covered or clipped: the point at its centre shows " + (hit ? describe(hit) : "nothing"));
        }
        if (reasons.length) problems.push(describe(original) + ": " + reasons.join("; "));
    }
    window.scrollTo({top: 0, left: 0, behavior: "instant"});
    return {checked, problems};
}"""


def assert_in_view(page, locator, *, what: str = "element") -> int:
    """Every rendered element of ``locator``, scrolled to vertically, is in view: its box lies within the viewport
    horizontally and the browser hits the element itself (or a descendant) at its centre — not an overlapping
    neighbour and not the edge of a clipping box. Elements that are not rendered (hidden inputs, collapsed
    sections) are skipped. Returns how many elements were checked."""
    result = locator.evaluate_all(_IN_VIEW_JS)
    assert not result["problems"], (
        f"{len(result['problems'])} of {result['checked']} {what}(s) not in view on {page.url} "
        f"({page.viewport_size['width']}px):\n  " + "\n  ".join(result["problems"])
    )
    return result["checked"]

"""axe-core in the browser tests: ``assert_no_axe_violations(page)`` fails on any violation, of any impact.

axe-core is vendored from npm (package.json, ``make vendor``) into ``tests/browser/vendor/axe-core``,
for the tests only: no page serves it.  It is evaluated through the DevTools protocol, so the
pages' strict Content-Security-Policy stays on while it runs.

    from tests.browser.axe import assert_no_axe_violations

    page.goto(url)
    assert_no_axe_violations(page)                      # the whole page, every rule axe runs by default
    assert_no_axe_violations(page, include="#results")  # only part of it
    violations = axe_violations(page)                   # the raw list, to assert on yourself

Every rule axe-core enables by default runs (WCAG 2.0/2.1/2.2 A and AA and the best practices),
color-contrast among them: text inside alerts, tags and buttons is checked against its real
background.  Nothing is disabled here; a page that needs an exception should be fixed instead.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

AXE_JS = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"

__all__ = ["AXE_JS", "assert_no_axe_violations", "axe_violations", "format_violations"]


@cache
def _axe_source() -> str:
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page: Any, *, include: str | None = None, rules: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run axe-core on the page (or on the ``include`` selector) and return its violations."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(_axe_source())
    options: dict[str, Any] = {"resultTypes": ["violations"]}
    if rules:
        options["rules"] = rules
    result = page.evaluate(
        "async ([include, options]) => {"
        " const r = await window.axe.run(include ? document.querySelector(include) : document, options);"
        " return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,"
        "   nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),"
        "                              summary: n.failureSummary}))}));"
        "}",
        [include, options],
    )
    return list(result)


def format_violations(violations: list[dict[str, Any]], where: str = "") -> str:
    """A readable report: one block per rule, each failing element with what to fix."""
    lines = [f"{len(violations)} axe-core violation(s){' on ' + where if where else ''}:"]
    for v in violations:
        lines.append(f"- [{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:10]:
            lines.append(f"    at {node['target']}: {node['html']}")
            for detail in (node["summary"] or "").splitlines():
                lines.append(f"      {detail}")
        if len(v["nodes"]) > 10:
            lines.append(f"    ... and {len(v['nodes']) - 10} more element(s)")
    return "\n".join(lines)


def assert_no_axe_violations(page: Any, *, include: str | None = None, where: str = "") -> None:
    """Fail, listing every rule and element, when axe-core finds any violation (any impact)."""
    violations = axe_violations(page, include=include)
    assert not violations, format_violations(violations, where or page.url)

"""axe-core (vendored from the npm package into tests/e2e/vendor/) run inside a page by Playwright."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
BLOCKING = ("serious", "critical")


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe on the page as it is now (WCAG 2.0/2.1 A and AA rules) and return every violation.

    The script is injected through Playwright's script channel, not a <script>
    element, so the page's Content-Security-Policy need not allow it.
    """
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    return list(result["violations"])


def blocking(violations: list[dict[str, Any]]) -> list[str]:
    """The serious and critical findings, one line each (rule, impact, first offending element)."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {v['nodes'][0]['target']}"
        for v in violations
        if v.get("impact") in BLOCKING
    ]

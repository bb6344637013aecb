"""What the manager browser tests share: axe-core in the page, a real worker, a populated programme."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.db import connection
from playwright.sync_api import Page

from accounts.models import User
from tests.support.stack import Worker, postgres_url, running_broker, running_worker

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def verified(user: User) -> User:
    """allauth lets a user with a verified address log in."""
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    return user


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical axe-core findings on the page as it is now (WCAG 2.1 A/AA and best practice).

    axe is evaluated as a function body, not added as a script tag: the site's
    Content-Security-Policy (rightly) refuses inline script, and the check must
    not weaken it.
    """
    page.evaluate(AXE.read_text(encoding="utf-8") + "\n;window.__axe = axe;")
    result = page.evaluate(
        """async () => {
            const r = await window.__axe.run(document, {
                runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
            });
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
        }"""
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def describe(violations: list[dict[str, Any]]) -> str:
    return json.dumps(violations, indent=1)


def screenshot(page: Page, name: str) -> None:
    """Saved under docs/screenshots/ only when asked (DM_SCREENSHOTS=1): tests do not rewrite the docs."""
    if os.environ.get("DM_SCREENSHOTS") != "1":
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # The whole page, cut at 1,600 px: long lists would make megabyte images.
    width = page.viewport_size["width"] if page.viewport_size else 1280
    height = min(int(page.evaluate("document.documentElement.scrollHeight")), 1600)
    page.screenshot(
        path=str(SCREENSHOTS / f"{name}.png"), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}
    )


@pytest.fixture(scope="module")
def real_worker(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Worker]:
    """A Celery worker (with beat) on its own Redis, sharing the PostgreSQL test database with the live server.

    Tests that use it carry `needs_real_stack()`.
    """
    with django_db_blocker.unblock():
        database_url = postgres_url(connection.settings_dict)
    with (
        running_broker(settings.CELERY_BROKER_URL, tmp_path_factory.mktemp("journey-broker")) as broker,
        running_worker(
            database_url=database_url,
            broker_url=broker.url,
            workdir=tmp_path_factory.mktemp("journey-worker"),
            env={"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"},
        ) as worker,
    ):
        yield worker

"""The API documentation page: Swagger UI served by this site alone."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import needs_browser

pytestmark = [pytest.mark.e2e, needs_browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_the_operations_without_any_request_leaving_the_site(page: Page, site: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(request.url))

    page.goto(f"{site}/api/docs/")

    expect(page.get_by_role("heading", name="Diaspora Match API")).to_be_visible()
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    expect(page.locator(".opblock-summary-path", has_text="/api/v1/vacancies/").first).to_be_visible()
    assert operations.count() > 20
    here = urlsplit(site).netloc
    assert requested, "the page made no request at all"
    assert [url for url in requested if urlsplit(url).netloc != here] == []
    assert failed == []

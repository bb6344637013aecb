"""A real Chromium, driven by Playwright, against the live test server.

The browser is Debian's package (scripts/ensure-browser installs it); nothing
is downloaded at run time. Every test gets a fresh browser context (no
cookies, no storage) in one browser shared by the e2e tests.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail import EmailMessage
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from alerts.models import Alert
from alerts.tasks import send_alert
from assignments.models import Vacancy
from core.tasknames import CREATE_ALERTS_FOR_VACANCY
from tests.e2e.helpers import CHROMIUM, CHROMIUM_FLAGS
from tests.support.outbox import outbox_run_pending
from tests.support.results import store_results
from volunteers.models import Volunteer


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    # Playwright's sync API runs its event loop in a greenlet of this thread,
    # so Django's guard sees a "running loop" and refuses every query the
    # tests make. Nothing here is async: lift the guard while the driver runs,
    # and stop both when the e2e tests are done (package scope), so that the
    # tests after them find the guard in place and no loop running.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            yield driver
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture(autouse=True)
def _private_cache(settings: Any) -> None:
    # allauth's rate limits and axes' counts (with Redis) live in the cache;
    # a shared one would carry counts over from other tests and processes.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "e2e"}}
    cache.clear()


@pytest.fixture
def site(live_server: Any, settings: Any) -> str:
    """The live server's address; links in emails point at it."""
    settings.SITE_URL = live_server.url
    return str(live_server.url)


@pytest.fixture(autouse=True)
def _axes_alone(settings: Any) -> None:
    # allauth has its own failed-login limit; off, so that the lockout seen is axes'.
    settings.ACCOUNT_RATE_LIMITS = False


@pytest.fixture
def emailed_alert(site: str, settings: Any) -> Callable[..., EmailMessage]:
    """Alert a volunteer to a vacancy the way the system does: a stored shortlist, then the email sent.

    The email (in Django's in-memory outbox: the live server runs in a thread
    of this process) carries links to the live server.
    """
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    def _emailed(volunteer: Volunteer, vacancy: Vacancy) -> EmailMessage:
        store_results(
            vacancy,
            [(volunteer, 0.8)],
            reasons=[f"midwifery: matches '{vacancy.title}'"],
            matched_skills=[("midwifery", "midwifery")],
            engine_version="e2e",
        )
        outbox_run_pending(tasks=(CREATE_ALERTS_FOR_VACANCY,))
        alert = Alert.objects.get(volunteer=volunteer, vacancy=vacancy, channel="email")
        assert send_alert(alert.pk) == "sent"
        return mail.outbox[-1]

    return _emailed

"""What the browser tests share besides fixtures: where Chromium is, how to sign in, reading emails."""

from __future__ import annotations

import os
import re
import shutil

import pytest
from django.core.mail import EmailMessage
from playwright.sync_api import Page

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_FOUND = os.access(CHROMIUM, os.X_OK)

# No network here, root, no display: keep Chromium from phoning home,
# from wanting a sandbox and from looking for a GPU. Playwright itself starts
# it with a fresh temporary --user-data-dir on every launch.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The password every user made by tests/factories.py has.
FACTORY_PASSWORD = "correct horse battery staple"

needs_browser = pytest.mark.skipif(
    not BROWSER_FOUND, reason=f"no Chromium at {CHROMIUM}: run scripts/ensure-browser (apt-get install chromium)"
)


def sign_in_form(page: Page, *, email: str, password: str) -> None:
    """Fill in and send the log-in form the page shows."""
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()


def log_in(page: Page, site: str, *, email: str, password: str) -> None:
    """Sign in through the log-in page, as a person would."""
    page.goto(f"{site}/accounts/login/")
    sign_in_form(page, email=email, password=password)


def link_in(email: EmailMessage, label: str) -> str:
    """The URL after ``label:`` in an email's text."""
    found = re.search(rf"{re.escape(label)}: (\S+)", str(email.body))
    assert found, f"no {label!r} link in:\n{email.body}"
    return found.group(1)

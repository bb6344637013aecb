from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _private_cache(settings: pytest.FixtureRequest) -> None:
    # allauth's rate limits count in the default cache; in development that is
    # a file cache shared with every other test process, whose counts must not
    # lock this test out.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "accounts"}}
    cache.clear()


def link_in_last_mail(pattern: str) -> str:
    """The path of the first link in the newest email that matches ``pattern``."""
    body = mail.outbox[-1].body
    found = re.search(rf"https?://[^/\s]+({pattern})", body)
    assert found, f"no link matching {pattern!r} in:\n{body}"
    return found.group(1)

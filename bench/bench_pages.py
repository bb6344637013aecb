"""How long the form pages with long selects take to draw, with Django's select templates and with ours.

    python bench/bench_pages.py [--repeat 21]

A SQLite database of its own in a temporary folder (migrated here), one
manager with a programme and one volunteer, each signed in through Django's
test client with DEBUG off, as in production. Each page is drawn ``--repeat``
times after one warm-up, once with `web.renderer.FormRenderer` (the project's
FORM_RENDERER) and once with Django's `DjangoTemplates`; it prints the median
and the fastest time of each, and checks both drew the same page.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

ROOT = Path(__file__).resolve().parents[1]

PLAIN_STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"
PAGES = [
    ("manager", "/manage/vacancies/new/"),
    ("volunteer", "/profile/languages/"),
    ("volunteer", "/profile/about/"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()

    folder = tempfile.mkdtemp(prefix="bench-pages-")
    os.environ.update(
        DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
        CELERY_BROKER_URL="memory://",
        REDIS_URL="",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="bench-pages-" + "x" * 50,
        DJANGO_ALLOWED_HOSTS="testserver",
        VAR_DIR=folder,
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    sys.path.insert(0, str(ROOT))
    import warnings

    import django

    warnings.filterwarnings("ignore", message="No directory at")  # no collected static files, none needed
    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.forms.renderers import DjangoTemplates
    from django.test import Client

    from tests.factories import ManagerFactory, ProgrammeFactory, VolunteerFactory
    from web.renderer import FormRenderer

    # No `collectstatic` here: static URLs unhashed, as in development.
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": PLAIN_STATIC}}
    call_command("migrate", verbosity=0)
    manager = cast(Any, ManagerFactory())  # factory_boy's types name the factory, not the model
    ProgrammeFactory(managers=[manager])
    volunteer = cast(Any, VolunteerFactory())
    clients = {"manager": Client(), "volunteer": Client()}
    clients["manager"].force_login(manager)
    clients["volunteer"].force_login(volunteer.user)

    def draw(client: Client, url: str) -> tuple[list[float], bytes]:
        client.get(url, secure=True)
        times = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            response = client.get(url, secure=True)
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{url} answered {response.status_code}")
        return times, response.content

    print(f"median (fastest) of {args.repeat} draws, ms")
    print(f"{'page':28} {'options':>7} {'Django templates':>18} {'web.renderer':>14}")
    for who, url in PAGES:
        ours, page = draw(clients[who], url)
        original = FormRenderer.render
        FormRenderer.render = DjangoTemplates.render  # type: ignore[method-assign]
        try:
            theirs, their_page = draw(clients[who], url)
        finally:
            FormRenderer.render = original  # type: ignore[method-assign]
        same = _without_tokens(page) == _without_tokens(their_page)
        print(
            f"{url:28} {page.count(b'<option'):7} "
            f"{statistics.median(theirs):9.1f} ({min(theirs):5.1f}) "
            f"{statistics.median(ours):7.1f} ({min(ours):5.1f})" + ("" if same else "  PAGES DIFFER")
        )


def _without_tokens(page: bytes) -> bytes:
    """The page without its one-time values (CSRF and form tokens), which differ between draws."""
    return re.sub(rb"[A-Za-z0-9_:.\-]{32,}", b"TOKEN", page)


if __name__ == "__main__":
    main()

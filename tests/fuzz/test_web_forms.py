"""Nothing a browser can send to the web pages answers 5xx.

The demo world (`manage.py demo_setup`, every vacancy ranked, the demo volunteer
interested in one) is crawled as the demo volunteer and as the demo manager: every
page reachable by links from their start page, and every form on those pages. Each
form is then submitted once per field with that field's value replaced by each of
`VALUES` (empty, very long, a NUL byte, negative, huge, an impossible date, Arabic
digits) and once with the field left out, the other fields as the page filled
them. Hidden one-time values (form token, version) are taken from a fresh copy of the
page after each submission the view accepted, so the mutation, not a spent token, is
what the view judges. Forms that end the session or erase data (log-out, account erasure,
withdrawal) are left alone: their refusals are tested where they are defined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from io import StringIO
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from assignments.models import Application, Vacancy
from matching.rank import vacancy_rank
from roster.management.commands.demo_setup import MANAGER_EMAIL, VOLUNTEER_EMAIL

pytestmark = pytest.mark.django_db

VALUES = ("", "x" * 5000, "a\x00b", "-1", "9" * 30, "2026-02-30", "١٢")
SKIP = re.compile(r"/logout|/admin/|/accounts/(?!privacy/$)|/i18n/|/withdraw|/erase|/api/|\.csv$")
ONE_TIME = ("form_token", "version")
MAX_PAGES = 150


@dataclass
class Form:
    page: str
    action: str
    method: str
    fields: list[tuple[str, str | None, str]] = field(default_factory=list)  # name, value (None: unchecked), type

    @property
    def target(self) -> str:
        return urljoin(self.page, self.action or self.page)

    def shape(self) -> tuple[str, str, tuple[str, ...]]:
        """Forms alike but for ids in their address (one per application, per candidate) are fuzzed once."""
        path = re.sub(r"/[0-9]+/|/[A-Z0-9]+-[A-Z0-9-]+/", "/<id>/", urlparse(self.target).path)
        return path, self.method, tuple(sorted({name for name, _, _ in self.fields}))

    def data(self) -> dict[str, list[str]]:
        """What a browser submits unchanged: every named field with its value, ticked boxes only."""
        out: dict[str, list[str]] = {}
        for name, value, kind in self.fields:
            if value is not None and kind != "file":
                out.setdefault(name, []).append(value)
        return out


class Page(HTMLParser):
    """The links and forms of one HTML page."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._select: list[Any] | None = None
        self._textarea: list[Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "option" and self._select is not None and (self._select[1] is None or "selected" in a):
            self._select[1] = a.get("value", "")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self.forms.append(Form(self.path, a.get("action", ""), (a.get("method") or "get").lower()))
        elif not self.forms or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            checked = kind not in ("checkbox", "radio") or "checked" in a
            self.forms[-1].fields.append(
                (a["name"], a.get("value", "on" if kind == "checkbox" else "") if checked else None, kind)
            )
        elif tag == "select":
            self._select = [a["name"], None, "select"]
        elif tag == "textarea":
            self._textarea = [a["name"], "", "textarea"]

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None and self.forms:
            self.forms[-1].fields.append((self._select[0], self._select[1] or "", "select"))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self.forms:
            self.forms[-1].fields.append((self._textarea[0], self._textarea[1], "textarea"))
            self._textarea = None


def parse(client: Client, path: str) -> Page | None:
    response = client.get(path)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return None
    page = Page(path)
    page.feed(response.content.decode())
    return page


def crawl(client: Client, start: str) -> tuple[list[str], list[Form], list[str]]:
    """(pages, forms, failures): every same-site page reachable from `start` by links."""
    queue, seen = [start], set[str]()
    forms: list[Form] = []
    failures: list[str] = []
    while queue and len(seen) < MAX_PAGES:
        url = urlparse(queue.pop(0))
        path = url.path + (f"?{url.query}" if url.query else "")
        if url.netloc not in ("", "testserver") or path in seen or SKIP.search(url.path):
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code >= 500:
            failures.append(f"GET {path}: {response.status_code}")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = Page(path)
        page.feed(response.content.decode())
        queue += [urljoin(path, link) for link in page.links if not link.startswith(("#", "mailto:"))]
        forms += page.forms
    return sorted(seen), forms, failures


def fresh(client: Client, form: Form, data: dict[str, list[str]]) -> dict[str, list[str]]:
    """`data` with the one-time hidden values of a new copy of the form's page."""
    if not any(name in ONE_TIME for name, _, _ in form.fields):
        return data
    page = parse(client, form.page)
    twin = next((f for f in page.forms if f.shape() == form.shape()), None) if page else None
    if twin is None:
        return data
    return data | {name: [value or ""] for name, value, _ in twin.fields if name in ONE_TIME and name in data}


def submit(client: Client, form: Form, data: dict[str, list[str]]) -> int:
    url = urlparse(form.target)
    if form.method == "post":
        return client.post(url.path + (f"?{url.query}" if url.query else ""), data).status_code
    return client.get(url.path, data).status_code


def fuzz(client: Client, start: str) -> tuple[set[str], int, list[str]]:
    """(forms fuzzed, by address with ids as <id>; submissions; failures) of one persona."""
    _, forms, failures = crawl(client, start)
    shapes: dict[tuple[str, str, tuple[str, ...]], Form] = {}
    for form in forms:
        if not SKIP.search(urlparse(form.target).path):
            shapes.setdefault(form.shape(), form)
    sent = 0
    for form in shapes.values():
        # One of each repeated field ("language_1", "lang-2-level" are fuzzed as their first).
        families = {re.sub(r"[0-9]+", "#", name): name for name, _, _ in reversed(form.fields)}
        names = [name for name in families.values() if name != "csrfmiddlewaretoken"]
        base, spent = form.data(), True
        for name in names:
            for value in (*VALUES, None):
                if spent:  # a submission the view accepted used up the one-time values
                    base = fresh(client, form, base)
                data = {key: list(values) for key, values in base.items()}
                if value is None:
                    data.pop(name, None)
                else:
                    data[name] = [value]
                status = submit(client, form, data)
                spent = status < 400
                sent += 1
                if status >= 500:
                    shown = "left out" if value is None else repr(value[:20])
                    failures.append(f"{form.method.upper()} {form.target} from {form.page}: {name}={shown}: {status}")
    return {path for path, _, _ in shapes}, sent, failures


@pytest.fixture
def demo_world(settings: Any) -> None:
    settings.DEBUG = True  # demo_setup runs only in development
    call_command("demo_setup", stdout=StringIO(), stderr=StringIO())
    settings.DEBUG = False
    for pk in Vacancy.objects.open().values_list("pk", flat=True):
        vacancy_rank(vacancy_id=pk)
    # The demo volunteer interested in a vacancy, so that both sides have an application's pages.
    volunteer = Client()
    volunteer.force_login(User.objects.get(email=VOLUNTEER_EMAIL))
    for vacancy in Vacancy.objects.open().order_by("pk"):
        volunteer.post(f"/vacancies/{vacancy.external_id}/interest/", {"motivation": "I trained midwives."})
        if Application.objects.filter(volunteer__user__email=VOLUNTEER_EMAIL).exists():
            break
    assert Application.objects.filter(volunteer__user__email=VOLUNTEER_EMAIL).exists()


# Forms the crawl must reach, or it did not see the site.
VOLUNTEER_FORMS = {"/profile/languages/", "/profile/availability/", "/alerts/preferences/", "/vacancies/<id>/interest/"}
MANAGER_FORMS = {"/manage/vacancies/new/", "/manage/vacancies/<id>/edit/", "/manage/applications/<id>/move/"}


@pytest.mark.parametrize(
    ("email", "start", "expected"),
    [(VOLUNTEER_EMAIL, "/", VOLUNTEER_FORMS), (MANAGER_EMAIL, "/manage/", MANAGER_FORMS)],
)
def test_no_form_or_page_answers_a_server_error(demo_world: None, email: str, start: str, expected: set[str]) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(User.objects.get(email=email))

    fuzzed, sent, failures = fuzz(client, start)

    assert expected <= fuzzed, sorted(fuzzed)
    assert failures == [], f"{len(failures)} of {sent} submissions"

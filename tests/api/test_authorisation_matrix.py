"""Who may call what: every API route x method x persona, with the expected status.

How to read it
--------------
One row per route and method; one column per persona (see tests/api/conftest.py):
``anon`` (no credentials), ``vol`` (a volunteer who applied to {vacancy}),
``o_vol`` (another volunteer), ``mgr`` (manager of {programme}), ``o_mgr``
(manager of another programme) and ``staff``.

- 401: no credentials. Token authentication comes first in settings, so every
  anonymous request answers 401 with ``WWW-Authenticate: Token`` (never 403).
- 403: the persona's role may never do this (a volunteer listing volunteers).
- 404: the role may, but this object is not theirs to see. Another user's
  object answers 404, never 403, so ids cannot be probed.
- 400 where the call is allowed but the world makes it invalid (a volunteer who
  already has a profile POSTing one; a manager posting to another programme,
  whose slug reads as unknown).

How to add a route (roster, matching, ...)
------------------------------------------
``test_it_has_a_row_for_every_api_route_and_method`` walks the URL resolver and
fails for any route under /api/v1/ or method missing here. Add a row to MATRIX
with the path written with placeholders (``{vacancy}``, ``{draft}``,
``{other_vacancy}``, ``{application}``, ``{volunteer}``, ``{programme}``,
``{manager_id}``; add one to ``_placeholders`` if you need another) and, for a
write, a valid body in BODIES, so the status shows the permission and not a
validation error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.api.conftest import PASSWORD, World, client_for

COLUMNS = ("anon", "volunteer", "other_volunteer", "manager", "other_manager", "staff")

MATRIX = """
method  path                                        anon  vol  o_vol  mgr  o_mgr  staff
GET     /api/v1/me                                  401   200  200    200  200    200
PATCH   /api/v1/me                                  401   200  200    200  200    200
GET     /api/v1/me/export                           401   200  200    200  200    200
POST    /api/v1/me/erase                            401   204  204    204  204    204
POST    /api/v1/auth/token                          200   200  200    200  200    200
POST    /api/v1/auth/token/revoke                   401   204  204    204  204    204
GET     /api/v1/auth/tokens                         401   200  200    200  200    200
DELETE  /api/v1/auth/tokens/{api_token}             401   204  404    404  404    404
GET     /api/v1/profile                             401   200  200    403  403    403
POST    /api/v1/profile                             401   400  400    403  403    403
PUT     /api/v1/profile                             401   200  200    403  403    403
PATCH   /api/v1/profile                             401   200  200    403  403    403
POST    /api/v1/profile/consents                    401   200  200    403  403    403
GET     /api/v1/volunteers/                         401   403  403    200  200    200
GET     /api/v1/volunteers/{volunteer}              401   403  403    200  404    200
GET     /api/v1/programmes/                         401   403  403    200  200    200
POST    /api/v1/programmes/                         401   403  403    403  403    201
GET     /api/v1/programmes/{programme}              401   403  403    200  404    200
POST    /api/v1/programmes/{programme}/managers     401   403  403    403  403    200
DELETE  /api/v1/programmes/{programme}/managers/{manager_id}  401  403  403  403  403  204
GET     /api/v1/host-institutions/                  401   403  403    200  200    200
POST    /api/v1/host-institutions/                  401   403  403    201  201    201
GET     /api/v1/vacancies/                          401   200  200    200  200    200
POST    /api/v1/vacancies/                          401   403  403    201  400    201
GET     /api/v1/vacancies/{vacancy}                 401   200  200    200  404    200
GET     /api/v1/vacancies/{draft}                   401   404  404    200  404    200
GET     /api/v1/vacancies/{other_vacancy}           401   200  200    404  200    200
PATCH   /api/v1/vacancies/{vacancy}                 401   403  403    200  404    200
POST    /api/v1/vacancies/{vacancy}/status          401   403  403    200  404    200
POST    /api/v1/vacancies/{vacancy}/interest        401   200  201    403  403    403
POST    /api/v1/vacancies/{draft}/interest          401   404  404    403  403    403
GET     /api/v1/applications/                       401   200  200    200  200    200
GET     /api/v1/applications/{application}          401   200  404    200  404    200
POST    /api/v1/applications/{application}/transition  401  403  403  200  404    200
POST    /api/v1/applications/{application}/withdraw    401  200  404  403  403    403
POST    /api/v1/roster/volunteers/import            401   403  403    415  415    415
GET     /api/v1/roster/volunteers/export            401   403  403    403  403    200
POST    /api/v1/programmes/{programme}/vacancies/import  401  403  403  415  404    415
GET     /api/v1/programmes/{programme}/vacancies/export  401  403  403  200  404    200
GET     /api/v1/vacancies/{vacancy}/shortlist      401   403  403    200  404    200
GET     /api/v1/vacancies/{vacancy}/shortlist/{volunteer}  401  403  403  200  404    200
GET     /api/v1/vacancies/{vacancy}/match-runs     401   403  403    200  404    200
POST    /api/v1/vacancies/{vacancy}/rematch        401   403  403    202  404    202
GET     /api/v1/matches                             401   200  200    403  403    403
GET     /api/v1/alerts/preferences                  401   200  200    403  403    403
PUT     /api/v1/alerts/preferences                  401   200  200    403  403    403
PATCH   /api/v1/alerts/preferences                  401   200  200    403  403    403
GET     /api/v1/inbox/                              401   200  200    200  200    200
GET     /api/v1/inbox/unread-count                  401   200  200    200  200    200
POST    /api/v1/inbox/read-all                      401   200  200    200  200    200
POST    /api/v1/inbox/{inbox_message}/read          401   200  404    404  404    404
"""


def _body_token(world: World, persona: str) -> dict[str, Any]:
    user = world.user(persona) or world.volunteer_user
    return {"email": user.email, "password": PASSWORD}


_PROFILE = {
    "full_name": "Hodan Cali",
    "headline": "Midwife",
    "summary": "",
    "skills": ["midwifery"],
    "languages": {"so": "native", "en": "fluent"},
    "education": "master",
    "years_experience": 9,
    "residence_country": "GB",
    "heritage_countries": ["SO"],
    "available_from": "2027-01-01",
    "available_until": "2027-12-31",
    "on_site_ok": True,
    "gender": "female",
}
_VACANCY = {
    "title": "Public Financial Management Adviser",
    "host_institution": "Ministry of Finance",
    "country": "SO",
    "sector": "Finance",
    "description": "Support budget execution reform.",
    "start_date": "2027-04-01",
    "end_date": "2027-09-30",
}

BODIES: dict[str, Callable[[World, str], dict[str, Any]]] = {
    "PATCH /api/v1/me": lambda w, p: {"full_name": "Cawo Maxamed"},
    "POST /api/v1/me/erase": lambda w, p: {"confirm": True},
    "POST /api/v1/auth/token": _body_token,
    "POST /api/v1/profile": lambda w, p: _PROFILE,
    "PUT /api/v1/profile": lambda w, p: _PROFILE,
    "PATCH /api/v1/profile": lambda w, p: {"headline": "Clinical midwifery tutor"},
    "POST /api/v1/profile/consents": lambda w, p: {"alerts": False},
    "POST /api/v1/programmes/": lambda w, p: {"slug": "mida-ethiopia", "name": "MIDA Ethiopia"},
    "POST /api/v1/programmes/{programme}/managers": lambda w, p: {"email": w.other_manager.email},
    "POST /api/v1/host-institutions/": lambda w, p: {"name": "Ministry of Education", "country": "SO"},
    "POST /api/v1/vacancies/": lambda w, p: {**_VACANCY, "programme": w.programme.slug},
    "PATCH /api/v1/vacancies/{vacancy}": lambda w, p: {"title": "Senior Midwifery Tutor"},
    "POST /api/v1/vacancies/{vacancy}/status": lambda w, p: {"status": "closed"},
    "POST /api/v1/vacancies/{vacancy}/interest": lambda w, p: {"motivation": "Ku dhashay Hargeysa."},
    "POST /api/v1/vacancies/{draft}/interest": lambda w, p: {"motivation": "Ku dhashay Hargeysa."},
    "POST /api/v1/applications/{application}/transition": lambda w, p: {"status": "shortlisted"},
    "POST /api/v1/applications/{application}/withdraw": lambda w, p: {},
    "PUT /api/v1/alerts/preferences": lambda w, p: {"channels": ["email"], "rhythm": "daily"},
    "PATCH /api/v1/alerts/preferences": lambda w, p: {"min_score": 0.5},
}


def _parse(table: str) -> list[tuple[str, str, dict[str, int]]]:
    rows = []
    for line in table.strip().splitlines()[1:]:
        method, path, *codes = line.split()
        assert len(codes) == len(COLUMNS), f"row {line!r} needs one status per persona"
        rows.append((method, path, dict(zip(COLUMNS, map(int, codes), strict=True))))
    return rows


ROWS = _parse(MATRIX)
CELLS = [(method, path, persona, expected) for method, path, codes in ROWS for persona, expected in codes.items()]


def _inbox_message_of(world: World) -> str:
    from alerts.models import InboxMessage  # the volunteer's own in-app message

    message, _ = InboxMessage.objects.get_or_create(user=world.volunteer_user, title="A new assignment fits you")
    return str(message.pk)


def _api_token_of(world: World) -> str:
    from accounts.services import api_token_issue  # a second token of the volunteer's, theirs to revoke

    return str(api_token_issue(user=world.volunteer_user)[0].pk)


def _placeholders(world: World) -> dict[str, str]:
    return {
        "api_token": _api_token_of(world),
        "inbox_message": _inbox_message_of(world),
        "vacancy": world.vacancy.external_id,
        "draft": world.draft_vacancy.external_id,
        "other_vacancy": world.other_vacancy.external_id,
        "application": str(world.application.pk),
        "volunteer": world.volunteer.external_id,
        "programme": world.programme.slug,
        "manager_id": str(world.manager.pk),
    }


@pytest.mark.parametrize(
    ("method", "path", "persona", "expected"),
    CELLS,
    ids=[f"{m} {p} as {who} -> {code}" for m, p, who, code in CELLS],
)
def test_it_answers_each_persona_as_the_matrix_says(
    world: World, method: str, path: str, persona: str, expected: int
) -> None:
    body_for = BODIES.get(f"{method} {path}")
    body = body_for(world, persona) if body_for else None
    url = path.format(**_placeholders(world))
    response = client_for(world.user(persona)).generic(
        method, url, data=None if body is None else json.dumps(body), content_type="application/json"
    )
    assert response.status_code == expected, (method, url, persona, response.content[:500])
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
    if response.status_code >= 400:
        assert set(response.json()) == {"errors"}


def test_it_pins_the_size_of_the_matrix() -> None:
    print(f"authorisation matrix: {len(ROWS)} rows, {len(CELLS)} cells")
    assert len(CELLS) >= 190


# --- Every route is in the matrix -------------------------------------------------

_PARAM = re.compile(r"<[^>]+>|\{[^}]+\}")


def _shape(route: str) -> str:
    return _PARAM.sub("*", route.removeprefix("/"))


def _walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        else:
            yield route, pattern.callback


def _methods(callback: Any) -> set[str]:
    if getattr(callback, "actions", None):  # a DRF viewset
        return {m.upper() for m in callback.actions}
    view = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view is None:
        return {"GET"}
    return {m.upper() for m in view.http_method_names if m not in {"head", "options"} and hasattr(view, m)}


def _api_routes() -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for route, callback in _walk(get_resolver().url_patterns):
        if route.startswith("api/v1/"):
            routes.setdefault(_shape(route), set()).update(_methods(callback))
    return routes


def test_it_has_a_row_for_every_api_route_and_method() -> None:
    in_matrix = {(method, _shape(path)) for method, path, _ in ROWS}
    missing = sorted(
        f"{method} /{shape}"
        for shape, methods in _api_routes().items()
        for method in methods
        if (method, shape) not in in_matrix
    )
    assert not missing, f"add these to MATRIX in {__name__}: {missing}"


def test_it_has_no_row_for_a_route_that_does_not_exist() -> None:
    routes = _api_routes()
    stale = sorted(f"{m} {p}" for m, p, _ in ROWS if m not in routes.get(_shape(p), set()))
    assert not stale, stale

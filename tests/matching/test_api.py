"""The shortlist over the API: ranked, explained, filtered, and discreet about contact details."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from rest_framework.test import APIClient

from assignments.models import Application
from assignments.services import application_withdraw
from core.models import OutboxMessage
from matching import rank
from matching.engine.model import load_model
from matching.index_cache import roster_index_reset
from tests.factories import ManagerFactory, ProgrammeFactory, StaffFactory, VacancyFactory, VolunteerFactory
from tests.support.openapi import assert_documented

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_index() -> Iterator[None]:
    roster_index_reset()
    yield
    roster_index_reset()


@pytest.fixture
def ranked() -> dict[str, Any]:
    manager = ManagerFactory()
    vacancy = VacancyFactory(programme=ProgrammeFactory(managers=[manager]))
    in_sweden = VolunteerFactory(headline="Midwife", residence_country="SE", languages={"so": "native", "en": "fluent"})
    in_kenya = VolunteerFactory(
        headline="Midwifery tutor", residence_country="KE", languages={"so": "native", "en": "fluent", "sw": "fluent"}
    )
    no_somali = VolunteerFactory(headline="Midwife", languages={"en": "native"})
    Application.objects.create(vacancy=vacancy, volunteer=in_kenya)
    rank.vacancy_rank(vacancy_id=vacancy.pk)
    client = APIClient()
    client.force_authenticate(manager)
    return {"client": client, "vacancy": vacancy, "se": in_sweden, "ke": in_kenya, "no_somali": no_somali}


def _url(vacancy: Any, suffix: str = "") -> str:
    return f"/api/v1/vacancies/{vacancy.external_id}/shortlist{suffix}"


def test_it_serves_eligible_candidates_best_first_with_their_explanations(ranked: dict[str, Any]) -> None:
    rows = ranked["client"].get(_url(ranked["vacancy"])).json()["results"]
    assert {row["volunteer"] for row in rows} == {ranked["se"].external_id, ranked["ke"].external_id}
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)
    for row in rows:
        assert row["reasons"]
        assert row["parts"]
        assert "gender" not in row


def test_it_shows_contact_details_only_for_people_who_applied(ranked: dict[str, Any]) -> None:
    rows = {row["volunteer"]: row for row in ranked["client"].get(_url(ranked["vacancy"])).json()["results"]}
    assert rows[ranked["ke"].external_id]["contact"] == {
        "full_name": ranked["ke"].full_name,
        "email": ranked["ke"].email,
    }
    assert rows[ranked["se"].external_id]["contact"] is None


def _withdraw(ranked: dict[str, Any]) -> None:
    applicant = ranked["ke"]
    application_withdraw(
        application=Application.objects.get(vacancy=ranked["vacancy"], volunteer=applicant), actor=applicant.user
    )


def test_once_an_applicant_withdraws_the_manager_no_longer_sees_their_name_or_email(ranked: dict[str, Any]) -> None:
    # Withdrawing takes back what applying disclosed, as on the applications API (issue #11).
    url = _url(ranked["vacancy"])
    applicant = ranked["ke"].external_id
    before = {row["volunteer"]: row for row in ranked["client"].get(url).json()["results"]}[applicant]
    _withdraw(ranked)

    response = ranked["client"].get(url)
    after = {row["volunteer"]: row for row in response.json()["results"]}[applicant]

    assert (before["applied"], before["withdrawn"], before["contact"]["email"]) == (True, False, ranked["ke"].email)
    assert (after["applied"], after["withdrawn"], after["contact"]) == (True, True, None)
    assert ranked["ke"].full_name not in response.content.decode()
    assert ranked["ke"].email not in response.content.decode()
    assert_documented(response, method="GET", template="/api/v1/vacancies/{external_id}/shortlist", path=url)


def test_staff_still_see_who_withdrew_on_the_shortlist(ranked: dict[str, Any]) -> None:
    _withdraw(ranked)
    client = APIClient()
    client.force_authenticate(StaffFactory())

    rows = {row["volunteer"]: row for row in client.get(_url(ranked["vacancy"])).json()["results"]}

    assert rows[ranked["ke"].external_id]["withdrawn"] is True
    assert rows[ranked["ke"].external_id]["contact"] == {
        "full_name": ranked["ke"].full_name,
        "email": ranked["ke"].email,
    }
    assert rows[ranked["se"].external_id]["contact"] is None  # never applied: staff are not shown it here either


@pytest.mark.parametrize(
    ("query", "expected"),
    [("residence_country=KE", {"ke"}), ("language=sw", {"ke"}), ("min_score=1", set())],
)
def test_it_filters_the_shortlist(ranked: dict[str, Any], query: str, expected: set[str]) -> None:
    rows = ranked["client"].get(_url(ranked["vacancy"]) + "?" + query).json()["results"]
    assert {row["volunteer"] for row in rows} == {ranked[key].external_id for key in expected}


def test_it_rejects_a_filter_outside_its_range_naming_it(ranked: dict[str, Any]) -> None:
    response = ranked["client"].get(_url(ranked["vacancy"]) + "?min_score=7")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["min_score"]


def test_it_answers_why_someone_is_not_on_the_list(ranked: dict[str, Any]) -> None:
    body = ranked["client"].get(_url(ranked["vacancy"], f"/{ranked['no_somali'].external_id}")).json()
    assert body["eligible"] is False
    assert body["failed_rules"] == ["language:so"]
    assert body["on_shortlist"] is False


def test_the_shortlist_costs_the_same_queries_for_two_rows_or_twenty(
    ranked: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    VolunteerFactory.create_batch(18, headline="Midwife")
    rank.vacancy_rank(vacancy_id=ranked["vacancy"].pk)
    with django_assert_max_num_queries(6):
        rows = ranked["client"].get(_url(ranked["vacancy"])).json()["results"]
    assert len(rows) == 20


def test_a_rematch_is_queued_through_the_outbox(ranked: dict[str, Any]) -> None:
    response = ranked["client"].post(f"/api/v1/vacancies/{ranked['vacancy'].external_id}/rematch")
    assert response.status_code == 202
    assert OutboxMessage.objects.filter(key=f"vacancy:{ranked['vacancy'].pk}", sent_at__isnull=True).exists()


def test_a_volunteer_sees_their_best_open_vacancies_with_reasons(ranked: dict[str, Any]) -> None:
    client = APIClient()
    client.force_authenticate(ranked["se"].user)
    rows = client.get("/api/v1/matches").json()["results"]
    assert [row["vacancy"] for row in rows] == [ranked["vacancy"].external_id]
    assert rows[0]["reasons"]


@pytest.fixture
def with_a_tax_inspector(ranked: dict[str, Any]) -> dict[str, Any]:
    """An eligible person with no evidence of doing the vacancy's work: below the floor."""
    inspector = VolunteerFactory(
        headline="Tax inspector",
        summary="Audits of large taxpayers and VAT refunds for a revenue authority.",
        skills=["tax audit", "VAT"],
        languages={"so": "native", "en": "fluent"},
    )
    rank.vacancy_rank(vacancy_id=ranked["vacancy"].pk)
    return {**ranked, "inspector": inspector}


def test_the_shortlist_leaves_out_people_below_the_floor_unless_asked(with_a_tax_inspector: dict[str, Any]) -> None:
    client, vacancy = with_a_tax_inspector["client"], with_a_tax_inspector["vacancy"]
    inspector = with_a_tax_inspector["inspector"].external_id
    listed = {row["volunteer"] for row in client.get(_url(vacancy)).json()["results"]}
    everyone = {row["volunteer"]: row for row in client.get(_url(vacancy, "?include=all")).json()["results"]}
    assert inspector not in listed
    assert everyone[inspector]["band"] == "none"
    assert listed == set(everyone) - {inspector}


def test_each_candidate_carries_a_band(ranked: dict[str, Any]) -> None:
    rows = ranked["client"].get(_url(ranked["vacancy"])).json()["results"]
    assert rows
    assert all(row["band"] in {"strong", "good", "partial"} for row in rows)


def test_strong_needs_a_skill_in_the_persons_own_words(
    with_a_tax_inspector: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Thresholds so low that every score reaches "strong": the tax inspector, with none of
    # the vacancy's skills in their words, is "good"; the others as their evidence says.
    low = dataclasses.replace(load_model(), floor=1e-9, good=1e-9, strong=1e-9)
    monkeypatch.setattr("matching.explain.load_model", lambda: low)
    client, vacancy = with_a_tax_inspector["client"], with_a_tax_inspector["vacancy"]
    rows = {row["volunteer"]: row for row in client.get(_url(vacancy, "?include=all")).json()["results"]}
    inspector = rows.pop(with_a_tax_inspector["inspector"].external_id)

    assert inspector["matched_skills"] == []
    assert inspector["band"] == "good"
    assert rows
    assert all(row["band"] == ("strong" if row["matched_skills"] else "good") for row in rows.values())
    assert any(row["band"] == "strong" for row in rows.values())


def test_include_accepts_only_all(ranked: dict[str, Any]) -> None:
    response = ranked["client"].get(_url(ranked["vacancy"], "?include=some"))
    assert response.status_code == 400
    assert "include" in response.json()["errors"]


def test_a_volunteer_does_not_see_vacancies_below_the_floor(with_a_tax_inspector: dict[str, Any]) -> None:
    client = APIClient()
    client.force_authenticate(with_a_tax_inspector["inspector"].user)
    assert client.get("/api/v1/matches").json()["results"] == []


def test_a_volunteers_match_carries_its_band(ranked: dict[str, Any]) -> None:
    client = APIClient()
    client.force_authenticate(ranked["se"].user)
    rows = client.get("/api/v1/matches").json()["results"]
    assert rows[0]["band"] in {"strong", "good", "partial"}

from datetime import date, timedelta

import pytest

from matching.engine import ProfileIndex, ProgrammeRules, check_eligibility, rank
from tests.engine.helpers import TODAY, profile, vacancy

NO_RULES = ProgrammeRules()
VAC = vacancy()  # 2027-03-01 .. 2027-09-01, so/en professional, bachelor, 5 years


def failed(p, v=VAC, rules=NO_RULES):
    return check_eligibility(p, v, rules, today=TODAY)


def test_it_accepts_a_profile_meeting_every_rule():
    assert failed(profile()) == []


@pytest.mark.parametrize(("level", "ok"), [("conversational", False), ("professional", True), ("native", True)])
def test_it_checks_language_level_with_the_minimum_passing(level, ok):
    p = profile(languages={"so": level, "en": "fluent"})
    assert (failed(p) == []) is ok
    if not ok:
        assert failed(p) == ["language:so"]


def test_it_fails_a_missing_language():
    assert failed(profile(languages={"en": "native"})) == ["language:so"]


@pytest.mark.parametrize(("edu", "ok"), [("diploma", False), ("bachelor", True), ("doctorate", True)])
def test_it_checks_education_at_the_boundary(edu, ok):
    assert ("education" not in failed(profile(education=edu))) is ok


def test_it_fails_remote_only_people_for_on_site_work_only():
    p = profile(on_site_ok=False)
    assert failed(p) == ["on_site"]
    assert failed(p, vacancy(on_site=False)) == []


@pytest.mark.parametrize(("years", "ok"), [(5, True), (3, True), (2, False)])
def test_it_allows_two_years_short_but_not_three(years, ok):
    assert ("experience" not in failed(profile(years_experience=years))) is ok


def test_it_passes_availability_covering_exactly_half():
    v = vacancy(start_date=date(2027, 1, 1), end_date=date(2027, 1, 1) + timedelta(days=200))
    half = profile(available_from=date(2027, 1, 1) + timedelta(days=100))
    less = profile(available_from=date(2027, 1, 1) + timedelta(days=101))
    assert failed(half, v) == []
    assert failed(less, v) == ["dates"]


def test_it_reads_missing_dates_as_today_and_open_ended():
    assert failed(profile(available_until=date(2027, 6, 1))) == []  # from today, covers > half
    assert failed(profile(available_until=date(2027, 4, 1))) == ["dates"]
    assert failed(profile(available_from=date(2027, 8, 1))) == ["dates"]  # open-ended but late
    assert failed(profile()) == []  # no dates at all: rule skipped


def test_it_applies_the_residence_rule_only_for_programmes_that_ask():
    p = profile(residence_country="SO")
    assert failed(p) == []
    assert failed(p, rules=ProgrammeRules(residence_outside_duty_country=True)) == ["residence"]


def test_it_names_every_failed_rule_in_order():
    p = profile(
        languages={"en": "basic"},
        education="secondary",
        on_site_ok=False,
        years_experience=0,
        available_from=date(2027, 8, 20),
    )
    assert failed(p) == ["language:en", "language:so", "education", "on_site", "dates", "experience"]


def test_it_never_ranks_an_ineligible_person_and_vectorised_rules_agree():
    people = [
        profile("ok"),
        profile("lang", languages={"so": "basic", "en": "fluent"}),
        profile("edu", education="diploma"),
        profile("remote", on_site_ok=False),
        profile("dates", available_until=date(2027, 4, 1)),
        profile("years", years_experience=2),
        profile("resident", residence_country="SO"),
        profile("short", years_experience=3),
    ]
    rules = ProgrammeRules(residence_outside_duty_country=True)
    index = ProfileIndex.build(people)
    ranked = rank(index, VAC, rules=rules, today=TODAY)
    assert {c.profile_id for c in ranked} == {"ok", "short"}
    everyone = rank(index, VAC, rules=rules, today=TODAY, include_ineligible=True)
    by_id = {c.profile_id: c for c in everyone}
    for p in people:
        assert by_id[p.id].failed_rules == check_eligibility(p, VAC, rules, today=TODAY)
        assert by_id[p.id].eligible is (not by_id[p.id].failed_rules)

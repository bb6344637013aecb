"""One profile scored against many vacancies (a rescore) gives what a ranking gives that person."""

from __future__ import annotations

import dataclasses

import pytest

from matching.engine import ProfileIndex, ProgrammeRules, rank, score_profile
from tests.engine.helpers import TODAY, random_profiles, random_vacancies

RULES = ProgrammeRules(residence_outside_duty_country=True)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_persons_score_parts_eligibility_and_reasons_equal_the_rankings(seed: int) -> None:
    profiles = random_profiles(seed, 80)
    index = ProfileIndex.build(profiles[:60])
    for newcomer in profiles[60:]:  # scored from the pending rows, not the built matrix
        index.upsert(newcomer)
    vacancies = random_vacancies(seed, 6)
    ranked = {
        v.id: {c.profile_id: c for c in rank(index, v, rules=RULES, today=TODAY, top_k=80, include_ineligible=True)}
        for v in vacancies
    }
    for person in profiles:
        scored = score_profile(index, vacancies, person.id, rules_for=RULES, today=TODAY, reasons=True)
        assert set(scored) == {v.id for v in vacancies}
        for vacancy in vacancies:
            mine, theirs = scored[vacancy.id], ranked[vacancy.id][person.id]
            assert (mine.score, mine.eligible, mine.failed_rules, mine.band) == (
                theirs.score,
                theirs.eligible,
                theirs.failed_rules,
                theirs.band,
            )
            assert mine.parts == theirs.parts
            assert (mine.reasons, mine.matched_skills, mine.missing_skills) == (
                theirs.reasons,
                theirs.matched_skills,
                theirs.missing_skills,
            )


def test_without_reasons_it_gives_the_same_scores_unexplained() -> None:
    profiles = random_profiles(4, 40)
    index = ProfileIndex.build(profiles)
    vacancies = random_vacancies(4, 5)
    full = score_profile(index, vacancies, profiles[0].id, today=TODAY, reasons=True)
    bare = score_profile(index, vacancies, profiles[0].id, today=TODAY)
    assert {k: (c.score, c.parts) for k, c in bare.items()} == {k: (c.score, c.parts) for k, c in full.items()}
    assert all(not c.explained and c.reasons == [] for c in bare.values())


def test_a_vacancy_whose_terms_changed_is_compiled_again() -> None:
    profiles = random_profiles(5, 40)
    index = ProfileIndex.build(profiles)
    vacancy = random_vacancies(5, 1)[0]
    person = profiles[0].id
    before = score_profile(index, [vacancy], person, today=TODAY)[vacancy.id]
    changed = dataclasses.replace(vacancy, required_skills=tuple(profiles[0].skills[:2]) or ("midwifery",))
    after = score_profile(index, [changed], person, today=TODAY)[vacancy.id]
    expected = next(
        c for c in rank(index, changed, today=TODAY, top_k=40, include_ineligible=True) if c.profile_id == person
    )
    assert after.score == expected.score
    assert after.score != before.score  # else this test could not tell a stale query from a fresh one


def test_an_unknown_person_is_a_key_error() -> None:
    index = ProfileIndex.build(random_profiles(6, 10))
    with pytest.raises(KeyError):
        score_profile(index, random_vacancies(6, 1), "nobody", today=TODAY)

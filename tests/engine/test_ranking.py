import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching.engine import EngineConfig, ProfileIndex, ProgrammeRules, explain, rank, rank_many
from matching.engine.reference import prepare, reference_rank
from tests.engine.helpers import TODAY, profile, replace, vacancy

ROOT = Path(__file__).resolve().parents[2]

ROSTER = [
    profile("buyer"),
    profile(
        "auditor",
        headline="Financial auditor, supreme audit institution",
        summary="External audit of ministries under ISSAI; audit opinions on financial statements.",
        skills=("financial audit", "ISSAI"),
    ),
    profile(
        "clinic",
        headline="Hospital quality manager",
        summary="Runs clinical audit cycles, audit committee papers and patient safety reviews.",
        skills=("clinical audit", "audit reports"),
    ),
    profile(
        "midwife",
        headline="Midwifery tutor",
        summary="Teaches midwives on the labour ward.",
        skills=("midwifery", "OSCE"),
    ),
    profile(
        "somali",
        headline="Khabiir iibsiga dowladda",
        summary="Waxaan ka shaqeeyay iibsiga dowladda iyo qiimaynta dalabaadka muddo toban sano ah.",
        skills=("iibsiga dowladda",),
    ),
    profile(
        "arabic",
        headline="أخصائي المشتريات الحكومية",
        summary="خبرة عشر سنوات في المناقصات وتقييم العطاءات في وزارة المالية.",
        skills=("المناقصات",),
    ),
]
AUDIT = vacancy(
    "audit",
    title="Financial Audit Specialist",
    sector="Public finance",
    description="Office of the Auditor General: financial audits of ministries under ISSAI.",
    required_skills=("financial audit", "ISSAI"),
    preferred_skills=(),
)


@pytest.fixture(scope="module")
def index():
    return ProfileIndex.build(ROSTER)


def ids(cands):
    return [c.profile_id for c in cands]


def test_it_puts_the_auditor_above_the_clinical_auditor(index):
    ranked = ids(rank(index, AUDIT, today=TODAY))
    assert ranked[0] == "auditor"
    assert ranked.index("auditor") < ranked.index("clinic")


def test_it_scores_within_bounds_in_descending_order(index):
    cands = rank(index, vacancy(), today=TODAY)
    scores = [c.score for c in cands]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_it_matches_somali_and_arabic_script_profiles(index):
    ranked = ids(rank(index, vacancy(), today=TODAY))
    top4 = ranked[:4]
    assert {"buyer", "somali", "arabic"} <= set(top4)


def test_it_names_matched_skills_in_the_persons_words(index):
    cand = next(c for c in rank(index, AUDIT, today=TODAY) if c.profile_id == "auditor")
    assert ("financial audit", "financial audit") in cand.matched_skills
    assert ("ISSAI", "ISSAI") in cand.matched_skills
    assert cand.missing_skills == []
    assert "Somali: native" in cand.reasons
    assert set(cand.parts) >= {"words", "does", "skills", "chars", "experience", "sector"}


def test_it_does_not_explain_financial_audit_with_clinical_audit(index):
    cand = explain(index, AUDIT, "clinic", today=TODAY)
    assert all(own != "clinical audit" for _, own in cand.matched_skills)
    assert "financial audit" in cand.missing_skills


def test_it_explains_why_someone_is_not_listed():
    idx = ProfileIndex.build([*ROSTER, profile("far", years_experience=1, on_site_ok=False)])
    cand = explain(idx, vacancy(), "far", today=TODAY)
    assert not cand.eligible
    assert cand.failed_rules == ["on_site", "experience"]
    assert "not eligible: on_site" in cand.reasons


def test_it_ranks_a_vacancy_without_skills_or_much_text(index):
    bare = vacancy(
        "bare",
        title="Procurement",
        description="Procurement.",
        required_skills=(),
        preferred_skills=(),
        sector="",
        required_languages={},
    )
    cands = rank(index, bare, today=TODAY)
    assert cands
    assert cands[0].profile_id in {"buyer", "somali", "arabic"}
    empty = vacancy("empty", title="x", description="", required_skills=(), preferred_skills=())
    assert len(rank(index, empty, today=TODAY)) >= 1


def test_it_handles_upsert_and_remove(index):
    idx = ProfileIndex.build(ROSTER)
    idx.upsert(replace(ROSTER[0], id="new-buyer"))
    idx.upsert(replace(ROSTER[1], headline="Retired"))  # replaces "auditor"
    assert len(idx) == len(ROSTER) + 1
    assert idx.remove("midwife")
    assert not idx.remove("midwife")
    ranked = ids(rank(idx, vacancy(), today=TODAY))
    assert "new-buyer" in ranked
    assert "midwife" not in ranked
    assert ranked.count("auditor") <= 1


def test_it_agrees_between_rank_rank_many_and_the_reference():
    people = [*ROSTER, *(replace(p, id=f"{p.id}-b", years_experience=4) for p in ROSTER)]
    idx = ProfileIndex.build(people)
    refs = [prepare(idx, p) for p in people]
    rules = ProgrammeRules(residence_outside_duty_country=True)
    vacs = [vacancy(), AUDIT, vacancy("mw", title="Clinical Midwifery Tutor", required_skills=("midwifery",))]
    many = rank_many(idx, vacs, rules_for=rules, today=TODAY)
    for v in vacs:
        fast = [(c.profile_id, c.score) for c in rank(idx, v, rules=rules, today=TODAY)]
        slow = reference_rank(idx, refs, vacancy=v, rules=rules, today=TODAY)
        assert [c.profile_id for c in many[v.id]] == [p for p, _ in fast]
        assert {p for p, _ in fast} == {p for p, _ in slow}
        for (pa, a), (pb, b) in zip(sorted(fast), sorted(slow), strict=True):
            assert pa == pb
            assert a == pytest.approx(b, abs=1e-5)


@pytest.mark.parametrize(
    "switch",
    [
        "use_lexicon",
        "use_families",
        "use_word_tfidf",
        "use_char_ngrams",
        "use_title_weighting",
        "use_skill_coverage",
        "use_structured_fit",
    ],
)
def test_it_ranks_with_each_component_switched_off(switch):
    idx = ProfileIndex.build(ROSTER, EngineConfig(**{switch: False}))
    assert rank(idx, AUDIT, today=TODAY)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    which=st.sampled_from(range(len(ROSTER))),
    skill=st.sampled_from(["public procurement", "bid evaluation", "financial audit", "ISSAI", "contract management"]),
    vac=st.sampled_from([vacancy(), AUDIT]),
)
def test_adding_a_required_skill_never_lowers_a_score(index, which, skill, vac):
    before = ROSTER[which]
    after = replace(before, id=before.id + "+", skills=(*before.skills, skill))
    idx = ProfileIndex.build(ROSTER)
    idx.upsert(after)
    a = explain(idx, vac, before.id, today=TODAY).score
    b = explain(idx, vac, after.id, today=TODAY).score
    assert b >= a - 1e-6


def test_the_engine_never_imports_django():
    code = (
        "import importlib, json, pkgutil, sys\n"
        "import matching.engine as e\n"
        "for m in pkgutil.walk_packages(e.__path__, 'matching.engine.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(json.dumps(sorted(k for k in sys.modules if k == 'django' or k.startswith('django.'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_the_preselected_pool_gives_the_same_ranking_as_scoring_everyone(monkeypatch):
    from matching.engine import ranking

    people = [
        replace(p, id=f"{p.id}-{k}", years_experience=3 + k % 9, education=("bachelor", "master")[k % 2])
        for k in range(12)
        for p in ROSTER
    ]
    idx = ProfileIndex.build(people)
    refs = [prepare(idx, p) for p in people]
    rules = ProgrammeRules(residence_outside_duty_country=True)
    monkeypatch.setattr(ranking, "MIN_POOL", 8)
    monkeypatch.setattr(ranking, "POOL_FACTOR", 1)
    for v in (vacancy(), AUDIT):
        fast = rank(idx, v, rules=rules, today=TODAY, top_k=5)
        slow = reference_rank(idx, refs, vacancy=v, rules=rules, today=TODAY, top_k=5)
        assert [c.score for c in fast] == pytest.approx([s for _, s in slow], abs=1e-5)


def test_ranking_in_chunks_and_merging_gives_the_full_ranking(index):
    auditor_post = vacancy("audit")
    full = rank(index, auditor_post, today=TODAY, top_k=5)
    ids_all = list(index.rows)
    halves = [set(ids_all[: len(ids_all) // 2]), set(ids_all[len(ids_all) // 2 :])]
    merged = [c for half in halves for c in rank(index, auditor_post, today=TODAY, top_k=5, only_ids=half)]
    merged.sort(key=lambda c: (-c.score, c.profile_id))
    assert [(c.profile_id, c.score) for c in merged[:5]] == [(c.profile_id, c.score) for c in full]
    assert all(c.profile_id in halves[0] for c in rank(index, auditor_post, today=TODAY, only_ids=halves[0]))


def test_an_empty_roster_builds_ranks_nobody_and_takes_newcomers():
    empty = ProfileIndex.build([])
    assert rank(empty, AUDIT, today=TODAY) == []
    empty.upsert(ROSTER[1])
    assert ids(rank(empty, AUDIT, today=TODAY)) == ["auditor"]


def test_an_ipc_committee_in_a_hospital_is_not_a_food_security_phase_analysis():
    nurse = profile(
        "ipc_nurse",
        headline="Infection prevention nurse",
        summary="IPC focal person for a district hospital; runs the IPC committee and hand hygiene audits.",
        skills=("IPC training", "hand hygiene"),
    )
    analyst = profile(
        "fs_analyst",
        headline="Food security analyst",
        summary="Led IPC analysis workshops and early warning bulletins for drought-affected regions.",
        skills=("IPC analysis", "early warning"),
    )
    post = vacancy(
        "ipc",
        title="Infection Prevention and Control Adviser",
        sector="Health",
        description="Set up the hospital's IPC committee, train ward staff and audit hand hygiene.",
        required_skills=("IPC committee", "infection prevention"),
        preferred_skills=(),
    )
    ranked = {c.profile_id: c for c in rank(ProfileIndex.build([nurse, analyst]), post, today=TODAY)}
    assert ranked["ipc_nurse"].score > ranked["fs_analyst"].score
    assert "IPC committee" in {wanted for wanted, _ in ranked["ipc_nurse"].matched_skills}
    assert "IPC committee" not in {wanted for wanted, _ in ranked["fs_analyst"].matched_skills}


def test_a_roster_whose_headlines_share_no_character_ngram_still_builds():
    index = ProfileIndex.build([profile("a", headline="Vet"), profile("b", headline="Jurist")])
    assert len(index) == 2
    assert len(rank(index, AUDIT, today=TODAY, include_ineligible=True)) == 2


def test_a_pool_too_small_grows_before_everyone_is_scored_and_ranks_alike(monkeypatch):
    from matching.engine import ranking

    people = [
        replace(p, id=f"{p.id}-{k}", years_experience=k % 9, education=("bachelor", "master")[k % 2])
        for k in range(40)
        for p in ROSTER
    ]
    idx = ProfileIndex.build(people)
    rules = ProgrammeRules(residence_outside_duty_country=True)
    everyone = {v.id: rank(idx, v, rules=rules, today=TODAY, top_k=5) for v in (vacancy(), AUDIT)}
    pools: list[int] = []
    fit = ranking.structured_fit

    def spy(index, query, rules, today, rows=None):
        pools.append(len(rows) if rows is not None else index.n_rows)
        return fit(index, query, rules, today, rows)

    monkeypatch.setattr(ranking, "structured_fit", spy)
    monkeypatch.setattr(ranking, "MIN_POOL", 5)
    monkeypatch.setattr(ranking, "POOL_FACTOR", 1)
    monkeypatch.setattr(ranking, "POOL_GROWTH", 4)
    for v in (vacancy(), AUDIT):
        pooled = rank(idx, v, rules=rules, today=TODAY, top_k=5)
        assert [(c.profile_id, c.score, c.parts, c.reasons) for c in pooled] == [
            (c.profile_id, c.score, c.parts, c.reasons) for c in everyone[v.id]
        ]
    assert 20 in pools  # a grown pool was scored

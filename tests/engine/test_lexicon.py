"""The lexicon's data: ambiguous abbreviations map only where their context says which meaning."""

import tomllib

import pytest

from matching.engine import EngineConfig, ProfileIndex
from matching.engine.features import vacancy_terms
from matching.engine.lexicon import DATA_DIR, load_lexicon
from matching.engine.text import tokenize
from tests.engine.helpers import profile, vacancy

LEXICON = load_lexicon()
KINDS = {"role", "topic", "sector"}  # features.py treats "sector" specially, the others alike
TERMS = {
    entry["id"]: entry["terms"]
    for path in sorted(DATA_DIR.glob("lexicon_*.toml"))
    for entry in tomllib.loads(path.read_text(encoding="utf-8"))["concept"]
}


def concepts(text: str) -> set[str]:
    return {LEXICON.concepts[i].id for m in LEXICON.match(tokenize(text)) for i in m.concepts}


def sectors(text: str) -> set[str]:
    return {LEXICON.concepts[i].sector for m in LEXICON.match(tokenize(text)) for i in m.concepts}


def test_bare_ipc_means_nothing_on_its_own():
    # Infection prevention and control in a hospital; the food-security phase
    # classification in a ministry of agriculture.
    assert concepts("IPC") == set()


def test_ipc_in_a_hospital_is_infection_prevention():
    assert concepts("chair of the IPC committee") == {"healthcare_quality"}


def test_ipc_in_an_early_warning_unit_is_food_security():
    assert concepts("led the IPC analysis") == {"food_security_nutrition"}


# -- professions beyond the first roster ---------------------------------------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("dental surgeon", "dentistry"),
        ("Tandläkare", "dentistry"),
        ("Fysioterapeut", "rehabilitation"),
        ("clinical psychologist", "mental_health"),
        ("child protection officer", "child_protection_gbv"),
        ("disaster risk reduction", "disaster_risk_humanitarian"),
        ("RF engineer", "telecommunications"),
        ("customs officer", "customs"),
        ("monetary policy", "central_banking"),
        ("public prosecutor", "prosecution"),
        ("high court judge", "judiciary"),
        ("police officer", "policing"),
        ("journalist", "journalism"),
        ("environmental impact assessment", "climate_environment_management"),
        ("road engineer", "transport_engineering"),
        ("macroeconomist", "macroeconomics"),
        ("biomedical engineer", "biomedical_engineering"),
    ],
)
def test_it_understands_a_profession_the_first_roster_did_not_have(text, concept):
    assert concept in concepts(text)


def test_it_keeps_a_judge_and_a_lawyer_sharing_a_concept():
    # A judiciary post still credits lawyers who name "judge" among their roles.
    assert {"judiciary", "lawyer"} <= concepts("judge")


def test_it_reads_a_software_architect_as_software_not_buildings():
    found = concepts("software architect")
    assert "software_development" in found
    assert "architecture" not in found
    assert "civil_engineering" not in found


def test_data_mining_is_not_mining():
    assert "mining_petroleum" not in concepts("data mining")


def test_digital_forensics_is_cybersecurity_not_policing():
    assert concepts("digital forensics") == {"cybersecurity"}


def test_bare_drm_stays_revenue_not_disaster_risk():
    # DRM is domestic revenue mobilisation to a tax administration; disaster risk
    # management must be written out.
    assert sectors("DRM") == {"pfm"}


def test_bare_itu_stays_intensive_care_not_telecommunications():
    assert concepts("ITU") == {"critical_care"}


def test_a_university_hospital_is_not_an_education_job():
    assert sectors("Midwife, Oslo University Hospital") == {"health"}


def test_a_refugee_background_is_not_humanitarian_work():
    # Many diaspora profiles mention arriving as a refugee; only the work counts.
    assert concepts("I came to Sweden as a refugee") == set()


# -- the lexicon stays inside what scoring knows ------------------------------------------


def test_every_concept_has_a_kind_and_family_that_scoring_reads():
    for concept in LEXICON.concepts:
        sector, _, family = concept.family.partition(".")
        assert concept.kind in KINDS, concept.id
        assert sector, concept.id
        assert family, concept.id
        assert "." not in family, concept.id


def test_every_sector_can_be_named_by_a_vacancys_sector_field():
    named = {c.sector for c in LEXICON.concepts if c.kind == "sector"}
    used = {c.sector for c in LEXICON.concepts}
    assert used - named == {"cross"}  # cross-cutting skills belong to no sector


def test_every_sector_gets_a_column_in_the_index_and_a_vacancy_reaches_it():
    index = ProfileIndex.build([profile()])
    for concept in LEXICON.concepts:
        if concept.kind != "sector":
            continue
        token = f"s:{concept.sector}"
        assert token in index.sectors
        first_term = next(t for t in TERMS[concept.id] if "*" not in t)
        terms = vacancy_terms(vacancy(sector=first_term), LEXICON, EngineConfig())
        assert token in terms.sectors, (concept.id, first_term)


def test_concept_ids_are_unique():
    ids = [c.id for c in LEXICON.concepts]
    assert len(ids) == len(set(ids))


def test_the_pronoun_it_is_not_information_technology():
    assert concepts("it was done; its items, in Italian") == set()
    assert "ict_sector" in concepts("head of the IT-avdelningen")


def test_an_identity_provider_is_not_a_displaced_person():
    # "IdP" is single sign-on to an IT person; displaced people are written out.
    assert concepts("configured the SAML IdP") == set()
    assert "disaster_risk_humanitarian" in concepts("managed IDP camps")


def test_a_lexicon_without_a_concept_forgets_its_phrases_and_keeps_the_rest():
    lex = load_lexicon()
    midwifery = {ci for m in lex.match(tokenize("midwife")) for ci in m.concepts}
    assert midwifery
    blind = lex.without(midwifery)
    assert not blind.match(tokenize("midwife"))
    assert blind.match(tokenize("financial audit")) == lex.match(tokenize("financial audit"))
    assert [c.tokens for c in blind.concepts] == [c.tokens for c in lex.concepts]


def test_a_root_canal_is_dentistry_and_a_canal_on_a_farm_is_still_irrigation():
    assert concepts("root canals and extractions") == {"dentistry"}
    assert concepts("lined canals for the farms") == {"irrigation"}


def test_a_distribution_network_is_water_supply_only_when_it_carries_water():
    assert concepts("distribution network planning") == set()
    assert concepts("water distribution network") == {"water_supply_engineering"}
    assert concepts("power distribution network") == {"power_engineering"}

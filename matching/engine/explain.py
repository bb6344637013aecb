"""Human-readable reasons: which vacancy skills a person covers, in their own words."""

from __future__ import annotations

from dataclasses import dataclass

from core.vocabulary import LANGUAGE_LEVELS
from matching.engine.features import Notes, VacancyTerms
from matching.engine.types import Profile, Vacancy

LANGUAGE_NAMES: dict[str, str] = {
    "so": "Somali",
    "en": "English",
    "ar": "Arabic",
    "fr": "French",
    "sv": "Swedish",
    "no": "Norwegian",
    "nb": "Norwegian",
    "da": "Danish",
    "nl": "Dutch",
    "fi": "Finnish",
    "de": "German",
    "it": "Italian",
    "tr": "Turkish",
    "am": "Amharic",
    "sw": "Swahili",
    "om": "Oromo",
    "ti": "Tigrinya",
    "es": "Spanish",
    "pt": "Portuguese",
    "ru": "Russian",
    "zh": "Chinese",
    "hi": "Hindi",
    "ur": "Urdu",
    "fa": "Persian",
}
MAX_SKILL_REASONS = 5
_LEVEL = {name: i + 1 for i, name in enumerate(LANGUAGE_LEVELS)}


@dataclass(frozen=True)
class SkillKey:
    """A vacancy skill reduced to the terms that can match it."""

    text: str
    required: bool
    concepts: frozenset[str]
    stems: frozenset[str]


def skill_keys(terms: VacancyTerms) -> list[SkillKey]:
    """Matching keys of every required and preferred skill of a vacancy."""
    keys = []
    for text, bag, required in terms.skills:
        concepts = frozenset(t for t in bag if t.startswith("c:"))
        stems = frozenset(t for t in bag if ":" not in t)
        keys.append(SkillKey(text, required, concepts, stems))
    return keys


def _covers(key: SkillKey, own_concepts: frozenset[str], own_stems: frozenset[str]) -> int:
    """How well one of the person's phrases covers a vacancy skill (0 = not at all)."""
    common = key.concepts & own_concepts
    if key.concepts and own_concepts and not common:
        # Both sides name a concept and they differ: "clinical audit" is not "financial audit".
        return 0
    hit = len(common) * 2
    shared = len(key.stems & own_stems)
    if shared and shared * 2 >= len(key.stems):
        hit += shared
    return hit


def key_lookup(keys: list[SkillKey]) -> dict[str, list[int]]:
    """Term -> indices of the vacancy skills mentioning it (built once per vacancy)."""
    lookup: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        for term in key.concepts | key.stems:
            lookup.setdefault(term, []).append(i)
    return lookup


def _phrase_hits(
    keys: list[SkillKey], lookup: dict[str, list[int]], own_concepts: frozenset[str], own_stems: frozenset[str]
) -> list[tuple[int, int]]:
    """(vacancy skill index, strength) for every vacancy skill one phrase covers."""
    seen: set[int] = set()
    hits: list[tuple[int, int]] = []
    for term in (*own_concepts, *own_stems):
        for i in lookup.get(term, ()):
            if i not in seen:
                seen.add(i)
                hit = _covers(keys[i], own_concepts, own_stems)
                if hit:
                    hits.append((i, hit))
    return hits


def match_skills(
    keys: list[SkillKey],
    notes: Notes,
    lookup: dict[str, list[int]] | None = None,
    memo: dict[str, list[tuple[int, int]]] | None = None,
) -> tuple[list[tuple[str, str]], list[str]]:
    """(vacancy skill, the person's words) for covered skills, and the uncovered ones.

    `lookup` and `memo` are per-vacancy caches: rosters repeat the same skill phrases
    ("M&E", "project management"), so each phrase is matched once per vacancy.
    """
    lookup = key_lookup(keys) if lookup is None else lookup
    memo = {} if memo is None else memo
    best: list[tuple[int, str]] = [(0, "")] * len(keys)
    for own_text, own_concepts, own_stems in notes.skill_keys:
        hits = memo.get(own_text)
        if hits is None:
            hits = memo[own_text] = _phrase_hits(keys, lookup, own_concepts, own_stems)
        for i, hit in hits:
            if hit > best[i][0]:
                best[i] = (hit, own_text)
    matched: list[tuple[str, str]] = []
    missing: list[str] = []
    for key, (hit, own) in zip(keys, best, strict=True):
        if not hit:
            for concept in sorted(key.concepts):
                surface = notes.surfaces.get(concept)
                if surface:
                    hit, own = 1, surface
                    break
        if hit:
            matched.append((key.text, own))
        else:
            missing.append(key.text)
    return matched, missing


def language_reasons(profile: Profile, vacancy: Vacancy) -> list[str]:
    """ "Somali: native" for each language the vacancy asks for (or the person's best two)."""
    langs = profile.languages
    if vacancy.required_languages:
        codes = list(vacancy.required_languages)
    else:
        codes = sorted(langs, key=lambda c: -_LEVEL.get(langs[c], 0))[:2]
    return [f"{LANGUAGE_NAMES.get(c.lower(), c)}: {langs.get(c) or langs.get(c.lower()) or 'none'}" for c in codes]


def reasons_for(
    profile: Profile,
    vacancy: Vacancy,
    matched: list[tuple[str, str]],
    missing: list[str],
    failed: list[str],
    coverage: float | None,
) -> list[str]:
    """The reasons list of a candidate, most decisive first."""
    out = [f"not eligible: {rule}" for rule in failed]
    out += [f"{skill}: matches '{own}'" for skill, own in matched[:MAX_SKILL_REASONS]]
    out += language_reasons(profile, vacancy)
    need = vacancy.min_years_experience
    years = profile.years_experience
    if need and years < need:
        out.append(f"{years} years' experience, {need - years} short of the minimum {need}")
    else:
        out.append(f"{years} years' experience" + (f" (minimum {need})" if need else ""))
    if coverage is not None:
        out.append(f"available for {round(100 * min(coverage, 1.0))}% of the assignment")
    if missing:
        out.append("missing: " + ", ".join(missing[:MAX_SKILL_REASONS]))
    return out

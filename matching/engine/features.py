"""Turn profiles and vacancies into terms: content words plus lexicon concept tokens.

Two views of a profile feed the scorer:
- `doc`: a bag of terms from headline and summary (not skills) for the TF-IDF cosine;
  skills stay out so that adding a skill can only raise a score (see `strengths`);
- `strengths`: for every term, the strongest evidence in [0, 1] that the person *does*
  it: a headline or the opening of the summary counts more than a passing mention.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from matching.engine.lexicon import Lexicon
from matching.engine.occupations import with_pairs
from matching.engine.text import content_stem, content_stems, normalise, tokenize
from matching.engine.types import EngineConfig, Profile, Vacancy

# Evidence weights by where a term appears (used when use_title_weighting is on).
W_HEADLINE = 1.0
W_SKILL = 0.85
W_OPENING = 0.8  # first words of the summary: "I am a ...", "Senior midwife with ..."
W_SUMMARY = 0.5
OPENING_TOKENS = 30
FAMILY_SHARE = 0.5  # a related job in the same professional family earns half
SECTOR_SHARE = 0.25
HEADLINE_REPEAT = 2  # the headline counts twice in the document view


@dataclass
class ProfileTerms:
    """Everything the index keeps about one profile's text."""

    doc: Counter[str]
    strengths: dict[str, float]
    head_text: str
    does: Counter[str]  # what the person does, for the ESCO occupation projection
    # (skill as written, its concept tokens, its stems) for explanations
    skill_keys: list[tuple[str, frozenset[str], frozenset[str]]] = field(default_factory=list)
    surfaces: dict[str, str] = field(default_factory=dict)  # concept token -> own words


@dataclass(frozen=True)
class Notes:
    """The little the index keeps per profile for explanations (memory matters at 100k)."""

    skill_keys: list[tuple[str, frozenset[str], frozenset[str]]]
    surfaces: dict[str, str]


@dataclass
class VacancyTerms:
    """Query-side terms of a vacancy."""

    doc: Counter[str]
    title: Counter[str]
    skills: list[tuple[str, Counter[str], bool]]  # (skill, terms, required?)
    title_text: str
    sectors: tuple[str, ...]
    does: Counter[str]  # the job asked for, for the ESCO occupation projection


def _terms(
    text: str, lexicon: Lexicon | None, config: EngineConfig
) -> tuple[list[str], list[tuple[int, list[str], str]]]:
    """Content stems of `text` and lexicon hits as (token position, concept tokens, surface)."""
    words = tokenize(text)
    stems = content_stems(words)
    hits: list[tuple[int, list[str], str]] = []
    if lexicon is not None and words:
        for m in lexicon.match(words):
            found: list[str] = []
            for ci in m.concepts:
                concept = lexicon.concepts[ci]
                c_tok, f_tok, s_tok = concept.tokens
                found.append(c_tok)
                if config.use_families and concept.kind != "sector":
                    found.append(f_tok)
                found.append(s_tok)
            hits.append((m.start, found, " ".join(words[m.start : m.end])))
    return stems, hits


@lru_cache(maxsize=100_000)
def _phrase_terms(
    text: str, lexicon: Lexicon | None, use_families: bool
) -> tuple[list[str], list[tuple[int, list[str], str]]]:
    """`_terms` of a short phrase, kept: skill phrases repeat across a roster ("midwifery",
    "financial audit"), so each is analysed once per process. Callers must not change the lists.
    Keyed on the one switch `_terms` reads, not the whole config (whose model is a dict)."""
    return _terms(text, lexicon, EngineConfig(use_families=use_families))


def phrase_terms(text: str, lexicon: Lexicon) -> tuple[list[str], list[tuple[int, list[str], str]]]:
    """Content stems of a short phrase and its lexicon hits as (position, concept tokens,
    surface), shared with the analysis (callers must not change the lists)."""
    return _phrase_terms(text, lexicon, True)


def _concept_words(hits: list[tuple[int, list[str], str]], lexicon: Lexicon | None) -> list[str]:
    """English words of the lexicon concepts hit (not sectors): how "iibsiga dowladda" reaches ESCO."""
    if lexicon is None:
        return []
    out: list[str] = []
    for _, found, _ in hits:
        for token in found:
            kind = lexicon.kinds.get(token)
            if kind is not None and kind != "sector":
                out.extend(w for w in token[2:].split("_") if content_stem(w) is not None)
    return content_stems(out)


def _bump(strengths: dict[str, float], term: str, value: float) -> None:
    if value > strengths.get(term, 0.0):
        strengths[term] = value


def _scaled(term: str, value: float) -> float:
    if term.startswith("f:"):
        return value * FAMILY_SHARE
    if term.startswith("s:"):
        return value * SECTOR_SHARE
    return value


def profile_terms(profile: Profile, lexicon: Lexicon | None, config: EngineConfig) -> ProfileTerms:
    """Analyse one profile into its document bag, evidence strengths and explanation keys."""
    weighting = config.use_title_weighting
    doc: Counter[str] = Counter()
    strengths: dict[str, float] = {}
    surfaces: dict[str, str] = {}

    head_stems, head_hits = _terms(profile.headline, lexicon, config)
    for _ in range(HEADLINE_REPEAT):
        doc.update(head_stems)
        for _, found, _ in head_hits:
            doc.update(found)
    for s in head_stems:
        _bump(strengths, s, W_HEADLINE)
    for _, found, surface in head_hits:
        for t in found:
            _bump(strengths, t, _scaled(t, W_HEADLINE))
            surfaces.setdefault(t, surface)

    # What the person does (for ESCO): the headline (their title) twice and the opening of
    # the summary, with the English names of the lexicon concepts found there (other
    # languages, abbreviations). Skills stay out: listing one more skill never moves a
    # person to another occupation, so it can only raise a score.
    does: Counter[str] = Counter(with_pairs(head_stems) * 2)
    does.update(_concept_words(head_hits, lexicon) * 2)
    skill_keys: list[tuple[str, frozenset[str], frozenset[str]]] = []
    w_skill = W_SKILL if weighting else W_HEADLINE
    for skill in profile.skills:
        s_stems, s_hits = _phrase_terms(skill, lexicon, config.use_families)
        concepts: set[str] = set()
        for s in s_stems:
            _bump(strengths, s, w_skill)
        for _, found, surface in s_hits:
            for t in found:
                _bump(strengths, t, _scaled(t, w_skill))
                surfaces.setdefault(t, surface)
            concepts.update(t for t in found if t.startswith("c:"))
        skill_keys.append((skill, frozenset(concepts), frozenset(s_stems)))

    if profile.headline:
        head_concepts = frozenset(t for _, found, _ in head_hits for t in found if t.startswith("c:"))
        skill_keys.append((profile.headline, head_concepts, frozenset(head_stems)))
    sum_stems, sum_hits = _terms(profile.summary, lexicon, config)
    does.update(with_pairs(sum_stems[:OPENING_TOKENS]))
    does.update(_concept_words([h for h in sum_hits if h[0] < OPENING_TOKENS], lexicon))
    doc.update(sum_stems)
    # Word positions are approximated by the stem index; the opening is what matters.
    for i, s in enumerate(sum_stems):
        w = W_OPENING if (weighting and i < OPENING_TOKENS) else W_SUMMARY if weighting else W_HEADLINE
        _bump(strengths, s, w)
    for pos, found, surface in sum_hits:
        doc.update(found)
        w = W_OPENING if (weighting and pos < OPENING_TOKENS) else W_SUMMARY if weighting else W_HEADLINE
        for t in found:
            _bump(strengths, t, _scaled(t, w))
            surfaces.setdefault(t, surface)
    return ProfileTerms(doc, strengths, normalise(profile.headline), does, skill_keys, surfaces)


def text_terms(text: str, lexicon: Lexicon | None, config: EngineConfig) -> Counter[str]:
    """Bag of stems and concept tokens of a short text (a title, a skill)."""
    stems, hits = _terms(text, lexicon, config)
    bag: Counter[str] = Counter(stems)
    for _, found, _ in hits:
        bag.update(found)
    return bag


def vacancy_terms(vacancy: Vacancy, lexicon: Lexicon | None, config: EngineConfig) -> VacancyTerms:
    """Analyse a vacancy: the whole ToR, the title (the job) and each skill."""
    title = text_terms(vacancy.title, lexicon, config)
    skills = [(s, text_terms(s, lexicon, config), True) for s in vacancy.required_skills]
    skills += [(s, text_terms(s, lexicon, config), False) for s in vacancy.preferred_skills]
    doc: Counter[str] = Counter()
    for _ in range(3 if config.use_title_weighting else 1):
        doc.update(title)
    for _, bag, required in skills:
        for _ in range(2 if required else 1):
            doc.update(bag)
    doc.update(text_terms(vacancy.description, lexicon, config))
    sector_bag = text_terms(vacancy.sector, lexicon, config) if lexicon is not None else Counter()
    sectors = tuple(sorted(t for t in sector_bag if t.startswith("s:")))
    if not sectors:
        sectors = tuple(sorted(t for t in title if t.startswith("s:")))
    # The job asked for: the title (twice) and the skills, with their concepts' English names.
    t_stems, t_hits = _terms(vacancy.title, lexicon, config)
    does: Counter[str] = Counter(with_pairs(t_stems) * 2)
    does.update(_concept_words(t_hits, lexicon) * 2)
    for skill in (*vacancy.required_skills, *vacancy.preferred_skills):
        s_stems, s_hits = _phrase_terms(skill, lexicon, config.use_families)
        does.update(with_pairs(s_stems))
        does.update(_concept_words(s_hits, lexicon))
    return VacancyTerms(doc, title, skills, normalise(vacancy.title), sectors, does)


def tokens_of(text: str) -> list[str]:
    """Raw normalised tokens (exposed for the reference scorer's char n-grams)."""
    return tokenize(text)

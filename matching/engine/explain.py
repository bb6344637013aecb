"""Human-readable reasons: which vacancy skills a person covers, in their own words."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import itemgetter
from pathlib import Path

from core.vocabulary import LANGUAGE_LEVELS
from matching.engine.features import Notes, ProfileTerms, VacancyTerms, phrase_terms, profile_terms, vacancy_terms
from matching.engine.lexicon import Lexicon, lexicon_of
from matching.engine.occupations import read_occupations
from matching.engine.text import content_stems, normalise, tokenize
from matching.engine.types import EngineConfig, Profile, Vacancy

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
# A person with no evidence of the vacancy's skills (not even related work) is said to
# work in its sector when both sector parts are at least this: the lexicon's (their
# words) and the ESCO occupations' (what they do). Either alone says it of too many
# people: the lexicon's of an architect who designed clinics for an anaesthesia trainer,
# of a water-polo coach for a hydrogeologist.
SECTOR_REASON = 0.5
# Below this ESCO occupation agreement (the `occupation` part; on the dev set its median is
# 0.63 for pairs graded 3, 0 for pairs graded 0-1, and 12% of pairs graded 3 fall below
# it), a skill's field in someone's words, with none of the skill's own words, is cited
# as related work, not the same skill: of the dev set's same-skill claims it turned into
# related work, two thirds were on pairs graded 0-1 and most of the rest named another
# skill of the field ("Docker" from "backup"); `make eval` prints the claims, the README
# (Quality) how the line was chosen.
WEAK_OCCUPATION = 0.3
SECTOR_ONLY = "works in the vacancy's sector"  # the reason, for a vacancy with no sector named
MISSING = "missing: "  # the last reason: the first MAX_SKILL_REASONS skills without same-skill evidence


def works_in_sector(parts: Mapping[str, float]) -> bool:
    """Whether a pair's parts say the person works in the vacancy's sector (`SECTOR_REASON`)."""
    return min(parts.get("sector", 0.0), parts.get("occupation_sector", 0.0)) >= SECTOR_REASON


_LEVEL = {name: i + 1 for i, name in enumerate(LANGUAGE_LEVELS)}

ESCO_SKILLS = Path(__file__).with_name("data") / "esco_skills.tsv.gz"
# A word in more ESCO skills than this ("design", "management", "safety", "law") says
# what kind of work, not which skill; rarer ones ("Islamic", "tariff", "checklist",
# "sector") name the skill. 60 of 13,939 skills: 0.4%.
GENERIC_SKILL_WORD = 60

# Kinds of evidence, strongest first. Only SAME covers a skill; RELATED is a neighbouring
# skill of the same professional family; WORD is a shared word and nothing more.
SAME, RELATED, WORD = "same", "related", "word"
_RANK = {SAME: 3, RELATED: 2, WORD: 1}


@dataclass(frozen=True)
class SkillKey:
    """A vacancy skill reduced to the terms that can match it."""

    text: str
    required: bool
    concepts: frozenset[str]  # lexicon concepts, sector-wide ones left out
    families: frozenset[str]
    stems: frozenset[str]
    # Words of the skill that name it but lie outside its lexicon concepts: "Islamic" in
    # "Islamic law" (the lexicon knows only "law"). Evidence through the concepts alone
    # is evidence of the field, not of this skill, unless it holds these words too.
    unnamed: frozenset[str] = frozenset()
    # The words of what the skill is, before an "of" ("training" in "training of lawyers"):
    # a job title naming only what follows ("Land registration lawyer") does not name it.
    head: frozenset[str] = frozenset()
    # Its words that name the skill rather than the kind of work (`GENERIC_SKILL_WORD`):
    # "tax" of "tax law", "veterinary" of "veterinary medicine"; empty when all are generic.
    specific: frozenset[str] = frozenset()

    def named_in_title(self, title_stems: frozenset[str]) -> bool:
        """Whether a job title shares a word with what the skill is (see `head`)."""
        return bool((self.head or self.stems) & title_stems)


# Not frozen, and with slots: built for every phrase a vacancy's matcher has not met yet
# (tens of thousands per 1,000 vacancies), and a frozen dataclass's __init__ takes twice as long.
@dataclass(slots=True)
class Evidence:
    """How one of the person's phrases bears on one vacancy skill."""

    skill: str
    kind: str  # SAME, RELATED or WORD
    own: str  # the person's words
    words: tuple[str, ...] = ()  # the words in common (for SAME, ties go to the phrase sharing most)


@dataclass(frozen=True)
class Vocabulary:
    """What explanations need from the lexicon: concept kinds and families."""

    sector_concepts: frozenset[str]
    family_of: dict[str, str]
    concepts_of: dict[str, frozenset[str]]  # family -> its concepts
    lexicon: Lexicon | None = None

    @classmethod
    def empty(cls) -> Vocabulary:
        return cls(frozenset(), {}, {})


@cache
def skill_word_counts() -> Counter[str]:
    """In how many ESCO skills each word stem occurs (their labels; once per process)."""
    counts: Counter[str] = Counter()
    for skill in read_occupations(ESCO_SKILLS):  # the skills file has the occupations' columns
        counts.update(set(content_stems(tokenize(skill.labels))))
    return counts


def unnamed_words(skill: str, vocab: Vocabulary) -> frozenset[str]:
    """The skill's words that no lexicon concept of it covers and that are not generic."""
    if vocab.lexicon is None:
        return frozenset()
    stems, hits = phrase_terms(skill, vocab.lexicon)
    covered: set[str] = set()
    for _, found, surface in hits:
        if any(t.startswith("c:") and t not in vocab.sector_concepts for t in found):
            covered.update(_stems_of(surface))
    if not covered:
        return frozenset()  # no concept: the skill is matched by its words alone
    counts = skill_word_counts()
    return frozenset(s for s in stems if s not in covered and counts[s] <= GENERIC_SKILL_WORD)


@cache
def vocabulary_of(lexicon: Lexicon | None) -> Vocabulary:
    """The explanation vocabulary of a lexicon (cached per lexicon object)."""
    if lexicon is None:
        return Vocabulary.empty()
    sectors = frozenset(f"c:{c.id}" for c in lexicon.concepts if c.kind == "sector")
    family_of = {f"c:{c.id}": f"f:{c.family}" for c in lexicon.concepts}
    concepts_of: dict[str, set[str]] = {}
    for concept, family in family_of.items():
        concepts_of.setdefault(family, set()).add(concept)
    return Vocabulary(sectors, family_of, {f: frozenset(cs) for f, cs in concepts_of.items()}, lexicon)


def skill_keys(terms: VacancyTerms, vocab: Vocabulary | None = None) -> list[SkillKey]:
    """Matching keys of every required and preferred skill of a vacancy."""
    vocab = vocab or Vocabulary.empty()
    keys = []
    for text, bag, required in terms.skills:
        concepts = frozenset(t for t in bag if t.startswith("c:") and t not in vocab.sector_concepts)
        families = frozenset(vocab.family_of[c] for c in concepts if c in vocab.family_of)
        stems = frozenset(t for t in bag if ":" not in t)
        unnamed = unnamed_words(text, vocab) if concepts else frozenset()
        what, of, _ = text.lower().partition(" of ")
        head = frozenset(content_stems(tokenize(what))) if of else frozenset()
        specific = frozenset(s for s in stems if skill_word_counts()[s] <= GENERIC_SKILL_WORD)
        keys.append(SkillKey(text, required, concepts, families, stems, unnamed, head & stems, specific))
    return keys


def _covers(
    key: SkillKey, own: frozenset[str], own_families: set[str], own_stems: frozenset[str], is_title: bool
) -> tuple[str, tuple[str, ...]] | None:
    """What kind of evidence one of the person's phrases is for a vacancy skill, if any.

    `own` are the phrase's concepts other than sectors, `own_families` their families.
    The person's job title (`is_title`) is evidence only of a skill it names, in a word
    of the skill: an advocate's title is not evidence of Islamic law, nor a physical
    therapist's of prosthetics (though the lexicon puts both in rehabilitation), nor a
    lawyer's of the training of lawyers (`SkillKey.head`).
    """
    if key.concepts & own and (not is_title or key.named_in_title(own_stems)):
        if _whole(key, own, own_stems) and key.unnamed <= own_stems:
            return SAME, tuple(sorted(key.stems & own_stems))
        # One of the skill's fields, not the skill: "training" for "training of
        # anaesthesia technicians", "intensive care" for "neonatal resuscitation",
        # "laws" for "Islamic law".
        return None if is_title else (RELATED, ())
    if key.stems and key.stems <= own_stems and not (key.concepts and own):
        # Every word of the skill, and no lexicon concept saying they differ.
        return SAME, tuple(sorted(key.stems))
    if is_title:
        return None
    if key.families & own_families:
        return RELATED, ()
    shared = tuple(sorted(key.stems & own_stems))
    if shared:
        return WORD, shared
    return None


def _whole(key: SkillKey, concepts: frozenset[str] | set[str], stems: frozenset[str] | set[str]) -> bool:
    """Whether words sharing a field with a skill speak of the whole skill: they carry
    every one of its fields, or at least half of its words that name it (`SkillKey.specific`;
    all its words when none does). Half of "tax law" is "tax", not "law": "property law"
    and "law" are of the field, related work; "obstetrics" is half of "obstetrics and
    gynaecology", and "CPA" of "ACCA/CPA"."""
    words = key.specific or key.stems
    return key.concepts <= concepts or 2 * len(words & stems) >= len(words)


def key_lookup(keys: list[SkillKey]) -> dict[str, list[int]]:
    """Term -> indices of the vacancy skills mentioning it (built once per vacancy)."""
    lookup: dict[str, list[int]] = {}
    for i, key in enumerate(keys):
        for term in key.concepts | key.families | key.stems:
            lookup.setdefault(term, []).append(i)
    return lookup


def _phrase_hits(
    keys: list[SkillKey],
    lookup: dict[str, list[int]],
    own_concepts: frozenset[str],
    own_stems: frozenset[str],
    vocab: Vocabulary,
    is_title: bool,
) -> list[tuple[int, str, tuple[str, ...]]]:
    """(vacancy skill index, kind, shared words) for every vacancy skill one phrase bears on."""
    seen: set[int] = set()
    hits: list[tuple[int, str, tuple[str, ...]]] = []
    families = {vocab.family_of[c] for c in own_concepts if c in vocab.family_of}
    own = own_concepts - vocab.sector_concepts
    own_families = {vocab.family_of[c] for c in own if c in vocab.family_of}
    for term in (*own_concepts, *families, *own_stems):
        for i in lookup.get(term, ()):
            if i not in seen:
                seen.add(i)
                found = _covers(keys[i], own, own_families, own_stems, is_title)
                if found is not None:
                    hits.append((i, *found))
    return hits


# One phrase's bearing on one vacancy skill: (skill index, (kind's rank, words in common),
# evidence, the lexicon concepts they share, whether it names the skill: `_names`).
Hit = tuple[int, tuple[int, int], Evidence, frozenset[str], bool]
# A hit as a skill's list of candidates holds it: a `Hit` without its skill index.
Found = tuple[tuple[int, int], Evidence, frozenset[str], bool]


class SkillMatcher:
    """A vacancy's skill keys, and what matching people against them needs, built once per vacancy.

    Rosters repeat the same skill phrases ("M&E", "project management"), so each phrase
    is matched once per vacancy (`memo`); and most of a person's phrases share no term
    with the vacancy's skills, so those are passed over with two set tests (`reachable`).
    """

    def __init__(self, keys: list[SkillKey], vocab: Vocabulary | None = None) -> None:
        self.keys = keys
        self.vocab = vocab or Vocabulary.empty()
        self.lookup = key_lookup(keys)
        # A phrase bears on a skill only through a term in `lookup`: one of its concepts or
        # stems, or the family of one of its concepts; so through a concept or stem in here.
        family_concepts = (self.vocab.concepts_of.get(term, frozenset()) for term in self.lookup)
        self.reachable = frozenset(self.lookup).union(*family_concepts)
        self.memo: dict[tuple[str, bool], list[Hit]] = {}
        # Each skill with its concepts in a fixed order (the first one found is cited).
        self.plan = [(key, sorted(key.concepts)) for key in keys]
        self.concepts = frozenset().union(*(key.concepts for key in keys))

    def _hits(
        self, own_text: str, own_concepts: frozenset[str], own_stems: frozenset[str], is_title: bool
    ) -> list[Hit]:
        hits = self.memo.get((own_text, is_title))
        if hits is None:
            found = _phrase_hits(self.keys, self.lookup, own_concepts, own_stems, self.vocab, is_title)
            hits = self.memo[(own_text, is_title)] = [
                (
                    i,
                    (_RANK[kind], len(words)),
                    Evidence(self.keys[i].text, kind, own_text, words),
                    self.keys[i].concepts & own_concepts,
                    kind == SAME and _names(self.keys[i], words),
                )
                for i, kind, words in found
            ]
        return hits

    def match(
        self, notes: Notes, title: str = "", *, occupation: float | None = None
    ) -> tuple[list[Evidence], list[str]]:
        """The best evidence for each vacancy skill, and the skills with no same-skill evidence.

        A lexicon concept is a field of work ("software development", "anaesthesia"),
        wider than one skill: the person's words in a field (a phrase or a concept's words
        in their text) that share no more with a skill than the field are same-skill
        evidence for the first skill of that field (in the vacancy's order), if that
        skill asks for nothing the field lacks (`_whole`, `SkillKey.unnamed`), and
        related work for its others: "React" is not evidence of Git, though both are
        software development. Evidence holding every word of a skill is evidence of it
        however many others it also covers. `title` is the person's job title (their
        headline).

        `occupation` is the pair's ESCO occupation agreement (None: not projected). At 0 the
        person's occupations share none with the vacancy's: their words in the skill's
        field are then another occupation's (organ procurement for public procurement,
        small-animal anaesthesia for general anaesthesia), related work at most, unless
        they hold every word of the skill. Below `WEAK_OCCUPATION`, evidence of the field
        alone, sharing no word with the skill ("construction supervision" from "AutoCAD",
        "Docker" from "backup"), is related work too.
        """
        reachable = self.reachable
        # Most of a person's phrases reach no skill, and most skills get no phrase: the
        # hits of each skill reached, by its index.
        found: dict[int, list[Found]] = {}
        for own_text, own_concepts, own_stems in notes.skill_keys:
            if reachable.isdisjoint(own_stems) and reachable.isdisjoint(own_concepts):
                continue
            is_title = bool(title) and own_text == title
            for i, strength, hit, shared, naming in self._hits(own_text, own_concepts, own_stems, is_title):
                if i in found:
                    found[i].append((strength, hit, shared, naming))
                else:
                    found[i] = [(strength, hit, shared, naming)]
        # A skill without same-skill evidence is covered by the person's own words for one
        # of its concepts anywhere in their text (most people have none: one set test).
        surfaces = notes.surfaces if not self.concepts.isdisjoint(notes.surfaces) else {}
        spent: set[str] = set()  # fields already cited as one skill by evidence of the field only
        evidence: list[Evidence] = []
        missing: list[str] = []
        for i, (key, concepts) in enumerate(self.plan):
            hits = found.get(i)
            if hits is None:
                if not surfaces or not concepts:
                    missing.append(key.text)  # no evidence of any kind
                    continue
                ev, passed = None, None
            else:
                ev, passed = _strongest(hits, spent)
            if ev is None or ev.kind != SAME:
                for concept in concepts:
                    surface = surfaces.get(concept)
                    if surface and concept not in spent and _may_cite(key, surface, title):
                        spent.add(concept)
                        words = _stems_of(surface)
                        if not (_whole(key, {concept}, words) and key.unnamed <= words):
                            passed = passed or Evidence(key.text, RELATED, surface)
                            continue
                        ev = Evidence(key.text, SAME, surface)
                        break
                else:
                    if passed is not None and (ev is None or ev.kind != RELATED):
                        ev = Evidence(key.text, RELATED, passed.own)
            # The field had its one chance, taken or not: a skill that refused it (it names
            # more than the field) does not pass it on to the next skill of the field.
            if hits:
                for _, _, shared, _ in hits:
                    spent.update(shared)
            if ev is not None and ev.kind == SAME and not _same_work(key, ev, occupation):
                ev = Evidence(key.text, RELATED, ev.own)
            if ev is not None:
                evidence.append(ev)
            if ev is None or ev.kind != SAME:
                missing.append(key.text)
        return evidence, missing


def _same_work(key: SkillKey, ev: Evidence, occupation: float | None) -> bool:
    """Whether same-skill evidence stands given the pair's occupation agreement (see `match`)."""
    if occupation is None or occupation >= WEAK_OCCUPATION:
        return True
    words = _stems_of(ev.own)
    return key.stems <= words if occupation == 0.0 else bool(key.stems & words)


_strength = itemgetter(0)


def _strongest(hits: list[Found], spent: set[str]) -> tuple[Evidence | None, Evidence | None]:
    """The strongest evidence for a skill, passing over same-skill evidence that shares only
    fields already cited for another skill (the field it is cited by is added to `spent`);
    and the strongest evidence so passed over, if any. Sorts `hits` (strongest first, ties
    in the person's order)."""
    if len(hits) > 1:
        hits.sort(key=_strength, reverse=True)
    passed = None
    for _, ev, shared, naming in hits:
        if naming:
            # Evidence naming the skill is cited whatever was cited before; its fields
            # are then spent: "anaesthesia" names anaesthesia, and is only related work
            # for airway management.
            spent.update(shared)
            return ev, passed
        if ev.kind != SAME or not shared:
            return ev, passed
        fresh = shared - spent
        if fresh:
            spent.update(fresh)
            return ev, passed
        passed = passed or ev
    return None, passed


@lru_cache(maxsize=50_000)
def _stems_of(surface: str) -> frozenset[str]:
    """Content stems of a concept's surface in someone's text (surfaces repeat across a roster)."""
    return frozenset(content_stems(tokenize(surface)))


def _names(key: SkillKey, words: tuple[str, ...]) -> bool:
    """Whether evidence with these words in common holds every word of the skill (not only
    a concept in common)."""
    return bool(key.stems) and key.stems <= set(words)


def _may_cite(key: SkillKey, surface: str, title: str) -> bool:
    """A concept's words found in the person's job title are cited only for a skill the
    title names (a word in common), as the title itself is."""
    if not title or normalise(surface) not in normalise(title):
        return True
    return key.named_in_title(_stems_of(surface))


def evidence_reason(ev: Evidence) -> str:
    """One reason, worded by the kind of evidence: never a shared word called a match."""
    if ev.kind == SAME:
        return f"{ev.skill} \u2190 '{ev.own}'"
    if ev.kind == RELATED:
        return f"related to {ev.skill}: '{ev.own}'"
    words = ", ".join(f"'{w}'" for w in ev.words)
    return f"{ev.skill}: only the word {words} in common ('{ev.own}'), not evidence of the skill"


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
    evidence: list[Evidence],
    missing: list[str],
    failed: list[str],
    coverage: float | None,
    in_sector: bool = False,
) -> list[str]:
    """The reasons list of a candidate, most decisive first: same skill, related, shared
    words; for someone with none of the first two, that they work in the vacancy's sector
    if they do (`in_sector`, `works_in_sector`), which is what a partial match rests on."""
    out = [f"not eligible: {rule}" for rule in failed]
    ordered = sorted(evidence, key=lambda e: -_RANK[e.kind])
    out += [evidence_reason(e) for e in ordered[:MAX_SKILL_REASONS]]
    if in_sector and all(e.kind == WORD for e in evidence):
        out.append(f"works in the vacancy's sector: {vacancy.sector}" if vacancy.sector else SECTOR_ONLY)
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
        out.append(MISSING + ", ".join(missing[:MAX_SKILL_REASONS]))
    return out


def notes_of(terms: ProfileTerms) -> Notes:
    """What explanations keep of a profile's analysis: its skill phrases and concept surfaces."""
    return Notes(list(terms.skill_keys), {t: s for t, s in terms.surfaces.items() if t.startswith("c:")})


def candidate_explanation(
    profile: Profile,
    vacancy: Vacancy,
    notes: Notes,
    matcher: SkillMatcher,
    failed: list[str],
    coverage: float | None,
    occupation: float | None = None,
    in_sector: bool = False,
) -> tuple[list[str], list[tuple[str, str]], list[str]]:
    """(reasons, matched skills as (skill, own words), missing skills) of one candidate.

    The one place both explanation paths go through: the ranking's (for the top
    of a list) and `StoredExplainer`'s (for stored candidates, when read).
    `occupation` is the pair's ESCO occupation agreement (its score part), None when
    the engine does not project onto occupations: 0 means none in common. `in_sector`
    is `works_in_sector` of the pair's parts.
    """
    evidence, missing = matcher.match(notes, profile.headline, occupation=occupation)
    matched = [(e.skill, e.own) for e in evidence if e.kind == SAME]
    return reasons_for(profile, vacancy, evidence, missing, failed, coverage, in_sector), matched, missing


class StoredExplainer:
    """Reasons for candidates ranked earlier without them (below the explained top of a list).

    Needs no index: the reasons depend on the profile, the vacancy and the stored
    availability part only, so a web process can explain a stored row without the
    roster. Per-vacancy skill keys and phrase matches are cached on the instance.
    """

    def __init__(self, config: EngineConfig | None = None) -> None:
        self.config = config or EngineConfig()
        self.lexicon = lexicon_of(self.config)
        self.vocab = vocabulary_of(self.lexicon)
        self._matchers: dict[str, SkillMatcher] = {}

    def explain(
        self,
        profile: Profile,
        vacancy: Vacancy,
        availability: float | None,
        occupation: float | None = None,
        in_sector: bool = False,
    ) -> tuple[list[str], list[tuple[str, str]], list[str]]:
        """What `rank` would have said of this eligible candidate; ``availability`` and
        ``occupation`` are the stored parts (None: not stored), ``in_sector``
        `works_in_sector` of them."""
        matcher = self._matchers.get(vacancy.id)
        if matcher is None:
            keys = skill_keys(vacancy_terms(vacancy, self.lexicon, self.config), self.vocab)
            matcher = self._matchers[vacancy.id] = SkillMatcher(keys, self.vocab)
        notes = notes_of(profile_terms(profile, self.lexicon, self.config))
        dated = (profile.available_from is not None or profile.available_until is not None) and (
            vacancy.start_date is not None
        )
        coverage = availability if dated else None
        if not self.config.use_occupations:
            occupation = None
        return candidate_explanation(profile, vacancy, notes, matcher, [], coverage, occupation, in_sector)

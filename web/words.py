"""A match's reasons in plain words for the volunteer it is about.

The engine stores short reasons meant for managers ("midwifery: matches
'midwife'", "Somali: native", "12 years' experience (minimum 5)"); the
volunteer reads sentences about themselves instead. What is not recognised
is shown as the engine wrote it.
"""

from __future__ import annotations

import re

import pycountry
from django.utils.translation import gettext as _

from core.vocabulary import LANGUAGE_LEVELS
from matching.engine.explain import MISSING
from matching.explain import band_of
from matching.models import MatchResult
from volunteers.names import language_name, level_name

# The same skill in the person's words, and a shared word that is no evidence:
# the first is said from matched_skills, the second is not a reason to tell them.
_SKILL = re.compile(r"^.+ \u2190 '.*'$|^.+: matches '.*'$|^.+: only the word .* not evidence of the skill$")
_RELATED = re.compile(r"^related to (?P<skill>.+): '(?P<own>.*)'$")
_LANGUAGE = re.compile(r"^(?P<name>[^:]+): (?P<level>" + "|".join((*LANGUAGE_LEVELS, "none")) + r")$")
_EXPERIENCE_SHORT = re.compile(r"^(?P<years>\d+) years' experience, (?P<short>\d+) short of the minimum (?P<need>\d+)$")
_EXPERIENCE = re.compile(r"^(?P<years>\d+) years' experience(?: \(minimum (?P<need>\d+)\))?$")
_AVAILABLE = re.compile(r"^available for (?P<share>\d+)% of the assignment$")
_SECTOR = re.compile(r"^works in the vacancy's sector(?:: (?P<sector>.+))?$")


def strength(result: MatchResult) -> str:
    """How well it fits, in words: the ranker's calibrated band of an explained match."""
    return _band_words(band_of(result.score, result.matched_skills))


def _band_words(band: str) -> str:
    if band == "strong":
        return _("Strong fit")
    if band == "good":
        return _("Good fit")
    if band == "partial":
        return _("Partial fit")
    return _("Little evidence of a fit")


def fit(result: MatchResult) -> dict[str, object]:
    """How an assignment fits the volunteer, as their pages show it: the band (for its
    colour), the band in words and the reasons as sentences about them."""
    band = band_of(result.score, result.matched_skills)
    return {"band": band, "strength": _band_words(band), "reasons": plain_reasons(result)}


def _sentence(reason: str) -> str | None:
    if reason.startswith((MISSING, "not eligible: ")) or _SKILL.match(reason):
        return None  # said from the structured fields instead
    if m := _RELATED.match(reason):
        return _("It asks for “%(asked)s”: you wrote “%(own)s”, a related skill.") % {
            "asked": m["skill"],
            "own": m["own"],
        }
    if m := _LANGUAGE.match(reason):
        known = pycountry.languages.get(name=m["name"])
        name = language_name(known.alpha_2) if known is not None and hasattr(known, "alpha_2") else m["name"]
        if m["level"] == "none":
            return _("%(language)s: not in your profile.") % {"language": name}
        return _("You speak %(language)s (%(level)s).") % {"language": name, "level": level_name(m["level"])}
    if m := _EXPERIENCE_SHORT.match(reason):
        return _("You have %(years)s years of experience; it asks for %(need)s, and up to 2 fewer is accepted.") % {
            "years": m["years"],
            "need": m["need"],
        }
    if m := _EXPERIENCE.match(reason):
        if m["need"]:
            return _("You have %(years)s years of experience; it asks for %(need)s.") % {
                "years": m["years"],
                "need": m["need"],
            }
        return _("You have %(years)s years of experience.") % {"years": m["years"]}
    if m := _AVAILABLE.match(reason):
        return _("You are available for %(share)s%% of the assignment's dates.") % {"share": m["share"]}
    if m := _SECTOR.match(reason):
        if m["sector"]:
            return _("You work in its sector (%(sector)s).") % {"sector": m["sector"]}
        return _("You work in its sector.")
    return reason


def plain_reasons(result: MatchResult) -> list[str]:
    """Why this assignment fits this volunteer, most decisive first, as sentences about them."""
    out: list[str] = []
    for pair in result.matched_skills or []:
        asked, own = [*list(pair), "", ""][:2]
        if own and own.casefold() != asked.casefold():
            out.append(_("It asks for “%(asked)s”: you wrote “%(own)s”.") % {"asked": asked, "own": own})
        else:
            out.append(_("It asks for “%(asked)s”, which is in your profile.") % {"asked": asked})
    for reason in result.reasons or []:
        sentence = _sentence(str(reason))
        if sentence:
            out.append(sentence)
    if result.missing_skills:
        out.append(
            _("Not in your profile (yet): %(skills)s.") % {"skills": ", ".join(map(str, result.missing_skills[:6]))}
        )
    return out

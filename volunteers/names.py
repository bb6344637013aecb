"""Names people read for the codes a profile stores: languages, levels, education, countries."""

from __future__ import annotations

import functools

import pycountry
from django.utils.translation import get_language, get_language_info, gettext_noop
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from core.validators import LANGUAGE_CODES

# Language names Django's catalogues lack (Somali is registered by us) or that
# our Somali catalogue must carry itself (Django has no Somali translation).
gettext_noop("Somali")
gettext_noop("English")
gettext_noop("Arabic")

LANGUAGE_LEVEL_NAMES = {
    "basic": _("basic"),
    "conversational": _("conversational"),
    "professional": _("professional"),
    "fluent": _("fluent"),
    "native": _("native"),
}

EDUCATION_NAMES = {
    "none": _("no formal qualification"),
    "secondary": _("secondary school"),
    "diploma": _("diploma"),
    "bachelor": _("bachelor's degree"),
    "master": _("master's degree"),
    "doctorate": _("doctorate"),
}


def language_name(code: str) -> str:
    """ "Somali" for "so", in the page's language when Django knows the language; the code if unknown."""
    code = (code or "").lower()
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        pass
    language = pycountry.languages.get(alpha_2=code)
    return str(language.name) if language is not None else code


@functools.lru_cache(maxsize=8)
def _language_choices_in(page_language: str | None) -> tuple[tuple[str, str], ...]:
    # Once per page language: naming all of them takes milliseconds, and a page may
    # hold several language rows.
    pairs = {code: language_name(code) for code in LANGUAGE_CODES}
    return tuple(sorted(pairs.items(), key=lambda pair: pair[1].casefold()))


def language_choices() -> list[tuple[str, str]]:
    """Every ISO 639-1 language as (code, name), sorted by name, named in the page's language."""
    return list(_language_choices_in(get_language()))


def level_name(level: str) -> str:
    return str(LANGUAGE_LEVEL_NAMES.get(level, level))


def education_name(level: str) -> str:
    return str(EDUCATION_NAMES.get(level, level))


def country_name(code: str) -> str:
    return str(countries.name(code) or code) if code else ""

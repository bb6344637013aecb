"""Field rules of the roster format (../shared/roster-format.md), shared by
every app's models, the API serializers and the roster importer."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from core.vocabulary import LANGUAGE_LEVELS

MAX_SKILLS = 100
MAX_SKILL_LENGTH = 200

validate_external_id = RegexValidator(
    regex=r"^[A-Za-z0-9._-]{1,64}$",
    message="must be 1-64 characters of A-Z a-z 0-9 . _ -",
)

_ISO_639_1 = frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))
_ISO_3166_1 = frozenset(country.alpha_2 for country in pycountry.countries)

# Bidirectional overrides and isolates let a name display as something else
# ("evil\u202egnp.exe"); ordinary RTL text (Arabic, Somali in Arabic script)
# needs none of them.
# Sorted, for choices and the schema's enums.
COUNTRY_CODES: tuple[str, ...] = tuple(sorted(_ISO_3166_1))
LANGUAGE_CODES: tuple[str, ...] = tuple(sorted(_ISO_639_1))

_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def validate_language_code(code: Any) -> None:
    if not isinstance(code, str) or code not in _ISO_639_1:
        # The value goes in as a parameter, never into the message itself: a
        # query such as ?language=%s must not reach a formatter as a template.
        raise ValidationError("%(code)r is not an ISO 639-1 language code", params={"code": code})


def validate_country_code(code: Any) -> None:
    if not isinstance(code, str) or code not in _ISO_3166_1:
        raise ValidationError("%(code)r is not an ISO 3166-1 alpha-2 country code", params={"code": code})


def validate_languages(value: Any) -> None:
    """An object of ISO 639-1 code to level, e.g. ``{"so": "native"}``."""
    if not isinstance(value, dict):
        raise ValidationError("must be an object of language code to level")
    for code, level in value.items():
        validate_language_code(code)
        if level not in LANGUAGE_LEVELS:
            raise ValidationError(
                "level %(level)r for %(code)r must be one of %(levels)s",
                params={"level": level, "code": code, "levels": ", ".join(LANGUAGE_LEVELS)},
            )


def validate_country_list(value: Any) -> None:
    if not isinstance(value, list):
        raise ValidationError("must be a list of ISO 3166-1 alpha-2 codes")
    for code in value:
        validate_country_code(code)


def validate_skill_list(value: Any) -> None:
    if not isinstance(value, list):
        raise ValidationError("must be a list of strings")
    if len(value) > MAX_SKILLS:
        raise ValidationError(f"at most {MAX_SKILLS} skills")
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ValidationError("every skill must be a non-empty string")
        if len(item) > MAX_SKILL_LENGTH:
            raise ValidationError(f"a skill is at most {MAX_SKILL_LENGTH} characters")
        validate_clean_text(item)


def validate_single_line(value: Any) -> None:
    """A one-line field (a title, a name, an institution): clean text with no line break, tab or other control.

    Such values end up in email headers and one-line displays; a CR or LF in a
    vacancy title made every alert's Subject raise BadHeaderError.
    """
    validate_clean_text(value)
    if isinstance(value, str) and any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in value):
        raise ValidationError("must be a single line: no line breaks, tabs or other control characters")


def validate_clean_text(value: Any) -> None:
    """No NUL or other control characters, no bidirectional overrides."""
    if not isinstance(value, str):
        return
    if "\x00" in value:
        raise ValidationError("must not contain NUL characters")
    if _BIDI_CONTROLS.search(value):
        raise ValidationError("must not contain bidirectional override characters")
    for char in value:
        if unicodedata.category(char) == "Cc" and char not in "\n\r\t":
            raise ValidationError("must not contain control characters")


def validate_items_clean_text(value: Any) -> None:
    """Every string of a list is clean text: the characters part of ``validate_skill_list``."""
    if isinstance(value, list):
        for item in value:
            validate_clean_text(item)


# The checks of characters each validator makes, to be run on a value as it was sent, before any
# trimming: str.strip() (DRF's trim_whitespace) also takes away U+001C-001F, VT, FF, NEL and line
# breaks, so "Amina\u001d" trimmed passed the very check that refuses it as sent, and that the
# schema's pattern states (make fuzz, negative_data_rejection). Each check here only reads
# characters: lengths and emptiness are the field's to judge, after trimming.
CHARACTER_CHECKS: dict[Callable[[Any], None], Callable[[Any], None]] = {
    validate_single_line: validate_single_line,
    validate_clean_text: validate_clean_text,
    validate_skill_list: validate_items_clean_text,
}

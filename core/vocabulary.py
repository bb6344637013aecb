"""The words every app shares, in order where order means something. No Django here.

The roster format (../shared/roster-format.md) defines the language and
education scales; the validators, the models' choices and the matching engine
all read them from here, so a level added once is known everywhere.
"""

from __future__ import annotations

from typing import Final

# Lowest first: a level satisfies a requirement at its own level or below it.
LANGUAGE_LEVELS: Final[tuple[str, ...]] = ("basic", "conversational", "professional", "fluent", "native")
EDUCATION_LEVELS: Final[tuple[str, ...]] = ("none", "secondary", "diploma", "bachelor", "master", "doctorate")
GENDERS: Final[tuple[str, ...]] = ("female", "male", "other", "undisclosed")

"""The catalogues: English holds every string of the pages, Somali and Arabic translate all, the .mo files are current.

Somali and Arabic were machine-assisted: a native speaker's review changes wording, never these checks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

import polib
import pytest
from django.conf import settings
from django.utils import translation
from django.utils.html import escape

from tests.factories import ApplicationFactory
from tests.web.manager_support import signed_in, world

LOCALE = Path(settings.BASE_DIR) / "locale"
NAV = ["Home", "My matches", "Vacancies", "My applications", "Inbox", "Profile", "Alerts", "Log out", "Log in"]


@pytest.mark.parametrize("language", ["en", "so", "ar"])
def test_each_compiled_catalogue_says_what_its_source_says(language: str) -> None:
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, f"run make messages: {entry.msgid!r}"


def test_somali_and_arabic_translate_the_volunteer_nav() -> None:
    for language in ("so", "ar"):
        po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
        translated = {entry.msgid for entry in po.translated_entries()}
        assert set(NAV) <= translated, language


def test_somali_is_registered_although_django_has_no_somali_locale() -> None:
    from django.utils.translation import get_language_info

    assert ("so", "Somali") in settings.LANGUAGES
    assert get_language_info("so")["name_local"] == "Soomaali"
    assert get_language_info("ar")["bidi"] is True


# Placeholders a translation must keep: Python's %-formats (named and bare, and %% itself),
# str.format fields, Django template tokens, HTML tags and entities.
PLACEHOLDER = re.compile(r"%\([^)]+\)[sdif]|%[sdif%]|\{\{.*?\}\}|\{[A-Za-z_][A-Za-z0-9_]*\}|<[^>]+>|&[a-z]+;")


def _placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text))


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", ["so", "ar"])
def test_every_somali_and_arabic_entry_is_translated_and_none_is_fuzzy(language: str) -> None:
    po = _catalogue(language)
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [], f"{len(untranslated)} untranslated in {language}, e.g. {untranslated[:5]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy in {language} (check the guess, then drop the flag), e.g. {fuzzy[:5]}"


@pytest.mark.parametrize("language", ["so", "ar"])
def test_every_translation_keeps_the_placeholders_and_the_plural_forms(language: str) -> None:
    po = _catalogue(language)
    nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))  # type: ignore[union-attr]
    wrong = []
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            if _placeholders(entry.msgstr) != _placeholders(entry.msgid):
                wrong.append(entry.msgid)
            continue
        forms = entry.msgstr_plural
        if sorted(forms) != list(range(nplurals)):
            wrong.append(f"{entry.msgid} (plural forms {sorted(forms)}, {nplurals} wanted)")
            continue
        # A form for one number ("one", "two") may spell the number out; none may invent a placeholder,
        # and the last, general form keeps them all.
        asked = _placeholders(entry.msgid_plural)
        invented = any(set(_placeholders(text)) - set(asked) for text in forms.values())
        if invented or _placeholders(forms[nplurals - 1]) != asked:
            wrong.append(entry.msgid)
    assert wrong == [], f"{language}: {wrong[:10]}"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
@pytest.mark.parametrize("language", ["so", "ar"])
def test_gettext_accepts_the_catalogue_and_counts_nothing_untranslated(language: str) -> None:
    result = subprocess.run(
        [
            "msgfmt",
            "--check-format",
            "--statistics",
            "-o",
            "/dev/null",
            str(LOCALE / language / "LC_MESSAGES" / "django.po"),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"\d+ translated messages\.\n", result.stderr), result.stderr


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["so", "ar"])
def test_the_programme_dashboard_speaks_somali_and_arabic(language: str) -> None:
    w = world(candidates=2)
    ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[0])
    client = signed_in(w.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    page = client.get("/manage/").content.decode()

    assert f'<html lang="{language}" dir="{"rtl" if language == "ar" else "ltr"}">' in page
    for english in ("Programme dashboard", "Post a vacancy", "Waiting on you, longest first", "Days open"):
        with translation.override(language):
            translated = translation.gettext(english)
        assert translated != english, (language, english)
        assert escape(translated) in page, (language, english)
        assert english not in page, (language, english)
    with translation.override(language):
        heading = escape(translation.gettext("Programme dashboard"))
    assert re.search(rf"<h1[^>]*>{re.escape(heading)}</h1>", page), language


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_every_string_of_the_code_and_templates_is_in_the_somali_and_arabic_catalogues(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A string added to a page without `make messages` and a translation fails here, not in front of a reader."""
    from django.core.management import call_command

    # The Makefile's `make messages`, written to a scratch directory instead of locale/: makemessages
    # writes beside any locale/ it finds under the working directory, so it walks a copy of the tree
    # made of symlinks, without locale/ and without what the Makefile ignores.
    ignored = {".git", ".venv", "var", "staticfiles", "tests", "bench", "demo", "locale", "node_modules"}
    tree = tmp_path / "tree"
    tree.mkdir()
    for entry in Path(settings.BASE_DIR).iterdir():
        if entry.name not in ignored:
            (tree / entry.name).symlink_to(entry)
    monkeypatch.chdir(tree)
    settings.LOCALE_PATHS = [tree / "scratch-locale"]
    before = {path: path.stat().st_mtime_ns for path in LOCALE.glob("*/LC_MESSAGES/*")}
    call_command("makemessages", locale=["en"], symlinks=True, ignore_patterns=sorted(ignored), verbosity=0)
    assert {path: path.stat().st_mtime_ns for path in LOCALE.glob("*/LC_MESSAGES/*")} == before

    source = {
        (entry.msgctxt, entry.msgid) for entry in polib.pofile(str(tree / "scratch-locale/en/LC_MESSAGES/django.po"))
    }
    assert len(source) > 100
    for language in ("so", "ar"):
        translated = {(entry.msgctxt, entry.msgid) for entry in _catalogue(language).translated_entries()}
        missing = sorted(msgid for _, msgid in source - translated)
        assert missing == [], f"run make messages and translate into {language}: {missing[:10]}"


def test_the_language_choices_are_named_in_the_page_language_each_time() -> None:
    from django.utils import translation

    from volunteers.names import language_choices

    with translation.override("ar"):
        arabic = dict(language_choices())
    with translation.override("en"):
        english = dict(language_choices())
    with translation.override("ar"):
        arabic_again = dict(language_choices())

    assert english["so"] == "Somali"
    assert english["de"] == "German"
    assert arabic["de"] != "German"  # Django's Arabic catalogue names it
    assert arabic_again == arabic
    assert set(english) == set(arabic)
    assert len(english) > 150
    assert list(english.values()) == sorted(english.values(), key=str.casefold)


def test_a_managers_vacancy_form_names_the_languages_as_a_volunteers_profile_does() -> None:
    from django.utils import translation

    from volunteers.names import language_choices
    from web.manager.forms import VacancyForm

    with translation.override("ar"):
        offered = dict(VacancyForm().fields["language_0"].choices)  # type: ignore[attr-defined]
        named = dict(language_choices())

    assert offered["de"] == named["de"] != "German"

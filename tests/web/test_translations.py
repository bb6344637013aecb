"""The catalogues: English holds every string of the pages, Somali and Arabic are started, the .mo files are current."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings

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


def test_translations_keep_every_placeholder() -> None:
    for language in ("so", "ar"):
        for entry in polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po")).translated_entries():
            if entry.msgid_plural:
                continue
            for placeholder in ("%(", "%s"):
                assert entry.msgid.count(placeholder) == entry.msgstr.count(placeholder), (language, entry.msgid)


def test_somali_is_registered_although_django_has_no_somali_locale() -> None:
    from django.utils.translation import get_language_info

    assert ("so", "Somali") in settings.LANGUAGES
    assert get_language_info("so")["name_local"] == "Soomaali"
    assert get_language_info("ar")["bidi"] is True

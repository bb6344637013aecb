"""URL converters for the API's natural keys.

An external id in a URL is matched against the roster format's own rule, so a
path carrying a NUL byte or a 5,000-character id answers 404 at routing and
never reaches the database (PostgreSQL refuses NUL in text with an error).
Importing this module registers the converters: ``<extid:external_id>``.
"""

from __future__ import annotations

from django.urls import register_converter


class ExternalIdConverter:
    regex = r"[A-Za-z0-9._-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExternalIdConverter, "extid")

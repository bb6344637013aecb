"""The roster format's typed tables name the same fields the apps' services write, plus the record's key.

They stay separate tables because they say more (each field's kind in a CSV
cell); this test says exactly where they differ from the services' lists.
"""

from __future__ import annotations

from assignments.services import VACANCY_TERMS
from roster.formats import VACANCY_FIELDS, VOLUNTEER_FIELDS
from volunteers.services import ROSTER_FIELDS


def test_a_vacancy_record_is_the_terms_plus_its_key_and_host_by_name() -> None:
    assert set(VACANCY_FIELDS) - set(VACANCY_TERMS) == {"external_id", "host_institution"}
    assert set(VACANCY_TERMS) <= set(VACANCY_FIELDS)


def test_a_volunteer_record_is_the_roster_fields_plus_its_key() -> None:
    assert set(VOLUNTEER_FIELDS) - set(ROSTER_FIELDS) == {"external_id"}
    assert set(ROSTER_FIELDS) <= set(VOLUNTEER_FIELDS)

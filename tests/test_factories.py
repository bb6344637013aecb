from __future__ import annotations

import pytest

from tests.factories import ApplicationFactory


@pytest.mark.django_db
def test_it_builds_a_valid_application_with_its_vacancy_and_volunteer() -> None:
    application = ApplicationFactory()
    application.vacancy.full_clean()
    application.volunteer.full_clean()
    application.full_clean()

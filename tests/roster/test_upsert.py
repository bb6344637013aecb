"""An import is an upsert on external_id: what it creates, updates, leaves alone, and what follows."""

from __future__ import annotations

import pytest
from django.utils import timezone

from assignments.models import Programme, Vacancy
from core.models import OutboxMessage
from tests.factories import ProgrammeFactory, VacancyFactory, VolunteerFactory
from tests.roster.conftest import (
    HookSpy,
    a_vacancy,
    a_volunteer,
    fields_rejected,
    import_vacancies,
    import_volunteers,
    jsonl,
)
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db

TWO_VOLUNTEERS = [a_volunteer(), a_volunteer(external_id="V-0002", email="cabdi@example.org", full_name="Cabdi")]


def test_it_records_an_imported_volunteer_as_unclaimed_with_matching_but_no_alerts() -> None:
    import_volunteers(jsonl([a_volunteer()]))
    volunteer = Volunteer.objects.get()
    assert volunteer.source == "import"
    assert volunteer.user is None
    assert volunteer.matching_consent is True
    assert volunteer.matching_consent_at is not None
    assert volunteer.alerts_consent is False
    assert volunteer.email_confirmed_at is None


def test_it_changes_nothing_when_the_same_file_is_imported_twice(hooks: HookSpy) -> None:
    first = import_volunteers(jsonl(TWO_VOLUNTEERS))
    stamps = dict(Volunteer.objects.values_list("external_id", "updated_at"))
    second = import_volunteers(jsonl(TWO_VOLUNTEERS))
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.created, second.updated, second.unchanged, second.rejected) == (0, 0, 2, [])
    assert dict(Volunteer.objects.values_list("external_id", "updated_at")) == stamps
    assert len(hooks.volunteers) == 2  # from the first import only


def test_it_updates_the_one_record_whose_field_changed(hooks: HookSpy) -> None:
    import_volunteers(jsonl(TWO_VOLUNTEERS))
    hooks.volunteers.clear()
    changed = [TWO_VOLUNTEERS[0], {**TWO_VOLUNTEERS[1], "years_experience": 7}]
    report = import_volunteers(jsonl(changed))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    updated = Volunteer.objects.get(external_id="V-0002")
    assert updated.years_experience == 7
    assert hooks.volunteers == [updated.pk]


def test_it_asks_matching_to_rescore_each_created_volunteer_in_the_same_transaction(hooks: HookSpy) -> None:
    import_volunteers(jsonl(TWO_VOLUNTEERS))
    assert sorted(hooks.volunteers) == sorted(Volunteer.objects.values_list("pk", flat=True))
    keys = set(OutboxMessage.objects.values_list("key", flat=True))
    assert {f"volunteer:{pk}" for pk in hooks.volunteers} <= keys


def test_it_clears_an_optional_field_the_file_leaves_out() -> None:
    import_volunteers(jsonl([a_volunteer()]))
    report = import_volunteers(jsonl([a_volunteer(headline=None, available_until=None)]))
    assert report.updated == 1
    volunteer = Volunteer.objects.get()
    assert (volunteer.headline, volunteer.available_until) == ("", None)


def test_it_never_gives_back_a_consent_the_volunteer_withdrew() -> None:
    import_volunteers(jsonl([a_volunteer()]))
    Volunteer.objects.update(matching_consent=False)
    import_volunteers(jsonl([a_volunteer(headline="Senior midwife")]))
    volunteer = Volunteer.objects.get()
    assert (volunteer.headline, volunteer.matching_consent) == ("Senior midwife", False)


def test_it_keeps_a_claimed_profile_claimed_but_unconfirms_a_changed_email() -> None:
    volunteer = VolunteerFactory(external_id="V-0001", email="hodan.warsame@example.org")
    report = import_volunteers(jsonl([a_volunteer(email="hodan@example.net")]))
    assert report.updated == 1
    volunteer.refresh_from_db()
    assert volunteer.user is not None
    assert volunteer.source == "signup"
    assert volunteer.alerts_consent is True
    assert volunteer.email_confirmed_at is None


def test_it_keeps_the_confirmation_when_only_the_email_case_changes() -> None:
    volunteer = VolunteerFactory(external_id="V-0001", email="hodan.warsame@example.org")
    import_volunteers(jsonl([a_volunteer(email="Hodan.Warsame@example.org")]))
    volunteer.refresh_from_db()
    assert volunteer.email_confirmed_at is not None


def test_it_refuses_to_bring_back_an_erased_profile() -> None:
    VolunteerFactory(external_id="V-0001", user=None, email="erased-1@invalid", erased_at=timezone.now())
    report = import_volunteers(jsonl([a_volunteer()]))
    assert fields_rejected(report) == {"external_id"}
    assert Volunteer.objects.get().erased_at is not None


# --- --atomic and --dry-run ----------------------------------------------------


def test_it_imports_the_good_lines_and_rejects_the_bad_without_atomic() -> None:
    report = import_volunteers(jsonl([TWO_VOLUNTEERS[0], {**TWO_VOLUNTEERS[1], "education": "phd"}]))
    assert (report.created, report.rejected_lines, report.written) == (1, 1, True)
    assert Volunteer.objects.count() == 1


def test_it_imports_nothing_with_atomic_when_one_line_is_bad(hooks: HookSpy) -> None:
    report = import_volunteers(jsonl([TWO_VOLUNTEERS[0], {**TWO_VOLUNTEERS[1], "education": "phd"}]), atomic=True)
    assert report.written is False
    assert [(r.line, r.field) for r in report.rejected] == [(2, "education")]
    assert Volunteer.objects.count() == 0
    assert OutboxMessage.objects.count() == 0


def test_it_imports_everything_with_atomic_when_every_line_is_good() -> None:
    report = import_volunteers(jsonl(TWO_VOLUNTEERS), atomic=True)
    assert (report.created, report.written) == (2, True)
    assert Volunteer.objects.count() == 2


def test_it_reports_but_writes_nothing_on_a_dry_run() -> None:
    import_volunteers(jsonl([TWO_VOLUNTEERS[0]]))
    before = list(Volunteer.objects.values())
    outbox = OutboxMessage.objects.count()
    changed = [{**TWO_VOLUNTEERS[0], "headline": "Changed"}, TWO_VOLUNTEERS[1], a_volunteer(external_id="bad id")]
    report = import_volunteers(jsonl(changed), dry_run=True)
    assert (report.created, report.updated, report.rejected_lines, report.written) == (1, 1, 1, False)
    assert list(Volunteer.objects.values()) == before
    assert OutboxMessage.objects.count() == outbox


def test_it_sees_a_duplicate_email_within_the_file_on_a_dry_run_too() -> None:
    report = import_volunteers(jsonl([a_volunteer(), a_volunteer(external_id="V-0002")]), dry_run=True)
    assert [(r.line, r.field) for r in report.rejected] == [(2, "email")]


def test_it_creates_no_programme_on_a_dry_run() -> None:
    report = import_vacancies(jsonl([a_vacancy()]), programme="mida-kenya", dry_run=True)
    assert report.created == 1
    assert not Vacancy.objects.exists()
    assert not Programme.objects.filter(slug="mida-kenya").exists()


# --- Vacancies -------------------------------------------------------------------


def test_it_changes_no_vacancy_when_the_same_file_is_imported_twice(hooks: HookSpy) -> None:
    records = [a_vacancy(), a_vacancy(external_id="A-0002", title="Anaesthesia Tutor")]
    import_vacancies(jsonl(records))
    assert len(hooks.vacancies) == 2
    report = import_vacancies(jsonl(records))
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert len(hooks.vacancies) == 2


def test_it_updates_a_vacancy_and_asks_matching_to_rerank_it(hooks: HookSpy) -> None:
    import_vacancies(jsonl([a_vacancy()]))
    report = import_vacancies(jsonl([a_vacancy(host_institution="Hargeisa Group Hospital")]))
    assert report.updated == 1
    vacancy = Vacancy.objects.select_related("host_institution").get()
    assert vacancy.host_institution.name == "Hargeisa Group Hospital"
    assert hooks.vacancies == [vacancy.pk, vacancy.pk]


def test_it_opens_a_draft_vacancy_on_import() -> None:
    programme = ProgrammeFactory(slug="mida-somalia")
    import_vacancies(jsonl([a_vacancy()]))
    Vacancy.objects.update(status=Vacancy.Status.DRAFT)
    report = import_vacancies(jsonl([a_vacancy()]), programme=programme.slug)
    assert report.updated == 1
    assert Vacancy.objects.get().status == Vacancy.Status.OPEN


@pytest.mark.parametrize("status", [Vacancy.Status.CLOSED, Vacancy.Status.FILLED])
def test_it_does_not_reopen_a_closed_or_filled_vacancy(status: str) -> None:
    programme = ProgrammeFactory(slug="mida-somalia")
    VacancyFactory(programme=programme, external_id="A-0001", status=status)
    import_vacancies(jsonl([a_vacancy(title="New title")]))
    vacancy = Vacancy.objects.get()
    assert (vacancy.title, vacancy.status) == ("New title", status)


def test_it_imports_no_vacancy_with_atomic_when_one_line_is_bad(hooks: HookSpy) -> None:
    report = import_vacancies(jsonl([a_vacancy(), a_vacancy(external_id="A-2", positions=0)]), atomic=True)
    assert report.written is False
    assert not Vacancy.objects.exists()

"""Moving an application through selection with a note, from the vacancy page or the application's own."""

from __future__ import annotations

import uuid

import pytest

from assignments.models import Application, ApplicationEvent
from matching.models import MatchResult
from tests.factories import ApplicationFactory
from tests.web.manager_support import signed_in, world

pytestmark = pytest.mark.django_db


def _application() -> tuple[object, Application]:
    w = world(candidates=1)
    return w, ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[0], motivation="Waxaan ahay umuliso.")


def test_the_application_page_shows_the_person_motivation_and_history() -> None:
    w, application = _application()
    page = signed_in(w.manager).get(f"/manage/applications/{application.pk}/").content.decode()  # type: ignore[attr-defined]
    assert "Hodan Ali 0" in page
    assert "hodan0@example.org" in page
    assert "Waxaan ahay umuliso." in page
    assert '<option value="shortlisted"' in page


def test_how_an_applicant_matches_names_them_as_the_page_does_below_the_floor_too() -> None:
    w, application = _application()
    MatchResult.objects.filter(vacancy=w.vacancy).update(score=0.0)  # no evidence of the work: off the shortlist
    page = signed_in(w.manager).get(f"/manage/applications/{application.pk}/").content.decode()  # type: ignore[attr-defined]

    card = page[page.index('<article class="card mb-3 candidate"') :]
    assert "Hodan Ali 0" in card[: card.index("</h3>")]  # they applied: their name, not "Candidate V-..."
    assert "No evidence of this work" in card


def test_a_move_with_a_note_is_kept_in_the_history() -> None:
    w, application = _application()
    response = signed_in(w.manager).post(  # type: ignore[attr-defined]
        f"/manage/applications/{application.pk}/move/",
        {
            "to_status": "shortlisted",
            "note": "Strong EmONC record.",
            "from_status": "interest",
            "form_token": uuid.uuid4().hex,
        },
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "shortlisted"
    event = ApplicationEvent.objects.get(application=application, to_status="shortlisted")
    assert (event.note, event.actor) == ("Strong EmONC record.", w.manager)  # type: ignore[attr-defined]


def test_from_the_vacancy_page_htmx_gets_the_row_back_with_a_message() -> None:
    w, application = _application()
    response = signed_in(w.manager).post(  # type: ignore[attr-defined]
        f"/manage/applications/{application.pk}/move/",
        {"to_status": "shortlisted", "from_status": "interest", "from": "vacancy", "form_token": uuid.uuid4().hex},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<th scope="row"')  # the row's cells, swapped into the row
    assert "Moved to “Shortlisted”." in page
    assert '<option value="interview"' in page  # the next steps from there


def test_sent_twice_it_moves_once() -> None:
    w, application = _application()
    client = signed_in(w.manager)  # type: ignore[attr-defined]
    data = {"to_status": "shortlisted", "from_status": "interest", "form_token": uuid.uuid4().hex}
    client.post(f"/manage/applications/{application.pk}/move/", data)
    response = client.post(f"/manage/applications/{application.pk}/move/", data, follow=True)

    assert ApplicationEvent.objects.filter(application=application, to_status="shortlisted").count() == 1
    assert "This application is already at “Shortlisted”." in response.content.decode()


def test_a_page_left_open_while_a_colleague_moved_it_explains_itself() -> None:
    w, application = _application()
    Application.objects.filter(pk=application.pk).update(status=Application.Status.INTERVIEW)
    response = signed_in(w.manager).post(  # type: ignore[attr-defined]
        f"/manage/applications/{application.pk}/move/",
        {"to_status": "not_selected", "from_status": "interest"},
        follow=True,
    )
    assert "has moved on since the page was loaded: it is now at “Interview”" in response.content.decode()
    application.refresh_from_db()
    assert application.status == "interview"


def test_a_step_not_allowed_is_an_error_at_the_field() -> None:
    w, application = _application()
    response = signed_in(w.manager).post(  # type: ignore[attr-defined]
        f"/manage/applications/{application.pk}/move/",
        {"to_status": "deployed", "from_status": "interest", "note": "x" * 2001},
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_to_status_error"' in page
    assert 'id="id_note_error"' in page


def test_another_programmes_application_answers_404() -> None:
    w, application = _application()
    client = signed_in(w.outsider)  # type: ignore[attr-defined]
    assert client.get(f"/manage/applications/{application.pk}/").status_code == 404
    assert client.post(f"/manage/applications/{application.pk}/move/", {"to_status": "shortlisted"}).status_code == 404
    assert client.get("/manage/applications/99999999999999999999999/").status_code == 404

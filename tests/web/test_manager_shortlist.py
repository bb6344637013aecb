"""A vacancy's ranked shortlist: reasons and parts, filters, why-not, compare, CSV, the contact rule."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.conf import settings
from django.test import Client

from assignments.services import application_withdraw
from tests.factories import ApplicationFactory, StaffFactory, VolunteerFactory
from tests.web.manager_support import World, signed_in, store, world
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


def test_it_lists_candidates_best_first_with_reasons_and_parts() -> None:
    w = world(candidates=3)
    page = signed_in(w.manager).get(f"/manage/vacancies/{w.vacancy.external_id}/shortlist/").content.decode()

    positions = [page.index(f"Candidate {v.external_id}") for v in w.ranked]
    assert positions == sorted(positions)
    assert "midwifery: matches &#x27;Clinical Midwifery Tutor&#x27;" in page
    assert "Required and preferred skills" in page  # a part of the score, in words
    assert "3 candidates" in page


def test_each_candidate_shows_its_band_and_strong_needs_a_skill_in_their_own_words() -> None:
    w = world(candidates=1)
    related_only = VolunteerFactory(headline="Intensive care physician")
    store(
        w.vacancy,
        related_only,
        0.95,
        reasons=["related to neonatal resuscitation: 'intensive care'"],
        matched_skills=[],
    )
    page = signed_in(w.manager).get(f"/manage/vacancies/{w.vacancy.external_id}/shortlist/").content.decode()

    def card(volunteer: Volunteer) -> str:
        start = page.index(f"Candidate {volunteer.external_id}")
        return page[start : page.index("</article>", start)]

    assert card(w.ranked[0]).count("Strong match") == 1  # 0.9, a skill in their words
    assert "Good match" in card(related_only)  # 0.95, related work only
    assert "Strong match" not in card(related_only)


def test_the_missing_skills_are_said_once_in_full_not_again_among_the_reasons() -> None:
    w = world(candidates=0)
    missing = ["EmONC", "mentoring", "curriculum development", "skills lab", "logbooks", "preceptorship"]
    reasons = ["midwifery \u2190 'midwife'", "missing: " + ", ".join(missing[:5])]  # the engine cites five
    store(w.vacancy, VolunteerFactory(), 0.8, reasons=reasons, missing_skills=missing)

    page = signed_in(w.manager).get(f"/manage/vacancies/{w.vacancy.external_id}/shortlist/").content.decode()
    assert "midwifery \u2190 &#x27;midwife&#x27;" in page
    assert "missing: EmONC" not in page
    assert "EmONC, mentoring, curriculum development, skills lab, logbooks, preceptorship" in page


def test_names_and_emails_show_only_once_a_person_applied() -> None:
    w = world(candidates=2)
    ApplicationFactory(vacancy=w.vacancy, volunteer=w.ranked[1])
    page = signed_in(w.manager).get(f"/manage/vacancies/{w.vacancy.external_id}/shortlist/").content.decode()

    assert "Hodan Ali 1" in page
    assert "hodan1@example.org" in page
    assert "Hodan Ali 0" not in page
    assert "hodan0@example.org" not in page


def test_filters_narrow_the_list_and_a_bad_filter_is_shown_at_its_field() -> None:
    w = world(candidates=3)
    client = signed_in(w.manager)
    url = f"/manage/vacancies/{w.vacancy.external_id}/shortlist/"

    page = client.get(url, {"min_score": "0.75"}).content.decode()
    assert "2 candidates" in page

    bad = client.get(url, {"min_score": "lots", "residence_country": "\x00"})
    assert bad.status_code == 200
    assert 'id="id_min_score_error"' in bad.content.decode()


def _offered(page: str, name: str) -> list[str]:
    """The labels a filter list offers, in order, and which one is chosen (marked *)."""
    select = page[page.index(f'<select name="{name}"') : page.index("</select>", page.index(f'<select name="{name}"'))]
    return [
        label + ("*" if " selected" in attrs else "")
        for attrs, label in re.findall(r"<option value=\"[^\"]*\"([^>]*)>([^<]*)</option>", select)
    ]


def test_the_filter_lists_offer_the_candidates_countries_and_languages_with_how_many() -> None:
    w = world(candidates=2)  # living in the United Kingdom, speaking Somali and English
    store(w.vacancy, VolunteerFactory(residence_country="SE", languages={"so": "native", "sv": "fluent"}), 0.5)
    store(w.vacancy, VolunteerFactory(residence_country="NO", languages={"no": "native"}), 0.0)  # below the floor
    client = signed_in(w.manager)
    url = f"/manage/vacancies/{w.vacancy.external_id}/shortlist/"

    page = client.get(url).content.decode()
    assert _offered(page, "residence_country") == ["Any country*", "Sweden (1)", "United Kingdom (2)"]
    assert _offered(page, "language") == ["Any language*", "English (2)", "Somali (3)", "Swedish (1)"]

    # Each list is counted with the other filter applied: in Sweden, one speaks Somali.
    in_sweden = client.get(url, {"residence_country": "SE"}).content.decode()
    assert _offered(in_sweden, "residence_country") == ["Any country", "Sweden (1)*", "United Kingdom (2)"]
    assert _offered(in_sweden, "language") == ["Any language*", "Somali (1)", "Swedish (1)"]
    assert "1 candidate" in in_sweden


def test_a_country_chosen_where_no_candidate_lives_stays_listed_with_none() -> None:
    w = world(candidates=1)
    client = signed_in(w.manager)

    page = client.get(f"/manage/vacancies/{w.vacancy.external_id}/shortlist/", {"residence_country": "FR"})
    assert _offered(page.content.decode(), "residence_country") == ["Any country", "France (0)*", "United Kingdom (1)"]
    assert "0 candidates" in page.content.decode()


def test_the_parts_of_a_score_are_named_in_the_page_language_without_the_unbounded_text_sum() -> None:
    w = world(candidates=0)
    store(w.vacancy, VolunteerFactory(), 0.8, parts={"words": 0.31, "occupation": 0.62, "text": 10.67})
    client = signed_in(w.manager)
    url = f"/manage/vacancies/{w.vacancy.external_id}/shortlist/"

    page = client.get(url).content.decode()
    assert "Words in common" in page
    assert "Same occupation as asked (ESCO)" in page
    assert "10.67" not in page  # the model's sum of the text parts, beside parts of 0 to 1

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "so"
    in_somali = client.get(url).content.decode()
    assert "Erayo la wadaago" in in_somali
    assert "Words in common" not in in_somali


def test_on_an_arabic_page_the_engines_english_reasons_and_headlines_keep_their_own_direction() -> None:
    w = world(candidates=1)
    client = signed_in(w.manager)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"

    page = client.get(f"/manage/vacancies/{w.vacancy.external_id}/shortlist/").content.decode()
    assert '<html lang="ar" dir="rtl">' in page
    assert '<li dir="auto">midwifery: matches &#x27;Clinical Midwifery Tutor&#x27;</li>' in page
    assert '<p class="mb-1" dir="auto">Midwife 0</p>' in page


def test_why_not_names_the_rule_a_person_fails() -> None:
    w = world(candidates=1)
    no_somali = VolunteerFactory(full_name="Sagal Noor", languages={"en": "native"})
    response = signed_in(w.manager).get(f"/manage/vacancies/{w.vacancy.external_id}/why-not/", {"who": "sagal noor"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Not eligible, so never ranked" in page
    assert "Does not speak Somali at the level asked (professional or better)." in page
    assert no_somali.external_id in page


def test_why_not_by_id_for_someone_on_the_list_gives_their_rank() -> None:
    w = world(candidates=2)
    response = signed_in(w.manager).get(
        f"/manage/vacancies/{w.vacancy.external_id}/why-not/",
        {"who": w.ranked[1].external_id},
        HTTP_HX_REQUEST="true",
    )
    page = response.content.decode()
    assert "On the shortlist, at rank 2" in page
    assert "<html" not in page  # htmx gets the fragment only


@pytest.mark.parametrize("who", ["Nobody Atall", "\x00", "x" * 300, ""])
def test_why_not_for_someone_it_cannot_find_says_so(who: str) -> None:
    w = world(candidates=1)
    response = signed_in(w.manager).get(f"/manage/vacancies/{w.vacancy.external_id}/why-not/", {"who": who})
    assert response.status_code == 200


def test_why_not_gives_the_rank_on_the_page_counting_only_who_the_page_lists() -> None:
    w = world(candidates=3)
    withdrew = VolunteerFactory()
    store(w.vacancy, withdrew, 0.95)  # above them all, but no longer to be matched
    Volunteer.objects.filter(pk=withdrew.pk).update(matching_consent=False)

    page = _why_not(w, w.ranked[1].external_id)
    assert re.search(r"On the shortlist, at rank 2 \(score \d\.\d\d\)\.", page)
    assert " eligible</li>" not in page  # no second rank, among everyone in the index


def test_why_not_says_a_candidate_below_the_floor_shows_no_evidence_of_the_work() -> None:
    w = world(candidates=1)
    accountant = VolunteerFactory(
        headline="Chartered accountant", summary="Audits of municipal accounts.", skills=["IFRS"]
    )
    store(w.vacancy, accountant, 0.0)  # ranked and stored, below the floor: not on the page

    page = _why_not(w, accountant.external_id)
    assert "On the shortlist" not in page
    assert re.search(r"Eligible, but with no evidence of doing this work: the score \(0\.0\d\) is below 0\.04", page)


def _why_not(w: World, who: str) -> str:
    return (
        signed_in(w.manager).get(f"/manage/vacancies/{w.vacancy.external_id}/why-not/", {"who": who}).content.decode()
    )


def test_two_namesakes_are_told_apart_by_id() -> None:
    w = world(candidates=0)
    VolunteerFactory(full_name="Ali Hassan")
    VolunteerFactory(full_name="Ali Hassan")
    page = (
        signed_in(w.manager)
        .get(f"/manage/vacancies/{w.vacancy.external_id}/why-not/", {"who": "Ali Hassan"})
        .content.decode()
    )
    assert "Several people have that name" in page


def test_compare_puts_two_or_three_side_by_side() -> None:
    w = world(candidates=3)
    client = signed_in(w.manager)
    url = f"/manage/vacancies/{w.vacancy.external_id}/compare/"

    page = client.get(url, {"v": [w.ranked[0].external_id, w.ranked[2].external_id]}).content.decode()
    assert "#1" in page
    assert "#3" in page
    assert "Missing" in page

    one = client.get(url, {"v": [w.ranked[0].external_id]}).content.decode()
    assert "Choose two or three candidates to compare." in one
    junk = client.get(url, {"v": ["\x00", "x" * 500, w.ranked[0].external_id]})
    assert junk.status_code == 200
    stranger = VolunteerFactory()
    other = client.get(url, {"v": [w.ranked[0].external_id, stranger.external_id]}).content.decode()
    assert "is not on this vacancy" in other


def test_the_csv_neutralises_formulas_and_keeps_the_contact_rule() -> None:
    w = world(candidates=0)
    sneaky = VolunteerFactory(headline='=HYPERLINK("http://evil")', full_name="+Amal", email="amal@example.org")
    quiet = VolunteerFactory(headline="\tTabbed", email="quiet@example.org")
    store(w.vacancy, sneaky, 0.9, reasons=["-1 reasons", "@sum"])
    store(w.vacancy, quiet, 0.8)
    ApplicationFactory(vacancy=w.vacancy, volunteer=sneaky)

    response = signed_in(w.manager).get(f"/manage/vacancies/{w.vacancy.external_id}/shortlist.csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(body)))

    assert response["Content-Type"].startswith("text/csv")
    assert [r["volunteer"] for r in rows] == [sneaky.external_id, quiet.external_id]
    assert rows[0]["headline"] == '\'=HYPERLINK("http://evil")'
    assert rows[0]["full_name"] == "'+Amal"
    assert rows[0]["reasons"] == "'-1 reasons; @sum"
    assert rows[1]["headline"] == "'\tTabbed"
    assert (rows[1]["full_name"], rows[1]["email"]) == ("", "")  # did not apply
    assert [r["band"] for r in rows] == ["strong", "strong"]  # a skill in their own words, scoring this high
    assert list(rows[0])[-2:] == ["withdrawn", "band"]  # new columns come last


def test_another_programmes_shortlist_answers_404() -> None:
    w = world(candidates=1)
    client = signed_in(w.outsider)
    base = f"/manage/vacancies/{w.vacancy.external_id}"
    for path in ("shortlist/", "shortlist.csv", "why-not/?who=x", "compare/?v=a&v=b"):
        assert client.get(f"{base}/{path}").status_code == 404, path


# Withdrawing takes back what applying disclosed (issue #11): the shortlist, its CSV and the compare page hide the
# applicant's name and email from their manager again, as before they applied; staff still see who it was.
# Each surface with the contact details it shows (the compare page names people, it has no email row).
SURFACES = [
    ("shortlist", ("Hodan Ali 0", "hodan0@example.org")),
    ("csv", ("Hodan Ali 0", "hodan0@example.org")),
    ("compare", ("Hodan Ali 0",)),
]


def _shown(client: Client, w: World, surface: str) -> str:
    base = f"/manage/vacancies/{w.vacancy.external_id}"
    if surface == "csv":
        return b"".join(client.get(f"{base}/shortlist.csv").streaming_content).decode()  # type: ignore[attr-defined]
    if surface == "compare":
        return client.get(f"{base}/compare/", {"v": [v.external_id for v in w.ranked]}).content.decode()
    return client.get(f"{base}/shortlist/").content.decode()


@pytest.mark.parametrize(("surface", "details"), SURFACES)
def test_a_manager_no_longer_sees_the_name_and_email_of_an_applicant_who_withdrew(
    surface: str, details: tuple[str, ...]
) -> None:
    w = world(candidates=2)
    applicant = w.ranked[0]
    assert applicant.user is not None
    application = ApplicationFactory(vacancy=w.vacancy, volunteer=applicant)
    client = signed_in(w.manager)

    before = _shown(client, w, surface)
    application_withdraw(application=application, actor=applicant.user, note="")
    after = _shown(client, w, surface)

    for detail in details:
        assert detail in before
        assert detail not in after
    assert "hodan0@example.org" not in after
    assert applicant.external_id in after  # still on the list, by id


@pytest.mark.parametrize(("surface", "details"), SURFACES)
def test_staff_still_see_who_withdrew(surface: str, details: tuple[str, ...]) -> None:
    w = world(candidates=2)
    applicant = w.ranked[0]
    assert applicant.user is not None
    application = ApplicationFactory(vacancy=w.vacancy, volunteer=applicant)
    application_withdraw(application=application, actor=applicant.user, note="")

    shown = _shown(signed_in(StaffFactory()), w, surface)

    for detail in details:
        assert detail in shown


def test_the_shortlist_says_who_withdrew_and_the_csv_keeps_them_as_applied() -> None:
    w = world(candidates=2)
    withdrew, applied = w.ranked
    assert withdrew.user is not None
    application_withdraw(
        application=ApplicationFactory(vacancy=w.vacancy, volunteer=withdrew), actor=withdrew.user, note=""
    )
    ApplicationFactory(vacancy=w.vacancy, volunteer=applied)
    client = signed_in(w.manager)

    page = client.get(f"/manage/vacancies/{w.vacancy.external_id}/shortlist/").content.decode()
    rows = {row["volunteer"]: row for row in csv.DictReader(io.StringIO(_shown(client, w, "csv")))}

    assert page.count("Withdrawn</span>") == 1
    assert page.count("Applied</span>") == 1
    assert (rows[withdrew.external_id]["applied"], rows[withdrew.external_id]["withdrawn"]) == ("yes", "yes")
    assert (rows[withdrew.external_id]["full_name"], rows[withdrew.external_id]["email"]) == ("", "")
    assert (rows[applied.external_id]["withdrawn"], rows[applied.external_id]["full_name"]) == ("no", "Hodan Ali 1")

"""A batch renders each vacancy's match templates once and fills in each recipient: the same messages as one by one."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core import signing

from alerts.models import Alert
from alerts.services import messages
from alerts.services.claims import alerts_claim
from alerts.services.messages import RenderCache, message_for
from tests.alerts.conftest import StoreShortlist
from tests.factories import VacancyFactory, VolunteerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_second() -> Iterator[None]:
    """Signed links carry the second they were made in: compare renders made in the same one."""
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value="1xaN4o"):
        yield


@pytest.fixture
def batch(store_shortlist: StoreShortlist, settings: Any) -> list[Alert]:
    """Match alerts of two vacancies on both channels, to people whose names need escaping, with reasons apart."""
    settings.ALERT_TOP_N = 3
    names = ["Amina <b>Ali</b>", 'Omar "O\'Brien" & Sons', "Hodan Warsame"]
    volunteers = [VolunteerFactory(full_name=name) for name in names]
    for title in ("Midwifery tutor", "Auditor & trainer <senior>"):
        store_shortlist(VacancyFactory(title=title), [(v, 0.8) for v in volunteers])
    first = Alert.objects.filter(kind="match").order_by("pk").first()
    assert first is not None
    Alert.objects.filter(volunteer=first.volunteer).update(context={"reasons": ["EmONC <trainer>"], "rank": 1})
    return alerts_claim(alert_ids=Alert.objects.filter(kind="match").values_list("pk", flat=True))


def test_a_batch_renders_the_very_messages_rendered_one_by_one(batch: list[Alert]) -> None:
    cache = RenderCache()

    assert len(batch) == 12
    for alert in batch:
        assert message_for(alert, cache=cache) == message_for(alert), f"{alert.channel} alert {alert.pk}"
    assert "Amina &lt;b&gt;Ali&lt;/b&gt;" in message_for(batch[0], cache=cache).html or batch[0].channel != "email"


def test_a_batch_renders_the_templates_once_per_vacancy_channel_and_reasons(batch: list[Alert]) -> None:
    cache = RenderCache()
    with mock.patch.object(messages, "render_to_string", wraps=messages.render_to_string) as render:
        for alert in batch:
            message_for(alert, cache=cache)

    # 2 vacancies x (email: text and HTML; in-app: text) x 2 sets of reasons.
    assert render.call_count == 2 * 3 * 2


def test_a_name_that_looks_like_a_slot_stays_a_name(store_shortlist: StoreShortlist) -> None:
    cache = RenderCache()
    volunteer = VolunteerFactory(full_name=f"{cache._slot('unsubscribe_url')} Ali")
    store_shortlist(VacancyFactory(), [(volunteer, 0.8)])
    [alert] = alerts_claim(alert_ids=Alert.objects.filter(kind="match", channel="email").values_list("pk", flat=True))

    assert message_for(alert, cache=cache) == message_for(alert)

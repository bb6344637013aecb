"""Structured logs: JSON lines with a request id that follows the request into its tasks, and no secrets."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from rest_framework.test import APIClient

from alerts import tasks as alert_tasks
from alerts.models import Alert
from alerts.services.sending import alert_deliver
from config.celery import carry_request_id, clear_request_id, restore_request_id
from config.logging import logging_config, request_id_var
from tests.alerts.conftest import StoreShortlist
from tests.factories import UserFactory, VacancyFactory, VolunteerFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # the factories' password


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG and above, through the project's own handler config, as it would be written."""
    stream = io.StringIO()
    config = logging_config(level="DEBUG", json_lines=True)
    config["handlers"]["console"]["stream"] = stream
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    logging.config.dictConfig(config)
    yield stream
    root.handlers, root.level = saved[0], saved[1]


def _records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def test_every_line_is_json_with_the_requests_id(log_lines: io.StringIO) -> None:
    user = UserFactory()
    response = APIClient(HTTP_X_REQUEST_ID="req-from-the-proxy-1").post(
        "/api/v1/auth/token", {"email": user.email, "password": "wrong"}, format="json"
    )

    assert response["X-Request-ID"] == "req-from-the-proxy-1"
    records = _records(log_lines)
    assert records, "a failed log-in logs"
    during = [r for r in records if r["request_id"] == "req-from-the-proxy-1"]
    assert during
    assert {"time", "level", "logger", "message", "request_id"} <= set(during[0])


def test_an_unusable_offered_id_is_replaced() -> None:
    response = Client(HTTP_X_REQUEST_ID="bad id\nwith a break").get("/health/worker")
    assert response["X-Request-ID"] != "bad id\nwith a break"
    assert len(response["X-Request-ID"]) == 32


def test_a_task_published_during_a_request_carries_its_id_and_logs_under_it() -> None:
    headers: dict[str, Any] = {}
    token = request_id_var.set("req-123456789")
    try:
        carry_request_id(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {"request_id": "req-123456789"}

    # The worker side: the header arrives on the task's request.
    task = alert_tasks.send_alert
    task.push_request(id="task-1", request_id=headers["request_id"])
    try:
        restore_request_id(task=task)
        assert request_id_var.get() == "req-123456789"
        clear_request_id()
        assert request_id_var.get() == ""
    finally:
        task.pop_request()


def test_a_task_nobody_asked_for_logs_under_its_own_id() -> None:
    task = alert_tasks.send_alert
    task.push_request(id="abc-1")
    try:
        restore_request_id(task=task)
        assert request_id_var.get() == "task-abc-1"
    finally:
        clear_request_id()
        task.pop_request()


def test_the_logs_hold_no_password_token_or_email_body(
    log_lines: io.StringIO, store_shortlist: StoreShortlist, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    user = UserFactory(email=f"{uuid.uuid4().hex}@example.org")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    secrets: list[str] = [PASSWORD, "Wr0ng-Guess-Passw0rd"]

    # Log-ins: good and bad, through the API and the sign-in page, up to a lock-out.
    key = (
        APIClient()
        .post("/api/v1/auth/token", {"email": user.email, "password": PASSWORD}, format="json")
        .json()["token"]
    )
    secrets.append(key)
    APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/me")
    APIClient(HTTP_AUTHORIZATION="Token " + "0" * 40).get("/api/v1/me")
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(4):
            Client().post("/accounts/login/", {"login": user.email, "password": "Wr0ng-Guess-Passw0rd"})
            APIClient().post("/api/v1/auth/token", {"email": user.email, "password": "Wr0ng-Guess-Passw0rd"})
        # A password reset mails a link; an alert mails a body.
        Client().post("/accounts/password/reset/", {"email": user.email})
    volunteer = VolunteerFactory()
    store_shortlist(VacancyFactory(title="Clinical Midwifery Tutor"), [(volunteer, 0.8)])
    alert = Alert.objects.get(volunteer=volunteer, channel="email")
    alert_deliver(alert_id=alert.pk)

    assert len(mail.outbox) >= 2
    for message in mail.outbox:
        # Each body's lines with any substance (links, sentences), not just the greeting.
        secrets += [line.strip() for line in message.body.splitlines() if len(line.strip()) > 30]
    text = log_lines.getvalue()
    assert text, "the flows above log"
    leaked = [secret for secret in secrets if secret in text]
    assert leaked == []


def test_a_secret_logged_by_mistake_is_masked(log_lines: io.StringIO) -> None:
    key = "0123456789abcdef0123456789abcdef01234567"
    logging.getLogger("somewhere").warning("retrying with Token %s and password=%s", key, "hunter2-secret")
    logging.getLogger("somewhere").warning('body {"password": "hunter2-secret", "email": "a@example.org"}')

    text = log_lines.getvalue()
    assert key not in text
    assert "hunter2-secret" not in text
    assert "a@example.org" in text  # only secrets are masked, not the whole line

"""Rendering alerts into messages: subject, plain text, HTML, links and headers."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django_countries import countries

from alerts.links import answer_url, unsubscribe_url
from alerts.models import Alert, Channel
from alerts.transports.base import Message

STEP_LABELS = {
    "interest": "interest expressed",
    "shortlisted": "shortlisted",
    "interview": "interview",
    "selected": "selected",
    "not_selected": "not selected",
    "deployed": "deployed",
    "completed": "completed",
}


def _site(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def _vacancy_context(alert: Alert) -> dict[str, Any]:
    vacancy = alert.vacancy
    if vacancy is None:
        return {}
    station = ", ".join(p for p in (vacancy.location, countries.name(vacancy.country) or vacancy.country) if p)
    return {
        "vacancy": vacancy,
        "host": vacancy.host_institution.name,
        "duty_station": station,
        "view_url": _site(f"/vacancies/{vacancy.external_id}/"),
        "shortlist_url": _site(f"/manage/vacancies/{vacancy.external_id}/shortlist/"),
    }


def _match_context(alert: Alert) -> dict[str, Any]:
    return {
        **_vacancy_context(alert),
        "alert": alert,
        "reasons": alert.context.get("reasons", []),
        "interested_url": answer_url(alert_id=alert.pk, action="interested"),
        "not_for_me_url": answer_url(alert_id=alert.pk, action="not_for_me"),
        "unavailable_url": answer_url(alert_id=alert.pk, action="unavailable"),
    }


def _unsubscribe_headers(volunteer_id: int) -> tuple[str, dict[str, str]]:
    url = unsubscribe_url(volunteer_id=volunteer_id)
    # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the URL.
    return url, {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def message_id(token: str) -> str:
    """A Message-ID that is the same every time one alert (or digest) is sent again.

    At-least-once email repeats a message when a worker dies after the server
    took it and before the alert was marked sent; the repeat carries the same
    Message-ID, so a receiving server that drops duplicates by it drops it.
    The domain is the site's, not the worker host's, so any worker that sends
    it again writes the same header.
    """
    domain = urlparse(str(settings.SITE_URL)).hostname or "localhost"
    return f"<{re.sub(r'[^A-Za-z0-9.-]', '.', token)}@{domain}>"


def _recipient(alert: Alert) -> tuple[str, int | None, str]:
    if alert.volunteer is not None:
        return alert.volunteer.email, alert.volunteer.user_id, alert.volunteer.full_name
    if alert.user is None:  # a check constraint makes this impossible
        raise ValueError(f"alert {alert.pk} has no recipient")
    return alert.user.email, alert.user.pk, alert.user.full_name or alert.user.email


def _render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    text = render_to_string(f"alerts/email/{template}.txt", context)
    html = render_to_string(f"alerts/email/{template}.html", context)
    return text, html


def _subject(alert: Alert) -> str:
    vacancy = alert.vacancy
    title = vacancy.title if vacancy else ""
    if alert.kind == Alert.Kind.MATCH:
        return f"An assignment that fits you: {title}"
    if alert.kind == Alert.Kind.MANAGER_FIRST:
        return f"{alert.context.get('count', '')} good or strong matches for {title}"
    if alert.kind == Alert.Kind.MANAGER_SUMMARY:
        return f"New interest in your vacancies on {alert.context.get('day', '')}"
    if alert.kind == Alert.Kind.STALE_REMINDER:
        return f"An application for {title} is waiting for you"
    if alert.kind == Alert.Kind.STATUS_NOTE and alert.context.get("moved"):
        step = alert.context.get("step", "")
        return f"Your application for {title}: {STEP_LABELS.get(step, step)}"
    return f"Your application for {title}"


def message_for(alert: Alert, *, cache: RenderCache | None = None) -> Message:
    """Render one alert (any kind) for its channel; with ``cache``, a match alert's templates once a batch."""
    if cache is not None and alert.kind == Alert.Kind.MATCH:
        return cache.match_message(alert)
    email, user_id, name = _recipient(alert)
    context: dict[str, Any] = {"name": name, "alert": alert, "site_url": settings.SITE_URL, **_vacancy_context(alert)}
    headers: dict[str, str] = {}
    url = context.get("view_url", "")
    if alert.kind == Alert.Kind.MATCH:
        context["item"] = _match_context(alert)
        context["unsubscribe_url"], headers = _unsubscribe_headers(alert.volunteer_id or 0)
    elif alert.kind == Alert.Kind.MANAGER_FIRST:
        url = context["shortlist_url"]
    elif alert.kind in (Alert.Kind.STALE_REMINDER, Alert.Kind.STATUS_NOTE):
        step = alert.context.get("step", "")
        context |= {"step": STEP_LABELS.get(step, step), "days": alert.context.get("days")}
        if alert.kind == Alert.Kind.STALE_REMINDER and alert.application_id:
            # Managers' links open the manager's pages, not JSON.
            url = _site(f"/manage/applications/{alert.application_id}/")
            context["application_url"] = url
        if alert.kind == Alert.Kind.STATUS_NOTE and alert.application_id:
            # The volunteer's own application page (a page, not JSON).
            url = _site(f"/applications/{alert.application_id}/")
            context |= {"application_url": url, "moved": bool(alert.context.get("moved")), "raw_step": step}
    elif alert.kind == Alert.Kind.MANAGER_SUMMARY:
        context["rows"] = alert.context.get("vacancies", [])
        url = context["dashboard_url"] = _site("/manage/")
    subject = _subject(alert)
    if alert.channel == Channel.EMAIL:
        text, html = _render(alert.kind, {**context, "subject": subject})
        headers["Message-ID"] = message_id(f"alert.{alert.pk}.{alert.key}")
    else:  # the inbox shows the text only
        text, html = render_to_string(f"alerts/email/{alert.kind}.txt", {**context, "subject": subject}), ""
    return Message(
        subject=subject,
        text=text,
        html=html,
        to_email=email,
        user_id=user_id,
        alert_id=alert.pk,
        url=url,
        headers=headers,
    )


def digest_message(alerts: Sequence[Alert]) -> Message:
    """One email listing several match alerts of one volunteer, best first."""
    ordered = sorted(alerts, key=lambda a: (-(a.score or 0.0), a.pk))
    first = ordered[0]
    if first.volunteer is None:
        raise ValueError("a digest needs a volunteer")
    unsubscribe, headers = _unsubscribe_headers(first.volunteer_id or 0)
    items = [_match_context(alert) for alert in ordered]
    context = {
        "name": first.volunteer.full_name,
        "items": items,
        "rhythm": first.deliver,
        "unsubscribe_url": unsubscribe,
        "site_url": settings.SITE_URL,
    }
    count = len(ordered)
    subject = "1 assignment that fits you" if count == 1 else f"{count} assignments that fit you"
    text, html = _render("digest", {**context, "subject": subject})
    # The same alerts sent again as a digest make the same Message-ID.
    ids = ",".join(str(alert.pk) for alert in sorted(ordered, key=lambda a: a.pk))
    headers["Message-ID"] = message_id(f"digest.{first.volunteer_id}.{hashlib.sha256(ids.encode()).hexdigest()[:20]}")
    return Message(
        subject=subject,
        text=text,
        html=html,
        to_email=first.volunteer.email,
        user_id=first.volunteer.user_id,
        alert_id=first.pk,
        headers=headers,
    )


class RenderCache:
    """Match alerts of one batch rendered once per vacancy, channel and reasons, the recipient's parts filled in after.

    Templates cost more than anything else in sending a batch (two templates
    with includes per email, about 2 ms on the benchmark machine). What
    differs between the recipients of one vacancy is their name and their
    signed links: those are rendered as slot markers (a random token per
    cache, so no text can forge one) and replaced per recipient, escaped
    where the template escapes (HTML) and raw where it does not (text), so
    the result is the very message ``message_for`` renders on its own
    (tests/alerts/test_render_cache.py compares them). A match template may
    use only these per-recipient values: anything else it read from the
    alert or the person would be the first recipient's for all.
    """

    SLOTS = ("name", "interested_url", "not_for_me_url", "unavailable_url", "unsubscribe_url")

    def __init__(self) -> None:
        self._mark = f"slot{secrets.token_hex(8)}"
        self._pattern = re.compile(rf"{self._mark}-([a-z_]+)-")
        self._rendered: dict[tuple[Any, ...], tuple[str, str, str, str]] = {}

    def _slot(self, name: str) -> str:
        return f"{self._mark}-{name}-"

    def _templates(self, alert: Alert) -> tuple[str, str, str, str]:
        """(subject, text, html, view url) with slots, rendered once per vacancy, channel and reasons."""
        reasons = alert.context.get("reasons", [])
        key = (alert.vacancy_id, alert.channel, json.dumps(reasons, sort_keys=True, default=str))
        if key not in self._rendered:
            slot = self._slot
            vacancy = _vacancy_context(alert)
            item = {
                **vacancy,
                "alert": None,
                "reasons": reasons,
                "interested_url": slot("interested_url"),
                "not_for_me_url": slot("not_for_me_url"),
                "unavailable_url": slot("unavailable_url"),
            }
            subject = _subject(alert)
            context = {
                "name": slot("name"),
                "alert": None,
                "site_url": settings.SITE_URL,
                **vacancy,
                "item": item,
                "unsubscribe_url": slot("unsubscribe_url"),
                "subject": subject,
            }
            if alert.channel == Channel.EMAIL:
                text, html = _render(alert.kind, context)
            else:
                text, html = render_to_string(f"alerts/email/{alert.kind}.txt", context), ""
            self._rendered[key] = (subject, text, html, vacancy.get("view_url", ""))
        return self._rendered[key]

    def _fill(self, template: str, values: dict[str, str], *, escape: bool) -> str:
        if escape:
            values = {k: str(conditional_escape(v)) for k, v in values.items()}
        return self._pattern.sub(lambda m: values[m[1]], template)

    def match_message(self, alert: Alert) -> Message:
        """What ``message_for`` renders for a match alert, from this batch's templates."""
        email, user_id, name = _recipient(alert)
        subject, text, html, url = self._templates(alert)
        unsubscribe, headers = _unsubscribe_headers(alert.volunteer_id or 0)
        values = {
            "name": name,
            "interested_url": answer_url(alert_id=alert.pk, action="interested"),
            "not_for_me_url": answer_url(alert_id=alert.pk, action="not_for_me"),
            "unavailable_url": answer_url(alert_id=alert.pk, action="unavailable"),
            "unsubscribe_url": unsubscribe,
        }
        if alert.channel == Channel.EMAIL:
            headers["Message-ID"] = message_id(f"alert.{alert.pk}.{alert.key}")
        return Message(
            subject=subject,
            text=self._fill(text, values, escape=False),
            html=self._fill(html, values, escape=True) if html else "",
            to_email=email,
            user_id=user_id,
            alert_id=alert.pk,
            url=url,
            headers=headers,
        )

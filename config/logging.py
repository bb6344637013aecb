"""Structured logs: one JSON object a line, with the request id of the request (or the task it caused).

The request id comes from a valid ``X-Request-ID`` (a proxy's) or is made
here, is answered in ``X-Request-ID``, travels to every Celery task published
while handling the request as a message header (``request_id``), and is set
again in the worker while that task runs, so one id follows a change from the
API into matching and alerts.

Logs never hold secrets: a filter masks API token keys, signed link tokens,
passwords and anything after ``password=``, and no code here logs a body.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from datetime import UTC, datetime
from typing import Any

from core.context import request_id_var

_VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

# Attributes every LogRecord has: anything else on a record was passed as ``extra``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "request_id"}


def new_request_id(offered: str | None = None) -> str:
    """``offered`` when it looks like an id (a proxy's), else a fresh one."""
    if offered and _VALID_REQUEST_ID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Put the current request id on every record (``""`` outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


_SECRETS = [
    # "Token <40 hex>" headers and bare 40-hex API keys.
    (re.compile(r"\b[0-9a-f]{40}\b"), "[token]"),
    # password=..., "password": "...", passwd, secret, api_key in any spelling.
    (
        re.compile(r"""(?i)(["']?(?:password\d?|passwd|secret|api[_-]?key|token)["']?\s*[:=]\s*)(["']?)[^"'\s,&}]+"""),
        r"\1\2[redacted]",
    ),
    # Django signed values (alert answer and unsubscribe links): base64 payload:timestamp:signature.
    (re.compile(r"[A-Za-z0-9_-]{20,}:[A-Za-z0-9]{4,}:[A-Za-z0-9_-]{20,}"), "[signed-link]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class RedactSecretsFilter(logging.Filter):
    """Mask token keys, passwords and signed-link tokens in a record's message, whatever logged it."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id, any ``extra`` fields, the exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id_var.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool | None) else repr(value)
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def logging_config(*, level: str, json_lines: bool) -> dict[str, Any]:
    """LOGGING for settings: every record through the request-id and redaction filters, to stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "config.logging.RequestIdFilter"},
            "redact": {"()": "config.logging.RedactSecretsFilter"},
        },
        "formatters": {
            "json": {"()": "config.logging.JsonFormatter"},
            "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request_id", "redact"],
                "formatter": "json" if json_lines else "plain",
            }
        },
        "root": {"handlers": ["console"], "level": level},
    }

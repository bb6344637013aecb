"""The id of the request (or task) being handled, for log lines and for the work it causes.

It lives in core so the outbox can store it with each row; config.logging sets and reads it.
"""

from __future__ import annotations

import contextvars

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")

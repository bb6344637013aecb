from __future__ import annotations

from tests.alerts.conftest import _alert_settings, store_shortlist

__all__ = ["_alert_settings", "store_shortlist"]

"""Engine tests need no Django: stand in for pytest-django's `settings` fixture.

The project-wide conftest has autouse fixtures that tweak Django settings; with
`-p no:django` (or before settings exist) they would fail, so here they write to a
throw-away namespace instead.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest


@pytest.fixture
def settings() -> SimpleNamespace:
    return SimpleNamespace()

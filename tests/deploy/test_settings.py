"""Production settings pass Django's deployment checks and refuse a guessable key."""

from __future__ import annotations

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args: str, env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "VAR_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _random_key(length: int) -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    return "".join(secrets.choice(alphabet) for _ in range(length))


def test_it_passes_the_deployment_checks_with_nothing_silenced(tmp_path: Path) -> None:
    production = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": _random_key(60), "DJANGO_ALLOWED_HOSTS": "example.org"}

    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=production, tmp_path=tmp_path)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_has_no_silenced_checks_in_production(tmp_path: Path) -> None:
    production = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": _random_key(60), "DJANGO_ALLOWED_HOSTS": "example.org"}

    result = _manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SILENCED_SYSTEM_CHECKS)",
        env=production,
        tmp_path=tmp_path,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    "key",
    [
        pytest.param("", id="no key"),
        pytest.param(_random_key(20), id="short key"),
        pytest.param("dev-only-insecure-secret-key-change-me", id="the development key"),
    ],
)
def test_it_refuses_to_start_in_production_without_a_strong_key(tmp_path: Path, key: str) -> None:
    result = _manage("check", env={"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": key}, tmp_path=tmp_path)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_it_starts_in_development_without_any_key(tmp_path: Path) -> None:
    # The counterpart of the refusal above: the refusal is about production only.
    result = _manage("check", env={"DJANGO_DEBUG": "true"}, tmp_path=tmp_path)

    assert result.returncode == 0, result.stderr


def test_a_fresh_clone_migrates_on_the_zero_setup_default(tmp_path: Path) -> None:
    # A new clone has no var/: `make migrate` must make it rather than fail to open the SQLite file.
    var = tmp_path / "var"

    result = _manage("migrate", "--noinput", env={"DATABASE_URL": "", "REDIS_URL": ""}, tmp_path=var)

    assert result.returncode == 0, result.stderr
    assert (var / "db.sqlite3").is_file()

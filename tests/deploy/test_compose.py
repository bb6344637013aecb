"""docker-compose.yml and the Dockerfile describe the stack we run (Docker is not available here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat", "migrate")


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]


def _command(service: dict[str, Any]) -> str:
    command = service.get("command", "")
    return " ".join(command) if isinstance(command, list) else command


def test_it_runs_every_process_and_backing_service(services: dict[str, Any]) -> None:
    assert set(services) >= {"web", "worker", "beat", "migrate", "db", "redis", "mailpit"}
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert "mailpit" in services["mailpit"]["image"]


def test_it_starts_the_processes_with_the_right_commands(services: dict[str, Any]) -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    # web runs the image's command: gunicorn serving the WSGI app.
    assert "command" not in services["web"]
    assert re.search(r'CMD \["gunicorn", "config.wsgi:application"', dockerfile)
    assert _command(services["worker"]).startswith("celery -A config worker")
    assert _command(services["beat"]).startswith("celery -A config beat")
    assert _command(services["migrate"]) == "python manage.py migrate --noinput"


@pytest.mark.parametrize("name", ["web", "worker", "beat", "migrate", "db", "redis", "mailpit"])
def test_it_checks_the_health_of_every_service(services: dict[str, Any], name: str) -> None:
    check = services[name]["healthcheck"]

    assert check["test"][0] in ("CMD", "CMD-SHELL")
    assert len(check["test"]) >= 2
    assert "interval" in check
    assert "retries" in check


@pytest.mark.parametrize("name", ["web", "worker"])
def test_it_starts_web_and_worker_only_after_migrations_ran(services: dict[str, Any], name: str) -> None:
    depends = services[name]["depends_on"]

    assert depends["migrate"] == {"condition": "service_completed_successfully"}
    assert depends["db"] == {"condition": "service_healthy"}
    assert depends["redis"] == {"condition": "service_healthy"}


def test_it_migrates_once_the_database_is_healthy(services: dict[str, Any]) -> None:
    migrate = services["migrate"]

    assert migrate["depends_on"]["db"] == {"condition": "service_healthy"}
    assert migrate["restart"] == "no"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_it_configures_the_app_from_env_and_wires_it_to_the_services(services: dict[str, Any], name: str) -> None:
    service = services[name]
    env = service["environment"]

    assert service["env_file"] == ".env"
    assert "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"].startswith("redis://redis:6379/")
    assert env["EMAIL_HOST"] == "mailpit"
    assert str(env["EMAIL_PORT"]) == "1025"
    assert env["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"


def test_it_exposes_the_mail_catcher_ui_and_takes_smtp_on_1025(services: dict[str, Any]) -> None:
    assert "8025:8025" in services["mailpit"]["ports"]


def test_it_puts_no_secret_in_the_compose_file(services: dict[str, Any]) -> None:
    text = (ROOT / "docker-compose.yml").read_text()

    for service in services.values():
        assert "DJANGO_SECRET_KEY" not in service.get("environment", {})  # it comes from .env only
    assert re.search(r"POSTGRES_PASSWORD:\s*\$\{POSTGRES_PASSWORD:\?", text)


def test_it_builds_a_slim_image_that_runs_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    instructions = [line.split()[0] for line in dockerfile.splitlines() if line and not line[0].isspace()]

    assert "FROM python:3.12-slim" in dockerfile
    assert "pip install --requirement requirements.lock" in dockerfile
    assert "collectstatic --noinput" in dockerfile
    user_lines = [line for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert user_lines
    assert user_lines[-1].split()[1] not in ("root", "0")
    # The user switch comes before the command that serves requests.
    assert instructions.index("USER") < instructions.index("CMD")


def test_it_keeps_local_state_and_secrets_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text().split()

    assert {".env", ".venv", "var", ".git"} <= set(ignored)


def test_the_partitions_file_runs_one_single_process_worker_per_partition_queue() -> None:
    # docker-compose.partitions.yml: the README's way to run a partitioned roster.
    services = yaml.safe_load((ROOT / "docker-compose.partitions.yml").read_text())["services"]
    partitions = {name: s for name, s in services.items() if name.startswith("worker-p")}
    assert sorted(partitions) == [f"worker-p{k}" for k in range(4)]
    for name, service in partitions.items():
        command = service["command"]
        assert command[command.index("-Q") + 1] == f"match.p{name[-1]}"
        assert command[command.index("--concurrency") + 1] == "1"
        assert service["environment"]["MATCHING_PARTITIONS"] == "4"
    shared = services["worker"]["command"]
    assert shared[shared.index("-Q") + 1] == "default,matching,alerts"
    assert all(services[name]["environment"]["MATCHING_PARTITIONS"] == "4" for name in ("worker", "web", "beat"))

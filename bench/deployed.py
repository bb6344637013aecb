"""The service as deployed, on this machine: gunicorn, a Celery worker, beat, PostgreSQL and Redis.

Shared by `make load` (scripts/load) and `make faults` (scripts/faults). Every
process is started here in a session of its own and killed here by its id
(``Stack.stop``, from a ``finally``); nothing touches the machine's own
PostgreSQL or Redis service beyond creating and dropping one database.

    LOAD_DATABASE_URL (postgres://postgres@127.0.0.1:5432/dm_load)  dropped and recreated
    LOAD_REDIS_PORT (6392)  a redis-server of our own: broker (db 0) and cache (db 1)
    LOAD_PORT (8110)        gunicorn on 127.0.0.1
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
UNLIMITED = "1000000/min"


def port_open(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition: Any, *, timeout: float, what: str, interval: float = 0.2) -> float:
    """Poll ``condition`` until it holds; return the seconds it took, or raise naming ``what``."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if condition():
            return time.monotonic() - started
        time.sleep(interval)
    raise TimeoutError(f"timed out after {timeout:.0f} s waiting for {what}")


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    admin = parts._replace(path="/postgres").geturl()
    with contextlib.suppress(psycopg.Error), psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{parts.path.lstrip("/")}" WITH (FORCE)')


@dataclass
class Process:
    """One child process in a session of its own, its output in a log file."""

    name: str
    command: list[str]
    log: Path
    env: dict[str, str]
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.popen = subprocess.Popen(
                self.command, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def signal(self, signum: int) -> None:
        if self.popen is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.popen.pid, signum)

    def stop(self, *, timeout: float = 20) -> None:
        """SIGTERM the process; SIGKILL its group if it has not gone after ``timeout``."""
        if self.popen is None:
            return
        # The main process only: a Celery worker then finishes its tasks and hands back what it had
        # reserved (its pool's children, signalled too, would die mid-task as "worker lost").
        with contextlib.suppress(ProcessLookupError):
            self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        self.signal(signal.SIGKILL)  # stragglers of the group (a pool child)
        self.popen = None

    def renice_session(self, nice: int) -> None:
        """Lower the CPU priority of the process's whole session, against the other sessions too.

        Each process here starts a session of its own, and Linux's autogroup
        scheduler shares the CPU between sessions first: a plain `nice` only
        orders the processes inside one session, so it did nothing against
        the web's. The session's autogroup takes the nice value as its weight.
        """
        assert self.popen is not None
        with contextlib.suppress(OSError):
            Path(f"/proc/{self.popen.pid}/autogroup").write_text(str(nice))

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the process and its living children have used so far."""
        if not self.alive:
            return 0.0
        assert self.popen is not None
        return cpu_seconds([self.popen.pid], children=True)

    def kill(self) -> None:
        """SIGKILL the process and its children at once, as a crash or the OOM killer would."""
        if self.popen is None:
            return
        self.signal(signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)
        self.popen = None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


@dataclass
class Stack:
    """The deployment's processes against one database and one redis-server of our own."""

    database_url: str
    redis_port: int
    web_port: int
    workdir: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, Process] = field(default_factory=dict)
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(60))

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    @property
    def broker_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def cache_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/1"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_"))}
        env |= {
            "PYTHONUNBUFFERED": "1",
            "VAR_DIR": str(self.workdir),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.cache_url,
            "CELERY_BROKER_URL": self.broker_url,
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": self.secret_key,
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Every simulated person comes from 127.0.0.1: per-address throttles would refuse the run.
            "THROTTLE_AUTH": UNLIMITED,
            "THROTTLE_WRITE": UNLIMITED,
            "THROTTLE_ANON": UNLIMITED,
            "AXES_FAILURE_LIMIT": "1000000",
            "LOGIN_ADDRESS_FAILURE_LIMIT": "1000000",
            "LOG_LEVEL": "WARNING",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
        return env | self.extra_env

    def _process(self, name: str, command: list[str], env: dict[str, str] | None = None) -> Process:
        process = Process(name, command, self.workdir / f"{name}.log", env or self.env())
        self.processes[name] = process
        process.start()
        return process

    # --- the services --------------------------------------------------------------

    def start_redis(self) -> None:
        if port_open(self.redis_port):
            raise SystemExit(f"port {self.redis_port} is taken: set LOAD_REDIS_PORT to a free one")
        self._process(
            "redis",
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                # As docker-compose runs it: what was queued survives a restart.
                "--appendonly",
                "yes",
                "--dir",
                str(self.workdir),
            ],
        )
        wait_until(lambda: port_open(self.redis_port), timeout=10, what=f"redis-server on {self.redis_port}")

    def stop_redis(self) -> None:
        self.processes["redis"].stop()
        wait_until(lambda: not port_open(self.redis_port), timeout=10, what="redis-server to stop")

    def start_web(self, *, workers: int = 3, threads: int = 1) -> None:
        if port_open(self.web_port):
            raise SystemExit(f"port {self.web_port} is taken: set LOAD_PORT to a free one")
        # Ready once it answers anything (/api/v1/ is a quick 404; /health/ waits on a worker ping).
        # As the Dockerfile runs it, without the access log (the load run counts every request itself).
        self._process(
            "web",
            [
                str(BIN / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                str(workers),
                # More than one: gunicorn's gthread worker, which keeps connections alive.
                "--threads",
                str(threads),
                "--timeout",
                "60",
            ],
        )
        wait_until(lambda: self._answers("/api/v1/"), timeout=90, what=f"gunicorn on {self.web_port}")

    def _answers(self, path: str) -> bool:
        try:
            urllib.request.urlopen(self.base + path, timeout=2)  # noqa: S310 - our own local server
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    def start_worker(
        self, *, name: str = "worker", concurrency: int = 2, env: dict[str, str] | None = None, nice: int = 0
    ) -> None:
        # `nice`: the worker's CPU priority below the web's, as docker-compose's cpu_shares set it on a shared host.
        command = [
            *(["nice", "-n", str(nice)] if nice else []),
            str(BIN / "celery"),
            "-A",
            "config",
            "worker",
            "--loglevel",
            "INFO",
            "--concurrency",
            str(concurrency),
            "--hostname",
            f"{name}@%h",
            "--without-mingle",
            "--without-gossip",
        ]
        process = self._process(name, command, self.env() | (env or {}))
        if nice:
            process.renice_session(nice)
        log_start = len(process.output())
        wait_until(
            lambda: " ready." in process.output()[log_start:] or not process.alive, timeout=120, what=f"{name} ready"
        )
        if not process.alive:
            raise SystemExit(f"{name} exited at start:\n{process.output()[-3000:]}")

    def start_beat(self) -> None:
        self._process(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(self.workdir / "celerybeat-schedule"),
            ],
        )

    def manage(self, *args: str) -> None:
        subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env(),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        """Stop everything started here, web first and Redis last."""
        for name in sorted(self.processes, key=lambda n: (n == "redis", n)):
            self.processes[name].stop()

    def use_here(self) -> None:
        """Point this process's Django at the stack (call before django.setup())."""
        os.environ.update(self.env())
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


# --- the data -------------------------------------------------------------------------


@dataclass
class Seeded:
    volunteer_tokens: list[str]
    managers: list[dict[str, Any]]

    def write(self, path: Path) -> None:
        path.write_text(json.dumps({"volunteers": self.volunteer_tokens, "managers": self.managers}))


def volunteer_row(profile: Any, **fields: Any) -> Any:
    """An unsaved Volunteer from a synthetic profile (bench/synthetic.py), with `fields` (name, email, ...) on top."""
    from volunteers.models import Volunteer

    return Volunteer(
        headline=profile.headline[:200],
        summary=profile.summary[:5000],
        skills=list(profile.skills),
        languages=dict(profile.languages),
        education=profile.education,
        years_experience=profile.years_experience,
        residence_country=profile.residence_country,
        available_from=profile.available_from,
        available_until=profile.available_until,
        on_site_ok=profile.on_site_ok,
        **fields,
    )


def vacancy_row(vacancy: Any, **fields: Any) -> Any:
    """An unsaved Vacancy from a synthetic one (bench/synthetic.py), with `fields` (programme, host, ...) on top."""
    from assignments.models import Vacancy

    terms = {
        "title": vacancy.title[:200],
        "country": vacancy.country,
        "sector": vacancy.sector,
        "description": vacancy.description,
        "required_skills": list(vacancy.required_skills),
        "preferred_skills": list(vacancy.preferred_skills),
        "required_languages": dict(vacancy.required_languages),
        "min_education": vacancy.min_education,
        "min_years_experience": vacancy.min_years_experience,
        "start_date": vacancy.start_date,
        "end_date": vacancy.end_date,
    }
    return Vacancy(**{**terms, **fields})


def seed(
    *,
    volunteers: int,
    vacancies: int,
    accounts: int,
    managers: int,
    applications: int,
    rng_seed: int,
    tokens: int | None = None,
    email: bool = False,
) -> Seeded:
    """Write the roster, programmes, open vacancies and applications in bulk; issue API tokens.

    ``accounts`` volunteers get a log-in (with alerts consent, in-app only, so
    their inbox fills as rankings store them; by email too with ``email``), and
    ``tokens`` of them (all by default) an API token; ``applications`` applications
    each per vacancy; each of ``managers`` managers runs one programme.
    Returns the tokens the load run signs in with.
    """
    sys.path.insert(0, str(ROOT / "bench"))
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone
    from synthetic import Generator

    from accounts.models import User
    from accounts.services import api_token_issue
    from alerts.models import AlertPreference, Channel, Rhythm
    from assignments.models import Application, HostInstitution, Programme, Vacancy
    from volunteers.models import Volunteer

    rng = random.Random(rng_seed)
    generator = Generator(seed=rng_seed)
    now = timezone.now()
    users = User.objects.bulk_create(
        [
            User(email=f"v{i}@load.example.org", role=User.Role.VOLUNTEER, password=make_password(None))
            for i in range(accounts)
        ]
    )
    rows = []
    for i in range(volunteers):
        p = generator.profile(i)
        user = users[i] if i < accounts else None
        rows.append(
            volunteer_row(
                p,
                external_id=f"V-{i:06d}",
                full_name=f"Volunteer {i}",
                email=f"v{i}@load.example.org",
                user=user,
                alerts_consent=user is not None,
                alerts_consent_at=now if user is not None else None,
                email_confirmed_at=now if user is not None else None,
            )
        )
    roster = Volunteer.objects.bulk_create(rows, batch_size=2000)
    with_accounts = roster[:accounts]
    channels = [Channel.EMAIL, Channel.INAPP] if email else [Channel.INAPP]
    AlertPreference.objects.bulk_create(
        [AlertPreference(volunteer=v, channels=channels, rhythm=Rhythm.INSTANT) for v in with_accounts]
    )

    host = HostInstitution.objects.create(name="Ministry of Health", country="SO")
    people: list[dict[str, Any]] = []
    opened: list[Vacancy] = []
    for m in range(managers):
        manager = User.objects.create_user(f"manager{m}@load.example.org", role=User.Role.MANAGER)
        programme = Programme.objects.create(slug=f"load-{m}", name=f"Load programme {m}")
        programme.managers.add(manager)
        mine = []
        for i in range(m, vacancies, managers):
            v = generator.vacancy(i)
            mine.append(
                vacancy_row(
                    v,
                    external_id=f"LV-{i:05d}",
                    programme=programme,
                    host_institution=host,
                    start_date=v.start_date or date(2027, 3, 1),
                    status=Vacancy.Status.OPEN,
                )
            )
        mine = Vacancy.objects.bulk_create(mine)
        opened += mine
        apps = Application.objects.bulk_create(
            [
                Application(vacancy=v, volunteer=person)
                for v in mine
                for person in rng.sample(with_accounts, k=applications)
            ]
        )
        _, key = api_token_issue(user=manager)
        people.append(
            {
                "token": key,
                "programme": programme.slug,
                "vacancies": [v.external_id for v in mine],
                "applications": [a.pk for a in apps],
            }
        )
    keys = [api_token_issue(user=user)[1] for user in users[: accounts if tokens is None else tokens]]
    return Seeded(volunteer_tokens=keys, managers=people)


def ranked_open_vacancies() -> tuple[int, int]:
    """(open vacancies with a finished ranking, open vacancies)."""
    from assignments.models import Vacancy
    from matching.models import MatchRun

    open_ids = Vacancy.objects.open().values_list("pk", flat=True)
    done = MatchRun.objects.filter(vacancy_id__in=open_ids, status=MatchRun.Status.DONE)
    return done.values("vacancy_id").distinct().count(), open_ids.count()


def analyze() -> None:
    """Refresh PostgreSQL's planner statistics, as after any bulk load (a no-op elsewhere)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def cpu_seconds(pids: Iterable[int], *, children: bool = False) -> float:
    """CPU time (user + system) the processes `pids` (and their living children) have used; gone ones count 0."""
    total = 0.0
    for pid in pids:
        with contextlib.suppress(psutil.Error):
            process = psutil.Process(pid)
            for one in [process, *(process.children(recursive=True) if children else [])]:
                with contextlib.suppress(psutil.Error):
                    times = one.cpu_times()
                    total += times.user + times.system
    return total


def database_backends(database_url: str) -> list[int]:
    """The pids of the PostgreSQL backends serving `database_url`'s database now."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        rows = conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s", [name]).fetchall()
    return [pid for (pid,) in rows]

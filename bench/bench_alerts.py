"""Alerts through a real worker, Redis, PostgreSQL and a local SMTP sink: speed, then SIGKILLs mid-batch.

    DATABASE_URL=postgres://... CELERY_BROKER_URL=redis://... \\
        python bench/bench_alerts.py [--alerts 10000] [--kills 3] [--seed 7] [--smtp-latency 0]

Design. A synthetic roster of R volunteers, each with an account (for the
inbox), alerts consent, a confirmed address and preferences "instant, email and
in-app", all eligible for every vacancy. The matching worker runs with
MATCHING_TOP_K = ALERT_TOP_N = R and ALERT_MIN_SCORE = 0, so each vacancy
opened stores all R and alerts each of them on both channels: 2R alerts a
vacancy. R = 1,000 and 5 vacancies make the 10,000 of the default.

It creates a database of its own next to DATABASE_URL's (``<name>_alertbench``,
dropped and recreated, dropped again at the end), a redis-server of its own on
a free port (so it never shares or flushes someone else's broker; it only
needs CELERY_BROKER_URL to say that Redis is the broker), an SMTP sink in this
process (aiosmtpd) and two workers: one for matching, with beat, and one for
the "alerts" queue only, with the SMTP backend pointed at the sink: the one
that is killed.

Run 1 opens the vacancies over the API (``POST /api/v1/vacancies/<id>/status``)
and prints alerts per second and the time from the first vacancy opened to the
last alert stored and to the last one sent. Run 2 opens as many new vacancies
and SIGKILLs the alerts worker (and its pool) ``--kills`` times while it sends,
restarting it each time, then waits until every alert is settled (the sweeper
reclaims the claims of the killed processes; this worker runs with a short
ALERT_CLAIM_TIMEOUT for that) and prints what was delivered, duplicated and
failed.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Volunteers per vacancy at most: the top of one shortlist, hence one ranking.
MAX_PER_VACANCY = 1000


def _database_url(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/") + "_alertbench"
    return urlunparse(parsed._replace(path=f"/{name}")), name


def _admin(url: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(urlunparse(urlparse(url)._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(statement)


def _design(alerts: int) -> tuple[int, int]:
    """(volunteers per vacancy, vacancies per run) giving at least ``alerts`` alerts on two channels."""
    per_vacancy = min(MAX_PER_VACANCY, max(1, math.ceil(alerts / 2)))
    return per_vacancy, math.ceil(alerts / (2 * per_vacancy))


def _seconds(later: datetime | None, earlier: datetime | None) -> float:
    if later is None or earlier is None:
        return float("nan")
    return (later - earlier).total_seconds()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--alerts", type=int, default=10_000, help="match alerts per run (default 10,000)")
    parser.add_argument(
        "--kills", type=int, default=3, help="SIGKILLs of the alerts worker in the fault run (0: no fault run)"
    )
    parser.add_argument("--processes", type=int, default=2, help="processes of the alerts worker (default 2)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--smtp-latency",
        type=float,
        default=0.0,
        help="seconds the sink waits before answering MAIL, RCPT and the end of DATA: a server that far (default 0)",
    )
    args = parser.parse_args()

    base_url = os.environ.get("DATABASE_URL", "")
    if not base_url.startswith("postgres") or not os.environ.get("CELERY_BROKER_URL", "").startswith("redis://"):
        print("bench_alerts needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis); `make bench` sets both")
        return 2
    database_url, name = _database_url(base_url)
    _admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(database_url, f'CREATE DATABASE "{name}"')
    workdir = Path(tempfile.mkdtemp(prefix="bench-alerts-"))
    from tests.support.stack import free_port

    broker_url = f"redis://127.0.0.1:{free_port()}/0"
    os.environ |= {
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker_url,
        "OUTBOX_RELAY_ON_COMMIT": "true",
        "VAR_DIR": str(workdir),
    }
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    try:
        return Bench(args, database_url, broker_url, workdir).run()
    finally:
        connection.close()
        _admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class Bench:
    def __init__(self, args: argparse.Namespace, database_url: str, broker_url: str, workdir: Path) -> None:
        self.args = args
        self.rng = random.Random(args.seed)
        self.per_vacancy, self.vacancies_per_run = _design(args.alerts)
        self.database_url = database_url
        self.broker_url = broker_url
        self.workdir = workdir
        self.opened = 0

    # --- setting up -----------------------------------------------------------------

    def roster(self) -> None:
        from django.contrib.auth.hashers import make_password
        from django.utils import timezone

        from accounts.models import User
        from alerts.models import AlertPreference, Channel, Rhythm
        from volunteers.models import Volunteer

        now = timezone.now()
        started = time.perf_counter()
        skills = ["midwifery", "clinical teaching", "EmONC", "neonatal care", "obstetrics", "nursing education"]
        users = User.objects.bulk_create(
            [
                User(email=f"v{i}@bench.example.org", role=User.Role.VOLUNTEER, password=make_password(None))
                for i in range(self.per_vacancy)
            ],
            batch_size=2000,
        )
        volunteers = Volunteer.objects.bulk_create(
            [
                Volunteer(
                    user=user,
                    external_id=f"V-{i:06d}",
                    full_name=f"Volunteer {i}",
                    email=user.email,
                    headline="Midwife and clinical tutor",
                    summary="Years on a labour ward; I teach students on placement and run skills-lab sessions.",
                    skills=self.rng.sample(skills, k=self.rng.randint(2, len(skills))),
                    languages={"so": "native", "en": "fluent"},
                    education=self.rng.choice(["bachelor", "master", "doctorate"]),
                    years_experience=self.rng.randint(3, 30),
                    residence_country=self.rng.choice(["GB", "SE", "NO", "US", "CA", "KE"]),
                    heritage_countries=["SO"],
                    on_site_ok=True,
                    alerts_consent=True,
                    alerts_consent_at=now,
                    email_confirmed_at=now,
                )
                for i, user in enumerate(users)
            ],
            batch_size=2000,
        )
        AlertPreference.objects.bulk_create(
            [
                AlertPreference(volunteer=v, channels=[Channel.EMAIL, Channel.INAPP], rhythm=Rhythm.INSTANT)
                for v in volunteers
            ],
            batch_size=2000,
        )
        print(
            f"roster: {len(volunteers):,} volunteers (alerts consent, confirmed address, instant, email + in-app), "
            f"written in {time.perf_counter() - started:.1f} s"
        )

    def programme(self) -> None:
        from accounts.models import User
        from assignments.models import HostInstitution, Programme

        self.manager = User.objects.create_user("manager@bench.example.org", role=User.Role.MANAGER)
        self.programme_row = Programme.objects.create(
            slug="alertbench", name="Alert bench", rule_residence_outside_duty_country=True
        )
        self.programme_row.managers.add(self.manager)
        self.host = HostInstitution.objects.create(name="Ministry of Health", country="SO")

    def drafts(self) -> list[Any]:
        from assignments.models import Vacancy

        rows = []
        for _ in range(self.vacancies_per_run):
            self.opened += 1
            external_id = f"A-{self.opened:05d}"
            rows.append(
                Vacancy.objects.create(
                    external_id=external_id,
                    programme=self.programme_row,
                    host_institution=self.host,
                    # A title of its own, so the sink tells each vacancy's emails apart by subject.
                    title=f"Clinical midwifery tutor {external_id}",
                    country="SO",
                    location="Hargeisa",
                    sector="Health",
                    description="Train midwifery students and tutors on the labour ward and in the skills lab.",
                    required_skills=["midwifery"],
                    preferred_skills=["clinical teaching", "EmONC"],
                    min_education="none",
                    start_date=datetime(2027, 3, 1).date(),
                    end_date=datetime(2027, 11, 30).date(),
                    status=Vacancy.Status.DRAFT,
                )
            )
        return rows

    def alerting_env(self) -> dict[str, str]:
        """Everyone stored is alerted: both workers need it (matching stores, the alerts worker creates)."""
        return {
            "MATCHING_TOP_K": str(self.per_vacancy),
            "ALERT_TOP_N": str(self.per_vacancy),
            "ALERT_MIN_SCORE": "0",
        }

    def alerts_worker(self, extra: dict[str, str], folder: str) -> Any:
        from tests.support.stack import Worker

        path = self.workdir / folder
        path.mkdir(exist_ok=True)
        env = {
            "DATABASE_URL": self.database_url,
            "CELERY_BROKER_URL": self.broker_url,
            **self.alerting_env(),
            **self.sink.env(),
            # A worker of the alerts queue alone ranks nothing: no roster index
            # to build in each process at start (it made a restart take 25 s).
            "MATCHING_PREWARM_INDEX": "false",
            **extra,
        }
        worker = Worker(env=env, workdir=path, concurrency=self.args.processes, beat=False, queues=["alerts"])
        worker.start()
        return worker

    # --- measuring --------------------------------------------------------------------

    def open_over_api(self, vacancies: list[Any]) -> datetime:
        from django.test import Client
        from django.utils import timezone

        client = Client()
        client.force_login(self.manager)
        opened_at = timezone.now()
        for vacancy in vacancies:
            response = client.post(
                f"/api/v1/vacancies/{vacancy.external_id}/status", {"status": "open"}, content_type="application/json"
            )
            if response.status_code != 200:
                raise SystemExit(f"opening failed: {response.status_code} {response.content[:300]!r}")
        return opened_at

    def match_alerts(self, vacancies: list[Any]) -> Any:
        from alerts.models import Alert

        return Alert.objects.filter(vacancy__in=vacancies, kind=Alert.Kind.MATCH)

    def wait_stored(self, vacancies: list[Any]) -> int:
        """Wait until every vacancy's shortlist and then its alerts are stored; return the match alerts.

        The alerts are created by the alerts worker from the outbox row stored
        with the shortlist, a moment after the run is done.
        """
        from matching.models import MatchRun
        from tests.support.stack import wait_for

        done = MatchRun.objects.filter(vacancy__in=vacancies, status=MatchRun.Status.DONE)
        wait_for(
            lambda: done.values("vacancy").distinct().count() == len(vacancies),
            timeout=300,
            what="the shortlists",
            interval=0.02,
        )
        expected = len(vacancies) * self.per_vacancy * 2
        wait_for(
            lambda: self.match_alerts(vacancies).count() >= expected,
            timeout=300,
            what=f"{expected:,} match alerts",
            interval=0.02,
        )
        return self.match_alerts(vacancies).count()

    def wait_settled(self, vacancies: list[Any], timeout: float) -> float:
        from alerts.models import Alert
        from tests.support.stack import wait_for

        started = time.perf_counter()
        busy = Alert.objects.filter(vacancy__in=vacancies, deliver="instant", status__in=["pending", "sending"])
        wait_for(lambda: not busy.exists(), timeout=timeout, what="every alert to be settled", interval=0.1)
        return time.perf_counter() - started

    def report(
        self, vacancies: list[Any], opened_at: datetime, mail_before: dict[tuple[str, str], int], *, kills: int = 0
    ) -> None:
        from django.db.models import Count, Max, Min

        from alerts.models import InboxMessage

        alerts = self.match_alerts(vacancies)
        span = alerts.aggregate(first=Min("created_at"), last=Max("created_at"), sent=Max("sent_at"))
        by_status = dict(alerts.values_list("status").annotate(n=Count("id")).order_by())
        sent, total = by_status.get("sent", 0), sum(by_status.values())
        stored_to_sent = _seconds(span["sent"], span["first"])
        opened_to_sent = _seconds(span["sent"], opened_at)
        print(f"  match alerts stored: {total:,} ({self.vacancies_per_run} vacancies x {self.per_vacancy:,} x 2)")
        print(f"  opened over the API → last alert stored: {_seconds(span['last'], opened_at):.2f} s")
        target = "" if kills else f" [target <= 30 s: {'meets' if opened_to_sent <= 30 else 'MISSES'}]"
        print(f"  opened over the API → last alert sent:   {opened_to_sent:.2f} s{target}")
        print(f"  sending: {sent:,} alerts in {stored_to_sent:.1f} s = {sent / stored_to_sent:,.0f} alerts/s")
        # Per channel: from the first alert stored to the last of that channel
        # sent, and from the first to the last of that channel sent (how fast
        # the worker drains it once it is at it).
        for channel, floor in (("inapp", 1000), ("email", 200)):
            mine = alerts.filter(channel=channel, status="sent").aggregate(
                n=Count("id"), first=Min("sent_at"), last=Max("sent_at")
            )
            overall = mine["n"] / _seconds(mine["last"], span["first"]) if mine["n"] else 0.0
            draining = mine["n"] / max(_seconds(mine["last"], mine["first"]), 1e-3) if mine["n"] else 0.0
            target = "" if kills else f" [target >= {floor:,}/s: {'meets' if overall >= floor else 'MISSES'}]"
            print(
                f"  {channel:>6}: {mine['n']:,} sent, {overall:,.0f} alerts/s from the first stored{target}; "
                f"{draining:,.0f}/s from its first sent to its last"
            )
        others = ", ".join(f"{status} {by_status.get(status, 0):,}" for status in ("failed", "skipped", "pending"))
        print(f"  delivered: {sent:,} / {total:,} ({others})")
        # In-app is one row per alert by schema; a duplicate would be two rows for
        # one person and one vacancy (two alerts for the same thing).
        inbox = InboxMessage.objects.filter(alert__in=alerts)
        repeated = inbox.values("user", "alert__vacancy").annotate(n=Count("id")).filter(n__gt=1)
        inapp_sent = alerts.filter(channel="inapp", status="sent").count()
        print(f"  in-app: {inbox.count():,} messages for {inapp_sent:,} alerts sent, duplicates {repeated.count()}")
        subjects = {f"An assignment that fits you: {v.title}" for v in vacancies}
        received = {
            key: n - mail_before.get(key, 0)
            for key, n in self.sink.snapshot().items()
            if key[1] in subjects and n > mail_before.get(key, 0)
        }
        # Email is at least once, not exactly once. A worker sends, then marks the
        # alert sent; a SIGKILL between the two leaves the alert claimed though
        # the mail server already has the message (this sink counts a message
        # once its data is in, as a real server delivers it even if the client
        # dies before reading "250"). The sweeper gives the claim back and the
        # email goes again. No order of "send" and "mark" avoids it: marking
        # first would lose the email when the kill lands between them instead.
        # Each message is marked sent as soon as the server took it, so a kill
        # repeats at most the one message each killed process had in flight; the
        # repeat carries the first one's Message-ID, for the server to drop.
        duplicates = sum(n - 1 for n in received.values())
        email_sent = alerts.filter(channel="email", status="sent").count()
        missing = email_sent - len(received)
        same_id = sum(n - 1 for key, n in received.items() if n > 1 and len(self.sink.ids_of(key)) == 1)
        target = (
            f" [target <= 1 a kill, {kills} kills: {'meets' if duplicates <= kills else 'MISSES'}]" if kills else ""
        )
        print(
            f"  email: the sink received {sum(received.values()):,} for {email_sent:,} alerts sent "
            f"({missing} sent but not received), repeats {duplicates}{target}"
        )
        if duplicates:
            reclaimed = alerts.filter(channel="email", attempts__gt=1).count()
            print(
                f"    {same_id} of the {duplicates} repeats carry the Message-ID of the first (a server that drops "
                f"repeats by Message-ID delivers {duplicates - same_id}); {reclaimed} email alerts were reclaimed "
                f"from killed processes"
            )

    # --- the two runs -------------------------------------------------------------------

    def run(self) -> int:
        from django.core.management import call_command

        from tests.support.stack import Broker, MailSink, Worker

        call_command("migrate", "--noinput", verbosity=0)
        self.roster()
        self.programme()
        print(
            f"design: {self.vacancies_per_run} vacancies a run x top {self.per_vacancy:,} stored x 2 channels "
            f"= {self.vacancies_per_run * self.per_vacancy * 2:,} match alerts "
            f"(MATCHING_TOP_K = ALERT_TOP_N = {self.per_vacancy}, ALERT_MIN_SCORE = 0)"
        )
        broker = Broker(self.broker_url, self.workdir)
        broker.start()
        self.sink = MailSink(latency=self.args.smtp_latency)
        self.sink.start()
        matching_dir = self.workdir / "matching"
        matching_dir.mkdir()
        matcher = Worker(
            env={
                "DATABASE_URL": self.database_url,
                "CELERY_BROKER_URL": self.broker_url,
                **self.alerting_env(),
                # Beat lives here, in the worker that is never killed; the
                # sweep it schedules (every ALERT_SWEEP_INTERVAL, 10 s by
                # default) runs on the alerts worker, with its lease settings.
            },
            workdir=matching_dir,
            concurrency=2,
            queues=["default", "matching"],
        )
        workers: list[Any] = []
        started = time.perf_counter()
        try:
            matcher.start()
            workers.append(matcher)
            workers.append(self.alerts_worker({}, "alerts-1"))
            self.speed_run()
            if self.args.kills:
                workers[-1].stop()
                # The production defaults: a 30 s lease renewed every 5 s, swept every 10 s.
                workers.append(self.alerts_worker({}, "alerts-2"))
                self.fault_run(workers)
        finally:
            for worker in workers:
                worker.stop()
            self.sink.stop()
            broker.stop()
        elapsed = time.perf_counter() - started
        note = " (over the 5-minute aim: the issue asks for this many)" if elapsed > 300 else ""
        print(f"\nboth runs took {elapsed:.0f} s{note}; worker logs in {self.workdir}")
        return 0

    def speed_run(self) -> None:
        vacancies = self.drafts()
        from django.conf import settings

        latency = f", the sink answering in {self.args.smtp_latency * 1000:g} ms" if self.args.smtp_latency else ""
        print(
            f"\nrun 1, no faults: {len(vacancies)} vacancies opened over the API, "
            f"alerts worker of {self.args.processes} processes, {settings.ALERT_EMAIL_CONNECTIONS} SMTP connections "
            f"each{latency}"
        )
        before = self.sink.snapshot()
        opened_at = self.open_over_api(vacancies)
        stored = self.wait_stored(vacancies)
        self.wait_settled(vacancies, timeout=max(300, stored / 10))
        self.report(vacancies, opened_at, before)

    def fault_run(self, workers: list[Any]) -> None:
        from django.conf import settings
        from django.db.models import Max
        from django.utils import timezone

        from tests.support.stack import wait_for

        vacancies = self.drafts()
        print(
            f"\nrun 2, faults: {len(vacancies)} new vacancies; the alerts worker SIGKILLed {self.args.kills} "
            f"times while sending (claims leased for {settings.ALERT_CLAIM_LEASE} s, renewed every "
            f"{settings.ALERT_CLAIM_RENEW} s, swept every {settings.ALERT_SWEEP_INTERVAL:.0f} s)"
        )
        before = self.sink.snapshot()
        opened_at = self.open_over_api(vacancies)
        expected = self.wait_stored(vacancies)
        done = self.match_alerts(vacancies).filter(status__in=["sent", "skipped", "failed"])
        stranded: list[tuple[datetime, list[int]]] = []
        for kill in range(1, self.args.kills + 1):
            # Evenly spread over the batch, moved a little by the seed.
            share = (kill + self.rng.uniform(-0.25, 0.25)) / (self.args.kills + 1)
            threshold = int(expected * share)

            def settled(at_least: int = threshold) -> bool:
                return done.count() >= at_least

            wait_for(settled, timeout=600, what=f"{threshold} alerts settled")
            at = done.count()
            workers[-1].kill()
            killed_at = timezone.now()
            # Whatever is "sending" now was claimed by the processes just killed.
            stranded.append(
                (killed_at, list(self.match_alerts(vacancies).filter(status="sending").values_list("pk", flat=True)))
            )
            t0 = time.perf_counter()
            workers[-1].start()
            print(
                f"  kill {kill}: SIGKILL at {at:,} / {expected:,} settled; restarted in {time.perf_counter() - t0:.1f} s"
            )
        settle = self.wait_settled(vacancies, timeout=600)
        print(f"  every alert settled {settle:.1f} s after the last restart")
        for kill, (killed_at, ids) in enumerate(stranded, start=1):
            last = self.match_alerts(vacancies).filter(pk__in=ids).aggregate(last=Max("sent_at"))["last"]
            took = _seconds(last, killed_at)
            verdict = "meets" if ids and took <= 60 else "MISSES" if ids else "nothing stranded"
            print(
                f"  kill {kill}: {len(ids)} alerts left claimed by the killed processes, the last of them sent "
                f"{took:.1f} s after the kill [target <= 60 s: {verdict}]"
            )
        self.report(vacancies, opened_at, before, kills=self.args.kills)
        log = "".join(w.output() for w in workers[1:])
        requeued = [int(n) for n in re.findall(r"alerts sweep queued (\d+) alert", log)]
        print(f"  the sweeper queued {sum(requeued):,} alert task(s) again in {len(requeued)} sweep(s)")


if __name__ == "__main__":
    raise SystemExit(main())

"""The mix `make load` drives (scripts/load runs it headless): volunteers and programme managers over the API.

Volunteers read their matches and inbox (and now and then edit their profile,
which rescores it); managers read shortlists and their applications, move
applications a step, and open new vacancies. Each simulated person signs in
with a token scripts/load issued (LOAD_PERSONAS, a JSON file); all together
they aim at LOAD_RPS requests a second.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import deque
from itertools import count
from typing import Any

import gevent
from locust import task
from locust.contrib.fasthttp import FastHttpUser

PERSONAS: dict[str, Any] = json.loads(open(os.environ["LOAD_PERSONAS"]).read())  # noqa: SIM115
USERS = int(os.environ.get("LOAD_USERS", "25"))
RPS = float(os.environ.get("LOAD_RPS", "50"))
# Applications still "interest", per manager: each move takes one, so no two
# simulated managers move the same one and no move is refused as out of order.
WAITING: list[deque[int]] = [deque(m["applications"]) for m in PERSONAS["managers"]]
NEW_VACANCY = count(1)


class _Person(FastHttpUser):
    # geventhttpclient, not requests: the load generator shares the server's 2 cores,
    # and requests' per-call cost in Python took CPU the service under test needed.
    abstract = True
    default_headers = {"Accept": "application/json"}

    def sign_in(self, token: str) -> None:
        self.client.auth_header = f"Token {token}"
        # People come in one by one, not all in the same second.
        self.next_arrival = time.perf_counter() + random.expovariate(RPS / USERS)
        gevent.sleep(max(0.0, self.next_arrival - time.perf_counter()))

    def wait_time(self) -> float:
        """Until this person's next request: arrivals a Poisson process of RPS / USERS a second each.

        Drawn on the person's own clock, so a slow answer does not lower the rate
        (a person who fell behind asks again at once). locust's constant_throughput,
        used before, kept every person in step: all started together and kept their
        phase, so every USERS / RPS seconds the service met USERS requests in the same
        instant, and the answers queued behind each other. That queue was the load
        generator's, not anything users do: 25 people at 5 requests/s in all read
        p50 190 ms where one person at 5 requests/s read 9 ms.
        """
        self.next_arrival += random.expovariate(RPS / USERS)
        return max(0.0, self.next_arrival - time.perf_counter())


class Volunteer(_Person):
    weight = 3

    def on_start(self) -> None:
        self.sign_in(random.choice(PERSONAS["volunteers"]))

    @task(6)
    def matches(self) -> None:
        self.client.get("/api/v1/matches")

    @task(4)
    def inbox(self) -> None:
        self.client.get("/api/v1/inbox/")

    @task(2)
    def unread(self) -> None:
        self.client.get("/api/v1/inbox/unread-count")

    @task(2)
    def vacancies(self) -> None:
        self.client.get("/api/v1/vacancies/")

    @task(1)
    def edit_profile(self) -> None:
        years = random.randint(3, 30)
        self.client.patch("/api/v1/profile", json={"years_experience": years})


class Manager(_Person):
    weight = 1

    def on_start(self) -> None:
        self.number = random.randrange(len(PERSONAS["managers"]))
        self.me = PERSONAS["managers"][self.number]
        self.sign_in(self.me["token"])

    @task(6)
    def shortlist(self) -> None:
        vacancy = random.choice(self.me["vacancies"])
        self.client.get(f"/api/v1/vacancies/{vacancy}/shortlist", name="/api/v1/vacancies/[id]/shortlist")

    @task(3)
    def applications(self) -> None:
        self.client.get("/api/v1/applications/")

    @task(3)
    def move_application(self) -> None:
        waiting = WAITING[self.number]
        if not waiting:
            return
        application = waiting.popleft()
        self.client.post(
            f"/api/v1/applications/{application}/transition",
            json={"status": "shortlisted"},
            name="/api/v1/applications/[id]/transition",
        )

    @task(1)
    def open_vacancy(self) -> None:
        number = next(NEW_VACANCY)
        created = self.client.post(
            "/api/v1/vacancies/",
            json={
                "programme": self.me["programme"],
                "host_institution": "Ministry of Health",
                "title": f"Midwifery tutor {number}",
                "country": "SO",
                "location": "Hargeisa",
                "sector": "Health",
                "description": "Train midwifery students and tutors on the labour ward and in the skills lab.",
                "required_skills": ["midwifery"],
                "preferred_skills": ["clinical teaching"],
                "min_education": "bachelor",
                "min_years_experience": 3,
                "start_date": "2027-03-01",
                "end_date": "2027-09-30",
            },
        )
        if created.status_code != 201:
            return
        external_id = created.json()["external_id"]
        self.client.post(
            f"/api/v1/vacancies/{external_id}/status", json={"status": "open"}, name="/api/v1/vacancies/[id]/status"
        )

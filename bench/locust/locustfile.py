"""Mixed traffic for bench/pages.py --locust: visitors browsing calls, events and reports; NGOs drafting and
submitting; experts scoring; staff screening and searching — in proportion (weights), against a server on the
loopback. The URLs' ids come from the environment (RESURS_FACTS, JSON written by bench/pages.py).

Each simulated user signs in as the demo persona of its kind (the password of the demo), through the login form
(the user field is ``username``, or ``login`` with allauth).
"""

from __future__ import annotations

import json
import os
import random
import re

from locust import HttpUser, between, task

FACTS = json.loads(os.environ.get("RESURS_FACTS", "{}"))
PASSWORD = "resurs-demo"


def _login(user, username: str) -> None:
    page = user.client.get("/accounts/login/", name="login form")
    names = set(re.findall(r'name="([^"]+)"', page.text))
    field = "login" if "login" in names else "username"
    token = user.client.cookies.get("csrftoken", "")
    user.client.post(
        "/accounts/login/",
        {field: username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": user.host + "/accounts/login/"},
        name="login",
    )


def _post(user, url: str, data: dict, name: str):
    token = user.client.cookies.get("csrftoken", "")
    return user.client.post(
        url, {**data, "csrfmiddlewaretoken": token}, headers={"Referer": user.host + url}, name=name
    )


class Visitor(HttpUser):
    """Reads calls, events, publications and results without signing in."""

    weight = 10
    wait_time = between(1, 4)

    @task(4)
    def calls(self):
        self.client.get("/grants/", name="call-list")
        self.client.get(f"/grants/calls/{FACTS['open_call']}/", name="call-detail")

    @task(3)
    def events(self):
        self.client.get("/events/", name="event-list")
        self.client.get(f"/events/{FACTS['forum']}/", name="event-detail")

    @task(2)
    def reports(self):
        self.client.get("/outreach/publications/", name="publication-list")
        self.client.get(f"/outreach/publications/{FACTS['publication']}/", name="publication-detail")

    @task(1)
    def results(self):
        self.client.get(f"/grants/calls/{FACTS['past_call']}/results/", name="call-results")

    @task(1)
    def home(self):
        self.client.get("/", name="home")


class Ngo(HttpUser):
    """An NGO drafts its application (autosaved form), reads its desk and submits nothing twice."""

    weight = 5
    wait_time = between(2, 6)

    def on_start(self):
        _login(self, "ngo")

    @task(3)
    def draft(self):
        url = f"/grants/applications/{FACTS['ngo_draft']}/edit/"
        self.client.get(url, name="application-form")
        self.client.headers["HX-Request"] = "true"
        _post(
            self,
            url,
            {"title": f"Добрые соседи: школа местных активистов {random.randint(1, 9)}"},
            "application-autosave",
        )
        del self.client.headers["HX-Request"]

    @task(2)
    def desk(self):
        self.client.get("/desk/", name="desk")
        self.client.get("/grants/my/", name="my-applications")

    @task(1)
    def learning(self):
        self.client.get("/learning/my/", name="my-learning")
        self.client.get("/learning/consultations/", name="consultation-list")


class Expert(HttpUser):
    """An expert opens the assignments and the scoring page."""

    weight = 3
    wait_time = between(3, 8)

    def on_start(self):
        _login(self, "expert")

    @task(2)
    def assignments(self):
        self.client.get("/reviews/", name="my-reviews")

    @task(3)
    def score(self):
        self.client.get(f"/reviews/assignments/{FACTS['expert_assignment']}/", name="review")


class Staff(HttpUser):
    """Centre staff screen applications, search the registry and run the check-in."""

    weight = 2
    wait_time = between(2, 5)

    def on_start(self):
        _login(self, "staff")

    @task(3)
    def search(self):
        query = random.choice(["фонд", "центр", "Иванова", "детей", "ветеранов"])
        self.client.get(f"/registry/organisations/?q={query}", name="organisation-list?q")
        self.client.get(f"/registry/organisations/{FACTS['ngo_org']}/", name="organisation-detail")

    @task(2)
    def screen(self):
        self.client.get(
            f"/grants/manage/calls/{FACTS['open_call']}/applications/?status=submitted", name="pipeline"
        )
        self.client.get(f"/grants/applications/{FACTS['open_application']}/", name="application-detail")

    @task(1)
    def checkin(self):
        self.client.get(f"/events/{FACTS['forum']}/check-in/?q=Иван", name="event-checkin")

    @task(1)
    def analysis(self):
        self.client.get("/cooperation/", name="cooperation-overview")

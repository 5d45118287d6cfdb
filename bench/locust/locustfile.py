"""Mixed traffic for bench/pages.py --locust: visitors browsing calls, events and reports; NGOs drafting and
submitting; experts scoring; staff screening and searching — in proportion (weights), against a server on the
loopback. The URLs' ids come from the environment (RESURS_FACTS, JSON written by bench/pages.py).

Each simulated user is signed in as the demo persona of its kind. bench/locust_run.py creates a session for every
simulated user beforehand (RESURS_FACTS["sessions"]), as after a two-factor sign-in: a load generator cannot sign in
through the second factor hundreds of times, since each six-digit code is accepted once. Without prepared sessions a
user signs in through the login form (personas without a second factor only).

Between two tasks a simulated user thinks as a person does: a visitor reads a list and a page (5–20 s), an NGO types
between two autosaves (10–30 s), an expert reads an application before scoring it (20–60 s), staff move from one
screen to the next (5–15 s). RESURS_THINK_FACTOR scales every think time (bench/pages.py --locust-think): 0.2 makes
the same users five times as demanding, to find where the machine saturates.

A response counts as a failure when its status is not 2xx, or when it ends on the sign-in or two-factor pages (a
lost session would otherwise look like a fast page).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re

from locust import HttpUser, task

FACTS = json.loads(os.environ.get("RESURS_FACTS", "{}"))
PASSWORD = "resurs-demo"
THINK_FACTOR = float(os.environ.get("RESURS_THINK_FACTOR", "1"))


def think(low: float, high: float):
    """A person's pause between two tasks, scaled by RESURS_THINK_FACTOR."""
    return lambda user: random.uniform(low, high) * THINK_FACTOR


def _get(user, url: str, name: str):
    with user.client.get(url, name=name, catch_response=True) as response:
        if response.status_code >= 400:
            response.failure(f"status {response.status_code}")
        elif "/accounts/" in response.url and "/accounts/" not in url:
            response.failure(f"sent to {response.url}")
        else:
            response.success()
    return response


def _sign_in(user, username: str) -> None:
    """The prepared session of one simulated user, or the login form."""
    sessions = FACTS.get("sessions", {}).get(username)
    if sessions:
        key = sessions[next(_counter) % len(sessions)]
        user.client.cookies.set("sessionid", key, domain="127.0.0.1", path="/")
        return
    _login(user, username)


_counter = itertools.count()


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
    with user.client.post(
        url,
        {**data, "csrfmiddlewaretoken": token},
        headers={"Referer": user.host + url},
        name=name,
        catch_response=True,
    ) as response:
        if response.status_code >= 400:
            response.failure(f"status {response.status_code}")
        else:
            response.success()
    return response


class Visitor(HttpUser):
    """Reads calls, events, publications and results without signing in."""

    weight = 10
    wait_time = think(5, 20)

    @task(4)
    def calls(self):
        _get(self, "/grants/", "call-list")
        _get(self, f"/grants/calls/{FACTS['open_call']}/", "call-detail")

    @task(3)
    def events(self):
        _get(self, "/events/", "event-list")
        _get(self, f"/events/{FACTS['forum']}/", "event-detail")

    @task(2)
    def reports(self):
        _get(self, "/outreach/publications/", "publication-list")
        _get(self, f"/outreach/publications/{FACTS['publication']}/", "publication-detail")

    @task(1)
    def results(self):
        _get(self, f"/grants/calls/{FACTS['past_call']}/results/", "call-results")

    @task(1)
    def home(self):
        _get(self, "/", "home")


class Ngo(HttpUser):
    """An NGO drafts its application (autosaved form), reads its desk and submits nothing twice."""

    weight = 5
    wait_time = think(10, 30)

    def on_start(self):
        _sign_in(self, "ngo")

    @task(3)
    def draft(self):
        url = f"/grants/applications/{FACTS['ngo_draft']}/edit/"
        _get(self, url, "application-form")
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
        _get(self, "/desk/", "desk")
        _get(self, "/grants/my/", "my-applications")

    @task(1)
    def learning(self):
        _get(self, "/learning/my/", "my-learning")
        _get(self, "/learning/consultations/", "consultation-list")


class Expert(HttpUser):
    """An expert opens the assignments and the scoring page."""

    weight = 3
    wait_time = think(20, 60)

    def on_start(self):
        _sign_in(self, "expert")

    @task(2)
    def assignments(self):
        _get(self, "/reviews/", "my-reviews")

    @task(3)
    def score(self):
        _get(self, f"/reviews/assignments/{FACTS['expert_assignment']}/", "review")


class Staff(HttpUser):
    """Centre staff screen applications, search the registry and run the check-in."""

    weight = 2
    wait_time = think(5, 15)

    def on_start(self):
        _sign_in(self, "staff")

    @task(3)
    def search(self):
        query = random.choice(["фонд", "центр", "Иванова", "детей", "ветеранов"])
        _get(self, f"/registry/organisations/?q={query}", "organisation-list?q")
        _get(self, f"/registry/organisations/{FACTS['ngo_org']}/", "organisation-detail")

    @task(2)
    def screen(self):
        _get(self, f"/grants/manage/calls/{FACTS['open_call']}/applications/?status=submitted", "pipeline")
        _get(self, f"/grants/applications/{FACTS['open_application']}/", "application-detail")

    @task(1)
    def checkin(self):
        _get(self, f"/events/{FACTS['forum']}/check-in/?q=Иван", "event-checkin")

    @task(1)
    def analysis(self):
        _get(self, "/cooperation/", "cooperation-overview")

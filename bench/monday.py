"""Monday morning, as locust users (`locust -f bench/monday.py`): the load `make bench` puts on
the gunicorn setup after its per-page measurements (bench/run.py, `monday_morning`).

Everyone is signed in before the clock starts (bench/run.py writes their cookies into the cast
file BENCH_MONDAY_CAST names), so the measured minute holds only what people do on a Monday:

- Employee: opens My week, then checks in on the next of their due key results, over and over;
- Manager: reloads their team's dashboard, sub-teams rolled up;
- CompanyViewer: reloads the company dashboard;
- Floor: the floor page, alone, for the throughput the mix is compared with.

No user waits between requests: each is a closed loop, so the run measures how much the setup
serves under the mix, not how fast people click. Every request's time and outcome, and every
check-in answered 200, are written to BENCH_MONDAY_RECORD when locust quits, for bench/run.py to
turn into percentiles (the same nearest-rank ones as the page table) and to look the check-ins up
in the database. Standard library and locust only: no Django here.
"""

import itertools
import json
import os
from pathlib import Path

from locust import HttpUser, constant, events, task

CAST = json.loads(Path(os.environ["BENCH_MONDAY_CAST"]).read_text())
RECORD = Path(os.environ["BENCH_MONDAY_RECORD"])
HTMX = {"HX-Request": "true"}

requests: list[tuple[str, float, bool]] = []  # (action, milliseconds, answered as expected)
posted: list[tuple[int, str]] = []  # (key result id, author's username) per check-in saved

# Each user of a kind takes the next person of that kind in the cast.
_next = {kind: itertools.count() for kind in ("employees", "managers", "viewers")}


@events.request.add_listener
def _record_request(
    name: str, response_time: float, exception: BaseException | None, **_: object
) -> None:
    requests.append((name, response_time, exception is None))


@events.quitting.add_listener
def _write_record(**_: object) -> None:
    RECORD.write_text(json.dumps({"requests": requests, "posted": posted}))


class _SignedIn(HttpUser):
    abstract = True
    wait_time = constant(0)
    kind = ""

    def on_start(self) -> None:
        self.person = CAST[self.kind][next(_next[self.kind]) % len(CAST[self.kind])]
        for name, value in self.person["cookies"].items():
            self.client.cookies.set(name, value)

    def read(self, path: str, action: str) -> None:
        with self.client.get(path, name=action, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")


class Employee(_SignedIn):
    fixed_count = len(CAST["employees"])
    kind = "employees"

    def on_start(self) -> None:
        super().on_start()
        self.turn = itertools.count()

    @task
    def my_week_then_check_in(self) -> None:
        self.read("/", "My week")
        key_result = self.person["key_results"][next(self.turn) % len(self.person["key_results"])]
        n = len(posted)
        # A milestone stays at 0 (not done, so still due); other kinds take a value that moves.
        value = "0" if key_result["kind"] == "milestone" else str(40 + n % 50)
        with self.client.post(
            f"/key-results/{key_result['id']}/check-in/",
            data={"value": value, "confidence": "4", "what_changed": "Monday check-in"},
            headers={**HTMX, "X-CSRFToken": self.person["cookies"]["csrftoken"]},
            name="Check-in POST",
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                posted.append((key_result["id"], self.person["username"]))
            else:
                response.failure(f"HTTP {response.status_code}")


class Manager(_SignedIn):
    fixed_count = len(CAST["managers"])
    kind = "managers"

    @task
    def team_dashboard(self) -> None:
        self.read(self.person["team_path"], "Team dashboard")


class CompanyViewer(_SignedIn):
    fixed_count = len(CAST["viewers"])
    kind = "viewers"

    @task
    def company_dashboard(self) -> None:
        self.read("/company/", "Company dashboard")


class Floor(_SignedIn):
    kind = "employees"

    @task
    def floor(self) -> None:
        self.read("/bench/floor/", "Floor")

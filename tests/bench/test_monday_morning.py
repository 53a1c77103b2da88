"""Monday morning (bench/monday.py under locust, driven by bench/run.py): who is cast, and a short
run against the application on 127.0.0.1 in which every request succeeds and every check-in
answered 200 is in the database afterwards."""

from datetime import date, datetime, time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

import scoring
from bench.run import monday_morning
from bench.subjects import monday_cast
from checkins.models import CheckIn
from objectives.cycles.clock import company_tz
from objectives.models import KeyResult, Membership, Team, User
from objectives.scoring_inputs import is_done, key_result_progress

TODAY = date(2026, 11, 18)  # a Wednesday: some key results are already checked in this week


def _seed(*extra: str) -> None:
    call_command("seed_load", "--people=90", "--seed=4", *extra, stdout=StringIO())


@pytest.mark.django_db(transaction=True)
def test_the_cast_follows_the_rules():
    _seed(f"--today={TODAY}")
    cast = monday_cast(today=TODAY, employees=20, managers=2, viewers=4)
    assert monday_cast(today=TODAY, employees=20, managers=2, viewers=4) == cast

    week_began = datetime.combine(scoring.week_start(day=TODAY), time(0), tzinfo=company_tz())
    managers = set(Membership.objects.filter(role="manager").values_list("user_id", flat=True))
    employees = [User.objects.get(username=p["username"]) for p in cast["employees"]]
    assert len(employees) == 20 and not {e.pk for e in employees} & managers
    assert [e.pk for e in employees] == sorted(e.pk for e in employees)
    checked_this_week = 0
    for person, employee in zip(cast["employees"], employees, strict=True):
        theirs = KeyResult.objects.filter(
            owner=employee, objective__cycle__start_date__lte=TODAY, archived=False
        ).filter(objective__cycle__end_date__gte=TODAY, objective__archived=False)
        due = [
            {"id": kr.pk, "kind": kr.kind}
            for kr in theirs.order_by("id")
            if not (kr.last_checkin_at and kr.last_checkin_at >= week_began)
            and not is_done(key_result=kr, progress=key_result_progress(key_result=kr))
        ]
        assert person["key_results"] == due != []
        checked_this_week += theirs.filter(last_checkin_at__gte=week_began).count()
    assert checked_this_week  # the rule left some out, it did not just take everything

    for manager in cast["managers"]:
        team = Team.objects.get(slug=manager["team_path"].split("/")[2])
        assert manager["team_path"] == f"/teams/{team.slug}/?subteams=1"
        assert team.children.exists() and not team.is_root
        assert Membership.objects.filter(
            team=team, role="manager", user__username=manager["username"]
        ).exists()
    assert len({m["username"] for m in cast["managers"]}) == 2
    viewers = {v["username"] for v in cast["viewers"]}
    assert len(viewers) == 4 and not viewers & {p["username"] for p in cast["employees"]}

    with pytest.raises(LookupError, match="due this week"):
        monday_cast(today=TODAY, employees=10_000)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the application serves the users from many threads at once: runs on PostgreSQL "
    "(DATABASE_URL, as in CI); the in-memory SQLite test database is shared by one connection",
)
def test_a_short_monday_succeeds_and_every_check_in_lands(live_server, settings, tmp_path):
    # The floor page, as bench/settings.py mounts it.
    settings.ROOT_URLCONF = "bench.urls"
    settings.INSTALLED_APPS = [*settings.INSTALLED_APPS, "bench"]
    _seed()
    before = CheckIn.objects.count()
    cast = monday_cast(today=timezone.localdate(), employees=3, managers=1, viewers=1)
    monday = monday_morning(
        port=int(live_server.url.rsplit(":", 1)[1]),
        password="load1234",
        cast=cast,
        seconds=4,
        floor_seconds=2,
        workdir=tmp_path,
    )
    assert [a.name for a in monday.actions] == sorted(
        ["My week", "Check-in POST", "Team dashboard", "Company dashboard"],
        key=[a.name for a in monday.actions].index,
    )
    assert all(a.samples_ms and not a.failures for a in monday.actions)
    assert monday.floor.name == "Floor" and monday.floor.samples_ms and not monday.floor.failures
    assert monday.posted > 0
    assert monday.found == monday.posted == CheckIn.objects.count() - before
    assert not (tmp_path / "monday_cast.json").exists()  # its session cookies are gone
    document = monday.as_json()
    assert document["check_ins_found"] == monday.posted
    assert document["mix_ratio_to_floor"] > 0
    assert "| **the mix** |" in monday.table()

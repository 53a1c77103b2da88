"""`manage.py seed_demo`: the demo company, its current quarter and weeks of check-in history,
and the quarter before, graded, reflected on and closed (so the cycle report has real numbers).

The content lives in `demo.company`; this module turns it into rows through the same
services the web pages use, so the demo never holds data the application could not have produced.
History is generated relative to today, so the demo looks alive whenever it is installed.
"""

import random
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

import scoring
from checkins.services import BLOCKERS_REQUIRED_AT_OR_BELOW, record_checkin
from demo import company
from initiatives.services import create_initiative
from objectives.cycles.services import create_cycle, run_automatic_transitions, transition_cycle
from objectives.models import Cycle, KeyResult, Membership, Objective, Team, User
from objectives.scoring_inputs import progress_from_checkins
from objectives.services import (
    KeyResultDraft,
    add_objective,
    grade_key_result,
    save_reflection,
)

# How far along the pace line (progress / expected) each script ends up today.
PACE_RATIO = {
    company.Pace.AHEAD: Decimal("1.2"),
    company.Pace.ON_TRACK: Decimal("0.9"),
    company.Pace.AT_RISK: Decimal("0.55"),
    company.Pace.BEHIND: Decimal("0.25"),
}
# The latest confidence each script ends on, unless the key result names its own.
FINAL_CONFIDENCE = {
    company.Pace.AHEAD: 5,
    company.Pace.ON_TRACK: 4,
    company.Pace.AT_RISK: 3,
    company.Pace.BEHIND: 2,
    company.Pace.DONE: 5,
}
# Share of weeks a keep-the-level key result meets its threshold under each script.
THRESHOLD_HIT_RATE = {
    company.Pace.AHEAD: 0.9,
    company.Pace.ON_TRACK: 0.8,
    company.Pace.AT_RISK: 0.6,
    company.Pace.BEHIND: 0.35,
    company.Pace.DONE: 0.9,
}
# A finished key result reached its target when this share of today's expected progress had passed.
DONE_AT = Decimal("0.75")
SKIP_WEEK_CHANCE = 0.08  # nobody checks in every single week
# Some people have not got round to this week's check-in yet ("who has not checked in"), but
# only shortly after their usual day: by the weekend the diligent majority has done it.
SKIP_THIS_WEEK_CHANCE = 0.4
NOT_YET_GRACE = timedelta(days=3)
LATE_WEEKDAY = 4  # Friday
STALE_DAYS = 12  # comfortably past the ten days after which a key result counts as stale
JUST_NOW = timedelta(minutes=20)
# Admins set a quarter up about two weeks before it starts.
SET_UP_AHEAD = timedelta(days=14)
# The closed quarter: its last check-ins a week before its end, grading the morning after it, the
# close within a week; never later than the demo's "now" allows.
LAST_PAST_CHECKIN_BEFORE_END = 6
GRADING_AT = time(9, 0)
CLOSE_AFTER = timedelta(days=6)
ZERO, ONE = Decimal(0), Decimal(1)


def _locked_for_check_ins(objective: Objective) -> QuerySet[KeyResult]:
    """The objective's key results in order, locked with their objective and cycle loaded, as the
    check-in view holds one: each check-in of their history then need not load it again (the
    seed runs in one transaction)."""
    return (
        objective.key_results.select_for_update(of=("self",))
        .select_related("objective__cycle")
        .order_by("order")
    )


@dataclass
class Counts:
    teams: int = 0
    people: int = 0
    cycles: int = 0
    grades: int = 0
    reflections: int = 0
    objectives: int = 0
    key_results: int = 0
    checkins: int = 0
    initiatives: int = 0
    weeks: set[date] = field(default_factory=set)


def quarter_of(day: date) -> tuple[str, date, date]:
    """(name, first day, last day) of the calendar quarter holding `day`."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = date(day.year, first_month, 1)
    after = date(day.year + 1, 1, 1) if first_month == 10 else date(day.year, first_month + 3, 1)
    return f"{day.year} Q{(first_month - 1) // 3 + 1}", start, after - timedelta(days=1)


def demo_is_installed() -> bool:
    return (
        Team.objects.filter(is_root=True).exists()
        or User.objects.filter(username=company.ADMIN).exists()
    )


def logins_line() -> str:
    team = next(t.name for t in company.TEAMS if t.slug == company.MANAGER_TEAM)
    return (
        f"Demo logins (password {company.PASSWORD}): {company.ADMIN} (admin), "
        f"{company.MANAGER} (leads {team}), {company.EMPLOYEE} (member of {team})"
    )


def rounded(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).to_integral_value(rounding=ROUND_HALF_UP) * step


class Command(BaseCommand):
    help = (
        "Create the demo company Northwind Labs: teams, people, the current quarter's OKRs at "
        "company, team and individual level, and weeks of check-in history. Logins admin, "
        f"manager and employee, password {company.PASSWORD}. Does nothing if the demo is there."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing unless the database has no users at all (what `make run` uses).",
        )

    def handle(self, *args: object, if_empty: bool = False, **options: object) -> None:
        started = clock.monotonic()
        # One transaction, the checks included: a failure half-way leaves a database that can be
        # seeded again, never a half-built company that the "already there" check then protects.
        with transaction.atomic():
            if if_empty and User.objects.exists():
                self.stdout.write("The database already has users: no demo data added.")
                self._remind_logins()
                return
            if demo_is_installed():
                self.stdout.write(
                    "The demo data is already there (a company team or the admin user exists): "
                    "nothing added."
                )
                self._remind_logins()
                return
            counts = DemoSeeder(now=timezone.now()).run()
        elapsed = clock.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {company.TEAMS[0].name} in {elapsed:.1f}s: {counts.teams} teams, "
                f"{counts.people} people, {counts.cycles} cycles, {counts.objectives} objectives, "
                f"{counts.key_results} key results, {counts.checkins} check-ins over "
                f"{len(counts.weeks)} weeks, {counts.initiatives} initiatives; "
                f"{counts.grades} grades and {counts.reflections} "
                "reflections in the closed quarter."
            )
        )
        self.stdout.write(logins_line())

    def _remind_logins(self) -> None:
        # `make run` calls this on every start; the logins are what a newcomer needs to see, but
        # only when this database really holds the demo (not a real company's own admin).
        demo_company = Team.objects.filter(slug=company.COMPANY_SLUG, is_root=True).exists()
        logins = User.objects.filter(username__in=company.LOGINS).count()
        if demo_company and logins == len(company.LOGINS):
            self.stdout.write(logins_line())


class DemoSeeder:
    """Builds the demo company as of `now`; call run() inside a transaction."""

    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.today = timezone.localdate(now)
        self.company_tz = timezone.get_default_timezone()
        self.specs = {person.username: person for person in company.PEOPLE}
        self.people: dict[str, User] = {}
        self.teams: dict[str, Team] = {}
        self.objectives: dict[str, Objective] = {}
        self.key_results: dict[str, KeyResult] = {}  # the current quarter's, by title
        self.counts = Counts()

    def run(self) -> Counts:
        self._people()
        self._teams()
        self.previous, self.cycle = self._cycles()
        self._objectives()
        self._initiatives()
        if self.previous is not None:
            self._past_quarter(self.previous)
        return self.counts

    # --- Organisation ---------------------------------------------------------------------------

    def _people(self) -> None:
        # Hashing is slow on purpose; one hash serves every login.
        password = make_password(company.PASSWORD)
        for spec in company.PEOPLE:
            first, _, last = spec.display_name.partition(" ")
            user = User(
                username=spec.username,
                display_name=spec.display_name,
                first_name=first,
                last_name=last,
                email=spec.email,
                time_zone=spec.time_zone,
                language=spec.language,
                is_staff=spec.username == company.ADMIN,
                is_superuser=spec.username == company.ADMIN,
            )
            if spec.username in company.PASSWORD_LOGINS:
                user.password = password
            else:
                user.set_unusable_password()
            user.save()
            self.people[spec.username] = user
        self.counts.people = len(self.people)

    def _teams(self) -> None:
        memberships = []
        for spec in company.TEAMS:
            if spec.parent is None:
                team = Team.objects.create(name=spec.name, slug=spec.slug, is_root=True)
            else:
                team = Team.objects.create(
                    name=spec.name, slug=spec.slug, parent=self.teams[spec.parent]
                )
            self.teams[spec.slug] = team
            memberships.append(
                Membership(user=self.people[spec.manager], team=team, role=Membership.Role.MANAGER)
            )
            memberships += [Membership(user=self.people[u], team=team) for u in spec.members]
        Membership.objects.bulk_create(memberships)
        self.counts.teams = len(self.teams)

    def _cycles(self) -> tuple[Cycle | None, Cycle]:
        """The quarter before (closed later, once its story is told) and the current one. The
        next quarter is left for the admin to create on the Cycles page."""
        name, start, end = quarter_of(self.today)
        previous = self._previous_quarter(quarter_of(start - timedelta(days=1)))
        current = self._current_quarter((name, start, end))
        return previous, current

    def _local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.company_tz)

    def _planned_at(self, cycle: Cycle) -> datetime:
        """When a quarter's key results were written down: with the cycle, before it began (never
        later than now, for an admin's quarter that the demo reuses)."""
        return min(self._local(cycle.start_date, time(10)) - SET_UP_AHEAD, self.now)

    def _previous_quarter(self, quarter: tuple[str, date, date]) -> Cycle | None:
        name, start, end = quarter
        if Cycle.objects.filter(name=name).exists():
            # An admin's own quarter of that name: leave it, and its history, alone.
            return None
        cycle = create_cycle(
            actor=self.people[company.ADMIN],
            name=name,
            start_date=start,
            end_date=end,
            now=self._local(start, time(10)) - SET_UP_AHEAD,
        )
        transition_cycle(
            actor=self.people[company.ADMIN],
            cycle=cycle,
            to_state=Cycle.State.ACTIVE,
            now=self._local(start, time(0)),
        )
        self.counts.cycles += 1
        return cycle

    def _current_quarter(self, quarter: tuple[str, date, date]) -> Cycle:
        name, start, end = quarter
        existing = Cycle.objects.filter(name=name).first()
        if existing is not None:
            # Reuse a quarter an admin already set up rather than adding a twin beside it.
            if existing.state != Cycle.State.ACTIVE:
                raise CommandError(
                    f"The cycle {existing.name} exists but is {existing.state}; "
                    "the demo needs it active."
                )
            return existing
        cycle = create_cycle(
            actor=self.people[company.ADMIN],
            name=name,
            start_date=start,
            end_date=end,
            auto_transition=True,
            now=self._local(start, time(10)) - SET_UP_AHEAD,
        )
        # It moved with its dates: the daily run activated it at the first minute of its quarter.
        run_automatic_transitions(now=self._local(start, time(0)), cycle_ids=[cycle.pk])
        cycle.refresh_from_db()
        self.counts.cycles += 1
        return cycle

    # --- Objectives and key results -------------------------------------------------------------

    def _owner(self, *, owner_team: str | None, owner_user: str | None) -> User:
        """Who writes an objective and reflects on it: its person, or its team's manager."""
        if owner_user:
            return self.people[owner_user]
        manager = next(team.manager for team in company.TEAMS if team.slug == owner_team)
        return self.people[manager]

    def _add_objective(
        self,
        *,
        cycle: Cycle,
        spec: company.ObjectiveSpec | company.PastObjectiveSpec,
        parent: Objective | None,
        description: str = "",
        private: bool = False,
    ) -> Objective:
        """The objective with its key results, written by its owner as on the planning page."""
        objective = add_objective(
            actor=self._owner(owner_team=spec.owner_team, owner_user=spec.owner_user),
            cycle=cycle,
            title=spec.title,
            description=description,
            owner_team=self.teams[spec.owner_team] if spec.owner_team else None,
            owner_user=self.people[spec.owner_user] if spec.owner_user else None,
            parent=parent,
            objective_type=(
                Objective.Type.COMMITTED if spec.committed else Objective.Type.ASPIRATIONAL
            ),
            visibility=Objective.Visibility.PRIVATE if private else Objective.Visibility.PUBLIC,
            key_results=[
                KeyResultDraft(
                    title=kr_spec.title,
                    owner=self.people[kr_spec.owner],
                    kind=kr_spec.kind,
                    unit=kr_spec.unit,
                    start_value=kr_spec.start,
                    target_value=kr_spec.target,
                )
                for kr_spec in spec.key_results
            ],
            # Planned before the quarter began, so a key result nobody checked in on since reads
            # as "no update", as it would in a real quarter.
            now=self._planned_at(cycle),
        )
        self.counts.objectives += 1
        self.counts.key_results += len(spec.key_results)
        return objective

    def _objectives(self) -> None:
        for spec in company.OBJECTIVES:
            objective = self._add_objective(
                cycle=self.cycle,
                spec=spec,
                parent=self.objectives[spec.parent] if spec.parent else None,
                description=spec.description,
                private=spec.private,
            )
            self.objectives[spec.key] = objective
            key_results = _locked_for_check_ins(objective)
            for key_result, kr_spec in zip(key_results, spec.key_results, strict=True):
                self.key_results[kr_spec.title] = key_result
                self._history(key_result=key_result, spec=kr_spec)

    def _initiatives(self) -> None:
        """The work behind some key results: overdue, blocked, under way, done and still ahead,
        each added by its key result's owner as they would on the key result page."""
        for spec in company.INITIATIVES:
            key_result = self.key_results[spec.key_result]
            create_initiative(
                actor=key_result.owner,
                key_result=key_result,
                title=spec.title,
                owner=self.people[spec.owner],
                due_date=self.today + timedelta(days=spec.due_in_days),
                status=spec.status,
                priority=spec.priority,
                link=spec.link,
                now=self.now,
            )
            self.counts.initiatives += 1

    # --- The closed quarter ----------------------------------------------------------------------

    def _past_quarter(self, cycle: Cycle) -> None:
        """Objectives with check-ins, then grading (grades and notes by their owners,
        reflections by the objectives' owners), then the close that freezes the scores."""
        admin = self.people[company.ADMIN]
        objectives: dict[str, Objective] = {}
        key_results: list[tuple[KeyResult, company.PastKeyResultSpec]] = []
        for spec in company.PAST_OBJECTIVES:
            objective = self._add_objective(
                cycle=cycle, spec=spec, parent=objectives[spec.parent] if spec.parent else None
            )
            objectives[spec.key] = objective
            in_order = _locked_for_check_ins(objective)
            for key_result, kr_spec in zip(in_order, spec.key_results, strict=True):
                self._past_history(
                    cycle=cycle, key_result=key_result, spec=kr_spec, order=key_result.order
                )
                key_results.append((key_result, kr_spec))

        grading_at = min(
            self._local(cycle.end_date + timedelta(days=1), GRADING_AT),
            self.now - timedelta(hours=2),
        )
        closed_at = min(
            self._local(cycle.end_date, time(16)) + CLOSE_AFTER, self.now - timedelta(minutes=30)
        )
        transition_cycle(actor=admin, cycle=cycle, to_state=Cycle.State.GRADING, now=grading_at)
        moment = grading_at
        for key_result, kr_spec in key_results:
            if kr_spec.grade is None:
                continue  # left ungraded: its progress becomes its score
            moment += timedelta(seconds=30)
            grade_key_result(
                actor=self.people[kr_spec.owner],
                key_result=key_result,
                grade=kr_spec.grade,
                note=kr_spec.note,
                now=moment,
            )
            self.counts.grades += 1
        for spec in company.PAST_OBJECTIVES:
            moment += timedelta(seconds=30)
            reflection = spec.reflection
            save_reflection(
                actor=self._owner(owner_team=spec.owner_team, owner_user=spec.owner_user),
                objective=objectives[spec.key],
                what_worked=reflection.what_worked,
                what_did_not=reflection.what_did_not,
                root_cause=reflection.root_cause,
                decision=reflection.decision,
                now=moment,
            )
            self.counts.reflections += 1
        transition_cycle(actor=admin, cycle=cycle, to_state=Cycle.State.CLOSED, now=closed_at)

    def _past_history(
        self, *, cycle: Cycle, key_result: KeyResult, spec: company.PastKeyResultSpec, order: int
    ) -> None:
        """The spec's values, checked in at even steps through the quarter on the owner's day."""
        rng = random.Random(f"{company.RANDOM_SEED}:past:{spec.title}")
        person = self.specs[spec.owner]
        tz = ZoneInfo(person.time_zone)
        span = (cycle.end_date - cycle.start_date).days - LAST_PAST_CHECKIN_BEFORE_END
        count = len(spec.values)
        previous: Decimal | None = None
        for index, value in enumerate(spec.values):
            day = cycle.start_date + timedelta(days=round(span * (index + 1) / count))
            at = datetime.combine(day, time(person.checkin_hour, min(59, 3 * order)), tzinfo=tz)
            is_last = index == count - 1
            confidence = self._past_confidence(spec=spec, value=value, is_last=is_last)
            record_checkin(
                actor=self.people[spec.owner],
                key_result=key_result,
                value=value,
                confidence=confidence,
                what_changed=self._past_what_changed(
                    spec=spec, rng=rng, value=value, previous=previous
                ),
                blockers=(
                    (spec.blocker or rng.choice(company.BLOCKERS))
                    if confidence <= BLOCKERS_REQUIRED_AT_OR_BELOW
                    else ""
                ),
                now=at,
                locked=True,
            )
            previous = value
            self.counts.checkins += 1
            self.counts.weeks.add(scoring.week_start(day=timezone.localtime(at).date()))

    @staticmethod
    def _met(spec: company.PastKeyResultSpec, value: Decimal) -> bool:
        """The value alone reaches the target: a metric or milestone done, a level kept."""
        progress = progress_from_checkins(
            kind=spec.kind, start=spec.start, target=spec.target, values=[value]
        )
        return progress == 1

    def _past_confidence(
        self, *, spec: company.PastKeyResultSpec, value: Decimal, is_last: bool
    ) -> int:
        if self._met(spec, value) and spec.kind in (company.METRIC, company.MILESTONE):
            return 5
        if not is_last:
            return 4 if spec.grade is None or spec.grade >= Decimal("0.5") else 3
        grade = spec.grade if spec.grade is not None else Decimal("0.8")
        return 4 if grade >= Decimal("0.7") else 3 if grade >= Decimal("0.4") else 2

    def _past_what_changed(
        self,
        *,
        spec: company.PastKeyResultSpec,
        rng: random.Random,
        value: Decimal,
        previous: Decimal | None,
    ) -> str:
        shown = self._format(value, spec.unit)
        if spec.kind == company.MILESTONE:
            return company.MILESTONE_DONE if value >= 1 else rng.choice(company.MILESTONE_PENDING)
        if previous is None:
            return f"{shown}. {company.FIRST_CHECKIN}"
        if spec.kind in (company.AT_LEAST, company.AT_MOST):
            pool = company.MET if self._met(spec, value) else company.MISSED
            return f"{shown} this week. {rng.choice(pool)}"
        towards = (value - previous) * (1 if spec.target > spec.start else -1)
        pool = company.IMPROVED if towards > 0 else company.SLIPPED if towards < 0 else company.FLAT
        return f"{self._format(previous, spec.unit)} → {shown}. {rng.choice(pool)}"

    # --- Check-in history -----------------------------------------------------------------------

    def _history(self, *, key_result: KeyResult, spec: company.KeyResultSpec) -> None:
        # Each key result draws from its own generator, so editing one leaves the others' stories
        # as they were.
        rng = random.Random(f"{company.RANDOM_SEED}:{spec.title}")
        owner = self.people[spec.owner]
        slots = self._slots(spec=spec, rng=rng, order=key_result.order)
        previous: Decimal | None = None
        for index, at in enumerate(slots):
            is_last = index == len(slots) - 1
            value = self._value(spec=spec, rng=rng, at=at, previous=previous, is_last=is_last)
            confidence = self._confidence(
                spec=spec, rng=rng, index=index, total=len(slots), value=value
            )
            record_checkin(
                actor=owner,
                key_result=key_result,
                value=value,
                confidence=confidence,
                what_changed=self._what_changed(spec=spec, rng=rng, value=value, previous=previous),
                blockers=self._blockers(spec=spec, rng=rng, confidence=confidence),
                now=at,
                locked=True,
            )
            previous = value
            self.counts.checkins += 1
            self.counts.weeks.add(scoring.week_start(day=timezone.localtime(at).date()))

    def _slots(
        self, *, spec: company.KeyResultSpec, rng: random.Random, order: int
    ) -> list[datetime]:
        """When the owner checked in: once a week on their usual day, in their own time zone."""
        if spec.last is company.Last.NEVER:
            return []
        person = self.specs[spec.owner]
        tz = ZoneInfo(person.time_zone)
        local_now = timezone.localtime(self.now, tz)
        this_monday = scoring.week_start(day=local_now.date())
        this_week_from = datetime.combine(this_monday, time(0), tzinfo=tz)
        cycle_from = datetime.combine(self.cycle.start_date, time(0), tzinfo=self.company_tz)
        # The owner's key results go in one sitting, a few minutes apart.
        at_time = time(person.checkin_hour, min(59, 3 * order + rng.randint(0, 2)))
        stale_before = local_now.date() - timedelta(days=STALE_DAYS)

        slots: list[datetime] = []
        first_monday = scoring.week_start(day=self.cycle.start_date)
        for weeks_ago in range((this_monday - first_monday).days // 7, -1, -1):
            week = this_monday - timedelta(weeks=weeks_ago)
            weekday = person.checkin_weekday
            if weeks_ago == 1 and spec.last is company.Last.LAST_WEEK:
                # Late in the week, so it is due again now without having gone stale.
                weekday = max(weekday, LATE_WEEKDAY)
            day = max(week + timedelta(days=weekday), self.cycle.start_date)
            at = datetime.combine(day, at_time, tzinfo=tz)
            if weeks_ago == 0:
                if spec.last in (company.Last.LAST_WEEK, company.Last.STALE):
                    continue
                if spec.last is company.Last.THIS_WEEK and at >= self.now:
                    # Not their usual day yet, but this one was done early.
                    at = self.now - JUST_NOW
                elif (
                    spec.last is company.Last.AUTO
                    and self.now - at < NOT_YET_GRACE
                    and rng.random() < SKIP_THIS_WEEK_CHANCE
                ):
                    continue
                if at < this_week_from:
                    continue
            elif weeks_ago >= 2 and rng.random() < SKIP_WEEK_CHANCE:
                # Only older weeks are skipped: last week's check-in is part of the script.
                continue
            if spec.last is company.Last.STALE and at.date() > stale_before:
                continue
            if cycle_from <= at < self.now:
                slots.append(at)
        return slots

    def _expected(self, at: datetime) -> Decimal:
        return scoring.expected_progress(
            on=timezone.localtime(at, self.company_tz).date(),
            start=self.cycle.start_date,
            end=self.cycle.end_date,
        )

    def _value(
        self,
        *,
        spec: company.KeyResultSpec,
        rng: random.Random,
        at: datetime,
        previous: Decimal | None,
        is_last: bool,
    ) -> Decimal:
        if spec.kind == company.MILESTONE:
            return self._milestone_value(spec=spec, at=at, is_last=is_last)
        if spec.kind in (company.AT_LEAST, company.AT_MOST):
            return self._threshold_value(spec=spec, rng=rng, is_last=is_last)
        return self._metric_value(spec=spec, rng=rng, at=at, previous=previous, is_last=is_last)

    def _milestone_value(
        self, *, spec: company.KeyResultSpec, at: datetime, is_last: bool
    ) -> Decimal:
        if spec.pace is not company.Pace.DONE:
            return spec.start
        finished = is_last or self._expected(at) >= DONE_AT * self._expected(self.now)
        return spec.target if finished else spec.start

    def _threshold_value(
        self, *, spec: company.KeyResultSpec, rng: random.Random, is_last: bool
    ) -> Decimal:
        # The start value is where the level stood before the quarter: a miss by the full gap.
        gap_steps = max(1, int(abs(spec.target - spec.start) / spec.step))
        towards_good = ONE if spec.kind == company.AT_LEAST else -ONE
        if is_last:
            meets = spec.pace is not company.Pace.BEHIND
        else:
            meets = rng.random() < THRESHOLD_HIT_RATE[spec.pace]
        if meets:
            offset = rng.randint(0, max(1, gap_steps // 2))
            return spec.target + towards_good * offset * spec.step
        return spec.target - towards_good * rng.randint(1, gap_steps) * spec.step

    def _metric_value(
        self,
        *,
        spec: company.KeyResultSpec,
        rng: random.Random,
        at: datetime,
        previous: Decimal | None,
        is_last: bool,
    ) -> Decimal:
        expected_now = self._expected(self.now)
        expected = self._expected(at)
        if spec.pace is company.Pace.DONE:
            reached_at = max(DONE_AT * expected_now, Decimal("0.01"))
            progress = min(ONE, expected / reached_at)
        else:
            progress = PACE_RATIO[spec.pace] * expected
            # Weekly numbers wobble; the latest one lands where the script says, so the status
            # the demo shows is the one intended.
            if not is_last:
                progress += Decimal(rng.randint(-3, 3)) / 100
            # Counts cannot go below where they started; done is for the DONE script alone.
            low = ZERO if spec.cumulative else Decimal("-0.1")
            progress = max(low, min(progress, Decimal("0.97")))
        span = spec.target - spec.start
        value = rounded(spec.start + span * progress, spec.step)
        if spec.pace is not company.Pace.DONE and value == spec.target:
            value -= spec.step if span > 0 else -spec.step
        if spec.cumulative and previous is not None:
            # A count of things done only grows.
            value = max(value, previous) if span > 0 else min(value, previous)
        return value

    def _confidence(
        self,
        *,
        spec: company.KeyResultSpec,
        rng: random.Random,
        index: int,
        total: int,
        value: Decimal,
    ) -> int:
        final = spec.confidence or FINAL_CONFIDENCE[spec.pace]
        if spec.pace is company.Pace.DONE and value == spec.target:
            return 5
        if index == total - 1:
            return final
        # Everyone starts the quarter hopeful; confidence drifts towards where it ends up.
        initial = 4
        share = Decimal(index) / Decimal(max(1, total - 1))
        drift = int((initial + (final - initial) * share).to_integral_value(ROUND_HALF_UP))
        if rng.random() < 0.25:
            drift += rng.choice((-1, 1))
        return min(5, max(1, drift))

    def _what_changed(
        self,
        *,
        spec: company.KeyResultSpec,
        rng: random.Random,
        value: Decimal,
        previous: Decimal | None,
    ) -> str:
        shown = self._format(value, spec.unit)
        if spec.kind == company.MILESTONE:
            if value >= spec.target:
                return company.MILESTONE_DONE if previous != value else "Done; nothing further."
            return rng.choice(spec.notes or company.MILESTONE_PENDING)
        if previous is None:
            return f"{shown}. {company.FIRST_CHECKIN}"
        if spec.kind in (company.AT_LEAST, company.AT_MOST):
            met = value >= spec.target if spec.kind == company.AT_LEAST else value <= spec.target
            sentence = rng.choice(company.MET if met else company.MISSED)
        else:
            towards = (value - previous) * (1 if spec.target > spec.start else -1)
            pool = (
                company.IMPROVED
                if towards > 0
                else company.SLIPPED
                if towards < 0
                else company.FLAT
            )
            sentence = rng.choice(pool)
        if spec.notes and rng.random() < 0.4:
            sentence = rng.choice(spec.notes)
        if spec.kind == company.METRIC:
            return f"{self._format(previous, spec.unit)} → {shown}. {sentence}"
        return f"{shown} this week. {sentence}"

    def _blockers(self, *, spec: company.KeyResultSpec, rng: random.Random, confidence: int) -> str:
        if confidence <= BLOCKERS_REQUIRED_AT_OR_BELOW:
            return spec.blocker or rng.choice(company.BLOCKERS)
        if confidence == 3 and rng.random() < 0.4:
            return rng.choice(company.MILD_BLOCKERS)
        return ""

    @staticmethod
    def _format(value: Decimal, unit: str) -> str:
        number = f"{value.normalize():,f}"
        if unit == "$":
            return f"${number}"
        if unit == "%":
            return f"{number}%"
        return f"{number} {unit}".strip()

"""`manage.py seed_load --people N [--seed S]`: a large, deterministic organisation for benchmarks.

For 5,000 people: about 800 teams in a tree four levels deep (company → divisions → departments →
squads), the current quarter with company, team and individual objectives (about 12,000, aligned,
a few private, unaligned or without key results), 40,000+ key results of every kind, twelve weeks
of check-ins (about 500,000), one to three initiatives for most of its key results (about
70,000: some late, some blocked, most of those due already done), and the three quarters before
it closed, graded, reflected on and with their scores frozen. Everything scales with `--people`;
the same seed and day give the same rows, ids included.

Speed over ceremony: the rows are generated in memory and written with COPY on PostgreSQL (a
batched INSERT elsewhere), not through the services, which would take hours at this size. They are
the rows the services would have written: the key result's latest value, confidence and time
match its newest check-in (as `record_checkin` leaves them) and blockers accompany every
confidence of 2 or less. What is kept beside the rows is filled in at the end by the code that
keeps it: the check-in counts by the database's recount, the closed quarters' frozen scores by
`cycle_services.freeze_scores` (tests/demo/test_seed_load.py holds the rows to both).

Every person's password is `load1234`. The command refuses a database that already holds people,
teams, cycles or objectives unless `--wipe` is given, which first deletes everything in it.
"""

import random
import time as clock
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date

import scoring
from checkins.models import CheckIn
from dashboards.db_triggers import recount_checkins
from initiatives.models import Initiative
from objectives import stored_scores
from objectives.cycles.services import freeze_scores
from objectives.models import (
    Cycle,
    CycleTransition,
    KeyResult,
    Membership,
    Objective,
    ObjectiveReflection,
    Team,
    User,
)
from objectives.scoring_inputs import progress_from_checkins


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PASSWORD = "load1234"
ADMIN_USERNAME = "load-admin"
# Team sizes: a squad of about seven, nine squads to a department, ten departments to a division.
PEOPLE_PER_SQUAD = 7
SQUADS_PER_DEPARTMENT = 9
DEPARTMENTS_PER_DIVISION = 10
COMPANY_OBJECTIVES = 5
HISTORY_WEEKS = 12  # full weeks of check-ins before the current one
CURRENT_LENGTH = timedelta(days=97)  # the current quarter: 14 weeks less a day
PAST_QUARTERS = 3
PAST_LENGTH = timedelta(days=91)
PAST_CHECKIN_WEEKS = (3, 7, 11)  # closed quarters keep a monthly history
WEEKLY_CHECKIN_CHANCE = 0.98
THIS_WEEK_CHECKIN_CHANCE = 0.6
SILENT_CHANCE = 0.05  # a key result whose owner stopped checking in three weeks ago
NEVER_CHANCE = 0.015  # ...or never started
PRIVATE_CHANCE = 0.05
UNALIGNED_CHANCE = 0.03
EMPTY_OBJECTIVE_CHANCE = 0.01  # a team objective without key results: scored from its children
ARCHIVED_KR_CHANCE = 0.01
SECOND_SQUAD_CHANCE = 0.02
GRADED_CHANCE = 0.7
REFLECTION_CHANCE = 0.35
COPY_CHUNK = 5000

ZONES = (
    ("UTC", 30),
    ("Europe/London", 15),
    ("America/New_York", 20),
    ("America/Los_Angeles", 10),
    ("Asia/Seoul", 15),
    ("Asia/Kolkata", 5),
    ("Australia/Sydney", 5),
)
FIRST_NAMES = _words(
    "Ava Ben Chloe Dan Eun-ji Farah Gil Hana Ivan Jae Kofi Lena Mateo Nia Omar Priya Quinn Rosa "
    "Sam Tae-yang Uma Victor Wen Ximena Yusuf Zoe Amir Bea Carlos Dara Elif Finn Grace Hugo Ines "
    "Jonas Kira Liam Mina Noah Olga Pavel Rin Sofia Tomas Ugo Vera Will Yara Zain"
)
LAST_NAMES = _words(
    "Kim Park Lee Choi Smith Jones Garcia Müller Rossi Dubois Silva Khan Patel Nguyen Tanaka "
    "Sato Novak Kowalski Haddad Okafor Mensah Larsen Berg Costa Moreau Fischer Weber Ivanova "
    "Cohen Levi Ahmed Ali Chen Wang Li Zhang Singh Das Brown Wilson Taylor Clark Hall Young"
)
DIVISIONS = _words(
    "Engineering Product Sales Marketing Operations Finance People Customer-Success Research "
    "Legal Security Data Design Partnerships Supply Quality"
)
DEPARTMENT_WORDS = _words(
    "Platform Growth Core Mobile Payments Insights Enterprise Field Brand Content Billing "
    "Talent Support Success Infrastructure Reliability Discovery Onboarding Channels Tooling"
)
SQUAD_WORDS = _words(
    "Aurora Birch Comet Delta Ember Fjord Granite Harbor Iris Juniper Kestrel Lumen Meridian "
    "Nimbus Orchid Pioneer Quartz Rowan Summit Tundra Umber Vale Willow Yonder Zephyr"
)
AMBITIONS = (
    "Make {} effortless for every customer",
    "Earn the trust of {} users",
    "Turn {} into a strength of the company",
    "Build the best {} in our market",
    "Delight people with {}",
    "Make {} reliable and calm",
    "Grow {} sustainably",
    "Simplify how we run {}",
)
TOPICS = _words(
    "onboarding payments reporting search support billing hiring pricing security releases "
    "analytics partnerships documentation mobile checkout retention forecasting quality"
)
GROWTH = (
    "Personal growth as a {}",
    "Become the go-to person for {}",
    "Share what I know about {}",
)
SKILLS = _words("mentor speaker reviewer writer planner analyst builder teacher")
METRICS = (
    ("Raise weekly active teams", "", 0, 1),
    ("Grow monthly recurring revenue", "$k", 0, 1),
    ("Lift activation", "%", 0, 1),
    ("Increase NPS", "", 0, 1),
    ("Cut median response time", "ms", 1, 0),
    ("Reduce setup time", "min", 1, 0),
    ("Bring open defects down", "", 1, 0),
    ("Shorten the sales cycle", "days", 1, 0),
)
KEEPS = (
    ("Keep uptime at or above", "%", "at_least", Decimal("99.5"), Decimal("0.4")),
    ("Keep CSAT at or above", "", "at_least", Decimal("90"), Decimal("6")),
    ("Keep monthly churn at or below", "%", "at_most", Decimal("5"), Decimal("1.5")),
    ("Keep p95 latency at or below", "ms", "at_most", Decimal("300"), Decimal("80")),
)
MILESTONES = ("Launch {}", "Ship the new {}", "Roll out {} to every region")
CHANGES = (
    "Shipped the first iteration.",
    "Two customer interviews this week.",
    "Fixed the flaky pipeline.",
    "Moved the launch review forward.",
    "",
    "",
)
BLOCKERS = (
    "Waiting on data from another team.",
    "Two people out sick.",
    "Vendor contract not signed yet.",
    "Scope grew after the review.",
)
# Initiatives (the work behind a key result) in the current quarter: most key results have one
# to three, due across the quarter; those due already are mostly done, some late or blocked.
INITIATIVE_CHANCE = 0.85
INITIATIVE_COUNTS = (1, 1, 2, 2, 3)
INITIATIVE_WORK = (
    "Run an experiment on {}",
    "Interview five customers about {}",
    "Write the {} playbook",
    "Automate the {} report",
    "Fix the top three {} issues",
    "Migrate {} to the new platform",
    "Hire a specialist for {}",
)
# Status by whether the due date has passed: (status, weight).
PAST_DUE_STATUSES = (("done", 80), ("in_progress", 9), ("blocked", 6), ("todo", 5))
FUTURE_STATUSES = (("todo", 40), ("in_progress", 40), ("blocked", 8), ("done", 12))
PRIORITIES = (("high", 25), ("medium", 50), ("low", 25))
LINK_CHANCE = 0.3
NOTES = ("Solid quarter.", "Target was too ambitious.", "Lost two weeks to an incident.", "")
# Pace: how far along the pace line a key result ends up, its usual confidence and how often a
# keep-the-level key result meets its threshold.
PACES = (
    (Decimal("1.15"), 5, 0.9, 15),
    (Decimal("0.9"), 4, 0.8, 45),
    (Decimal("0.55"), 3, 0.6, 25),
    (Decimal("0.25"), 2, 0.35, 15),
)
CENT = Decimal("0.01")


# --- Rows ---------------------------------------------------------------------------------------


class Table:
    """Rows of one model, in the order of `columns`; other fields take their model default."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        self.model = model
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(by_attname)
        if unknown:
            raise CommandError(f"{model.__name__} has no fields {sorted(unknown)}")
        self.fields = [by_attname[name] for name in columns]
        # A field added later with a default needs no change here; one without a default does.
        self.defaults = [f for f in model._meta.concrete_fields if f.attname not in columns]
        for f in self.defaults:
            if not f.has_default() and not f.null:
                raise CommandError(f"seed_load does not fill {model.__name__}.{f.attname}")
        self.rows: list[tuple] = []
        self.next_id = 1

    def add(self, *values: object) -> int:
        """Append a row whose first column is the id, taken from the counter; return the id."""
        pk = self.next_id
        self.next_id += 1
        self.rows.append((pk, *values))
        return pk

    def __len__(self) -> int:
        return len(self.rows)


def write(table: Table) -> None:
    """COPY the rows on PostgreSQL, a batched INSERT elsewhere; then forget them."""
    fields = [*table.fields, *table.defaults]
    extra = tuple(f.get_default() for f in table.defaults)
    q = connection.ops.quote_name
    names = ", ".join(q(f.column) for f in fields)
    db_table = q(table.model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {db_table} ({names}) FROM STDIN") as copy:
                for row in table.rows:
                    copy.write_row(row + extra if extra else row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {db_table} ({names}) VALUES ({marks})"
            for start in range(0, len(table.rows), COPY_CHUNK):
                cursor.executemany(
                    sql,
                    [
                        [
                            f.get_db_prep_save(value, connection)
                            for f, value in zip(fields, row + extra, strict=True)
                        ]
                        for row in table.rows[start : start + COPY_CHUNK]
                    ],
                )
    table.rows = []


# --- The organisation ---------------------------------------------------------------------------


@dataclass
class Person:
    id: int
    zone: ZoneInfo
    checkin_weekday: int  # the day of the week they usually check in on


@dataclass
class Unit:
    """A team and the people in it."""

    id: int
    level: int  # 0 company, 1 division, 2 department, 3 squad
    parent: "Unit | None"
    manager: int
    members: list[int] = field(default_factory=list)  # including the manager
    children: list["Unit"] = field(default_factory=list)


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=dict)

    def add(self, table: Table) -> None:
        name = table.model._meta.verbose_name_plural
        self.rows[str(name)] = self.rows.get(str(name), 0) + len(table)


def _split(rng: random.Random, total: int, parts: int, minimum: int) -> list[int]:
    """`total` split into `parts` uneven shares of at least `minimum` each."""
    minimum = min(minimum, total // parts)
    shares = [minimum] * parts
    weights = [rng.uniform(0.4, 1.6) for _ in range(parts)]
    for index in rng.choices(range(parts), weights=weights, k=total - minimum * parts):
        shares[index] += 1
    return shares


class Generator:
    """Builds every row from one random stream, in a fixed order."""

    def __init__(self, *, people: int, seed: int, today: date, tz: ZoneInfo) -> None:
        self.rng = random.Random(seed)
        self.people_count = people
        self.seed = seed
        self.today = today
        self.tz = tz
        self.counts = Counts()
        self.users = Table(
            User,
            [
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "display_name",
                "time_zone",
                "language",
                "reminders_opt_out",
            ],
        )
        self.teams = Table(Team, ["id", "name", "slug", "parent_id", "is_root"])
        self.memberships = Table(Membership, ["id", "user_id", "team_id", "role"])
        self.cycles = Table(
            Cycle,
            ["id", "name", "start_date", "end_date", "state", "auto_transition", "created_at"]
            + ["created_by_id"],
        )
        self.transitions = Table(
            CycleTransition, ["id", "cycle_id", "from_state", "to_state", "actor_id", "at"]
        )
        self.objectives = Table(
            Objective,
            [
                "id",
                "cycle_id",
                "title",
                "description",
                "owner_team_id",
                "owner_user_id",
                "parent_id",
                "objective_type",
                "visibility",
                "archived",
                "created_at",
                "updated_at",
            ],
        )
        self.key_results = Table(
            KeyResult,
            [
                "id",
                "objective_id",
                "title",
                "owner_id",
                "kind",
                "unit",
                "start_value",
                "target_value",
                "weight",
                "order",
                "archived",
                "current_value",
                "last_confidence",
                "last_checkin_at",
                "final_grade",
                "grade_note",
                "graded_at",
                "graded_by_id",
                "created_at",
                "updated_at",
            ],
        )
        self.checkins = Table(
            CheckIn,
            ["id", "key_result_id", "author_id", "value", "confidence", "what_changed"]
            + ["blockers", "created_at"],
        )
        self.initiatives = Table(
            Initiative,
            ["id", "key_result_id", "title", "owner_id", "due_date", "status", "priority"]
            + ["link", "completed_at", "created_by_id", "created_at", "updated_at"],
        )
        # Initiatives draw from a stream of their own, so adding them left every other row as
        # it was for the same seed.
        self.initiative_rng = random.Random(f"initiatives-{seed}")
        self.reflections = Table(
            ObjectiveReflection,
            ["id", "objective_id", "what_worked", "what_did_not", "root_cause", "decision"]
            + ["author_id", "updated_at"],
        )
        self.persons: dict[int, Person] = {}
        self.units: list[Unit] = []
        self.home: dict[int, Unit] = {}  # person -> the team their individual goals serve
        self.admin_id = 0

    # --- people and teams ---

    def organisation(self) -> None:
        rng = self.rng
        squads = max(2, round(self.people_count / PEOPLE_PER_SQUAD))
        departments = max(1, round(squads / SQUADS_PER_DEPARTMENT))
        divisions = max(1, round(departments / DEPARTMENTS_PER_DIVISION))
        heads = 1 + divisions + departments
        if self.people_count < heads + squads * 2:
            raise CommandError(f"--people must be at least {heads + squads * 2}")
        password = make_password(PASSWORD, salt=f"seedload{self.seed}")
        joined = datetime.combine(self.today - timedelta(days=800), time(9), tzinfo=self.tz)
        zones, zone_weights = zip(*ZONES, strict=True)
        for n in range(1, self.people_count + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            zone = rng.choices(zones, weights=zone_weights)[0]
            admin = n == 1
            pk = self.users.add(
                password,
                admin,
                ADMIN_USERNAME if admin else f"user{n:05d}",
                first,
                last,
                f"user{n:05d}@load.example",
                admin,
                True,
                joined,
                f"{first} {last}",
                zone,
                "",
                rng.random() < 0.02,
            )
            self.persons[pk] = Person(pk, ZoneInfo(zone), rng.choice((0, 0, 0, 1, 1, 2, 3, 4)))
        self.admin_id = 1  # the CEO runs the programme: an admin who also leads the company

        ids = iter(range(1, self.people_count + 1))
        company = self._unit("Loadco", 0, None, next(ids))
        division_units = [
            self._unit(
                DIVISIONS[i % len(DIVISIONS)] + ("" if i < 16 else f" {i // 16 + 1}"),
                1,
                company,
                next(ids),
            )
            for i in range(divisions)
        ]
        per_division = _split(rng, departments, divisions, 1)
        department_units = []
        for division, count in zip(division_units, per_division, strict=True):
            for _ in range(count):
                word = DEPARTMENT_WORDS[len(department_units) % len(DEPARTMENT_WORDS)]
                name = f"{self._name(division)} {word}"
                department_units.append(self._unit(name, 2, division, next(ids)))
        per_department = _split(rng, squads, departments, 1)
        squad_units = []
        for department, count in zip(department_units, per_department, strict=True):
            for _ in range(count):
                word = SQUAD_WORDS[len(squad_units) % len(SQUAD_WORDS)]
                squad_units.append(
                    self._unit(f"{self._name(department)} {word}", 3, department, next(ids))
                )
        rest = list(ids)
        sizes = _split(rng, len(rest) + len(squad_units), len(squad_units), 2)
        cursor = 0
        for squad, size in zip(squad_units, sizes, strict=True):
            # The squad's lead came out of the id stream already; the rest join as members.
            for pk in rest[cursor : cursor + size - 1]:
                squad.members.append(pk)
                self.home[pk] = squad
            cursor += size - 1
        for unit in self.units:
            self.memberships.add(unit.manager, unit.id, Membership.Role.MANAGER)
            for pk in unit.members[1:]:
                self.memberships.add(pk, unit.id, Membership.Role.MEMBER)
        # A few people also belong to a second squad of their department (matrix work).
        for squad in squad_units:
            siblings = [s for s in squad.parent.children if s is not squad]
            for pk in squad.members[1:]:
                if siblings and rng.random() < SECOND_SQUAD_CHANCE:
                    other = rng.choice(siblings)
                    self.memberships.add(pk, other.id, Membership.Role.MEMBER)

    def _unit(self, name: str, level: int, parent: Unit | None, manager: int) -> Unit:
        slug = f"{name.lower().replace(' ', '-')}-{self.teams.next_id}"
        pk = self.teams.add(name, slug, parent.id if parent else None, parent is None)
        unit = Unit(pk, level, parent, manager, [manager])
        if parent:
            parent.children.append(unit)
        self.units.append(unit)
        self.home[manager] = unit
        return unit

    def _name(self, unit: Unit) -> str:
        return self.teams.rows[unit.id - 1][1]

    # --- cycles ---

    def cycles_and_goals(self) -> None:
        monday = scoring.week_start(day=self.today)
        start = monday - timedelta(weeks=HISTORY_WEEKS)
        quarters = [(start, start + CURRENT_LENGTH, Cycle.State.ACTIVE)]
        for _ in range(PAST_QUARTERS):
            end = quarters[-1][0] - timedelta(days=1)
            quarters.append((end - PAST_LENGTH + timedelta(days=1), end, Cycle.State.CLOSED))
        for begin, end, state in reversed(quarters):
            self._cycle(begin, end, state)

    def _moment(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    def _cycle(self, start: date, end: date, state: str) -> None:
        name = f"Quarter {start:%d %b %Y} – {end:%d %b %Y}"
        created = self._moment(start - timedelta(days=14), 9)
        cycle_id = self.cycles.add(name, start, end, state, False, created, self.admin_id)
        moves = [(Cycle.State.PLANNING, Cycle.State.ACTIVE, self._moment(start, 8))]
        if state == Cycle.State.CLOSED:
            moves += [
                (Cycle.State.ACTIVE, Cycle.State.GRADING, self._moment(end + timedelta(1), 9)),
                (Cycle.State.GRADING, Cycle.State.CLOSED, self._moment(end + timedelta(8), 9)),
            ]
        for from_state, to_state, at in moves:
            self.transitions.add(cycle_id, from_state, to_state, self.admin_id, at)
        Quarter(self, cycle_id, start, end, closed=state == Cycle.State.CLOSED).build()


class Quarter:
    """One cycle's objectives, key results, check-ins and (when closed) grades and reflections."""

    def __init__(
        self, g: Generator, cycle_id: int, start: date, end: date, *, closed: bool
    ) -> None:
        self.g = g
        self.rng = g.rng
        self.cycle_id = cycle_id
        self.start = start
        self.end = end
        self.closed = closed
        self.created = g._moment(start - timedelta(days=10), 10)
        # The last moment a check-in may carry: the day before `today` for the current quarter,
        # so the data never lies in the future whenever in the day the command runs.
        self.until = (
            g._moment(end - timedelta(days=6), 18)
            if closed
            else g._moment(g.today - timedelta(days=1), 23, 59)
        )
        self.team_goals: dict[int, list[int]] = {}
        self.objective_rows: dict[int, int] = {}  # objective id -> its index in the table

    def build(self) -> None:
        g = self.g
        for unit in g.units:
            count = (
                COMPANY_OBJECTIVES
                if unit.level == 0
                else (3 if unit.level < 3 else self.rng.choice((2, 2, 3)))
            )
            parents = self.team_goals.get(unit.parent.id, []) if unit.parent else []
            for _ in range(count):
                self._team_objective(unit, parents)
        for pk in sorted(g.persons):
            if pk == g.admin_id:
                continue
            unit = g.home[pk]
            # A lead's own goals serve their team's; a member's, their squad's.
            parents = self.team_goals.get(unit.id, [])
            for _ in range(self.rng.choices((1, 2, 3), weights=(15, 65, 20))[0]):
                self._individual_objective(pk, parents)
        if self.closed:
            self._reflections()

    def _objective(
        self, *, title: str, team: int | None, person: int | None, parents: list[int]
    ) -> int:
        rng = self.rng
        parent = None
        if parents and rng.random() >= UNALIGNED_CHANCE:
            parent = rng.choice(parents)
        private = person is not None and rng.random() < PRIVATE_CHANCE
        kind = Objective.Type.COMMITTED if rng.random() < 0.35 else Objective.Type.ASPIRATIONAL
        pk = self.g.objectives.add(
            self.cycle_id,
            title,
            "",
            team,
            person,
            parent,
            kind,
            Objective.Visibility.PRIVATE if private else Objective.Visibility.PUBLIC,
            rng.random() < 0.005,
            self.created,
            self.created,
        )
        self.objective_rows[pk] = len(self.g.objectives) - 1
        return pk

    def _team_objective(self, unit: Unit, parents: list[int]) -> None:
        rng = self.rng
        title = rng.choice(AMBITIONS).format(rng.choice(TOPICS))
        pk = self._objective(title=title, team=unit.id, person=None, parents=parents)
        self.team_goals.setdefault(unit.id, []).append(pk)
        if unit.level > 0 and rng.random() < EMPTY_OBJECTIVE_CHANCE:
            return
        # Key results of a team's goal belong to its lead or to the leads of the teams below it
        # (a squad's, to its members).
        owners = (
            unit.members if unit.level == 3 else [unit.manager, *(c.manager for c in unit.children)]
        )
        for order in range(rng.choice((3, 4))):
            self._key_result(pk, rng.choice(owners), order)

    def _individual_objective(self, person: int, parents: list[int]) -> None:
        rng = self.rng
        title = rng.choice(GROWTH).format(rng.choice(SKILLS))
        pk = self._objective(title=title, team=None, person=person, parents=parents)
        for order in range(rng.choice((3, 3, 3, 4, 4))):
            self._key_result(pk, person, order)

    # --- key results and their history ---

    def _key_result(self, objective_id: int, owner: int, order: int) -> None:
        rng = self.rng
        roll = rng.random()
        pace, confidence, hit_rate, _share = rng.choices(PACES, weights=[p[3] for p in PACES])[0]
        if roll < 0.7:
            label, unit, reduce, _ = rng.choice(METRICS)
            base = Decimal(rng.randrange(10, 1000))
            factor = Decimal(rng.randrange(120, 300)) / 100
            start, target = (base * factor, base) if reduce else (base, base * factor)
            start, target = start.quantize(CENT), target.quantize(CENT)
            kind = KeyResult.Kind.METRIC
            title = f"{label} from {start.normalize():f}{unit} to {target.normalize():f}{unit}"
        elif roll < 0.88:
            label, unit, kind, target, spread = rng.choice(KEEPS)
            start = target - spread if kind == KeyResult.Kind.AT_LEAST else target + spread
            title = f"{label} {target.normalize():f}{unit}"
        else:
            unit, kind = "", KeyResult.Kind.MILESTONE
            start, target = Decimal(0), Decimal(1)
            title = rng.choice(MILESTONES).format(rng.choice(TOPICS))
        archived = rng.random() < ARCHIVED_KR_CHANCE
        weight = Decimal(2) if rng.random() < 0.1 else Decimal(1)
        history = self._history(kind, start, target, pace, confidence, hit_rate)
        kr_id = self.g.key_results.next_id
        for created_at, value, conf, blockers, changed in history:
            self.g.checkins.add(kr_id, owner, value, conf, changed, blockers, created_at)
        latest = history[-1] if history else None
        final_grade = grade_note = graded_at = graded_by = None
        if self.closed and rng.random() < GRADED_CHANCE:
            progress = self._progress(kind, start, target, history)
            nudge = Decimal(rng.randrange(-15, 16)) / 100
            final_grade = min(Decimal(1), max(Decimal(0), progress + nudge)).quantize(
                Decimal("0.1")
            )
            grade_note = rng.choice(NOTES)
            graded_at = self.g._moment(self.end + timedelta(days=3), 15)
            graded_by = owner
        if not self.closed and not archived:
            self._initiatives(kr_id, owner)
        self.g.key_results.add(
            objective_id,
            title,
            owner,
            kind,
            unit,
            start,
            target,
            weight,
            order,
            archived,
            latest[1] if latest else None,
            latest[2] if latest else None,
            latest[0] if latest else None,
            final_grade,
            grade_note or "",
            graded_at,
            graded_by,
            self.created,
            self.created,
        )

    def _initiatives(self, kr_id: int, owner: int) -> None:
        """The key result's initiatives: owned by its owner or a teammate, due within the
        quarter, `completed_at` set exactly when done (before both its due date and today)."""
        g, rng = self.g, self.g.initiative_rng
        if rng.random() >= INITIATIVE_CHANCE:
            return
        teammates = g.home[owner].members if owner in g.home else [owner]
        span = (self.end - self.start).days
        for _ in range(rng.choice(INITIATIVE_COUNTS)):
            due = self.start + timedelta(days=rng.randrange(14, span + 1))
            choices = PAST_DUE_STATUSES if due < g.today else FUTURE_STATUSES
            status = rng.choices([c[0] for c in choices], weights=[c[1] for c in choices])[0]
            priority = rng.choices([p[0] for p in PRIORITIES], weights=[p[1] for p in PRIORITIES])[
                0
            ]
            who = owner if rng.random() < 0.7 else rng.choice(teammates)
            completed = None
            if status == Initiative.Status.DONE:
                last = min(due, g.today - timedelta(days=1))
                day = self.start + timedelta(
                    days=rng.randrange(0, max(1, (last - self.start).days))
                )
                completed = g._moment(day, rng.randrange(9, 18), rng.randrange(60))
            pk = g.initiatives.next_id
            g.initiatives.add(
                kr_id,
                rng.choice(INITIATIVE_WORK).format(rng.choice(TOPICS)),
                who,
                due,
                status,
                priority,
                f"https://tracker.load.example/OKR-{pk}" if rng.random() < LINK_CHANCE else "",
                completed,
                owner,
                self.created,
                completed or self.created,
            )

    def _history(
        self,
        kind: str,
        start: Decimal,
        target: Decimal,
        pace: Decimal,
        confidence: int,
        hit_rate: float,
    ) -> list[tuple[datetime, Decimal, int, str, str]]:
        """(created_at, value, confidence, blockers, what changed) of each check-in, oldest
        first."""
        rng = self.rng
        if self.closed:
            weeks = list(PAST_CHECKIN_WEEKS)
        else:
            roll = rng.random()
            if roll < NEVER_CHANCE:
                return []
            last = HISTORY_WEEKS - 3 if roll < NEVER_CHANCE + SILENT_CHANCE else HISTORY_WEEKS
            weeks = [w for w in range(last) if rng.random() < WEEKLY_CHECKIN_CHANCE]
            if last == HISTORY_WEEKS and rng.random() < THIS_WEEK_CHECKIN_CHANCE:
                weeks.append(HISTORY_WEEKS)
        span = Decimal((self.end - self.start).days)
        done_week = rng.randrange(4, 13) if pace > 1 else None
        rows = []
        for week in weeks:
            day = self.start + timedelta(weeks=week, days=rng.choice((0, 0, 1, 1, 2, 3, 4)))
            at = self.g._moment(day, rng.randrange(8, 18), rng.randrange(60))
            if at > self.until:
                continue
            elapsed = Decimal((day - self.start).days) / span
            noise = Decimal(rng.randrange(-6, 7)) / 100
            progress = min(Decimal(1), max(Decimal(0), pace * elapsed + noise))
            if kind == KeyResult.Kind.METRIC:
                value = (start + (target - start) * progress).quantize(CENT)
            elif kind == KeyResult.Kind.MILESTONE:
                value = Decimal(1) if done_week is not None and week >= done_week else Decimal(0)
            else:
                met = rng.random() < hit_rate
                gap = abs(target - start) * Decimal(rng.randrange(0, 100)) / 100
                below = (kind == KeyResult.Kind.AT_LEAST) != met
                value = (target - gap if below else target + gap).quantize(CENT)
                if not met and value == target:
                    value = value - CENT if kind == KeyResult.Kind.AT_LEAST else value + CENT
            conf = min(5, max(1, confidence + rng.choice((-1, 0, 0, 0, 1))))
            blockers = rng.choice(BLOCKERS) if conf <= 2 else ""
            rows.append((at, value, conf, blockers, rng.choice(CHANGES)))
        rows.sort(key=lambda row: row[0])
        return rows

    @staticmethod
    def _progress(kind: str, start: Decimal, target: Decimal, history: list[tuple]) -> Decimal:
        """Progress as the pages compute it from the stored rows."""
        return progress_from_checkins(
            kind=kind, start=start, target=target, values=[row[1] for row in history]
        )

    def _reflections(self) -> None:
        """Reflections on some of a closed quarter's objectives, by their owners."""
        g, rng = self.g, self.rng
        rows = g.objectives.rows
        managers = {unit.id: unit.manager for unit in g.units}
        for pk, index in self.objective_rows.items():
            row = rows[index]
            if rng.random() < REFLECTION_CHANCE:
                author = row[5] or managers[row[4]]
                g.reflections.add(
                    pk,
                    "Weekly check-ins kept us honest.",
                    rng.choice(("Too many goals at once.", "Started late.", "")) or "Little.",
                    rng.choice(("", "Unclear ownership.")),
                    rng.choice(ObjectiveReflection.Decision.values),
                    author,
                    g._moment(self.end + timedelta(days=4), 11),
                )


# --- The command --------------------------------------------------------------------------------


def existing_data() -> dict[str, int]:
    """What the database already holds that seed_load would collide with."""
    found = {
        "people": User.objects.count(),
        "teams": Team.objects.count(),
        "cycles": Cycle.objects.count(),
        "objectives": Objective.objects.count(),
    }
    return {name: n for name, n in found.items() if n}


@contextmanager
def counting_suspended() -> Iterator[None]:
    """On PostgreSQL, COPY the check-ins without their row triggers (dashboards/db_triggers.py):
    the one that recounts their key result after every row (`derive_kept_values` recounts each
    key result once instead) and the data generation's (the other tables written in the same
    transaction raise it). Inside the transaction, so a failure leaves them as they were."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE checkins_checkin DISABLE TRIGGER USER")
        yield
        # The rows' deferred foreign key checks run now: a table with checks pending cannot be
        # altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE checkins_checkin ENABLE TRIGGER USER")


def derive_kept_values() -> None:
    """What the database and the services keep beside the rows, filled in as they keep it: every
    key result's check-in counts (the database's own recount) and the closed quarters' frozen
    scores (`freeze_scores`, as closing a cycle stores them), and then every stored progress,
    score and status (objectives/stored_scores.py)."""
    recount_checkins(connection)
    for cycle in Cycle.objects.filter(state=Cycle.State.CLOSED).order_by("pk"):
        freeze_scores(cycle=cycle)
    stored_scores.recompute(repair=True)


def _reset_sequences(tables: Iterable[Table]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), [t.model for t in tables])
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


class Command(BaseCommand):
    help = (
        "Fill an empty database with a large, deterministic organisation for benchmarks "
        f"(password {PASSWORD} for everyone)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=5000, help="how many people (5000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
        parser.add_argument(
            "--today",
            type=parse_date,
            default=None,
            help="the day the data is built around, YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--wipe",
            action="store_true",
            help="delete EVERYTHING already in the database first (otherwise it must be empty)",
        )

    def handle(
        self,
        *args: object,
        people: int,
        seed: int,
        today: date | None,
        wipe: bool,
        **options: object,
    ) -> None:
        started = clock.perf_counter()
        found = existing_data()
        if found and not wipe:
            held = ", ".join(f"{n} {name}" for name, n in found.items())
            raise CommandError(
                f"The database already holds data ({held}). seed_load fills an empty database; "
                "pass --wipe to delete everything in it first."
            )
        if wipe and found:
            call_command("flush", interactive=False, verbosity=0)
        tz = timezone.get_default_timezone()
        generator = Generator(
            people=people, seed=seed, today=today or timezone.localdate(timezone=tz), tz=tz
        )
        with transaction.atomic():
            generator.organisation()
            generator.cycles_and_goals()
            tables = [
                generator.users,
                generator.teams,
                generator.memberships,
                generator.cycles,
                generator.transitions,
                generator.objectives,
                generator.key_results,
                generator.checkins,
                generator.initiatives,
                generator.reflections,
            ]
            built = clock.perf_counter()
            with counting_suspended():
                for table in tables:
                    generator.counts.add(table)
                    write(table)
            _reset_sequences(tables)
            derive_kept_values()
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        elapsed = clock.perf_counter() - started
        for name, n in generator.counts.rows.items():
            self.stdout.write(f"{n:>9,} {name}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {people:,} people (seed {seed}, around {generator.today}) in "
                f"{elapsed:.1f} s ({built - started:.1f} s generating). "
                f"Password for everyone: {PASSWORD}; admin: {ADMIN_USERNAME}."
            )
        )

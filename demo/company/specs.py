"""The words the demo company is written in: its logins and constants, and the shape of each
thing it holds (a person, a team, an objective and its key results with the script their check-in
history follows, the closed quarter's grades and reflections, an initiative)."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from objectives.models import KeyResultKind

D = Decimal
METRIC = KeyResultKind.METRIC
AT_LEAST = KeyResultKind.AT_LEAST
AT_MOST = KeyResultKind.AT_MOST
MILESTONE = KeyResultKind.MILESTONE

PASSWORD = "demo1234"
# The three ready logins: the design promises these names to everyone who runs the demo.
ADMIN, MANAGER, EMPLOYEE = "admin", "manager", "employee"
LOGINS = (ADMIN, MANAGER, EMPLOYEE)
# The README also offers a Korean-speaking member to try the Korean interface with. Whoever the
# README names signs in with PASSWORD; everyone else has no usable password.
KOREAN_LOGIN = "jiwoo"
PASSWORD_LOGINS = (*LOGINS, KOREAN_LOGIN)
MANAGER_TEAM = "product"
COMPANY_SLUG = "northwind-labs"
EMAIL_DOMAIN = "northwind-labs.example"
HOME_TZ = "Europe/London"
# Fixed so every run on the same day tells the same story.
RANDOM_SEED = "northwind-labs-demo"


class Pace(StrEnum):
    """Where a key result stands by today, measured against the cycle's pace line."""

    AHEAD = "ahead"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    DONE = "done"


class Last(StrEnum):
    """When the owner last checked in, relative to the current week."""

    AUTO = "auto"  # on their usual day, if it has passed (and most weeks they do)
    THIS_WEEK = "this_week"
    LAST_WEEK = "last_week"  # so it shows "due this week"
    STALE = "stale"  # quiet for more than ten days: "no update"
    NEVER = "never"


@dataclass(frozen=True)
class PersonSpec:
    username: str
    display_name: str
    time_zone: str = HOME_TZ
    language: str = ""
    # The weekday (0 = Monday) and local hour this person usually checks in.
    checkin_weekday: int = 0
    checkin_hour: int = 10

    @property
    def email(self) -> str:
        first, _, last = self.display_name.partition(" ")
        return f"{first}.{last}".lower().replace("'", "").replace(" ", "") + f"@{EMAIL_DOMAIN}"


@dataclass(frozen=True)
class TeamSpec:
    slug: str
    name: str
    parent: str | None  # slug of the parent team; None only for the company itself
    manager: str
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class KeyResultSpec:
    title: str
    owner: str
    kind: KeyResultKind
    start: Decimal
    target: Decimal
    unit: str = ""
    # Values are rounded to a multiple of this, so MRR moves in thousands and uptime in 0.01.
    step: Decimal = D(1)
    pace: Pace = Pace.ON_TRACK
    last: Last = Last.AUTO
    # Counts of things done never go down; rates and money can.
    cumulative: bool = False
    confidence: int | None = None  # the latest confidence; by default follows from the pace
    blocker: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectiveSpec:
    key: str
    title: str
    key_results: tuple[KeyResultSpec, ...]
    owner_team: str | None = None
    owner_user: str | None = None
    parent: str | None = None  # key of an objective listed earlier
    description: str = ""
    committed: bool = False
    private: bool = False


# --- The quarter before: graded, reflected on and closed -------------------------------------


@dataclass(frozen=True)
class PastKeyResultSpec:
    """A key result of the closed quarter: its check-in values in order (the last one is where it
    ended), the final grade its owner set (None: left ungraded, so progress became the score)."""

    title: str
    owner: str
    kind: KeyResultKind
    start: Decimal
    target: Decimal
    values: tuple[Decimal, ...]
    unit: str = ""
    grade: Decimal | None = None
    note: str = ""
    blocker: str = ""


@dataclass(frozen=True)
class ReflectionSpec:
    what_worked: str
    what_did_not: str
    decision: str  # keep, change or drop
    root_cause: str = ""


@dataclass(frozen=True)
class PastObjectiveSpec:
    key: str
    title: str
    key_results: tuple[PastKeyResultSpec, ...]
    reflection: ReflectionSpec
    owner_team: str | None = None
    owner_user: str | None = None
    parent: str | None = None
    committed: bool = False


# --- Initiatives ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class InitiativeSpec:
    """The work behind a current-quarter key result (named by its title). Dates are days from
    the day the demo is installed, so some are always overdue and some still ahead."""

    key_result: str
    title: str
    owner: str
    due_in_days: int
    status: str = "todo"  # todo | in_progress | blocked | done
    priority: str = "medium"  # high | medium | low
    link: str = ""

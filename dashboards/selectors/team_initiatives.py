"""The team dashboard's initiatives: counts by status and overdue, and the open ones, overdue first.

The initiatives are those on the key results the team page already shows (its scored rows), so
the page's scope (sub-teams rolled up or not) and privacy (a private objective's key results are
never among the rows of someone who may not see it) apply to them as they are: one query.

"Overdue" is initiatives/overdue.py's rule, judged on each owner's own calendar. Because that
calendar turns over at every owner's midnight, not the company's, cached pieces that show it are
kept per quarter of an hour (`overdue_clock`): every time zone's midnight falls on one.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.utils import timezone

from initiatives.models import Initiative
from initiatives.overdue import is_overdue
from objectives.models import KeyResult, User

PRIORITY_RANK = {
    Initiative.Priority.HIGH: 0,
    Initiative.Priority.MEDIUM: 1,
    Initiative.Priority.LOW: 2,
}
# What the lines show of an initiative and its owner: pages cached with them stay small.
_FIELDS = (
    "key_result_id",
    "title",
    "owner",
    "due_date",
    "status",
    "priority",
    "link",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
    "owner__display_name",
    "owner__time_zone",
)


def overdue_clock(now: datetime | None = None) -> str:
    """The current UTC quarter-hour: a local date anywhere on Earth changes only on one."""
    moment = (now or timezone.now()).astimezone(UTC)
    quarter = moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    return quarter.isoformat()


@dataclass(frozen=True)
class InitiativeLine:
    initiative: Initiative  # its `key_result` is the team row's (with its objective)
    overdue: bool

    @property
    def pk(self) -> int:
        return self.initiative.pk

    @property
    def key_result(self) -> KeyResult:
        return self.initiative.key_result

    @property
    def owner_id(self) -> int:
        return self.initiative.owner_id

    @property
    def owner_name(self) -> str:
        return self.initiative.owner.name

    @property
    def status(self) -> str:
        return self.initiative.status

    @property
    def priority(self) -> str:
        return self.initiative.priority

    @property
    def safe_link(self) -> str:
        """The link, when it is one a browser opens as a page (never `javascript:` and the
        like, whatever wrote the row)."""
        link = self.initiative.link
        return link if link.lower().startswith(("https://", "http://")) else ""

    @property
    def sort_key(self) -> tuple:
        i = self.initiative
        return (not self.overdue, i.due_date, PRIORITY_RANK[i.priority], i.title.casefold(), i.pk)


@dataclass(frozen=True)
class InitiativeCounts:
    overdue: int = 0
    blocked: int = 0
    in_progress: int = 0
    todo: int = 0
    done: int = 0

    @property
    def total(self) -> int:
        # Overdue ones are also counted by their status.
        return self.blocked + self.in_progress + self.todo + self.done


@dataclass(frozen=True)
class OverdueOnKeyResult:
    key_result: KeyResult
    count: int


@dataclass(frozen=True)
class TeamInitiatives:
    counts: InitiativeCounts = field(default_factory=InitiativeCounts)
    open: list[InitiativeLine] = field(default_factory=list)  # not done, overdue first

    @property
    def overdue(self) -> list[InitiativeLine]:
        return [line for line in self.open if line.overdue]

    def overdue_by_key_result(self) -> list[OverdueOnKeyResult]:
        """Key results with overdue initiatives, most first (then by title)."""
        found: dict[int, OverdueOnKeyResult] = {}
        for line in self.overdue:
            kr = line.key_result
            before = found.get(kr.pk)
            found[kr.pk] = OverdueOnKeyResult(kr, before.count + 1 if before else 1)
        return sorted(
            found.values(), key=lambda o: (-o.count, o.key_result.title.casefold(), o.key_result.pk)
        )


def team_initiatives(
    *, key_results: Iterable[KeyResult], now: datetime | None = None
) -> TeamInitiatives:
    """The initiatives on `key_results` (the team rows' key results, already visible to the
    viewer), counted and listed; one query, none without key results."""
    by_id = {kr.pk: kr for kr in key_results}
    if not by_id:
        return TeamInitiatives()
    now = now or timezone.now()
    initiatives = (
        Initiative.objects.filter(key_result_id__in=sorted(by_id))
        .select_related("owner")
        .only(*_FIELDS)
        .order_by("due_date", "pk")
    )
    owners: dict[int, User] = {}
    lines: list[InitiativeLine] = []
    tally = {status: 0 for status in Initiative.Status.values}
    overdue_count = 0
    for initiative in initiatives:
        initiative.key_result = by_id[initiative.key_result_id]
        # One instance per person, however many initiatives they own (cached pages stay small).
        initiative.owner = owners.setdefault(initiative.owner_id, initiative.owner)
        tally[initiative.status] += 1
        if initiative.status == Initiative.Status.DONE:
            continue
        overdue = is_overdue(
            due_date=initiative.due_date,
            status=initiative.status,
            owner_tz=initiative.owner.time_zone,
            now=now,
        )
        overdue_count += overdue
        lines.append(InitiativeLine(initiative, overdue))
    lines.sort(key=lambda line: line.sort_key)
    return TeamInitiatives(
        counts=InitiativeCounts(
            overdue=overdue_count,
            blocked=tally[Initiative.Status.BLOCKED],
            in_progress=tally[Initiative.Status.IN_PROGRESS],
            todo=tally[Initiative.Status.TODO],
            done=tally[Initiative.Status.DONE],
        ),
        open=lines,
    )


def owner_choices(lines: Sequence[InitiativeLine]) -> list[tuple[str, str]]:
    owners = {line.owner_id: line.owner_name for line in lines}
    return sorted(((str(pk), name) for pk, name in owners.items()), key=lambda c: c[1].casefold())

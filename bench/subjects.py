"""Who and what the benchmark measures, chosen from the seeded data by fixed rules.

- a person who leads no team and owns exactly `key_results` key results in the current cycle (or
  the nearest count above), the first by id: their My week, the page of one of their key
  results, check-ins on another;
- the team with sub-teams whose people, sub-teams included, number closest to `team_size`, and
  a manager of it: its dashboard, with sub-teams rolled up, and one of the team's own key
  results, which the manager checks in on to measure the dashboard computed afresh.

And the cast of Monday morning (bench/monday.py), by the same kind of rules: the first people by
id who lead no team and have key results due this week, the managers of the first teams with
sub-teams, and the next people for the company dashboard.
"""

from dataclasses import asdict, dataclass
from datetime import date, datetime, time

from django.db.models import Count, Exists, OuterRef, Q

import scoring
from dashboards.selectors.scope import TeamTree, members_by_team
from objectives.cycles.clock import company_tz
from objectives.cycles.selectors import current_cycle
from objectives.models import KeyResult, Membership, Team, User
from objectives.scoring_inputs import KeyResultRow, is_done, key_result_progress


@dataclass(frozen=True)
class Subjects:
    person: str  # username
    person_key_results: int
    key_result: int  # its page is measured
    checkin_key_result: int  # the check-in POST goes here
    manager: str
    team_slug: str
    team_people: int
    team_sub_teams: int
    team_key_result: int  # on an objective the team owns: a check-in there redraws its page
    cycle: int

    def as_dict(self) -> dict:
        return asdict(self)


def choose(*, today: date, key_results: int = 6, team_size: int = 40) -> Subjects:
    cycle = current_cycle(on=today)
    if cycle is None:
        raise LookupError("no active cycle contains today: run seed_load first")
    owned = Q(
        key_results__objective__cycle=cycle,
        key_results__archived=False,
        key_results__objective__archived=False,
    )
    leads = Membership.objects.filter(user=OuterRef("pk"), role=Membership.Role.MANAGER)
    people = (
        User.objects.filter(is_active=True, is_superuser=False)
        .annotate(owned=Count("key_results", filter=owned), leads=Exists(leads))
        .filter(owned__gte=key_results)
        .order_by("leads", "owned", "id")
    )
    person = people.first()
    if person is None:
        raise LookupError(f"nobody owns {key_results} key results in {cycle}")
    theirs = list(
        KeyResult.objects.filter(
            owner=person, archived=False, objective__cycle=cycle, objective__archived=False
        ).order_by("kind", "id")
    )
    metrics = [kr for kr in theirs if kr.kind == KeyResult.Kind.METRIC] or theirs
    shown = metrics[0]
    checked = metrics[1] if len(metrics) > 1 else theirs[-1]

    tree = TeamTree.load()
    members = members_by_team(tree.teams)
    best = None
    for team in tree.teams.values():
        if team.is_root or not tree.children.get(team.pk):
            continue
        subtree = tree.subtree(team.pk)
        headcount = len(set().union(*(members.get(pk, set()) for pk in subtree)))
        candidate = (abs(headcount - team_size), team.pk, team, headcount, len(subtree) - 1)
        if best is None or candidate[:2] < best[:2]:
            best = candidate
    if best is None:
        raise LookupError("no team with sub-teams")
    _, _, team, headcount, sub_teams = best
    manager = (
        Membership.objects.filter(team=team, role=Membership.Role.MANAGER, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
        .first()
    )
    if manager is None:
        raise LookupError(f"{team} has no manager")
    team_key_result = (
        KeyResult.objects.filter(
            objective__owner_team=team,
            objective__cycle=cycle,
            objective__archived=False,
            archived=False,
        )
        .order_by("id")
        .first()
    )
    if team_key_result is None:
        raise LookupError(f"{team} owns no key result in {cycle}")
    return Subjects(
        person=person.username,
        person_key_results=len(theirs),
        key_result=shown.pk,
        checkin_key_result=checked.pk,
        manager=manager.user.username,
        team_slug=team.slug,
        team_people=headcount,
        team_sub_teams=sub_teams,
        team_key_result=team_key_result.pk,
        cycle=cycle.pk,
    )


def monday_cast(*, today: date, employees: int = 50, managers: int = 5, viewers: int = 5) -> dict:
    """Who does what on Monday morning: {"employees": [{"username", "key_results": [{"id",
    "kind"}]}], "managers": [{"username", "team_path"}], "viewers": [{"username"}]}.

    An employee leads no team and has at least one key result due: in the current cycle, neither
    it nor its objective archived, not done, and no check-in yet this week. The week is the
    company's (Monday to Sunday in its time zone) where My week takes each person's own: near
    midnight on a Sunday the two may disagree for people far from the company, which a load run
    can bear (a check-in on a key result already checked in is still a check-in)."""
    cycle = current_cycle(on=today)
    if cycle is None:
        raise LookupError("no active cycle contains today: run seed_load first")
    tz = company_tz()
    week_began = datetime.combine(scoring.week_start(day=today), time(0), tzinfo=tz)
    leaders = set(
        Membership.objects.filter(role=Membership.Role.MANAGER).values_list("user_id", flat=True)
    )
    due: dict[int, list[dict]] = {}
    open_key_results = (
        KeyResult.objects.filter(objective__cycle=cycle, archived=False, objective__archived=False)
        .exclude(last_checkin_at__gte=week_began)
        .order_by("owner_id", "id")
    )
    for pk, owner_id, *columns in open_key_results.values_list(
        "pk", "owner_id", *KeyResultRow._fields
    ):
        key_result = KeyResultRow(*columns)
        if not is_done(key_result=key_result, progress=key_result_progress(key_result=key_result)):
            due.setdefault(owner_id, []).append({"id": pk, "kind": key_result.kind})
    people = list(
        User.objects.filter(is_active=True, is_superuser=False)
        .exclude(pk__in=leaders)
        .order_by("id")
        .values_list("pk", "username")
    )
    cast_employees = [
        {"username": username, "key_results": due[pk]} for pk, username in people if pk in due
    ][:employees]
    if len(cast_employees) < employees:
        raise LookupError(f"only {len(cast_employees)} people have key results due this week")
    taken = {person["username"] for person in cast_employees}
    cast_viewers = [{"username": u} for _, u in people if u not in taken][:viewers]

    cast_managers: list[dict] = []
    with_sub_teams = Team.objects.filter(is_root=False, children__isnull=False).distinct()
    for team in with_sub_teams.order_by("id"):
        manager = (
            Membership.objects.filter(team=team, role=Membership.Role.MANAGER, user__is_active=True)
            .exclude(user__username__in=[m["username"] for m in cast_managers])
            .order_by("user_id")
            .values_list("user__username", flat=True)
            .first()
        )
        if manager:
            cast_managers.append(
                {"username": manager, "team_path": f"/teams/{team.slug}/?subteams=1"}
            )
        if len(cast_managers) == managers:
            break
    if len(cast_managers) < managers or len(cast_viewers) < viewers:
        raise LookupError("too few managers of teams with sub-teams, or people, for Monday")
    return {"employees": cast_employees, "managers": cast_managers, "viewers": cast_viewers}

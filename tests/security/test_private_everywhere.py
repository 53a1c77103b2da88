"""One rule for private objectives, everywhere: a private objective is seen by its owner (the
person, or for a team objective the members of that team), the managers of that person or team
and of the teams above, admins, and its contributors (the owners of its key results and of their
initiatives), and by nobody else: not on a page, in a count, a search, an export, an e-mail or
a check-in.

The organisation (built once for the module; each test runs in a savepoint rolled back after it):

    acme (company)
    ├── product: manager_above (manager)
    │   └── squad: manager (manager), owner and team_member (members)
    └── sales: contributors_manager (manager), kr_contributor, initiative_contributor and
               stranger (members)
    admin: in no team

Private objectives in every relation:

- PRIV-OWN, `owner`'s own: child of the public company objective PUB-COMPANY, parent of the
  stranger's public PUB-CHILD, with a key result of the owner's (and a check-in note), one of
  kr_contributor's and an initiative of initiative_contributor's (overdue);
- PRIV-TEAM, owned by squad, with a key result of team_member's;
- the owner also has four public objectives, so that counting PRIV-OWN makes five (the coaching
  hint "more than four objectives per owner").
"""

import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from checkins.services import record_checkin
from objectives import permissions
from objectives.models import Cycle, KeyResult, Membership, Objective, ObjectiveTemplate, User
from reminders.emails import compose_test
from tests.factories import (
    CycleFactory,
    InitiativeFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    RootTeamFactory,
    TeamFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "owner",
    "team_member",
    "manager",
    "manager_above",
    "admin",
    "kr_contributor",
    "initiative_contributor",
    "stranger",
    "contributors_manager",
)
# Who sees which private objective: the one rule, written out by hand.
SEES = {
    "PRIV-OWN": {
        "owner",
        "manager",
        "manager_above",
        "admin",
        "kr_contributor",
        "initiative_contributor",
    },
    "PRIV-TEAM": {"owner", "team_member", "manager", "manager_above", "admin"},
}
# Every word of each private objective: its title, its key results', notes, initiatives'.
WORDS = {
    "PRIV-OWN": ("PRIV-OWN", "PRIVKR-OWNERS", "PRIVKR-CONTRIB", "PRIVNOTE-OWN", "PRIVINIT-OWN"),
    "PRIV-TEAM": ("PRIV-TEAM", "PRIVKR-TEAM"),
}
PUBLIC_OBJECTIVES = 6  # PUB-COMPANY, PUB-CHILD and the owner's four


@dataclass
class World:
    cycle: Cycle
    people: dict[str, User]
    company_objective: Objective
    private_own: Objective
    private_team: Objective
    public_child: Objective
    owners_public: Objective
    kr_owner: KeyResult  # the owner's, in PRIV-OWN
    kr_contrib: KeyResult  # kr_contributor's, in PRIV-OWN
    kr_team: KeyResult  # team_member's, in PRIV-TEAM

    def objective(self, name: str) -> Objective:
        return {"PRIV-OWN": self.private_own, "PRIV-TEAM": self.private_team}[name]


def _person(username: str, team=None, role: str = Membership.Role.MEMBER, **extra) -> User:
    user = UserFactory(username=username, display_name=username.replace("_", " ").title(), **extra)
    if team is not None:
        MembershipFactory(user=user, team=team, role=role)
    return user


def _build() -> World:
    company = RootTeamFactory()
    product = TeamFactory(name="Product", slug="product", parent=company)
    squad = TeamFactory(name="Squad", slug="squad", parent=product)
    sales = TeamFactory(name="Sales", slug="sales", parent=company)
    manager_role = Membership.Role.MANAGER
    people = {
        "owner": _person("owner", squad),
        "team_member": _person("team_member", squad),
        "manager": _person("manager", squad, manager_role),
        "manager_above": _person("manager_above", product, manager_role),
        "admin": _person("admin", is_superuser=True, is_staff=True),
        "kr_contributor": _person("kr_contributor", sales),
        "initiative_contributor": _person("initiative_contributor", sales),
        "stranger": _person("stranger", sales),
        "contributors_manager": _person("contributors_manager", sales, manager_role),
    }
    owner = people["owner"]
    cycle = CycleFactory(name="2026 Q4")
    company_objective = ObjectiveFactory(cycle=cycle, owner_team=company, title="PUB-COMPANY win")
    private_own = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=owner,
        parent=company_objective,
        title="PRIV-OWN grow quietly",
        visibility=Objective.Visibility.PRIVATE,
    )
    kr_owner = KeyResultFactory(objective=private_own, owner=owner, title="PRIVKR-OWNERS deals")
    record_checkin(
        actor=owner,
        key_result=kr_owner,
        value=Decimal(10),
        confidence=3,
        what_changed="PRIVNOTE-OWN lost a deal",
        now=timezone.now() - timedelta(days=14),
    )
    kr_contrib = KeyResultFactory(
        objective=private_own, owner=people["kr_contributor"], title="PRIVKR-CONTRIB leads"
    )
    InitiativeFactory(
        key_result=kr_owner,
        owner=people["initiative_contributor"],
        title="PRIVINIT-OWN call the lawyers",
        due_date=timezone.localdate() - timedelta(days=7),
    )
    public_child = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=people["stranger"],
        parent=private_own,
        title="PUB-CHILD sell it",
    )
    KeyResultFactory(objective=public_child, owner=people["stranger"], title="PUB-CHILD-KR")
    owners_public = [
        ObjectiveFactory(cycle=cycle, owner_team=None, owner_user=owner, title=f"PUB-OWN {n}")
        for n in range(4)
    ]
    private_team = ObjectiveFactory(
        cycle=cycle,
        owner_team=squad,
        title="PRIV-TEAM squad plan",
        visibility=Objective.Visibility.PRIVATE,
    )
    kr_team = KeyResultFactory(
        objective=private_team, owner=people["team_member"], title="PRIVKR-TEAM uptime"
    )
    return World(
        cycle=cycle,
        people=people,
        company_objective=company_objective,
        private_own=private_own,
        private_team=private_team,
        public_child=public_child,
        owners_public=owners_public[0],
        kr_owner=kr_owner,
        kr_contrib=kr_contrib,
        kr_team=kr_team,
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _client(world: World, role: str) -> Client:
    client = Client()
    client.force_login(world.people[role])
    return client


def _seen(role: str) -> set[str]:
    return {name for name, readers in SEES.items() if role in readers}


def _forbidden(role: str) -> list[str]:
    return [word for name, words in WORDS.items() if role not in SEES[name] for word in words]


def _leaks(text: str, role: str) -> list[str]:
    return [word for word in _forbidden(role) if word in text]


# --- The policy module: predicate, scope and queryset filter agree with the rule ---------------


@pytest.mark.parametrize("role", ROLES)
def test_the_policy_says_the_rule(world, role):
    person = world.people[role]
    scope = permissions.scope_for(person)
    filtered = set(
        Objective.objects.filter(permissions.visible_objectives_q(person)).values_list(
            "title", flat=True
        )
    )
    for name in SEES:
        objective = world.objective(name)
        expected = role in SEES[name]
        assert permissions.can_view_objective(person, objective) == expected, name
        assert scope.can_view_objective(objective) == expected, name
        assert (objective.title in filtered) == expected, name
    for kr in (world.kr_owner, world.kr_contrib, world.kr_team):
        expected = role in SEES[kr.objective.title.split()[0]]
        assert permissions.can_view_key_result(person, kr) == expected, kr.title


# --- Pages: the objective's, its key results', its planning page ------------------------------


@dataclass(frozen=True)
class Door:
    name: str
    secret: str
    url: Callable[[World], str]
    # A form only some of those who see it may use: the rest get 403, never 404.
    refusable: bool = False


DOORS = [
    Door("objective_page_own", "PRIV-OWN", lambda w: reverse("objective", args=[w.private_own.pk])),
    Door(
        "objective_page_team", "PRIV-TEAM", lambda w: reverse("objective", args=[w.private_team.pk])
    ),
    Door("plan_own", "PRIV-OWN", lambda w: reverse("objective_plan", args=[w.private_own.pk])),
    Door("plan_team", "PRIV-TEAM", lambda w: reverse("objective_plan", args=[w.private_team.pk])),
    Door("kr_page_owner", "PRIV-OWN", lambda w: reverse("key_result", args=[w.kr_owner.pk])),
    Door("kr_page_contrib", "PRIV-OWN", lambda w: reverse("key_result", args=[w.kr_contrib.pk])),
    Door("kr_page_team", "PRIV-TEAM", lambda w: reverse("key_result", args=[w.kr_team.pk])),
    Door(
        "check_in_form",
        "PRIV-OWN",
        lambda w: reverse("check_in", args=[w.kr_contrib.pk]),
        refusable=True,
    ),
    Door("initiatives", "PRIV-OWN", lambda w: reverse("initiative_list", args=[w.kr_owner.pk])),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("door", DOORS, ids=lambda d: d.name)
def test_the_private_objectives_own_pages_open_to_exactly_those_who_see_it(world, role, door):
    response = _client(world, role).get(door.url(world), headers={"HX-Request": "true"})
    if role in SEES[door.secret]:
        assert response.status_code in ((200, 403) if door.refusable else (200,))
    else:
        assert response.status_code == 404


# --- Pages that list objectives: never a forbidden word, and the seen ones where listed ----------


@dataclass(frozen=True)
class Listing:
    name: str
    url: Callable[[World], str]
    # Which private objectives the page lists for a reader who may see them (None: whatever
    # it shows, it shows nothing forbidden; the page is not a list of every objective).
    lists: tuple[str, ...] | None = None
    htmx: bool = False


def _q(world: World) -> str:
    return f"?cycle={world.cycle.pk}"


LISTINGS = [
    Listing("my_week", lambda w: reverse("my_week")),
    Listing("team_squad", lambda w: reverse("team_dashboard", args=["squad"]) + _q(w)),
    Listing("team_product", lambda w: reverse("team_dashboard", args=["product"]) + _q(w)),
    Listing("team_sales", lambda w: reverse("team_dashboard", args=["sales"]) + _q(w)),
    Listing("team_company", lambda w: reverse("team_dashboard", args=["acme"]) + _q(w)),
    Listing("company", lambda w: reverse("company") + _q(w)),
    Listing(
        "company_tree_children",
        lambda w: reverse("objective_children", args=[w.company_objective.pk]),
        lists=("PRIV-OWN",),
        htmx=True,
    ),
    Listing("company_objective", lambda w: reverse("objective", args=[w.company_objective.pk])),
    Listing("child_objective", lambda w: reverse("objective", args=[w.public_child.pk])),
    Listing(
        "child_plan",
        lambda w: reverse("objective_plan", args=[w.public_child.pk]),
        lists=("PRIV-OWN",),
    ),
    Listing("plan", lambda w: reverse("plan") + _q(w)),
    Listing("cycle_report", lambda w: reverse("cycle_report") + _q(w)),
    Listing("cycle_report_csv", lambda w: reverse("cycle_report_csv") + _q(w)),
    Listing("cycles", lambda w: reverse("cycle_list")),
    Listing(
        "search",
        lambda w: reverse("alignment_picker") + _q(w) + "&parent_q=PRIV",
        lists=("PRIV-OWN", "PRIV-TEAM"),
        htmx=True,
    ),
    Listing(
        "export_csv",
        lambda w: reverse("okr_export_csv") + _q(w),
        lists=("PRIV-OWN", "PRIV-TEAM"),
    ),
    Listing("template_library", lambda w: reverse("template_library") + "?q=PRIV"),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", LISTINGS, ids=lambda p: p.name)
def test_pages_show_a_private_objective_to_exactly_those_who_see_it(world, role, page):
    headers = {"HX-Request": "true"} if page.htmx else {}
    response = _client(world, role).get(page.url(world), headers=headers)
    assert response.status_code == 200, response.status_code
    text = response.content.decode()
    assert not _leaks(text, role), f"{page.name} shows {_leaks(text, role)} to {role}"
    for name in page.lists or ():
        if role in SEES[name]:
            assert name in text, f"{page.name} leaves {name} out for {role}"


def test_the_listings_can_see_the_secrets(world):
    """The test above proves something: the admin meets each secret on the pages listing it."""
    client = _client(world, "admin")
    for page in LISTINGS:
        text = client.get(page.url(world), headers={"HX-Request": "true"} if page.htmx else {})
        for name in page.lists or ():
            assert name in text.content.decode(), page.name


# --- What people who contribute get: My week, the check-in, the reminder -----------------------


CONTRIBUTIONS = {
    "owner": ("PRIVKR-OWNERS",),
    "team_member": ("PRIVKR-TEAM",),
    "kr_contributor": ("PRIVKR-CONTRIB",),
    "initiative_contributor": ("PRIVINIT-OWN",),
}


@pytest.mark.parametrize("role", sorted(CONTRIBUTIONS))
def test_my_week_lists_the_work_a_contributor_holds_under_a_private_objective(world, role):
    text = _client(world, role).get(reverse("my_week")).content.decode()
    for word in CONTRIBUTIONS[role]:
        assert word in text


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("kr_contributor", 302),  # their own key result: their check-in
        ("admin", 302),
        # They see it, but it is not theirs to check in on (the objective owner's manager
        # manages neither the key result's owner nor a team owning the objective).
        ("manager", 403),
        ("initiative_contributor", 403),
        ("team_member", 404),
        ("stranger", 404),
        ("contributors_manager", 404),
    ],
)
def test_checking_in_on_a_contributors_key_result(world, role, status):
    kr = KeyResult.objects.get(pk=world.kr_contrib.pk)
    response = _client(world, role).post(
        reverse("check_in", args=[kr.pk]), {"value": "7", "confidence": "4"}
    )
    assert response.status_code == status
    kr.refresh_from_db()
    assert (kr.current_value == Decimal(7)) == (status == 302)


def _mail_text(message) -> str:
    return "\n".join([message.body] + [content for content, _type in message.alternatives])


def test_the_reminder_names_a_contributors_key_result_and_its_link_works(world):
    kr_contributor = world.people["kr_contributor"]
    text = _mail_text(compose_test(user=kr_contributor, kind="reminder", now=timezone.now()))
    assert "PRIVKR-CONTRIB" in text
    link = reverse("check_in", args=[world.kr_contrib.pk])
    assert link in text
    assert _client(world, "kr_contributor").get(link).status_code == 200
    assert not _leaks(text, "kr_contributor")


def test_the_reminder_lists_an_initiative_contributors_late_work(world):
    person = world.people["initiative_contributor"]
    text = _mail_text(compose_test(user=person, kind="reminder", now=timezone.now()))
    assert "PRIVINIT-OWN" in text
    assert not _leaks(text, "initiative_contributor")


@pytest.mark.parametrize("role", ["manager", "manager_above", "contributors_manager", "admin"])
def test_the_managers_digest_names_only_what_the_manager_sees(world, role):
    text = _mail_text(compose_test(user=world.people[role], kind="digest", now=timezone.now()))
    assert not _leaks(text, role), f"digest to {role} shows {_leaks(text, role)}"
    if role in ("manager", "manager_above"):
        assert "PRIVKR-OWNERS" in text and "PRIVKR-TEAM" in text


# --- Counts --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_cycles_list_counts_only_the_objectives_the_reader_sees(world, role):
    html = _client(world, role).get(reverse("cycle_list")).content.decode()
    row = html[html.index(world.cycle.name) :]
    count = int(re.search(r'<td class="num">(\d+)</td>', row).group(1))
    assert count == PUBLIC_OBJECTIVES + len(_seen(role))


@pytest.mark.parametrize("role", ROLES)
def test_the_objectives_per_owner_hint_counts_only_what_the_reader_sees(world, role):
    """The owner has four public objectives and PRIV-OWN: five, "too many", only for those
    who see PRIV-OWN; four, no hint, for everyone else."""
    client = _client(world, role)
    html = client.get(reverse("objective_plan", args=[world.owners_public.pk])).content.decode()
    assert ('data-hint="too_many_objectives"' in html) == (role in SEES["PRIV-OWN"])
    live = client.get(
        reverse("objective_hints"),
        {
            "cycle": world.cycle.pk,
            "owner_kind": "person",
            "owner_user": "owner",
            "title": "Delight",
            "objective_type": "aspirational",
        },
        headers={"HX-Request": "true"},
    ).content.decode()
    # A new objective would be the owner's fifth (or sixth, counting PRIV-OWN).
    assert "5 objectives" in live or "6 objectives" in live
    assert ("6 objectives" in live) == (role in SEES["PRIV-OWN"])


# --- CSV export, per row ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_the_csv_export_has_exactly_the_rows_the_reader_sees(world, role):
    response = _client(world, role).get(reverse("okr_export_csv") + _q(world))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    titles = {cell.split()[0] for row in rows[1:] for cell in row[2:3]}
    for name in SEES:
        assert (name in titles) == (role in SEES[name]), name


# --- The parent of a public objective -----------------------------------------------------------


def test_editing_a_child_keeps_a_parent_the_editor_may_not_see(world):
    """The stranger owns PUB-CHILD, whose parent is the owner's PRIV-OWN: the edit form neither
    names nor offers it, and saving (the picker left on "no parent") keeps it."""
    client = _client(world, "stranger")
    child = Objective.objects.get(pk=world.public_child.pk)
    url = reverse("objective_edit", args=[child.pk])
    form = client.get(url).content.decode()
    assert not _leaks(form, "stranger")
    assert f'value="{world.private_own.pk}"' not in form
    response = client.post(
        url,
        {
            "title": "PUB-CHILD sell it, better",
            "description": "",
            "owner_kind": "person",
            "owner_user": "stranger",
            "objective_type": "aspirational",
            "visibility": "public",
            "parent": "",
            "version": child.version,
        },
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.title == "PUB-CHILD sell it, better"
    assert child.parent_id == world.private_own.pk
    # Choosing a parent they do see replaces it, as they asked.
    response = client.post(
        url,
        {
            "title": child.title,
            "owner_kind": "person",
            "owner_user": "stranger",
            "objective_type": "aspirational",
            "visibility": "public",
            "parent": str(world.company_objective.pk),
            "version": child.version,
        },
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.parent_id == world.company_objective.pk


def test_a_parent_the_editor_sees_can_still_be_removed(world):
    client = _client(world, "owner")
    Objective.objects.filter(pk=world.public_child.pk).update(owner_user=world.people["owner"])
    child = Objective.objects.get(pk=world.public_child.pk)
    response = client.post(
        reverse("objective_edit", args=[child.pk]),
        {
            "title": child.title,
            "owner_kind": "person",
            "owner_user": "owner",
            "objective_type": "aspirational",
            "visibility": "public",
            "parent": "",
            "version": child.version,
        },
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.parent_id is None


# --- Save as template ----------------------------------------------------------------------------


def test_a_private_objective_is_not_saved_as_a_template(world):
    client = _client(world, "admin")
    url = reverse("objective_save_template", args=[world.private_own.pk])
    before = ObjectiveTemplate.objects.count()
    page = client.get(url)
    assert page.status_code == 409
    assert "is private" in page.content.decode()
    response = client.post(url, {"title": "Copied", "department": "sales"})
    assert response.status_code == 409
    assert ObjectiveTemplate.objects.count() == before
    plan = client.get(reverse("objective_plan", args=[world.private_own.pk])).content.decode()
    assert url not in plan
    # A public one still goes in.
    public = reverse("objective_save_template", args=[world.company_objective.pk])
    assert client.get(public).status_code == 200
    assert (
        public
        in client.get(reverse("objective_plan", args=[world.company_objective.pk])).content.decode()
    )

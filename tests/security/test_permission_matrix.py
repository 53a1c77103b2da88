"""The permission matrix: every URL pattern × every role × GET/POST/PUT, with the answer each cell
must get (302 to the login page, 200, 403, 404, 405, or a 4xx for a refused empty form).

POST cells send an empty (or minimal) body: the point is the access decision, not the write, so
an allowed role typically gets 422 (the form's messages) where a refused one gets 403 or 404.
Every GET cell also checks that nothing in the database changed (a fingerprint of every table).

A method the view does not accept (405 whoever signs in) is checked once per row rather than once
per role: the method check comes before any decision about the person, so seven signed-in cells
would repeat one answer. `test_methods_the_view_does_not_accept` sends each such method as the
anonymous visitor (sent to the login page first, unless the page is public) and as an admin, the
role with every right, who still gets 405; neither changes the database.

`test_every_url_pattern_is_in_the_matrix` walks the URL resolver and fails, naming the pattern,
when one is not listed in ROWS below: add a Row for it (the admin site counts as one family).
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from checkins.services import record_checkin
from initiatives.models import Initiative
from objectives.models import Cycle, KeyResult, Membership, Objective, Team, User
from reminders.unsubscribe import unsubscribe_token
from tests.factories import (
    CycleFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    RootTeamFactory,
    TeamFactory,
    UserFactory,
)
from tests.security.db_state import fingerprint

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "stranger",
    "owner",
    "teammate",
    "manager",
    "other_manager",
    "viewer",
    "admin",
)
METHODS = ("GET", "POST", "PUT")
SIGNED_IN = ROLES[1:]
LOGIN = 302  # to the login page, for the anonymous visitor
# URL namespaces tested as one family through a few representative rows.
FAMILIES = {"admin"}


@dataclass
class World:
    company: Team
    product: Team
    squad: Team
    sales: Team
    cycle: Cycle
    public_objective: Objective  # product's, public
    public_kr: KeyResult  # owned by `owner`
    private_objective: Objective  # owner's own, private
    private_kr: KeyResult  # owned by `owner`
    viewer_kr: KeyResult  # assigned to the viewer, in product's public objective
    planning_cycle: Cycle  # where importing is open
    teammate_membership: Membership
    users: dict[str, User]

    @property
    def teammate_user(self) -> User:
        return self.users["teammate"]

    def user(self, role: str) -> User:
        return self.users[role]


def _member(username: str, team: Team, role: str = Membership.Role.MEMBER, **extra) -> User:
    user = UserFactory(username=username, display_name=username.title(), **extra)
    MembershipFactory(user=user, team=team, role=role)
    return user


def _build_world() -> World:
    """tests/conftest.py's standing cast (plus the viewer and a few objects), built once for
    the module: the cells, some 3,000, each run in a savepoint rolled back after it."""
    company = RootTeamFactory()
    product = TeamFactory(name="Product", slug="product", parent=company)
    squad = TeamFactory(name="Squad", slug="squad", parent=product)
    sales = TeamFactory(name="Sales", slug="sales", parent=company)
    owner = _member("owner", product)
    teammate = _member("teammate", product)
    manager = _member("manager", product, Membership.Role.MANAGER)
    stranger = _member("stranger", sales)
    other_manager = _member("other_manager", sales, Membership.Role.MANAGER)
    viewer = _member("viewer", product, is_viewer=True)
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    cycle = CycleFactory(name="2026 Q4")
    team_objective = ObjectiveFactory(
        cycle=cycle, owner_team=product, title="Make onboarding effortless"
    )
    key_result = KeyResultFactory(
        objective=team_objective,
        owner=owner,
        title="Raise activation from 20% to 60%",
        unit="%",
        start_value=Decimal(20),
        target_value=Decimal(60),
    )
    private = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=owner,
        title="Private growth plan",
        visibility=Objective.Visibility.PRIVATE,
    )
    private_kr = KeyResultFactory(
        objective=private, owner=owner, start_value=Decimal(0), target_value=Decimal(10)
    )
    viewer_kr = KeyResultFactory(
        objective=team_objective, owner=viewer, start_value=Decimal(0), target_value=Decimal(5)
    )
    record_checkin(actor=owner, key_result=key_result, value=Decimal(30), confidence=4)
    record_checkin(actor=owner, key_result=private_kr, value=Decimal(3), confidence=3)
    return World(
        company=company,
        product=product,
        squad=squad,
        sales=sales,
        cycle=cycle,
        public_objective=team_objective,
        public_kr=key_result,
        private_objective=private,
        private_kr=private_kr,
        viewer_kr=viewer_kr,
        planning_cycle=CycleFactory(
            name="2027 Q1", state=Cycle.State.PLANNING, start_date=date(2027, 1, 1)
        ),
        teammate_membership=Membership.objects.get(user=teammate, team=product),
        users={
            "stranger": stranger,
            "owner": owner,
            "teammate": teammate,
            "manager": manager,
            "other_manager": other_manager,
            "viewer": viewer,
            "admin": admin,
        },
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker) -> Iterator[World]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture(scope="module")
def session_cookies(world: World, django_db_blocker) -> dict[str, str]:
    """One signed-in session per role, made once for the module: signing in afresh for each of
    the cells cost about as much as the request itself (django-axes logs every sign-in). A cell
    that ends or rotates its session does so inside its own rolled-back savepoint."""
    cookies = {}
    with django_db_blocker.unblock():
        for role in SIGNED_IN:
            client = Client()
            client.force_login(world.user(role))
            cookies[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookies


def _sign_in(client: Client, role: str, session_cookies: dict[str, str]) -> None:
    client.cookies[settings.SESSION_COOKIE_NAME] = session_cookies[role]


# --- How to spell a row ---------------------------------------------------------------------


def expect(default: int, **per_role: int) -> dict[str, int]:
    """`default` for every signed-in role unless named; the anonymous visitor goes to the login
    page unless `anonymous=` says otherwise."""
    answers = {role: default for role in SIGNED_IN}
    answers["anonymous"] = LOGIN
    answers.update(per_role)
    return answers


# Who may read the private objective of `owner` (and its key results): owner, manager, admin.
PRIVATE_READERS = {"owner", "manager", "admin"}
NOT_ALLOWED = expect(405)


def private_read(allowed: int, refused: int = 404, **per_role: int) -> dict[str, int]:
    answers = {r: (allowed if r in PRIVATE_READERS else refused) for r in SIGNED_IN}
    answers["anonymous"] = LOGIN
    answers.update(per_role)
    return answers


def only_admin(allowed: int, refused: int = 403, **per_role: int) -> dict[str, int]:
    return expect(refused, admin=allowed, **per_role)


def pk(attr: str, name: str = "pk") -> Callable[[World], dict]:
    return lambda w: {name: getattr(w, attr).pk}


def no_kwargs(world: World) -> dict:
    return {}


def cycle_query(world: World) -> str:
    return f"?cycle={world.cycle.pk}"


def no_query(world: World) -> str:
    return ""


def empty_body(world: World) -> dict:
    return {}


@dataclass(frozen=True)
class Row:
    url_name: str
    get: dict[str, int]
    post: dict[str, int]
    put: dict[str, int] = field(default_factory=lambda: NOT_ALLOWED)
    kwargs: Callable[[World], dict] = no_kwargs
    query: Callable[[World], str] = no_query
    body: Callable[[World], dict] = empty_body
    label: str = ""  # tells apart two rows of one URL (a public and a private object)

    @property
    def id(self) -> str:
        return f"{self.url_name}[{self.label}]" if self.label else self.url_name

    def answers(self, method: str) -> dict[str, int]:
        return {"GET": self.get, "POST": self.post, "PUT": self.put}[method]

    def answer(self, method: str, role: str) -> int:
        return self.answers(method)[role]

    def accepts(self, method: str) -> bool:
        """False for a method the view turns away before looking at who asks: 405 for everyone
        signed in."""
        return any(self.answers(method)[role] != 405 for role in SIGNED_IN)

    @property
    def refused_methods(self) -> list[str]:
        return [method for method in METHODS if not self.accepts(method)]


EVERYONE_READS = expect(200)


READ_ONLY_GET = (EVERYONE_READS, NOT_ALLOWED)  # (get, post) of a page that only reads
# The public key result `public_kr` (owner's, in product's objective) is written by its owner,
# product's manager and admins; product's objective itself by its manager and admins.
KR_WRITERS = {"owner", "manager", "admin"}
TEAM_OBJECTIVE_WRITERS = {"manager", "admin"}
# The key result assigned to the viewer: managers and admins write it, the viewer never.
VIEWER_KR_WRITERS = {"manager", "admin"}


def who(allowed: int, roles: set[str], refused: int = 403, **per_role: int) -> dict[str, int]:
    answers = {r: (allowed if r in roles else refused) for r in SIGNED_IN}
    answers["anonymous"] = LOGIN
    answers.update(per_role)
    return answers


def private(allowed: int, **per_role: int) -> dict[str, int]:
    """The private objective and its key result: its writers are its readers (owner, manager,
    admin); everyone else is told it does not exist."""
    return who(allowed, PRIVATE_READERS, refused=404, **per_role)


def read_only_private() -> dict[str, int]:
    return private(200)


def carry_body(world: World) -> dict:
    return {"cycle": world.cycle.pk}


def _initiative(world: World, key_result: KeyResult, owner_role: str) -> Initiative:
    """The key result's initiative, owned by `owner_role`, made once per test."""
    existing = Initiative.objects.filter(key_result=key_result).first()
    return existing or Initiative.objects.create(
        key_result=key_result,
        title="Record the onboarding tour",
        owner=world.user(owner_role),
        due_date=date(2026, 12, 1),
    )


def planning_query(world: World) -> str:
    return f"?cycle={world.planning_cycle.pk}"


def planning_body(world: World) -> dict:
    return {"cycle": world.planning_cycle.pk}


ROWS: list[Row] = [
    # --- dashboards: every signed-in person reads public OKRs; private ones are not there ---
    Row("my_week", *READ_ONLY_GET),
    Row("my_week_row", *READ_ONLY_GET, kwargs=pk("public_kr"), label="public"),
    Row("my_week_row", private(200), NOT_ALLOWED, kwargs=pk("private_kr"), label="private"),
    Row("team_list", *READ_ONLY_GET),
    Row("my_team", expect(302), NOT_ALLOWED),  # to the person's own team's dashboard
    Row("team_dashboard", *READ_ONLY_GET, kwargs=lambda w: {"slug": w.product.slug}),
    # The initiatives card's HTMX fragment; a plain GET is sent to the team page.
    Row("team_initiatives", expect(302), NOT_ALLOWED, kwargs=lambda w: {"slug": w.product.slug}),
    Row("company", *READ_ONLY_GET),
    Row("objective_children", *READ_ONLY_GET, kwargs=pk("public_objective"), label="public"),
    Row(
        "objective_children",
        private(200),
        NOT_ALLOWED,
        kwargs=pk("private_objective"),
        label="private",
    ),
    Row("key_result", *READ_ONLY_GET, kwargs=pk("public_kr"), label="public"),
    Row("key_result", private(200), NOT_ALLOWED, kwargs=pk("private_kr"), label="private"),
    Row("objective", *READ_ONLY_GET, kwargs=pk("public_objective"), label="public"),
    Row("objective", private(200), NOT_ALLOWED, kwargs=pk("private_objective"), label="private"),
    # --- check-ins (an empty form: 422 for those allowed) and reminders (admins) ---
    Row(
        "check_in",
        who(200, KR_WRITERS),
        who(422, KR_WRITERS),
        kwargs=pk("public_kr"),
        label="public",
    ),
    Row("check_in", private(200), private(422), kwargs=pk("private_kr"), label="private"),
    Row(
        "check_in",
        who(200, VIEWER_KR_WRITERS),
        who(422, VIEWER_KR_WRITERS),
        kwargs=pk("viewer_kr"),
        label="viewer's",
    ),
    Row("reminder_settings", only_admin(200), only_admin(422)),
    Row("reminder_preview", only_admin(200), NOT_ALLOWED),
    Row("reminder_test", NOT_ALLOWED, only_admin(422)),
    Row("reminder_deliveries", only_admin(200), NOT_ALLOWED),
    # The audit trail: the whole of it for admins; an objective's or key result's older changes
    # for whoever sees its page.
    Row("audit_events", only_admin(200), NOT_ALLOWED),
    Row("audit_objective_history", *READ_ONLY_GET, kwargs=pk("public_objective"), label="public"),
    Row(
        "audit_objective_history",
        private(200),
        NOT_ALLOWED,
        kwargs=pk("private_objective"),
        label="private",
    ),
    Row("audit_key_result_history", *READ_ONLY_GET, kwargs=pk("public_kr"), label="public"),
    Row(
        "audit_key_result_history",
        private(200),
        NOT_ALLOWED,
        kwargs=pk("private_kr"),
        label="private",
    ),
    Row(  # no sign-in: the signed token in the link is the authority
        "reminder_unsubscribe",
        expect(200, anonymous=200),
        expect(200, anonymous=200),
        put=expect(405, anonymous=405),
        kwargs=lambda w: {"token": unsubscribe_token(w.user("owner"))},
    ),
    # --- initiatives: whoever edits the key result adds and edits them, and so does
    # an initiative's own owner (the teammate's, on the owner's key result); a plain GET of the
    # list goes to the key result page, of My week's section to My week; an empty form is 422 ---
    Row("initiative_list", expect(302), NOT_ALLOWED, kwargs=pk("public_kr"), label="public"),
    Row("initiative_list", private(302), NOT_ALLOWED, kwargs=pk("private_kr"), label="private"),
    Row(
        "initiative_new",
        who(200, KR_WRITERS),
        who(422, KR_WRITERS),
        kwargs=pk("public_kr"),
        label="public",
    ),
    Row("initiative_new", private(200), private(422), kwargs=pk("private_kr"), label="private"),
    Row(
        "initiative_edit",
        who(200, KR_WRITERS | {"teammate"}),
        who(422, KR_WRITERS | {"teammate"}),
        kwargs=lambda w: {"pk": _initiative(w, w.public_kr, "teammate").pk},
        label="public",
    ),
    Row(
        "initiative_edit",
        private(200),
        private(422),
        kwargs=lambda w: {"pk": _initiative(w, w.private_kr, "owner").pk},
        label="private",
    ),
    Row(
        "initiative_status",
        NOT_ALLOWED,
        who(422, KR_WRITERS | {"teammate"}),
        kwargs=lambda w: {"pk": _initiative(w, w.public_kr, "teammate").pk},
        label="public",
    ),
    Row(
        "initiative_status",
        NOT_ALLOWED,
        private(422),
        kwargs=lambda w: {"pk": _initiative(w, w.private_kr, "owner").pk},
        label="private",
    ),
    Row("my_initiatives", expect(302), NOT_ALLOWED),
    # --- cycles (admins manage; everyone browses), grading, reports ---
    Row("cycle_list", *READ_ONLY_GET),
    Row("cycle_new", only_admin(200), only_admin(422)),
    Row("fiscal_year", NOT_ALLOWED, only_admin(422)),
    Row("cycle_detail", *READ_ONLY_GET, kwargs=pk("cycle")),
    Row("cycle_edit", NOT_ALLOWED, only_admin(422), kwargs=pk("cycle")),
    Row(  # GET is the confirmation page; an empty POST lacks the state it moves from: 409
        "cycle_transition",
        only_admin(200),
        only_admin(409),
        kwargs=lambda w: {"pk": w.cycle.pk, "to_state": "grading"},
    ),
    Row("grading", *READ_ONLY_GET, query=cycle_query),
    Row("cycle_report", *READ_ONLY_GET, query=cycle_query),
    Row("cycle_report_csv", *READ_ONLY_GET, query=cycle_query),
    Row(  # nothing chosen to carry: 422; the viewer may carry nothing at all
        "carry_over",
        EVERYONE_READS,
        expect(422, viewer=403),
        query=cycle_query,
        body=carry_body,
    ),
    # The cycle is active, not grading: those allowed to grade hear 409, the rest 403/404.
    Row(
        "grade_key_result",
        who(409, KR_WRITERS),
        who(409, KR_WRITERS),
        kwargs=pk("public_kr"),
        label="public",
    ),
    Row("grade_key_result", private(409), private(409), kwargs=pk("private_kr"), label="private"),
    Row(
        "grade_key_result",
        who(409, VIEWER_KR_WRITERS),
        who(409, VIEWER_KR_WRITERS),
        kwargs=pk("viewer_kr"),
        label="viewer's",
    ),
    Row(
        "objective_reflection",
        who(409, TEAM_OBJECTIVE_WRITERS),
        who(409, TEAM_OBJECTIVE_WRITERS),
        kwargs=pk("public_objective"),
        label="public",
    ),
    Row(
        "objective_reflection",
        private(409),
        private(409),
        kwargs=pk("private_objective"),
        label="private",
    ),
    # --- people and teams: admins only ---
    Row("people", only_admin(200), NOT_ALLOWED),
    Row("person_new", only_admin(200), only_admin(422)),
    Row("person_detail", only_admin(200), NOT_ALLOWED, kwargs=pk("teammate_user")),
    Row("person_edit", NOT_ALLOWED, only_admin(422), kwargs=pk("teammate_user")),
    Row("person_deactivate", only_admin(200), only_admin(302), kwargs=pk("teammate_user")),
    # teammate is active: reactivating is a conflict
    Row("person_reactivate", NOT_ALLOWED, only_admin(409), kwargs=pk("teammate_user")),
    Row("membership_add", NOT_ALLOWED, only_admin(422), kwargs=pk("teammate_user")),
    Row("membership_role", NOT_ALLOWED, only_admin(422), kwargs=pk("teammate_membership")),
    Row("membership_remove", NOT_ALLOWED, only_admin(302), kwargs=pk("teammate_membership")),
    # Reassigning a key result edits its objective.
    Row(
        "key_result_reassign",
        NOT_ALLOWED,
        who(422, TEAM_OBJECTIVE_WRITERS),
        kwargs=pk("public_kr"),
        label="public",
    ),
    Row(
        "key_result_reassign",
        NOT_ALLOWED,
        private(422),
        kwargs=pk("private_kr"),
        label="private",
    ),
    Row("teams", only_admin(200), NOT_ALLOWED),
    Row("team_new", NOT_ALLOWED, only_admin(422)),
    Row("team_detail", only_admin(200), only_admin(422), kwargs=pk("squad")),
    # --- planning ---
    Row("plan", *READ_ONLY_GET, query=cycle_query),
    Row(
        "objective_new",
        expect(200, viewer=403),
        expect(422, viewer=403),
        query=cycle_query,
        body=lambda w: {"cycle": w.cycle.pk},
    ),
    Row("objective_plan", *READ_ONLY_GET, kwargs=pk("public_objective"), label="public"),
    Row(
        "objective_plan", private(200), NOT_ALLOWED, kwargs=pk("private_objective"), label="private"
    ),
    Row(
        "objective_edit",
        who(200, TEAM_OBJECTIVE_WRITERS),
        who(422, TEAM_OBJECTIVE_WRITERS),
        kwargs=pk("public_objective"),
        label="public",
    ),
    Row(
        "objective_edit",
        private(200),
        private(422),
        kwargs=pk("private_objective"),
        label="private",
    ),
    Row(
        "objective_archive",
        NOT_ALLOWED,
        who(302, TEAM_OBJECTIVE_WRITERS),
        kwargs=pk("public_objective"),
        label="public",
    ),
    Row(
        "objective_archive",
        NOT_ALLOWED,
        private(302),
        kwargs=pk("private_objective"),
        label="private",
    ),
    Row(
        "objective_restore",
        NOT_ALLOWED,
        who(302, TEAM_OBJECTIVE_WRITERS),
        kwargs=pk("public_objective"),
        label="public",
    ),
    Row(
        "objective_restore",
        NOT_ALLOWED,
        private(302),
        kwargs=pk("private_objective"),
        label="private",
    ),
    Row(
        "key_result_new",
        who(200, TEAM_OBJECTIVE_WRITERS),
        who(422, TEAM_OBJECTIVE_WRITERS),
        kwargs=pk("public_objective"),
        label="public",
    ),
    Row(
        "key_result_new",
        private(200),
        private(422),
        kwargs=pk("private_objective"),
        label="private",
    ),
    Row(
        "objective_save_template",
        only_admin(200),
        only_admin(422),
        kwargs=pk("public_objective"),
    ),
    Row(
        "key_result_edit",
        who(200, KR_WRITERS),
        who(422, KR_WRITERS),
        kwargs=pk("public_kr"),
        label="public",
    ),
    Row("key_result_edit", private(200), private(422), kwargs=pk("private_kr"), label="private"),
    Row(
        "key_result_edit",
        who(200, VIEWER_KR_WRITERS),
        who(422, VIEWER_KR_WRITERS),
        kwargs=pk("viewer_kr"),
        label="viewer's",
    ),
    # Moving (no direction given: 422), archiving and restoring edit the objective.
    Row(
        "key_result_move",
        NOT_ALLOWED,
        who(422, TEAM_OBJECTIVE_WRITERS),
        kwargs=pk("public_kr"),
        label="public",
    ),
    Row("key_result_move", NOT_ALLOWED, private(422), kwargs=pk("private_kr"), label="private"),
    Row(
        "key_result_archive",
        NOT_ALLOWED,
        who(302, TEAM_OBJECTIVE_WRITERS),
        kwargs=pk("public_kr"),
        label="public",
    ),
    Row("key_result_archive", NOT_ALLOWED, private(302), kwargs=pk("private_kr"), label="private"),
    Row(
        "key_result_restore",
        NOT_ALLOWED,
        who(302, TEAM_OBJECTIVE_WRITERS),
        kwargs=pk("public_kr"),
        label="public",
    ),
    Row("key_result_restore", NOT_ALLOWED, private(302), kwargs=pk("private_kr"), label="private"),
    Row("alignment_picker", *READ_ONLY_GET, query=cycle_query),
    Row("objective_hints", *READ_ONLY_GET, query=cycle_query),
    Row("key_result_hints", *READ_ONLY_GET),
    Row("template_library", *READ_ONLY_GET, query=cycle_query),
    Row("okr_export_csv", *READ_ONLY_GET, query=cycle_query),
    Row("okr_export_xlsx", *READ_ONLY_GET, query=cycle_query),
    Row(  # import works in a planning cycle; an empty upload is 422
        "okr_import",
        expect(200, viewer=403),
        expect(422, viewer=403),
        query=planning_query,
        body=planning_body,
    ),
    # A key result assigned to the viewer: its initiatives are still not theirs to add.
    Row(
        "initiative_new",
        who(200, VIEWER_KR_WRITERS),
        who(422, VIEWER_KR_WRITERS),
        kwargs=pk("viewer_kr"),
        label="viewer's",
    ),
    # --- the site: the login page sends the signed-in home; logout is a POST ---
    Row(
        "login",
        expect(302, anonymous=200),
        expect(302, anonymous=200),
        put=expect(302, anonymous=200),
    ),
    Row("logout", NOT_ALLOWED, expect(302)),
    # The language switcher is a preference anyone may set; an empty choice is refused.
    Row(
        "set_language",
        expect(405, anonymous=405),
        expect(422, anonymous=422),
        put=expect(405, anonymous=405),
    ),
    Row(
        "healthz",
        expect(200, anonymous=200),
        expect(405, anonymous=405),
        put=expect(405, anonymous=405),
    ),
    # --- password reset: public pages; an empty request is refused, a bad link explains ---
    Row(
        "password_reset",
        expect(200, anonymous=200),
        expect(422, anonymous=422),
        put=expect(422, anonymous=422),
    ),
    Row(
        "password_reset_done",
        expect(200, anonymous=200),
        expect(405, anonymous=405),
        put=expect(405, anonymous=405),
    ),
    Row(
        "password_reset_confirm",
        expect(200, anonymous=200),
        expect(200, anonymous=200),
        put=expect(200, anonymous=200),
        kwargs=lambda w: {"uidb64": "MQ", "token": "not-a-token"},
    ),
    Row(
        "password_reset_complete",
        expect(200, anonymous=200),
        expect(405, anonymous=405),
        put=expect(405, anonymous=405),
    ),
    # --- Django admin, one family: its front page, a list and a change form. Staff only; the
    # rest are sent to the admin's login page. ---
    Row(
        "admin:index",
        only_admin(200, refused=302),
        only_admin(200, refused=302),
        put=only_admin(200, refused=302),
    ),
    Row(
        "admin:objectives_objective_changelist",
        only_admin(200, refused=302),
        only_admin(200, refused=302),
        put=only_admin(200, refused=302),
    ),
    Row(
        "admin:objectives_objective_change",
        only_admin(200, refused=302),
        only_admin(200, refused=302),
        put=only_admin(200, refused=302),
        kwargs=lambda w: {"object_id": w.private_objective.pk},
    ),
]


def _cells() -> list:
    """Every role × every method the row's view accepts; the refused ones are
    test_methods_the_view_does_not_accept's."""
    return [
        pytest.param(row, role, method, id=f"{row.id}-{role}-{method}")
        for row in ROWS
        for method in METHODS
        if row.accepts(method)
        for role in ROLES
    ]


def _url(row: Row, world: World) -> str:
    return reverse(row.url_name, kwargs=row.kwargs(world)) + row.query(world)


def _send(client: Client, method: str, url: str, row: Row, world: World) -> HttpResponse:
    if method == "GET":
        return client.get(url)
    if method == "POST":
        return client.post(url, row.body(world))
    return client.generic(method, url)


def _check(response: HttpResponse, expected: int, method: str, url: str, role: str) -> None:
    assert response.status_code == expected, (
        f"{method} {url} as {role}: {response.status_code}, expected {expected}"
    )
    if expected == LOGIN and role == "anonymous":
        # The site's login page, or the admin's own for the admin family.
        assert "login/" in response["Location"], response["Location"]


@pytest.mark.parametrize(("row", "role", "method"), _cells())
def test_cell(
    row: Row,
    role: str,
    method: str,
    world: World,
    session_cookies: dict[str, str],
    client: Client,
) -> None:
    if role != "anonymous":
        _sign_in(client, role, session_cookies)
    url = _url(row, world)
    before = fingerprint() if method == "GET" else None
    response = _send(client, method, url, row, world)
    _check(response, row.answer(method, role), method, url, role)
    if before is not None:
        assert fingerprint() == before, f"GET {url} as {role} changed the database"


# The signed-in role that asks for the refused methods: the one the view would let do anything.
REFUSED_METHODS_ROLE = "admin"


@pytest.mark.parametrize(
    "row", [pytest.param(row, id=row.id) for row in ROWS if row.refused_methods]
)
def test_methods_the_view_does_not_accept(
    row: Row, world: World, session_cookies: dict[str, str], client: Client
) -> None:
    url = _url(row, world)
    signed_in = Client()
    _sign_in(signed_in, REFUSED_METHODS_ROLE, session_cookies)
    before = fingerprint()
    for method in row.refused_methods:
        response = _send(client, method, url, row, world)
        _check(response, row.answer(method, "anonymous"), method, url, "anonymous")
        response = _send(signed_in, method, url, row, world)
        _check(response, 405, method, url, REFUSED_METHODS_ROLE)
    assert fingerprint() == before, f"{'/'.join(row.refused_methods)} {url} changed the database"


# --- Every pattern is listed ----------------------------------------------------------------


def _patterns(resolver: URLResolver, prefix: str = "", namespace: str = "") -> list[tuple]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace else (entry.namespace or "")
            found += _patterns(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            found.append((prefix + str(entry.pattern), name, namespace, entry.lookup_str))
    return found


def test_every_url_pattern_is_in_the_matrix() -> None:
    listed = {row.url_name for row in ROWS}
    missing = [
        f"{route!r} (name {name!r}, view {view})"
        for route, name, namespace, view in _patterns(get_resolver())
        if namespace.split(":")[0] not in FAMILIES and name not in listed
    ]
    assert not missing, (
        "URL patterns missing from the permission matrix; add a Row for each to ROWS in "
        "tests/security/test_permission_matrix.py: " + "; ".join(missing)
    )


def test_row_ids_are_unique() -> None:
    """Two rows of one URL need different labels, or their cells' ids would collide."""
    ids = [row.id for row in ROWS]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_every_row_has_a_method_its_view_accepts() -> None:
    """A row answering 405 to every method would test no access decision at all."""
    assert [row.id for row in ROWS if not any(row.accepts(m) for m in METHODS)] == []


def test_every_family_has_a_representative() -> None:
    namespaces = {namespace.split(":")[0] for _, _, namespace, _ in _patterns(get_resolver())}
    listed = {row.url_name.split(":")[0] for row in ROWS if ":" in row.url_name}
    assert FAMILIES & namespaces <= listed

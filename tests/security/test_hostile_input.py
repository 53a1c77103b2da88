"""Hostile input at every form and HTMX endpoint that writes.

Hypothesis throws nasty values at each endpoint's fields (huge and tiny numbers, NaN, infinities,
exponents, Korean, right-to-left and control characters, NUL, 10,000-character strings, markup,
spreadsheet formulas, SQL-looking text), leaves fields out, sends them twice, and points the URL at
ids that do not exist or belong to somebody else's private objective. Whatever comes in:

- the answer is never a 500 (the test client re-raises a view's exception, which fails the test);
- a 4xx carries a message, and the database is exactly as it was (fingerprint of every table);
- a 2xx/3xx only when the input is valid: each endpoint names the inputs that must be refused.

Each example runs in a savepoint that is rolled back, so examples do not see each other's writes.
EXAMPLES below is the per-endpoint budget: a fifth of the Hypothesis profile's max_examples (20 in
the default "ci" profile, the same examples every run; tests/conftest.py), or OKR_HOSTILE_EXAMPLES.
"""

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checkins.services import record_checkin
from initiatives.models import Initiative
from objectives.models import Cycle, KeyResult, Membership, Objective, Team, User
from tests.factories import CycleFactory, InitiativeFactory, KeyResultFactory, ObjectiveFactory
from tests.security.db_state import fingerprint

pytestmark = pytest.mark.django_db

# Per endpoint; OKR_HOSTILE_EXAMPLES=500 (or HYPOTHESIS_PROFILE=deep) for a deeper run than the
# suite's.
EXAMPLES = int(os.environ.get("OKR_HOSTILE_EXAMPLES") or settings().max_examples // 5)

# --- The nasty values ------------------------------------------------------------------------

# Never a storable number, wherever a number is required.
BAD_NUMBERS = [
    "NaN",
    "nan",
    "-NaN",
    "sNaN",
    "Infinity",
    "-Infinity",
    "inf",
    "1e999",
    "-1e999",
    "1e99999999999999999999",
    "1e999999999999999999",  # parses, then traps decimal.Overflow in any arithmetic
    "-1e999999999999999999",
    "9" * 40,
    "-" + "9" * 40,
    "1,000",
    "12abc",
    "0x10",
    "²",
    "½",
    "abc",
    "--1",
    "1e",
    ".",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "=1+1",
]
# Numbers that may or may not be acceptable (a rule, not the type, decides).
ODD_NUMBERS = [
    "0",
    "-0",
    "0.0",
    "1e3",
    "1E-2",
    "1e-999",
    "1e-999999999999",
    "0.000001",
    "1e12",
    "1000000000001",
    " 12 ",
    "١٢٣",
    "１２",
    "-3",
    "12.5",
    "3",
    "5",
    "6",
    "1",
]
HUGE_TEXT = "x" * 10_000
TEXTS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x07\x08\x1b[31mred\x1b[0m",
    "\r\n\t",
    "목표: 3분기 매출 두 배",
    "\u202eevil\u202c",
    "مرحبا بالعالم",
    "🎯" * 50,
    HUGE_TEXT,
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil","x")',
    "+1+1",
    "-1+1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "'; DROP TABLE objectives_objective; --",
    "1' OR '1'='1",
    "{{ 7|add:7 }}{% debug %}",
    "%s%s%n",
    "../../etc/passwd",
]
IDS = ["0", "-1", "999999999", "9" * 30, "1.5", "1e3", "²", "١", "abc", "", " 1"]

text_values = st.one_of(
    st.sampled_from(TEXTS),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=60),
)
any_value = st.one_of(
    st.sampled_from(BAD_NUMBERS),
    st.sampled_from(ODD_NUMBERS),
    text_values,
    st.sampled_from(IDS),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)

MISSING = object()


# --- The world -------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User]
    cycle: Cycle  # active
    planning: Cycle
    grading: Cycle
    product: Team
    squad: Team
    team_objective: Objective
    key_result: KeyResult  # owner's, in product's objective, active cycle
    graded_objective: Objective  # owner's own, in the grading cycle
    graded_kr: KeyResult
    foreign_objective: Objective  # the stranger's private objective
    foreign_kr: KeyResult
    teammate_membership: Membership
    extra: dict = field(default_factory=dict)

    def ids(self) -> list[str]:
        """Ids of other people's (and everybody's) things, for id fields."""
        return [
            str(self.foreign_objective.pk),
            str(self.foreign_kr.pk),
            str(self.users["stranger"].pk),
            str(self.grading.pk),
            str(self.squad.pk),
        ]


@pytest.fixture
def world(
    cycle, product, squad, sales, team_objective, key_result, owner, teammate, manager, stranger,
    other_manager, viewer, admin,
) -> World:  # fmt: skip
    planning = CycleFactory(name="Next", state=Cycle.State.PLANNING, start_date=date(2031, 1, 1))
    grading = CycleFactory(
        name="Last",
        state=Cycle.State.GRADING,
        start_date=date.today() - timedelta(days=120),
        end_date=date.today() - timedelta(days=5),
    )
    graded_objective = ObjectiveFactory(
        cycle=grading, owner_team=None, owner_user=owner, title="Graded"
    )
    graded_kr = KeyResultFactory(
        objective=graded_objective, owner=owner, start_value=Decimal(0), target_value=Decimal(10)
    )
    foreign = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=stranger,
        title="Stranger's secret",
        visibility=Objective.Visibility.PRIVATE,
    )
    foreign_kr = KeyResultFactory(objective=foreign, owner=stranger, target_value=Decimal(9))
    record_checkin(actor=owner, key_result=key_result, value=Decimal(30), confidence=4)
    return World(
        users={
            "owner": owner,
            "teammate": teammate,
            "manager": manager,
            "stranger": stranger,
            "viewer": viewer,
            "admin": admin,
        },
        cycle=cycle,
        planning=planning,
        grading=grading,
        product=product,
        squad=squad,
        team_objective=team_objective,
        key_result=key_result,
        graded_objective=graded_objective,
        graded_kr=graded_kr,
        foreign_objective=foreign,
        foreign_kr=foreign_kr,
        teammate_membership=Membership.objects.get(user=teammate, team=product),
    )


# --- What each endpoint must refuse -----------------------------------------------------------


def _last(value: object) -> object:
    return value[-1] if isinstance(value, list) else value


def blank(value: object) -> bool:
    value = _last(value)
    return value is MISSING or not str(value).strip()


def bad_number(value: object) -> bool:
    value = _last(value)
    return value is MISSING or str(value) in BAD_NUMBERS or not str(value).strip()


def bad_optional_number(value: object) -> bool:
    value = _last(value)
    return value is not MISSING and str(value) in BAD_NUMBERS


def has_nul(value: object) -> bool:
    value = _last(value)
    return value is not MISSING and "\x00" in str(value)


def longer_than(value: object, limit: int) -> bool:
    value = _last(value)
    return value is not MISSING and len(str(value).strip()) > limit


def not_one_of(value: object, choices: set[str]) -> bool:
    value = _last(value)
    return value is MISSING or str(value) not in choices


Rule = Callable[[dict], bool]


@dataclass(frozen=True)
class Endpoint:
    name: str
    actor: str
    url: Callable[[World], str]
    fields: Callable[[World], dict[str, str]]  # a valid submission
    must_refuse: Rule = lambda data: False  # given the fields actually sent
    foreign_url: Callable[[World], str] | None = None  # someone else's object: 403/404
    upload: bool = False

    def __str__(self) -> str:
        return self.name


def texts_with_nul(*names: str) -> Rule:
    return lambda d: any(has_nul(d.get(n, MISSING)) for n in names)


def any_of(*rules: Rule) -> Rule:
    return lambda d: any(rule(d) for rule in rules)


CONFIDENCES = {"1", "2", "3", "4", "5"}
KR_KINDS = {"metric", "at_least", "at_most", "milestone"}


def _kr_fields(world: World, prefix: str = "") -> dict[str, str]:
    return {
        f"{prefix}title": "Reach 40 paying customers",
        f"{prefix}owner": "owner",
        f"{prefix}kind": "metric",
        f"{prefix}unit": "customers",
        f"{prefix}start_value": "0",
        f"{prefix}target_value": "40",
        f"{prefix}weight": "1",
    }


def _kr_rules(prefix: str = "") -> Rule:
    return any_of(
        lambda d: bad_number(d.get(f"{prefix}target_value", MISSING)),
        lambda d: bad_optional_number(d.get(f"{prefix}start_value", MISSING)),
        lambda d: bad_optional_number(d.get(f"{prefix}weight", MISSING)),
        lambda d: blank(d.get(f"{prefix}title", MISSING)),
        lambda d: longer_than(d.get(f"{prefix}title", MISSING), 200),
        lambda d: not_one_of(d.get(f"{prefix}kind", MISSING), KR_KINDS),
        texts_with_nul(f"{prefix}title", f"{prefix}unit", f"{prefix}owner"),
    )


def _objective_fields(world: World) -> dict[str, str]:
    return {
        "cycle": str(world.cycle.pk),
        "title": "Customers love onboarding",
        "description": "Why it matters",
        "owner_kind": "person",
        "owner_user": "owner",
        "objective_type": "aspirational",
        "visibility": "public",
        "parent": "",
    }


_objective_rules = any_of(
    lambda d: blank(d.get("title", MISSING)),
    lambda d: longer_than(d.get("title", MISSING), 200),
    lambda d: not_one_of(d.get("objective_type", MISSING), {"aspirational", "committed"}),
    lambda d: not_one_of(d.get("visibility", MISSING), {"public", "private"}),
    lambda d: not_one_of(d.get("owner_kind", MISSING), {"person", "team"}),
    texts_with_nul("title", "description", "owner_user"),
)


def _reflection_fields(world: World) -> dict[str, str]:
    return {
        "what_worked": "Pairing",
        "what_did_not": "Scope",
        "root_cause": "Late start",
        "decision": "keep",
    }


ENDPOINTS = [
    Endpoint(
        "check_in",
        "owner",
        lambda w: reverse("check_in", args=[w.key_result.pk]),
        lambda w: {"value": "42", "confidence": "4", "what_changed": "Shipped", "blockers": ""},
        any_of(
            lambda d: bad_number(d.get("value", MISSING)),
            lambda d: not_one_of(d.get("confidence", MISSING), CONFIDENCES),
            texts_with_nul("what_changed", "blockers"),
        ),
        foreign_url=lambda w: reverse("check_in", args=[w.foreign_kr.pk]),
    ),
    Endpoint(
        "objective_new",
        "owner",
        lambda w: reverse("objective_new"),
        lambda w: {**_objective_fields(w), "kr_rows": "1", **_kr_fields(w, "kr-0-")},
        any_of(_objective_rules, lambda d: blank(d.get("cycle", MISSING))),
    ),
    Endpoint(
        "objective_edit",
        "manager",
        lambda w: reverse("objective_edit", args=[w.team_objective.pk]),
        lambda w: {
            **_objective_fields(w),
            "owner_kind": "team",
            "owner_team": str(w.product.pk),
            "owner_user": "",
            "version": str(Objective.objects.get(pk=w.team_objective.pk).version),
        },
        _objective_rules,
        foreign_url=lambda w: reverse("objective_edit", args=[w.foreign_objective.pk]),
    ),
    Endpoint(
        "key_result_new",
        "manager",
        lambda w: reverse("key_result_new", args=[w.team_objective.pk]),
        _kr_fields,
        any_of(_kr_rules(), lambda d: blank(d.get("owner", MISSING))),
        foreign_url=lambda w: reverse("key_result_new", args=[w.foreign_objective.pk]),
    ),
    Endpoint(
        "key_result_edit",
        "manager",
        lambda w: reverse("key_result_edit", args=[w.key_result.pk]),
        lambda w: {
            **_kr_fields(w),
            "version": str(KeyResult.objects.get(pk=w.key_result.pk).version),
        },
        _kr_rules(),
        foreign_url=lambda w: reverse("key_result_edit", args=[w.foreign_kr.pk]),
    ),
    Endpoint(
        "key_result_move",
        "manager",
        lambda w: reverse("key_result_move", args=[w.key_result.pk]),
        lambda w: {"direction": "down"},
        lambda d: not_one_of(d.get("direction", MISSING), {"up", "down"}),
        foreign_url=lambda w: reverse("key_result_move", args=[w.foreign_kr.pk]),
    ),
    Endpoint(
        "key_result_archive",
        "manager",
        lambda w: reverse("key_result_archive", args=[w.key_result.pk]),
        lambda w: {},
        foreign_url=lambda w: reverse("key_result_archive", args=[w.foreign_kr.pk]),
    ),
    Endpoint(
        "objective_archive",
        "manager",
        lambda w: reverse("objective_archive", args=[w.team_objective.pk]),
        lambda w: {},
        foreign_url=lambda w: reverse("objective_archive", args=[w.foreign_objective.pk]),
    ),
    Endpoint(
        "grade_key_result",
        "owner",
        lambda w: reverse("grade_key_result", args=[w.graded_kr.pk]),
        lambda w: {"grade": "0.6", "note": "Most of the way"},
        any_of(
            lambda d: bad_number(d.get("grade", MISSING)),
            lambda d: blank(d.get("note", MISSING)),
            texts_with_nul("note"),
        ),
        foreign_url=lambda w: reverse("grade_key_result", args=[w.foreign_kr.pk]),
    ),
    Endpoint(
        "objective_reflection",
        "owner",
        lambda w: reverse("objective_reflection", args=[w.graded_objective.pk]),
        _reflection_fields,
        any_of(
            lambda d: not_one_of(d.get("decision", MISSING), {"keep", "change", "drop"}),
            texts_with_nul("what_worked", "what_did_not", "root_cause"),
        ),
        foreign_url=lambda w: reverse("objective_reflection", args=[w.foreign_objective.pk]),
    ),
    Endpoint(
        "carry_over",
        "owner",
        lambda w: reverse("carry_over"),
        lambda w: {
            "cycle": str(w.grading.pk),
            "objectives": str(w.graded_objective.pk),
            "into": str(w.planning.pk),
        },
        any_of(
            lambda d: blank(d.get("cycle", MISSING)),
            lambda d: blank(d.get("objectives", MISSING)),
            lambda d: blank(d.get("into", MISSING)),
        ),
    ),
    Endpoint(
        "cycle_new",
        "admin",
        lambda w: reverse("cycle_new"),
        lambda w: {"year": "2032", "period": "2", "name": "", "start_date": "", "end_date": ""},
        any_of(
            lambda d: blank(d.get("year", MISSING)) or bad_number(d.get("year", MISSING)),
            lambda d: blank(d.get("period", MISSING)),
            texts_with_nul("name", "start_date", "end_date"),
        ),
    ),
    Endpoint(
        "cycle_edit",
        "admin",
        lambda w: reverse("cycle_edit", args=[w.planning.pk]),
        lambda w: {
            "name": "Next quarter",
            "start_date": w.planning.start_date.isoformat(),
            "end_date": w.planning.end_date.isoformat(),
        },
        any_of(
            lambda d: blank(d.get("start_date", MISSING)),
            lambda d: blank(d.get("end_date", MISSING)),
            texts_with_nul("name", "start_date", "end_date"),
        ),
    ),
    Endpoint(
        "cycle_transition",
        "admin",
        lambda w: reverse("cycle_transition", args=[w.planning.pk, "active"]),
        # The quarter starts years from now: the admin's confirmation of its dates.
        lambda w: {"from_state": "planning", "confirm": "True"},
        lambda d: not_one_of(d.get("from_state", MISSING), {"planning"}),
    ),
    Endpoint(
        "fiscal_year",
        "admin",
        lambda w: reverse("fiscal_year"),
        lambda w: {"fiscal_year_start_month": "4"},
        lambda d: not_one_of(
            d.get("fiscal_year_start_month", MISSING), set(map(str, range(1, 13)))
        ),
    ),
    Endpoint(
        "person_new",
        "admin",
        lambda w: reverse("person_new"),
        lambda w: {
            "username": "newbie",
            "display_name": "New Bie",
            "email": "newbie@example.com",
            "password": "a long enough passphrase 42",
            "time_zone": "Asia/Seoul",
            "language": "",
            "team": str(w.product.pk),
            "role": "member",
        },
        any_of(
            lambda d: blank(d.get("username", MISSING)),
            lambda d: not_one_of(d.get("role", MISSING), {"member", "manager"}),
            lambda d: blank(d.get("time_zone", MISSING)),
            texts_with_nul("username", "display_name", "email", "time_zone"),
        ),
    ),
    Endpoint(
        "person_edit",
        "admin",
        lambda w: reverse("person_edit", args=[w.users["teammate"].pk]),
        lambda w: {
            "display_name": "Team Mate",
            "email": "teammate@example.com",
            "time_zone": "Europe/Berlin",
            "language": "ko",
        },
        any_of(
            lambda d: blank(d.get("time_zone", MISSING)),
            texts_with_nul("display_name", "email", "time_zone"),
        ),
    ),
    Endpoint(
        "membership_add",
        "admin",
        lambda w: reverse("membership_add", args=[w.users["teammate"].pk]),
        lambda w: {"team": str(w.squad.pk), "role": "manager"},
        any_of(
            lambda d: blank(d.get("team", MISSING)),
            lambda d: not_one_of(d.get("role", MISSING), {"member", "manager"}),
        ),
    ),
    Endpoint(
        "membership_role",
        "admin",
        lambda w: reverse("membership_role", args=[w.teammate_membership.pk]),
        lambda w: {"role": "manager"},
        lambda d: not_one_of(d.get("role", MISSING), {"member", "manager"}),
    ),
    Endpoint(
        "key_result_reassign",
        "manager",
        lambda w: reverse("key_result_reassign", args=[w.key_result.pk]),
        lambda w: {"owner": str(w.users["teammate"].pk)},
        lambda d: blank(d.get("owner", MISSING)),
        foreign_url=lambda w: reverse("key_result_reassign", args=[w.foreign_kr.pk]),
    ),
    Endpoint(
        "team_new",
        "admin",
        lambda w: reverse("team_new"),
        lambda w: {"name": "Growth", "parent": str(w.product.pk)},
        any_of(
            lambda d: blank(d.get("name", MISSING)),
            lambda d: longer_than(d.get("name", MISSING), 120),
            texts_with_nul("name"),
        ),
    ),
    Endpoint(
        "team_detail",
        "admin",
        lambda w: reverse("team_detail", args=[w.squad.pk]),
        lambda w: {"name": "Squad One", "parent": str(w.product.pk)},
        any_of(
            lambda d: blank(d.get("name", MISSING)),
            lambda d: longer_than(d.get("name", MISSING), 120),
            texts_with_nul("name"),
        ),
    ),
    Endpoint(
        "objective_save_template",
        "admin",
        lambda w: reverse("objective_save_template", args=[w.team_objective.pk]),
        lambda w: {"title": "Onboarding", "department": "product"},
        texts_with_nul("title"),
    ),
    Endpoint(
        "reminder_settings",
        "admin",
        lambda w: reverse("reminder_settings"),
        lambda w: {
            "enabled": "on",
            "weekday": "0",
            "local_time": "10:00",
            "nudge_after_days": "2",
            "digest_enabled": "on",
            "digest_weekday": "4",
            "digest_time": "10:00",
        },
        any_of(
            lambda d: not_one_of(d.get("weekday", MISSING), set(map(str, range(7)))),
            lambda d: bad_number(d.get("nudge_after_days", MISSING)),
            lambda d: blank(d.get("local_time", MISSING)),
        ),
    ),
    Endpoint(
        "reminder_test",
        "admin",
        lambda w: reverse("reminder_test"),
        lambda w: {"kind": "reminder"},
        lambda d: not_one_of(d.get("kind", MISSING), {"reminder", "nudge", "digest"}),
    ),
    Endpoint(
        "okr_import",
        "owner",
        lambda w: reverse("okr_import"),
        lambda w: {"cycle": str(w.planning.pk), "file": "CSV"},
        lambda d: blank(d.get("cycle", MISSING)),
        upload=True,
    ),
    Endpoint(
        "okr_import_confirm",
        "owner",
        lambda w: reverse("okr_import"),
        lambda w: {"cycle": str(w.planning.pk), "action": "confirm", "content": "CSV"},
        lambda d: blank(d.get("cycle", MISSING)),
    ),
]

INITIATIVE_STATUSES = {"todo", "in_progress", "blocked", "done"}
_initiative_rules = any_of(
    lambda d: blank(d.get("title", MISSING)),
    lambda d: longer_than(d.get("title", MISSING), 200),
    lambda d: not_one_of(d.get("status", MISSING), INITIATIVE_STATUSES),
    lambda d: not_one_of(d.get("priority", MISSING), {"high", "medium", "low"}),
    texts_with_nul("title", "owner", "link"),
)


def _initiative_fields(world: World) -> dict[str, str]:
    return {
        "title": "Record the onboarding tour",
        "owner": "owner",
        "due_date": (date.today() + timedelta(days=7)).isoformat(),
        "status": "in_progress",
        "priority": "high",
        "link": "https://tracker.example/T-1",
    }


def _initiative(world: World) -> Initiative:
    if "initiative" not in world.extra:
        world.extra["initiative"] = InitiativeFactory(key_result=world.key_result)
        world.extra["foreign_initiative"] = InitiativeFactory(key_result=world.foreign_kr)
    return world.extra["initiative"]


ENDPOINTS += [
    Endpoint(
        "initiative_new",
        "owner",
        lambda w: reverse("initiative_new", args=[w.key_result.pk]),
        _initiative_fields,
        _initiative_rules,
        foreign_url=lambda w: reverse("initiative_new", args=[w.foreign_kr.pk]),
    ),
    Endpoint(
        "initiative_edit",
        "owner",
        lambda w: reverse("initiative_edit", args=[_initiative(w).pk]),
        _initiative_fields,
        _initiative_rules,
        foreign_url=lambda w: reverse(
            "initiative_edit", args=[(_initiative(w), w.extra["foreign_initiative"])[1].pk]
        ),
    ),
    Endpoint(
        "initiative_status",
        "owner",
        lambda w: reverse("initiative_status", args=[_initiative(w).pk]),
        lambda w: {"status": "blocked"},
        lambda d: not_one_of(
            str(_last(d.get("status", MISSING))).strip() if "status" in d else MISSING,
            INITIATIVE_STATUSES,
        ),
        foreign_url=lambda w: reverse(
            "initiative_status", args=[(_initiative(w), w.extra["foreign_initiative"])[1].pk]
        ),
    ),
]

CSV_HEADER = (
    "objective_ref,parent_ref,objective,description,owner_team,owner_user,type,visibility,"
    "key_result,kr_owner,kind,unit,start,target,weight\n"
)


def _csv(cells: list[str]) -> str:
    def quote(cell: str) -> str:
        return '"' + cell.replace('"', '""') + '"'

    return CSV_HEADER + ",".join(quote(c) for c in cells) + "\n"


VALID_CSV_ROW = [
    "A",
    "",
    "Happy customers",
    "",
    "",
    "owner",
    "aspirational",
    "public",
    "Reach 40",
    "owner",
    "metric",
    "",
    "0",
    "40",
    "1",
]


@st.composite
def submissions(draw: st.DrawFn, endpoint: Endpoint, world: World) -> tuple[str, dict, bool]:
    """(url, data, htmx): the valid fields, each kept, replaced, dropped or sent twice."""
    base = endpoint.fields(world)
    data: dict[str, object] = {}
    value_strategy = st.one_of(any_value, st.sampled_from(world.ids()))
    for name, valid in base.items():
        # Mostly kept, so that some examples differ from a valid form in one or two fields.
        action = draw(st.sampled_from(["keep"] * 6 + ["replace", "drop", "twice"]))
        if action == "keep":
            data[name] = valid
        elif action == "replace":
            data[name] = draw(value_strategy)
        elif action == "twice":
            data[name] = [valid, draw(value_strategy)]
    if draw(st.booleans()):
        data[draw(st.sampled_from(["unexpected", "id", "pk", "owner_id", "is_superuser"]))] = draw(
            value_strategy
        )
    url = endpoint.url(world)
    if endpoint.foreign_url and draw(st.integers(0, 9)) == 0:
        url = endpoint.foreign_url(world) + "#foreign"
    htmx = draw(st.booleans())
    if endpoint.name.startswith("okr_import") and data.get("file", data.get("content")):
        cells = [draw(st.one_of(st.just(c), any_value)) for c in VALID_CSV_ROW]
        text = _csv(cells)
        if endpoint.upload:
            data["file"] = SimpleUploadedFile("okrs.csv", text.encode(), "text/csv")
        else:
            data["content"] = text
    return url, data, htmx


MESSAGE_MARKERS = (
    b'class="error"',
    b"form-errors",
    b"errorlist",
    b"refusal",
    b"has-error",
    b"import-errors",
    b'role="alert"',
    b"alert-message",  # a failed HTMX request's message for the page's alert region
)


def _check(
    client: Client, endpoint: Endpoint, url: str, data: dict, htmx: bool, before: str
) -> int:
    """`before` is the database's fingerprint, the same before every example (each one's
    savepoint is rolled back)."""
    foreign = url.endswith("#foreign")
    url = url.removesuffix("#foreign")
    sent = {k: v for k, v in data.items() if v is not MISSING}
    headers = {"HX-Request": "true"} if htmx else {}
    with transaction.atomic():
        response = client.post(url, sent, headers=headers)
        # Only a refusal has to leave the database as it was.
        changed = response.status_code >= 400 and fingerprint() != before
        transaction.set_rollback(True)
    status = response.status_code
    described = f"{endpoint} {url} {sent!r:.600} → {status}"
    assert status < 500, described
    if 400 <= status < 500:
        assert not changed, f"refused but changed the database: {described}"
        body = response.content
        assert status in (403, 404, 405) or any(m in body for m in MESSAGE_MARKERS), (
            f"refused without a message: {described}"
        )
    else:
        assert not foreign, f"someone else's object was accepted: {described}"
        assert not endpoint.must_refuse(data), f"invalid input accepted: {described}"
    return status


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=str)
def test_hostile_input(endpoint: Endpoint, world: World, client: Client) -> None:
    client.force_login(world.users[endpoint.actor])
    endpoint.url(world)  # objects the URL names are made now, outside the savepoints
    # The valid submission itself succeeds: the refusals below are about the input.
    with transaction.atomic():
        url = endpoint.url(world)
        base = endpoint.fields(world)
        if endpoint.upload:
            base["file"] = SimpleUploadedFile("okrs.csv", _csv(VALID_CSV_ROW).encode())
        elif endpoint.name == "okr_import_confirm":
            base["content"] = _csv(VALID_CSV_ROW)
        response = client.post(url, base)
        transaction.set_rollback(True)
    assert response.status_code in (200, 204, 302), (endpoint, response.status_code)

    seen: list[int] = []
    before = fingerprint()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(st.data())
    def run(data: st.DataObject) -> None:
        url, fields, htmx = data.draw(submissions(endpoint, world))
        seen.append(_check(client, endpoint, url, fields, htmx, before))

    run()
    assert len(seen) >= EXAMPLES // 2
    refused = sum(status >= 400 for status in seen)
    print(f"\n{endpoint}: {len(seen)} hostile examples, {refused} refused")


# --- Hostile query strings on the pages and HTMX fragments that read ---------------------------

QUERY_KEYS = [
    "cycle", "page", "sort", "per_page", "q", "owner", "status", "confidence", "kind", "level",
    "stale", "team", "objective", "parent", "parent_q", "template", "department", "title",
    "start_value", "target_value", "weight", "owner_kind", "owner_team", "context", "next",
    "initiatives-owner", "initiatives-status", "initiatives-priority", "show_done",
]  # fmt: skip

READ_ENDPOINTS = [
    ("my_week", "owner", lambda w: reverse("my_week")),
    ("my_week_row", "owner", lambda w: reverse("my_week_row", args=[w.key_result.pk])),
    ("team_dashboard", "manager", lambda w: reverse("team_dashboard", args=["product"])),
    ("team_initiatives", "manager", lambda w: reverse("team_initiatives", args=["product"])),
    ("company", "owner", lambda w: reverse("company")),
    (
        "objective_children",
        "owner",
        lambda w: reverse("objective_children", args=[w.team_objective.pk]),
    ),
    ("key_result", "owner", lambda w: reverse("key_result", args=[w.key_result.pk])),
    ("objective", "owner", lambda w: reverse("objective", args=[w.team_objective.pk])),
    ("check_in", "owner", lambda w: reverse("check_in", args=[w.key_result.pk])),
    ("plan", "owner", lambda w: reverse("plan")),
    ("objective_new", "owner", lambda w: reverse("objective_new")),
    ("objective_edit", "manager", lambda w: reverse("objective_edit", args=[w.team_objective.pk])),
    ("key_result_new", "manager", lambda w: reverse("key_result_new", args=[w.team_objective.pk])),
    ("alignment_picker", "owner", lambda w: reverse("alignment_picker")),
    ("objective_hints", "owner", lambda w: reverse("objective_hints")),
    ("key_result_hints", "owner", lambda w: reverse("key_result_hints")),
    ("template_library", "owner", lambda w: reverse("template_library")),
    ("okr_export_csv", "owner", lambda w: reverse("okr_export_csv")),
    ("okr_import", "owner", lambda w: reverse("okr_import")),
    ("grading", "owner", lambda w: reverse("grading")),
    ("carry_over", "owner", lambda w: reverse("carry_over")),
    ("cycle_report", "owner", lambda w: reverse("cycle_report")),
    ("cycle_report_csv", "owner", lambda w: reverse("cycle_report_csv")),
    ("cycle_list", "owner", lambda w: reverse("cycle_list")),
    ("initiative_list", "owner", lambda w: reverse("initiative_list", args=[w.key_result.pk])),
    ("my_initiatives", "owner", lambda w: reverse("my_initiatives")),
    ("reminder_deliveries", "admin", lambda w: reverse("reminder_deliveries")),
    ("audit_events", "admin", lambda w: reverse("audit_events")),
    (
        "audit_objective_history",
        "owner",
        lambda w: reverse("audit_objective_history", args=[w.team_objective.pk]),
    ),
]
READ_EXAMPLES = EXAMPLES


@pytest.mark.parametrize(
    ("name", "actor", "url"), READ_ENDPOINTS, ids=[name for name, _, _ in READ_ENDPOINTS]
)
def test_hostile_query_strings_never_500_nor_write(name, actor, url, world: World, client):
    client.force_login(world.users[actor])
    path = url(world)
    before = fingerprint()
    seen: list[int] = []

    @settings(
        max_examples=READ_EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=None,
    )
    @given(
        query=st.lists(
            st.tuples(
                st.sampled_from(QUERY_KEYS), st.one_of(any_value, st.sampled_from(world.ids()))
            ),
            max_size=4,
        ),
        htmx=st.booleans(),
    )
    def run(query: list[tuple[str, str]], htmx: bool) -> None:
        headers = {"HX-Request": "true"} if htmx else {}
        with transaction.atomic():
            response = client.get(path, dict_of_lists(query), headers=headers)
            changed = fingerprint() != before
            transaction.set_rollback(True)
        assert response.status_code < 500, (path, query)
        assert not changed, f"GET {path} {query!r:.300} changed the database"
        seen.append(response.status_code)

    run()
    print(f"\nGET {path}: {len(seen)} hostile query strings")


def dict_of_lists(pairs: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Repeated keys stay repeated (?status=a&status=b), as a browser can send them."""
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value.replace("\x00", ""))
    return out


# --- Numbers past the decimal context's range ---------------------------------------------------
# Decimal("1e999999999999999999") parses, but any arithmetic on it (abs(), quantize, normalize)
# traps decimal.Overflow: these were 500s on every plan form, the live hints and the CSV import.

OVERFLOWING = ["1e999999999999999999", "-1e999999999999999999", "1e-999999999999"]
NUMBER_FIELDS = ["start_value", "target_value", "weight"]


def _refused_with_message(response) -> None:
    assert response.status_code == 422, response.status_code
    assert any(m in response.content for m in MESSAGE_MARKERS)


@pytest.mark.parametrize("number", OVERFLOWING)
@pytest.mark.parametrize("name", NUMBER_FIELDS)
def test_overflowing_numbers_on_the_plan_forms_are_refused(
    number, name, world: World, client: Client
):
    client.force_login(world.users["manager"])
    before = fingerprint()
    new_objective = {**_objective_fields(world), "kr_rows": "1", **_kr_fields(world, "kr-0-")}
    new_objective[f"kr-0-{name}"] = number
    _refused_with_message(client.post(reverse("objective_new"), new_objective))
    new_kr = {**_kr_fields(world), name: number}
    url = reverse("key_result_new", args=[world.team_objective.pk])
    _refused_with_message(client.post(url, new_kr))
    edit = {**new_kr, "version": str(world.key_result.version)}
    url = reverse("key_result_edit", args=[world.key_result.pk])
    _refused_with_message(client.post(url, edit))
    assert fingerprint() == before


@pytest.mark.parametrize("number", OVERFLOWING)
@pytest.mark.parametrize("name", NUMBER_FIELDS)
def test_overflowing_numbers_in_the_live_hints_are_answered(
    number, name, world: World, client: Client
):
    client.force_login(world.users["owner"])
    headers = {"HX-Request": "true"}
    response = client.get(
        reverse("key_result_hints"), {**_kr_fields(world), name: number}, headers=headers
    )
    assert response.status_code == 200
    assert b"decimals" in response.content or b"1,000,000,000,000" in response.content
    query = {**_objective_fields(world), "kr_rows": "1", **_kr_fields(world, "kr-0-")}
    query[f"kr-0-{name}"] = number
    response = client.get(reverse("objective_hints"), query, headers=headers)
    assert response.status_code == 200


@pytest.mark.parametrize("number", OVERFLOWING)
@pytest.mark.parametrize("column", [13, 14, 15])  # start, target, weight (1-based)
def test_overflowing_numbers_in_a_csv_import_are_reported(
    number, column, world: World, client: Client
):
    client.force_login(world.users["owner"])
    row = list(VALID_CSV_ROW)
    row[column - 1] = number
    text = _csv(row)
    before = fingerprint()
    upload = SimpleUploadedFile("okrs.csv", text.encode(), "text/csv")
    dry_run = client.post(reverse("okr_import"), {"cycle": world.planning.pk, "file": upload})
    _refused_with_message(dry_run)
    confirm = client.post(
        reverse("okr_import"),
        {"cycle": world.planning.pk, "action": "confirm", "content": text},
    )
    _refused_with_message(confirm)
    assert fingerprint() == before


@pytest.mark.parametrize("number", OVERFLOWING)
def test_overflowing_check_in_values_are_refused(number, world: World, client: Client):
    client.force_login(world.users["owner"])
    before = fingerprint()
    response = client.post(
        reverse("check_in", args=[world.key_result.pk]),
        {"value": number, "confidence": "4"},
        headers={"HX-Request": "true"},
    )
    _refused_with_message(response)
    assert fingerprint() == before


# --- Malformed headers, odd charsets, and our own error pages --------------------------------

MALFORMED_URLS = ["http://[::1", "http://[::1/plan/", "http://testserver:99999999/", "::::"]


@pytest.mark.parametrize("current_url", MALFORMED_URLS)
def test_a_malformed_hx_current_url_is_ignored(current_url, world: World, client: Client):
    """django-htmx's current_url_abs_path raises ValueError on "http://[::1" (a 500)."""
    client.force_login(world.users["owner"])
    headers = {"HX-Request": "true", "HX-Current-URL": current_url}
    kr = world.key_result
    for url in (
        reverse("my_week"),
        reverse("initiative_list", args=[kr.pk]),
        reverse("initiative_new", args=[kr.pk]),
        reverse("check_in", args=[kr.pk]),
        reverse("plan"),
        reverse("key_result", args=[kr.pk]),
    ):
        assert client.get(url, headers=headers).status_code == 200, url
    before = fingerprint()
    response = client.post(reverse("initiative_new", args=[kr.pk]), {"title": ""}, headers=headers)
    assert response.status_code == 422
    assert fingerprint() == before


def _csrf_client(user: User) -> tuple[Client, str]:
    """A client that checks CSRF as a browser's requests are checked, and its token."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("my_week"))
    return client, client.cookies["csrftoken"].value


@pytest.mark.parametrize("htmx", [False, True])
def test_a_utf16_form_body_gets_our_400_page(htmx, world: World):
    """Django refuses a non-UTF-8 form body with BadRequest; its default 400 view then reads the
    body again (for the CSRF check) and fails, which left a bare-text 500."""
    client, token = _csrf_client(world.users["owner"])
    headers = {"X-CSRFToken": token, **({"HX-Request": "true"} if htmx else {})}
    before = fingerprint()
    response = client.post(
        reverse("check_in", args=[world.key_result.pk]),
        "value=42&confidence=4",
        content_type="application/x-www-form-urlencoded; charset=utf-16",
        headers=headers,
    )
    assert response.status_code == 400
    assert fingerprint() == before
    assert "script-src" in response["Content-Security-Policy"]
    html = response.content.decode()
    if htmx:
        assert "<html" not in html
        assert response["HX-Retarget"] == "#alert-region"
        assert "could not be read" in html
    else:
        assert "could not be read" in html
        assert 'href="/static/css/app.css"' in html


@pytest.mark.urls("tests.okr_site.error_urls")
def test_our_500_page_is_answered_for_an_unexpected_failure(client: Client, owner):
    client.force_login(owner)
    client.raise_request_exception = False
    response = client.get("/test-errors/crash/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong on our side" in html
    assert 'href="/static/css/app.css"' in html
    assert "script-src" in response["Content-Security-Policy"]


@pytest.mark.urls("tests.okr_site.error_urls")
def test_our_400_page_is_answered_for_a_bad_request(client: Client, owner):
    client.force_login(owner)
    response = client.get("/test-errors/bad/")
    assert response.status_code == 400
    html = response.content.decode()
    assert "could not be read" in html
    assert 'href="/static/css/app.css"' in html
    assert "script-src" in response["Content-Security-Policy"]


# --- Text-direction controls in titles and names -----------------------------------------------

DIRECTION_TRICKS = ["Grow \u202eeunever\u202c fast", "\u2067Ship it", "Plan\u202a"]
DIRECTION_MESSAGE = b"change the direction of the text"


def _title_posts(world: World) -> list[tuple[str, str, Callable[[str], dict]]]:
    """(actor, url, data with the title) for every form that names something."""
    kr = world.key_result
    return [
        (
            "owner",
            reverse("objective_new"),
            lambda t: {**_objective_fields(world), "title": t, "kr_rows": "1"},
        ),
        (
            "manager",
            reverse("objective_edit", args=[world.team_objective.pk]),
            lambda t: {
                **_objective_fields(world),
                "title": t,
                "owner_kind": "team",
                "owner_team": str(world.product.pk),
                "version": str(world.team_objective.version),
            },
        ),
        (
            "manager",
            reverse("key_result_new", args=[world.team_objective.pk]),
            lambda t: {**_kr_fields(world), "title": t},
        ),
        (
            "owner",
            reverse("objective_new"),
            lambda t: {
                **_objective_fields(world),
                "kr_rows": "1",
                **_kr_fields(world, "kr-0-"),
                "kr-0-title": t,
            },
        ),
        (
            "owner",
            reverse("initiative_new", args=[kr.pk]),
            lambda t: {**_initiative_fields(world), "title": t},
        ),
        (
            "admin",
            reverse("objective_save_template", args=[world.team_objective.pk]),
            lambda t: {"title": t, "department": "product"},
        ),
        ("admin", reverse("team_new"), lambda t: {"name": t, "parent": str(world.product.pk)}),
        (
            "admin",
            reverse("cycle_new"),
            lambda t: {"year": "2032", "period": "2", "name": t, "start_date": "", "end_date": ""},
        ),
    ]


@pytest.mark.parametrize("title", DIRECTION_TRICKS)
def test_direction_controls_are_refused_in_titles_and_names(title, world: World, client: Client):
    for actor, url, data in _title_posts(world):
        client.force_login(world.users[actor])
        before = fingerprint()
        response = client.post(url, data(title))
        assert response.status_code == 422, (url, response.status_code)
        assert DIRECTION_MESSAGE in response.content, url
        assert fingerprint() == before, url


def test_direction_marks_in_mixed_text_stay_allowed(world: World, client: Client):
    client.force_login(world.users["owner"])
    data = {**_objective_fields(world), "title": "Launch in \u200fمصر\u200f and Korea"}
    response = client.post(reverse("objective_new"), {**data, "kr_rows": "1"})
    assert response.status_code == 302

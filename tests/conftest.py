"""Standing cast for every test: an organisation where each role has a face.

acme (company root)
├── product: manager (manager), owner and teammate (members)
│   └── squad (a sub-team of product)
└── sales: other_manager (manager), stranger (member)
viewer: a read-only member of product (User.is_viewer).
admin: a superuser in no team.
"""

import os
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from objectives.models import Cycle, KeyResult, Membership, Objective, Team, User
from tests.factories import (
    CycleFactory,
    KeyResultFactory,
    MembershipFactory,
    ObjectiveFactory,
    RootTeamFactory,
    TeamFactory,
    UserFactory,
)

# Hypothesis profiles, chosen by HYPOTHESIS_PROFILE (pytest's --hypothesis-profile still wins):
# - ci, the default: the same examples on every run (derandomize: seeded from each test's
#   code), no deadline (a loaded machine is not a slow function) and no example database, so a
#   run fails only when the code changed, never by the luck of the draw;
# - dev: fresh random examples on every run, failures remembered in .hypothesis/ and replayed;
# - deep: ten times the examples, random, for a hunt before a release.
# tests/security/test_hostile_input.py spends a fifth of max_examples per endpoint (each example
# renders a whole page); OKR_HOSTILE_EXAMPLES overrides that count in any profile.
hypothesis_settings.register_profile(
    "ci",
    max_examples=100,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile("dev", max_examples=100, deadline=None)
hypothesis_settings.register_profile(
    "deep", max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(autouse=True)
def _english_between_tests():
    """Each test starts in the site's language. A request by a Korean user activates Korean on
    the thread (objectives/organisation/middleware.py) and nothing turns it back within a test
    run, so a test that follows would otherwise read its messages in Korean."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def company(db) -> Team:
    return RootTeamFactory()


@pytest.fixture
def product(company: Team) -> Team:
    return TeamFactory(name="Product", slug="product", parent=company)


@pytest.fixture
def squad(product: Team) -> Team:
    return TeamFactory(name="Squad", slug="squad", parent=product)


@pytest.fixture
def sales(company: Team) -> Team:
    return TeamFactory(name="Sales", slug="sales", parent=company)


def _member(username: str, team: Team, role: str = Membership.Role.MEMBER) -> User:
    user = UserFactory(username=username, display_name=username.title())
    MembershipFactory(user=user, team=team, role=role)
    return user


@pytest.fixture
def owner(product: Team) -> User:
    return _member("owner", product)


@pytest.fixture
def teammate(product: Team) -> User:
    return _member("teammate", product)


@pytest.fixture
def manager(product: Team) -> User:
    return _member("manager", product, Membership.Role.MANAGER)


@pytest.fixture
def stranger(sales: Team) -> User:
    return _member("stranger", sales)


@pytest.fixture
def other_manager(sales: Team) -> User:
    return _member("other_manager", sales, Membership.Role.MANAGER)


@pytest.fixture
def viewer(product: Team) -> User:
    """A read-only seat in product: reads what a member reads, changes nothing."""
    user = _member("viewer", product)
    user.is_viewer = True
    user.save(update_fields=["is_viewer"])
    return user


@pytest.fixture
def admin(db) -> User:
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


@pytest.fixture
def cycle(db) -> Cycle:
    return CycleFactory(name="2026 Q4")


@pytest.fixture
def team_objective(cycle: Cycle, product: Team) -> Objective:
    return ObjectiveFactory(cycle=cycle, owner_team=product, title="Make onboarding effortless")


@pytest.fixture
def key_result(team_objective: Objective, owner: User) -> KeyResult:
    return KeyResultFactory(
        objective=team_objective,
        owner=owner,
        title="Raise activation from 20% to 60%",
        unit="%",
        start_value=Decimal(20),
        target_value=Decimal(60),
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The tests marked slow go first. They mostly wait on real processes (a worker left running
    for over a minute), so started first, on one xdist worker, they overlap the rest of the suite
    instead of holding the run open at its end after the other workers have finished."""
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)

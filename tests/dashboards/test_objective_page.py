"""The objective page: key results, parent chain, aligned children, progress and status."""

from decimal import Decimal

import pytest
from django.urls import reverse

from checkins.services import record_checkin
from objectives.models import Objective
from tests.factories import KeyResultFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def chain(company, product, squad, cycle, owner, manager, key_result, team_objective):
    """company goal ← team_objective (the key result at 0.5) ← squad goal and a private one."""
    company_goal = ObjectiveFactory(cycle=cycle, owner_team=company, title="Win the market")
    team_objective.parent = company_goal
    team_objective.save(update_fields=["parent"])
    record_checkin(actor=owner, key_result=key_result, value=D(40), confidence=2, blockers="x")
    squad_goal = ObjectiveFactory(
        cycle=cycle, owner_team=squad, title="Squad helps", parent=team_objective
    )
    done = KeyResultFactory(objective=squad_goal, owner=manager, title="Squad measure")
    record_checkin(actor=manager, key_result=done, value=D(100), confidence=5)
    private = ObjectiveFactory(
        cycle=cycle,
        owner_team=None,
        owner_user=owner,
        title="My private ambition",
        parent=team_objective,
        visibility=Objective.Visibility.PRIVATE,
    )
    return {
        "company": company_goal,
        "team": team_objective,
        "squad": squad_goal,
        "private": private,
    }


def _url(objective) -> str:
    return reverse("objective", args=[objective.pk])


@pytest.mark.parametrize(
    "who", ["owner", "teammate", "manager", "stranger", "other_manager", "admin"]
)
def test_everyone_reads_a_public_objective(client, request, chain, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(chain["team"])).status_code == 200


def test_it_shows_its_key_results_chain_and_children(client, stranger, chain, key_result):
    client.force_login(stranger)
    response = client.get(_url(chain["team"]))
    page = response.context["page"]
    html = response.content.decode()
    assert [o.title for o in page.ancestors] == ["Win the market"]
    assert [row.key_result.title for row in page.rows] == ["Raise activation from 20% to 60%"]
    assert page.progress == D("0.5")
    assert page.status.status == "behind"  # confidence 2/5
    assert 'data-testid="objective-progress">0.50<' in html
    assert [node.objective.title for node in page.children] == ["Squad helps"]
    assert page.children[0].progress == D(1)
    assert "My private ambition" not in html
    assert f'href="{reverse("key_result", args=[key_result.pk])}"' in html
    assert f'href="{_url(chain["company"])}"' in html


def test_an_objective_without_key_results_takes_its_childrens_progress(client, stranger, chain):
    client.force_login(stranger)
    page = client.get(_url(chain["company"])).context["page"]
    assert page.rows == [] and page.status is None
    assert page.progress == D("0.5")


def test_the_owner_sees_their_private_child_and_its_page(client, owner, stranger, chain):
    client.force_login(owner)
    html = client.get(_url(chain["team"])).content.decode()
    assert "My private ambition" in html
    assert client.get(_url(chain["private"])).status_code == 200
    client.force_login(stranger)
    assert client.get(_url(chain["private"])).status_code == 404


def test_a_hidden_parent_ends_the_chain_without_a_trace(client, stranger, owner, cycle, chain):
    below_private = ObjectiveFactory(
        cycle=cycle,
        owner_user=owner,
        owner_team=None,
        title="Public child",
        parent=chain["private"],
    )
    client.force_login(stranger)
    response = client.get(_url(below_private))
    assert response.status_code == 200
    assert response.context["page"].ancestors == []
    assert "My private ambition" not in response.content.decode()


def test_unknown_objective_is_404(client, owner):
    client.force_login(owner)
    assert client.get(reverse("objective", args=[999999])).status_code == 404


# Session, user, the objective, the manager's managed teams (2: the permission check and the
# visible objectives share them), the chain above it (ids), the visible objectives around it,
# their key results, its History (the audit trail, one query) and the header's cycle switcher.
PAGE_QUERIES = 10


@pytest.mark.parametrize("size", [5, 50])
def test_the_page_runs_a_fixed_number_of_queries(
    client, manager, product, team_objective, size, django_assert_num_queries
):
    cycle = team_objective.cycle
    for n in range(size):
        child = ObjectiveFactory(
            cycle=cycle, owner_team=product, title=f"Child {n}", parent=team_objective
        )
        KeyResultFactory(objective=child, owner=manager)
        KeyResultFactory(objective=team_objective, owner=manager)
    client.force_login(manager)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(_url(team_objective))
    assert len(response.context["page"].children) == size
    assert len(response.context["page"].rows) == size

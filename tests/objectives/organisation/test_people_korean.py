"""People & teams in Korean, and names in a sensible order whatever the language they are
written in: case-insensitive, Latin before Hangul, Hangul in 가나다 order, the same on SQLite and
PostgreSQL (whose own order depends on the database's collation; with C it puts "Zoe" before
"bob")."""

import unicodedata

import pytest
from django.urls import reverse

from objectives.models import Membership, User
from objectives.organisation import selectors as people_selectors
from objectives.organisation.sorting import name_key, person_key
from tests.factories import (
    MembershipFactory,
    RootTeamFactory,
    TeamFactory,
    UserFactory,
    speaking_korean,
)

pytestmark = pytest.mark.django_db


# The order a reader expects.
NAMES = ["alice", "Bob", "charlie", "Zoe", "가영", "김민준", "나리", "박서연", "하늘"]


def _shuffled() -> list[str]:
    # A fixed order that is neither the expected one nor its reverse, nor byte order.
    return ["박서연", "Zoe", "alice", "하늘", "Bob", "가영", "charlie", "나리", "김민준"]


@pytest.fixture
def people(db) -> list[User]:
    return [
        UserFactory(username=f"u{index}", display_name=name)
        for index, name in enumerate(_shuffled())
    ]


def test_name_key_ignores_case_and_puts_hangul_in_ganada_order():
    assert sorted(_shuffled(), key=name_key) == NAMES


def test_name_key_treats_decomposed_hangul_like_syllables():
    decomposed = unicodedata.normalize("NFD", "김민준")
    assert decomposed != "김민준"
    assert name_key(decomposed) == name_key("김민준")
    assert sorted([decomposed, "가영", "나리"], key=name_key)[1] == decomposed


def test_person_key_falls_back_to_username_for_equal_names(db):
    twin_b = UserFactory(username="kim-b", display_name="김민준")
    twin_a = UserFactory(username="kim-a", display_name="김민준")
    assert sorted([twin_b, twin_a], key=person_key) == [twin_a, twin_b]


def test_the_people_list_sorts_names_sensibly(people, admin):
    admin.display_name = "admin"
    admin.save(update_fields=["display_name"])
    people[0].is_active = False  # 박서연, deactivated: listed after everyone active
    people[0].save(update_fields=["is_active"])
    listed = [person.name for person in people_selectors.people_list()]
    expected = sorted([*NAMES, "admin"], key=name_key)
    expected.remove("박서연")
    assert listed == [*expected, "박서연"]


def test_the_people_page_lists_names_in_order_and_speaks_korean(client, people, admin):
    client.force_login(speaking_korean(admin))
    response = client.get(reverse("people"))
    assert response.status_code == 200
    html = response.content.decode()
    positions = [html.index(f">{name}</a>") for name in NAMES]
    assert positions == sorted(positions)
    for text in ("구성원 및 팀", "새 구성원", "이름", "시간대", "관리자"):
        assert text in html, text
    assert "New person" not in html


def test_a_persons_teams_and_the_reassign_picker_are_in_name_order(client, people, admin):
    root = RootTeamFactory()
    teams = {
        name: TeamFactory(name=name, parent=root) for name in ["영업", "Sales", "design", "개발"]
    }
    person = people[2]  # alice
    for team in teams.values():
        MembershipFactory(user=person, team=team)
    page = people_selectors.person_page(person=person)
    assert [m.team.name for m in page.memberships] == ["design", "Sales", "개발", "영업"]
    assert [t.name for t in page.teams] == ["Acme", "design", "Sales", "개발", "영업"]
    assert [p.name for p in page.active_people if p.name in NAMES] == NAMES


def test_the_team_tree_and_members_are_in_name_order(people):
    root = RootTeamFactory()
    for name in ["영업", "Sales", "design", "개발"]:
        TeamFactory(name=name, parent=root)
    tree = [(node.depth, node.team.name) for node in people_selectors.team_tree()]
    assert tree == [(0, "Acme"), (1, "design"), (1, "Sales"), (1, "개발"), (1, "영업")]
    team = TeamFactory(name="Platform", parent=root)
    for person in people:
        role = Membership.Role.MANAGER if person.name in ("하늘", "Zoe") else "member"
        MembershipFactory(user=person, team=team, role=role)
    members = [m.user.name for m in people_selectors.team_members(team=team)]
    assert members == ["Zoe", "하늘"] + [n for n in NAMES if n not in ("Zoe", "하늘")]
    node = next(n for n in people_selectors.team_tree() if n.team.pk == team.pk)
    assert node.manager_names == ["Zoe", "하늘"]


def test_the_teams_pages_in_korean(client, admin, product, manager, owner):
    client.force_login(speaking_korean(admin))
    html = client.get(reverse("teams")).content.decode()
    for text in ("구성원 및 팀", "새 팀", "팀 만들기", "전사", "구성원 2명", "리더: Manager"):
        assert text in html, text
    team_html = client.get(reverse("team_detail", args=[product.pk])).content.decode()
    assert "이름 변경 또는 이동" in team_html and "구성원" in team_html


def test_a_persons_page_in_korean(client, admin, owner):
    client.force_login(speaking_korean(admin))
    html = client.get(reverse("person_detail", args=[owner.pk])).content.decode()
    for text in ("프로필", "프로필 저장", "팀에 추가", "역할 변경", "진행 중인 핵심 결과"):
        assert text in html, text
    confirm = client.get(reverse("person_deactivate", args=[owner.pk])).content.decode()
    assert "Owner 님을 비활성화할까요?" in confirm
    assert "Owner 님은 더 이상 로그인할 수 없습니다." in confirm


def test_a_refusal_in_korean(client, owner):
    client.force_login(speaking_korean(owner))
    response = client.get(reverse("people"))
    assert response.status_code == 403
    assert "구성원과 팀은 관리자만 관리할 수 있습니다." in response.content.decode()

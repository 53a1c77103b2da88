"""Who the benchmark measures, chosen by fixed rules from seed_load's data (bench/subjects.py)."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from bench.subjects import choose
from dashboards.selectors.scope import TeamTree, members_by_team
from objectives.models import KeyResult, Membership, Team, User

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_subjects_follow_the_rules():
    call_command("seed_load", "--people=200", "--seed=2", stdout=None)
    today = timezone.localdate()
    subjects = choose(today=today)
    assert choose(today=today) == subjects  # the same data, the same choice

    person = User.objects.get(username=subjects.person)
    assert not Membership.objects.filter(user=person, role="manager").exists()
    theirs = KeyResult.objects.filter(
        owner=person,
        archived=False,
        objective__cycle_id=subjects.cycle,
        objective__archived=False,
    )
    assert theirs.count() == subjects.person_key_results >= 6
    assert {subjects.key_result, subjects.checkin_key_result} <= set(
        theirs.values_list("pk", flat=True)
    )
    assert subjects.key_result != subjects.checkin_key_result

    team = Team.objects.get(slug=subjects.team_slug)
    assert Membership.objects.filter(
        team=team, role="manager", user__username=subjects.manager
    ).exists()
    tree, members = TeamTree.load(), members_by_team(Team.objects.values_list("pk", flat=True))

    def headcount(pk: int) -> int:
        return len(set().union(*(members.get(t, set()) for t in tree.subtree(pk))))

    assert subjects.team_people == headcount(team.pk)
    with_sub_teams = [t for t in tree.teams.values() if tree.children.get(t.pk) and not t.is_root]
    assert subjects.team_sub_teams > 0
    assert abs(subjects.team_people - 40) == min(abs(headcount(t.pk) - 40) for t in with_sub_teams)

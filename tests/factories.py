"""factory_boy factories for the domain model. Values are Decimals, never floats."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from checkins.models import CheckIn
from objectives.models import Cycle, KeyResult, Membership, Objective, Team, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    display_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    time_zone = "UTC"
    password = factory.django.Password("pw-for-tests")


class RootTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("is_root",)

    name = "Acme"
    slug = "acme"
    is_root = True
    parent = None


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")
    parent = factory.SubFactory(RootTeamFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Membership.Role.MEMBER


class CycleFactory(factory.django.DjangoModelFactory):
    """An active cycle that started 30 days ago and ends in 60 days."""

    class Meta:
        model = Cycle

    name = factory.Sequence(lambda n: f"Cycle {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    end_date = factory.LazyAttribute(lambda c: c.start_date + timedelta(days=90))
    state = Cycle.State.ACTIVE


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    cycle = factory.SubFactory(CycleFactory)
    title = factory.Sequence(lambda n: f"Delight customers, chapter {n}")
    owner_team = factory.SubFactory(TeamFactory)
    owner_user = None


class KeyResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyResult

    objective = factory.SubFactory(ObjectiveFactory)
    title = factory.Sequence(lambda n: f"Grow weekly active teams, measure {n}")
    owner = factory.SubFactory(UserFactory)
    kind = KeyResult.Kind.METRIC
    unit = ""
    start_value = Decimal(0)
    target_value = Decimal(100)
    weight = Decimal(1)
    order = factory.Sequence(int)


class CheckInFactory(factory.django.DjangoModelFactory):
    """A raw history row. It does not touch the key result's latest state; use
    checkins.services.record_checkin when that matters."""

    class Meta:
        model = CheckIn

    key_result = factory.SubFactory(KeyResultFactory)
    author = factory.LazyAttribute(lambda c: c.key_result.owner)
    value = Decimal(10)
    confidence = 4
    created_at = factory.LazyFunction(timezone.now)

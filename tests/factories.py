"""factory_boy factories for the domain model. Values are Decimals, never floats."""

from datetime import datetime, timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from checkins.models import CheckIn, ReminderDelivery, ReminderPolicy
from objectives import stored_scores
from objectives.models import (
    Cycle,
    KeyResult,
    Membership,
    Objective,
    ObjectiveReflection,
    ObjectiveTemplate,
    ObjectiveTemplateKeyResult,
    Team,
    User,
)


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

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # noqa: ANN001, ANN206
        # Rows written here skip the services; their stored numbers are worked out as the
        # services' are (objectives/stored_scores.py).
        super()._after_postgeneration(instance, create, results)
        if create:
            stored_scores.refresh(objective_ids=[instance.pk, instance.parent_id])


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

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # noqa: ANN001, ANN206
        # Rows written here skip the services; their stored numbers are worked out as the
        # services' are (objectives/stored_scores.py).
        super()._after_postgeneration(instance, create, results)
        if create:
            stored_scores.refresh(objective_ids=[instance.objective_id])


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

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):  # noqa: ANN001, ANN206
        # Rows written here skip the services; their stored numbers are worked out as the
        # services' are (objectives/stored_scores.py).
        super()._after_postgeneration(instance, create, results)
        if create:
            stored_scores.refresh(objective_ids=[instance.key_result.objective_id])


class ReminderPolicyFactory(factory.django.DjangoModelFactory):
    """The installation's single policy row (pk 1), with the defaults unless told otherwise."""

    class Meta:
        model = ReminderPolicy
        django_get_or_create = ("id",)

    id = ReminderPolicy.SINGLETON_ID


class ReminderDeliveryFactory(factory.django.DjangoModelFactory):
    """A claimed e-mail; `period` is the Monday of the person's week."""

    class Meta:
        model = ReminderDelivery

    user = factory.SubFactory(UserFactory)
    kind = ReminderDelivery.Kind.REMINDER
    period = factory.LazyFunction(
        lambda: timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    )
    status = ReminderDelivery.Status.QUEUED
    sent_at = factory.LazyAttribute(
        lambda d: timezone.now() if d.status == ReminderDelivery.Status.SENT else None
    )


def populate_team(
    *,
    team: Team,
    cycle: Cycle,
    people: int,
    key_results_each: int = 2,
    weeks_of_history: int = 3,
    now: datetime | None = None,
) -> list[User]:
    """A team of `people` members (for dashboards at a given size), written in bulk.

    The team owns one objective with a key result per member; each member also owns an
    individual objective with `key_results_each` key results. Every key result gets a weekly
    check-in for the last `weeks_of_history` weeks (the newest today), confidence and value
    varying with the person, and its latest value, confidence and time set to match, as
    `record_checkin` would.
    """
    now = now or timezone.now()
    offset = User.objects.count()
    users = UserFactory.create_batch(
        people, display_name=factory.Sequence(lambda n: f"Member {offset + n:03d}")
    )
    Membership.objects.bulk_create(Membership(user=user, team=team) for user in users)
    team_objective = ObjectiveFactory(cycle=cycle, owner_team=team, title=f"{team.name} goal")
    key_results = [
        KeyResult(
            objective=team_objective,
            owner=user,
            title=f"{user.name}: team measure",
            start_value=Decimal(0),
            target_value=Decimal(100),
            order=index,
        )
        for index, user in enumerate(users)
    ]
    for user in users:
        objective = ObjectiveFactory(
            cycle=cycle, owner_team=None, owner_user=user, title=f"{user.name}'s goal"
        )
        key_results += [
            KeyResult(
                objective=objective,
                owner=user,
                title=f"{user.name}: measure {n}",
                start_value=Decimal(0),
                target_value=Decimal(100),
                order=n,
            )
            for n in range(key_results_each)
        ]
    key_results = KeyResult.objects.bulk_create(key_results)
    checkins = []
    for index, kr in enumerate(key_results):
        for weeks_ago in range(weeks_of_history - 1, -1, -1):
            checkins.append(
                CheckIn(
                    key_result=kr,
                    author=kr.owner,
                    value=Decimal(10 * (weeks_of_history - weeks_ago) + index % 7),
                    confidence=1 + (index + weeks_ago) % 5,
                    blockers="Waiting on data" if (index + weeks_ago) % 5 < 2 else "",
                    created_at=now - timedelta(weeks=weeks_ago, hours=1),
                )
            )
        latest = checkins[-1]
        kr.current_value, kr.last_confidence = latest.value, latest.confidence
        kr.last_checkin_at = latest.created_at
    CheckIn.objects.bulk_create(checkins)
    KeyResult.objects.bulk_update(
        key_results, ["current_value", "last_confidence", "last_checkin_at"]
    )
    stored_scores.refresh_cycles(cycle_ids=[cycle.pk])
    return users


class ObjectiveReflectionFactory(factory.django.DjangoModelFactory):
    """A written retrospective, as a row (save_reflection checks the rules; this does not)."""

    class Meta:
        model = ObjectiveReflection

    objective = factory.SubFactory(ObjectiveFactory)
    what_worked = "Shipping small changes every week."
    what_did_not = "Planning took too long."
    root_cause = ""
    decision = ObjectiveReflection.Decision.KEEP
    author = factory.SubFactory(UserFactory)


# --- Planning -----------------------------------------------------------------------------------


class ObjectiveTemplateFactory(factory.django.DjangoModelFactory):
    """An admin-made template (no library key) with no key results unless added."""

    class Meta:
        model = ObjectiveTemplate

    title = factory.Sequence(lambda n: f"Win the hearts of customers, take {n}")
    description = "Why it matters."
    department = ObjectiveTemplate.Department.PRODUCT
    level = Objective.Level.TEAM
    objective_type = Objective.Type.ASPIRATIONAL


class ObjectiveTemplateKeyResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObjectiveTemplateKeyResult

    template = factory.SubFactory(ObjectiveTemplateFactory)
    title = factory.Sequence(lambda n: f"Raise weekly active teams, measure {n}")
    kind = KeyResult.Kind.METRIC
    unit = "%"
    start_value = Decimal(10)
    target_value = Decimal(40)
    order = factory.Sequence(int)


def ensure_template_library() -> int:
    """The library migration 0004 installs. A transactional test (the browser journeys) empties
    the database when it ends, so tests that need the library put it back first."""
    from objectives.planning.library import install_library

    if not ObjectiveTemplate.objects.filter(library_key__isnull=False).exists():
        install_library(
            template_model=ObjectiveTemplate, key_result_model=ObjectiveTemplateKeyResult
        )
    return ObjectiveTemplate.objects.filter(library_key__isnull=False).count()


class InitiativeFactory(factory.django.DjangoModelFactory):
    """An initiative due in a week, not started, owned by its key result's owner."""

    class Meta:
        model = "initiatives.Initiative"

    key_result = factory.SubFactory(KeyResultFactory)
    title = factory.Sequence(lambda n: f"Ship the onboarding tour, step {n}")
    owner = factory.LazyAttribute(lambda i: i.key_result.owner)
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    status = "todo"
    priority = "medium"
    # The database insists: done ⇔ completed_at is set.
    completed_at = factory.LazyAttribute(lambda i: timezone.now() if i.status == "done" else None)


def speaking_korean(user: User) -> User:
    """`user`, saved with Korean as their language: their pages and e-mails are Korean."""
    user.language = "ko"
    user.save(update_fields=["language"])
    return user

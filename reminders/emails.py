"""What the reminder, nudge and digest e-mails say: plain text and HTML, in the person's language
and time zone, with absolute links (settings.SITE_URL) and an unsubscribe link in every one.

Every number comes from `scoring` through the same selectors My week uses, so an e-mail never
disagrees with the page it links to.
"""

import email.policy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from email.message import EmailMessage
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

import scoring
from checkins.models import ReminderDelivery
from dashboards.selectors.common import KeyResultView, build_row, score_key_result
from dashboards.selectors.team import team_dashboard
from initiatives.models import Initiative
from initiatives.overdue import candidates_q, is_overdue
from objectives import permissions
from objectives.cycles.clock import local_today
from objectives.cycles.selectors import current_cycle
from objectives.models import Cycle, KeyResult, Membership, Team, User
from reminders.unsubscribe import unsubscribe_token

Kind = ReminderDelivery.Kind
ATTENTION_LIMIT = 25  # a digest names this many troubled key results, then counts the rest


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


# Headers holding one long URL: folded at 78 characters the URL would be RFC 2047-encoded, and
# mail clients could not read it any more; they are folded only past RFC 5322's 998 limit.
UNFOLDED_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post"})
MAX_HEADER_LINE = 998


class _MailPolicy(email.policy.EmailPolicy):
    """The standard policy, except that UNFOLDED_HEADERS keep their long URL on one line. Every
    other header folds as usual, so a Korean subject becomes RFC 2047 encoded words of at most
    75 characters each, as that RFC requires."""

    def _for(self, name: str) -> email.policy.EmailPolicy:
        if name.lower() in UNFOLDED_HEADERS and self.max_line_length != MAX_HEADER_LINE:
            return self.clone(max_line_length=MAX_HEADER_LINE)
        return self

    def fold(self, name: str, value: str) -> str:
        policy = self._for(name)
        return super().fold(name, value) if policy is self else policy.fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        policy = self._for(name)
        return (
            super().fold_binary(name, value) if policy is self else policy.fold_binary(name, value)
        )


class ReminderMessage(EmailMultiAlternatives):
    """An e-mail whose List-Unsubscribe headers are never folded (see _MailPolicy)."""

    def message(self, *, policy: email.policy.Policy = email.policy.default) -> EmailMessage:
        return super().message(policy=_MailPolicy(**policy.__dict__))


@contextmanager
def persons_locale(user: User) -> Iterator[None]:
    """Render in the person's language (the site default when they chose none) and time zone."""
    with (
        translation.override(user.language or settings.LANGUAGE_CODE),
        timezone.override(user.tzinfo),
    ):
        yield


@dataclass(frozen=True)
class EmailRow:
    """A key result as an e-mail lists it: the scored view and the absolute check-in link."""

    view: KeyResultView
    checkin_url: str

    @property
    def key_result(self) -> KeyResult:
        return self.view.key_result


def _email_rows(views: list[KeyResultView]) -> list[EmailRow]:
    return [
        EmailRow(view, absolute_url(reverse("check_in", args=[view.key_result.pk])))
        for view in views
    ]


# --- Reminders and nudges -----------------------------------------------------------------------


def person_key_results(*, user: User, now: datetime) -> list[KeyResultView]:
    """The person's key results in active cycles containing their today, scored in their time
    zone for their current week (`due_this_week` as on My week); one query."""
    tz = user.tzinfo
    today = local_today(tz=tz, now=now)
    monday = scoring.week_start(day=today)
    key_results = (
        KeyResult.objects.filter(
            owner=user,
            archived=False,
            objective__archived=False,
            objective__cycle__state=Cycle.State.ACTIVE,
            objective__cycle__start_date__lte=today,
            objective__cycle__end_date__gte=today,
        )
        .select_related("objective__cycle")
        .order_by("objective__cycle__start_date", "objective_id", "order", "id")
    )
    return [
        build_row(
            key_result=kr,
            cycle=kr.objective.cycle,
            scored=score_key_result(key_result=kr, cycle=kr.objective.cycle, on=today, tz=tz),
            week_start=monday,
            tz=tz,
            can_check_in=True,
        )
        for kr in key_results
    ]


@dataclass(frozen=True)
class OverdueInitiative:
    """One of the person's initiatives past its due date, as the reminder lists it."""

    initiative: Initiative
    key_result_url: str

    @property
    def link(self) -> str:
        """The initiative's own link when a mail client opens it as a page, else nothing."""
        link = self.initiative.link
        return link if link.lower().startswith(("https://", "http://")) else ""


def person_overdue_initiatives(*, user: User, now: datetime) -> list[OverdueInitiative]:
    """The person's initiatives that are overdue on their own calendar (initiatives/overdue.py),
    on live key results of active cycles they may still see, oldest due first; one query (a
    private objective they may not see any more costs the permission check's)."""
    candidates = (
        Initiative.objects.filter(
            candidates_q(now=now),
            owner=user,
            key_result__archived=False,
            key_result__objective__archived=False,
            key_result__objective__cycle__state=Cycle.State.ACTIVE,
        )
        .select_related("key_result__objective")
        .order_by("due_date", "pk")
    )
    return [
        OverdueInitiative(
            initiative, absolute_url(reverse("key_result", args=[initiative.key_result_id]))
        )
        for initiative in candidates
        if is_overdue(
            due_date=initiative.due_date,
            status=initiative.status,
            owner_tz=user.time_zone,
            now=now,
        )
        and permissions.can_view_key_result(user, initiative.key_result)
    ]


def _reminder_message(
    *,
    user: User,
    kind: str,
    rows: list[KeyResultView],
    now: datetime,
    message_id: str | None = None,
    test: bool = False,
) -> EmailMultiAlternatives:
    nudge = kind == Kind.NUDGE
    overdue = person_overdue_initiatives(user=user, now=now)
    due = [row for row in rows if row.due_this_week]
    with persons_locale(user):
        if nudge:
            subject = ngettext(
                "Second reminder: %(count)s key result still needs this week's check-in",
                "Second reminder: %(count)s key results still need this week's check-in",
                len(due),
            )
        else:
            subject = ngettext(
                "Check-in time: %(count)s key result needs this week's update",
                "Check-in time: %(count)s key results need this week's update",
                len(due),
            )
        subject = subject % {"count": len(due)}
        context = {
            "nudge": nudge,
            "rows": _email_rows(rows),
            "due_count": len(due),
            "week_start": scoring.week_start(day=local_today(tz=user.tzinfo, now=now)),
            "overdue_initiatives": overdue,
        }
        return _message(
            user=user,
            template="reminder",
            subject=subject,
            context=context,
            message_id=message_id,
            test=test,
        )


# --- Manager digests ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Straggler:
    name: str
    due_count: int


@dataclass(frozen=True)
class TeamDigest:
    """One team the manager leads, its sub-teams rolled up, in the company's week."""

    team: Team
    total: int
    checked_in: int
    rate: Decimal | None
    stragglers: list[Straggler]
    attention: list[EmailRow]
    attention_more: int
    summary: list[str]

    @property
    def dashboard_url(self) -> str:
        return absolute_url(reverse("team_dashboard", args=[self.team.slug])) + "?subteams=1"


def _subtree(team_id: int, children: dict[int | None, list[int]]) -> set[int]:
    seen: set[int] = set()
    stack = [team_id]
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(children.get(current, ()))
    return seen


def team_digests(
    *, manager: User, now: datetime, team_ids: list[int] | None = None
) -> list[TeamDigest]:
    """The digest sections for the teams `manager` leads (or `team_ids`), in the current cycle:
    six queries, plus one per private individual objective the permission check looks up.

    Like the team dashboard, a digest counts the key results of the current cycle (the shortest
    active one containing today) in the company's week (settings.TIME_ZONE), the week the weekly
    check-in rate is defined on. Only key results the manager may see are counted or named.
    """
    tz = timezone.get_default_timezone()
    today = local_today(tz=tz, now=now)
    monday = scoring.week_start(day=today)
    if team_ids is None:
        team_ids = list(
            Membership.objects.filter(user=manager, role=Membership.Role.MANAGER).values_list(
                "team_id", flat=True
            )
        )
    if not team_ids:
        return []
    teams = {team.pk: team for team in Team.objects.order_by("name", "pk")}
    children: dict[int | None, list[int]] = {}
    for team in teams.values():
        children.setdefault(team.parent_id, []).append(team.pk)
    # A team below another led team is already rolled up into that one's section.
    subtrees = {pk: _subtree(pk, children) for pk in set(team_ids) if pk in teams}
    tops = [
        pk
        for pk in subtrees
        if not any(pk in tree for other, tree in subtrees.items() if other != pk)
    ]
    all_teams = set().union(*(subtrees[pk] for pk in tops)) if tops else set()
    members: dict[int, set[int]] = {}
    for team_id, user_id in Membership.objects.filter(team_id__in=all_teams).values_list(
        "team_id", "user_id"
    ):
        members.setdefault(team_id, set()).add(user_id)
    all_members = set().union(*members.values()) if members else set()
    cycle = current_cycle(on=today)
    if cycle is None:
        return []
    key_results = (
        KeyResult.objects.filter(archived=False, objective__archived=False, objective__cycle=cycle)
        .filter(Q(objective__owner_team_id__in=all_teams) | Q(owner_id__in=all_members))
        .select_related("objective__owner_team", "objective__owner_user", "owner")
        .order_by("objective_id", "order", "id")
    )
    for kr in key_results:
        kr.objective.cycle = cycle
    views = [
        build_row(
            key_result=kr,
            cycle=cycle,
            scored=score_key_result(key_result=kr, cycle=cycle, on=today, tz=tz),
            week_start=monday,
            tz=tz,
            can_check_in=False,
        )
        for kr in key_results
        if permissions.can_view_key_result(manager, kr)
    ]
    digests = []
    for pk in sorted(tops, key=lambda pk: (teams[pk].name, pk)):
        section_teams = subtrees[pk]
        section_people = set().union(*(members.get(t, set()) for t in section_teams))
        rows = [
            view
            for view in views
            if view.key_result.objective.owner_team_id in section_teams
            or view.key_result.owner_id in section_people
        ]
        digests.append(
            _team_digest(
                team=teams[pk],
                rows=rows,
                summary=_weekly_summary(team=teams[pk], manager=manager, now=now),
            )
        )
    return digests


def _weekly_summary(*, team: Team, manager: User, now: datetime) -> list[str]:
    """The written weekly summary the team dashboard shows (dashboards.summary), sub-teams
    rolled up, as the manager may see it."""
    # The sentences are put into words here, so in the manager's language, whoever sends.
    with translation.override(manager.language or settings.LANGUAGE_CODE):
        dashboard = team_dashboard(team=team, viewer=manager, include_sub_teams=True, now=now)
        return [str(sentence) for sentence in dashboard.summary or []]


def _team_digest(*, team: Team, rows: list[KeyResultView], summary: list[str]) -> TeamDigest:
    checked_in = sum(row.checked_in_this_week for row in rows)
    due_by_owner: dict[int, tuple[str, int]] = {}
    for row in rows:
        if row.due_this_week:
            owner = row.key_result.owner
            name, count = due_by_owner.get(owner.pk, (owner.name, 0))
            due_by_owner[owner.pk] = (name, count + 1)
    troubled = sorted(
        (row for row in rows if row.status.status == scoring.Status.BEHIND or row.status.stale),
        key=lambda row: (-row.status.status.rank, row.progress, row.key_result.title),
    )
    return TeamDigest(
        team=team,
        total=len(rows),
        checked_in=checked_in,
        rate=scoring.checkin_rate(checked_in=checked_in, total=len(rows)),
        stragglers=[
            Straggler(name, count)
            for name, count in sorted(due_by_owner.values(), key=lambda item: (-item[1], item[0]))
        ],
        attention=_email_rows(troubled[:ATTENTION_LIMIT]),
        attention_more=max(len(troubled) - ATTENTION_LIMIT, 0),
        summary=summary,
    )


def _digest_message(
    *,
    user: User,
    digests: list[TeamDigest],
    now: datetime,
    message_id: str | None = None,
    test: bool = False,
) -> EmailMultiAlternatives:
    tz = timezone.get_default_timezone()
    with persons_locale(user):
        names = ", ".join(digest.team.name for digest in digests)
        subject = _("Weekly check-in digest: %(teams)s") % {"teams": names}
        context = {
            "digests": digests,
            "week_start": scoring.week_start(day=local_today(tz=tz, now=now)),
        }
        return _message(
            user=user,
            template="digest",
            subject=subject,
            context=context,
            message_id=message_id,
            test=test,
        )


# --- Putting a message together -----------------------------------------------------------------


def _message(
    *,
    user: User,
    template: str,
    subject: str,
    context: dict,
    message_id: str | None,
    test: bool,
) -> ReminderMessage:
    unsubscribe_url = absolute_url(reverse("reminder_unsubscribe", args=[unsubscribe_token(user)]))
    if test:
        subject = _("[Test] %(subject)s") % {"subject": subject}
    context = {
        **context,
        "user": user,
        "test": test,
        "subject": subject,
        "my_week_url": absolute_url(reverse("my_week")),
        "unsubscribe_url": unsubscribe_url,
    }
    headers = {
        # RFC 8058 one-click unsubscribe: mail clients POST to the link, no login needed.
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    if message_id:
        headers["Message-ID"] = message_id
    message = ReminderMessage(
        subject=subject,
        body=render_to_string(f"reminders/emails/{template}.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        headers=headers,
    )
    message.attach_alternative(
        render_to_string(f"reminders/emails/{template}.html", context), "text/html"
    )
    return message


def delivery_message_id(delivery: ReminderDelivery) -> str:
    """The same Message-ID for every attempt at one delivery, so a repeat is recognisable."""
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"<okr-{delivery.kind}-{delivery.pk}-{delivery.period:%Y%m%d}@{domain}>"


def compose(*, delivery: ReminderDelivery, now: datetime) -> EmailMultiAlternatives | None:
    """The e-mail a claimed delivery sends, or None when nothing is left to say (the person
    checked in meanwhile; the manager's teams have no key results in an active cycle)."""
    user = delivery.user
    message_id = delivery_message_id(delivery)
    if delivery.kind == Kind.DIGEST:
        digests = [d for d in team_digests(manager=user, now=now) if d.total]
        if not digests:
            return None
        return _digest_message(user=user, digests=digests, now=now, message_id=message_id)
    rows = [row for row in person_key_results(user=user, now=now) if row.due_this_week]
    if not rows:
        return None
    return _reminder_message(
        user=user, kind=delivery.kind, rows=rows, now=now, message_id=message_id
    )


def compose_test(*, user: User, kind: str, now: datetime) -> EmailMultiAlternatives:
    """A sample e-mail of `kind` for `user` from their own data. With nothing due it lists all
    their open key results; a digest for someone who leads no team covers the whole company."""
    if kind == Kind.DIGEST:
        digests = team_digests(manager=user, now=now)
        if not digests:
            root = Team.objects.filter(is_root=True).values_list("pk", flat=True).first()
            digests = team_digests(manager=user, now=now, team_ids=[root] if root else [])
        return _digest_message(user=user, digests=digests, now=now, test=True)
    rows = person_key_results(user=user, now=now)
    due = [row for row in rows if row.due_this_week]
    return _reminder_message(user=user, kind=kind, rows=due or rows, now=now, test=True)

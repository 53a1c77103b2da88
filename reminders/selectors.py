"""Read side of reminders: whether they are running, the preview of the next sweep and the
deliveries log, each in a fixed number of queries."""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import django_filters
import django_tables2 as tables
from django.conf import settings
from django.core.paginator import EmptyPage
from django.db.models import Q, QuerySet
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from checkins.models import ReminderDelivery, ReminderHeartbeat, ReminderPolicy
from objectives.ids import is_id
from reminders.schedule import Decision, Reason, plan_deliveries

# --- Are reminders running? ----------------------------------------------------------------------


@dataclass(frozen=True)
class RemindersHealth:
    """When the sweeper last ran and a worker last answered, and whether sweeps have stopped."""

    now: datetime
    interval: timedelta  # between sweeps
    last_sweep: datetime | None
    last_sweep_detail: str
    last_worker: datetime | None
    worker_started: datetime | None

    @property
    def stalled_after(self) -> timedelta:
        return 2 * self.interval

    @property
    def stalled(self) -> bool:
        """No sweep for twice the interval, counted from the last sweep or, when a worker has
        started since, from its start (its first sweep is still to come)."""
        since = max((t for t in (self.last_sweep, self.worker_started) if t), default=None)
        return since is None or self.now - since > self.stalled_after

    @property
    def interval_minutes(self) -> int:
        return max(round(self.interval.total_seconds() / 60), 1)

    @property
    def stalled_after_minutes(self) -> int:
        return max(round(self.stalled_after.total_seconds() / 60), 1)


def reminders_health(*, now: datetime) -> RemindersHealth:
    """The heartbeats the sweeper and the workers leave (reminders/delivery.py); one query."""
    beats = {beat.part: beat for beat in ReminderHeartbeat.objects.all()}
    sweep = beats.get(ReminderHeartbeat.Part.SWEEP)
    worker = beats.get(ReminderHeartbeat.Part.WORKER)
    started = beats.get(ReminderHeartbeat.Part.WORKER_STARTED)
    return RemindersHealth(
        now=now,
        interval=timedelta(seconds=settings.REMINDER_SWEEP_INTERVAL_SECONDS),
        last_sweep=sweep.at if sweep else None,
        last_sweep_detail=sweep.detail if sweep else "",
        last_worker=worker.at if worker else None,
        worker_started=started.at if started else None,
    )


# --- The preview ---------------------------------------------------------------------------------

REASON_LABELS = {
    Reason.DUE: _("would be e-mailed now"),
    Reason.NOT_YET: _("their moment has not come yet this week"),
    Reason.ALREADY: _("already handled this week"),
    Reason.NOTHING_DUE: _("nothing due: checked in on every key result"),
    Reason.OPTED_OUT: _("opted out of reminders"),
    Reason.NO_EMAIL: _("no e-mail address"),
    Reason.NUDGE_NEXT_WEEK: _("the nudge would fall in next week"),
}


@dataclass(frozen=True)
class ReasonCount:
    reason: Reason
    label: str
    count: int


@dataclass(frozen=True)
class Preview:
    policy: ReminderPolicy
    now: datetime
    show: Reason
    counts: list[ReasonCount]
    shown: list[Decision]

    @property
    def due_count(self) -> int:
        return next((c.count for c in self.counts if c.reason is Reason.DUE), 0)

    @property
    def show_label(self) -> str:
        return REASON_LABELS[self.show]


def preview(*, policy: ReminderPolicy, show: str | None, now: datetime) -> Preview:
    """The sweeper's plan for `now`, without claiming anything: the decisions with reason `show`
    (default: those that would be e-mailed) and how many there are of every reason. Three
    queries, as the sweep itself (the policy is loaded by the caller)."""
    decisions = plan_deliveries(policy=policy, now=now)
    try:
        chosen = Reason(show) if show else Reason.DUE
    except ValueError:
        chosen = Reason.DUE
    counts = {reason: 0 for reason in Reason}
    for decision in decisions:
        counts[decision.reason] += 1
    shown = sorted(
        (d for d in decisions if d.reason is chosen),
        key=lambda d: (d.moment.astimezone(UTC), d.recipient.name.lower(), d.kind),
    )
    return Preview(
        policy=policy,
        now=now,
        show=chosen,
        counts=[ReasonCount(reason, REASON_LABELS[reason], counts[reason]) for reason in Reason],
        shown=shown,
    )


# --- The deliveries log --------------------------------------------------------------------------


class DeliveryFilter(django_filters.FilterSet):
    person = django_filters.CharFilter(label=_("Person"), method="filter_person")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ReminderDelivery.Kind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ReminderDelivery.Status.choices)
    period = django_filters.DateFilter(label=_("Week of (Monday)"))

    class Meta:
        model = ReminderDelivery
        fields = ["person", "kind", "status", "period"]

    def filter_person(
        self, queryset: QuerySet[ReminderDelivery], name: str, value: str
    ) -> QuerySet[ReminderDelivery]:
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(user__username__icontains=value)
            | Q(user__display_name__icontains=value)
            | Q(user__email__icontains=value)
        )


class DeliveryTable(tables.Table):
    claimed_at = tables.DateTimeColumn(verbose_name=_("Claimed"), format="SHORT_DATETIME_FORMAT")
    user = tables.Column(
        verbose_name=pgettext_lazy("e-mail recipient", "Who"),
        order_by=("user__display_name", "user__username"),
    )
    kind = tables.Column(verbose_name=pgettext_lazy("kind of e-mail", "What"))
    period = tables.DateColumn(verbose_name=_("Week of"), format="DATE_FORMAT")
    status = tables.Column(verbose_name=_("Status"))
    attempts = tables.Column(verbose_name=_("Attempts"), attrs={"td": {"class": "number"}})
    sent_at = tables.DateTimeColumn(verbose_name=_("Sent"), format="SHORT_DATETIME_FORMAT")
    last_error = tables.Column(
        verbose_name=_("Last error / note"), orderable=False, empty_values=()
    )

    class Meta:
        model = ReminderDelivery
        fields = ["claimed_at", "user", "kind", "period", "status", "attempts", "sent_at"]
        sequence = [*fields, "last_error"]
        order_by = "-claimed_at"
        attrs = {"class": "deliveries-table"}
        template_name = "reminders/_deliveries_table.html"
        empty_text = _("No reminder has been claimed yet.")

    def render_user(self, record: ReminderDelivery) -> str:
        return format_html(
            '{}<span class="muted"> · {}</span>', record.user.name, record.user.email or "—"
        )

    def render_kind(self, record: ReminderDelivery) -> str:
        return record.get_kind_display()

    def render_status(self, record: ReminderDelivery) -> str:
        return format_html(
            '<span class="delivery-status delivery-{}">{}</span>',
            record.status,
            record.get_status_display(),
        )

    def render_last_error(self, record: ReminderDelivery) -> str:
        if record.last_error:
            return format_html('<span class="delivery-error">{}</span>', record.last_error)
        return note_in_language(record.note) or "—"


_GAVE_UP = re.compile(r"Gave up after (\d+) attempts\.")


def note_in_language(note: str) -> str:
    """A delivery's note (stored as the sender wrote it, in English) in the active language."""
    if not note:
        return note
    if match := _GAVE_UP.fullmatch(note):
        return gettext("Gave up after %(n)s attempts.") % {"n": match[1]}
    return gettext(note)


@dataclass(frozen=True)
class DeliveriesLog:
    filter: DeliveryFilter
    table: DeliveryTable


LOG_PAGE_SIZE = 50


def _known_sort(sort: str | None) -> str | None:
    """`sort` when it names a column of the log (descending with a leading "-"), else None:
    anything else sorts the default way rather than reaching django-tables2 as an accessor."""
    if sort and sort.removeprefix("-") in DeliveryTable.base_columns:
        return sort
    return None


def deliveries_log(*, params: dict, page: str | None, sort: str | None) -> DeliveriesLog:
    """The log filtered by `params`, sorted and paginated: a count and a page, two queries."""
    deliveries = ReminderDelivery.objects.select_related("user")
    log_filter = DeliveryFilter(params, queryset=deliveries)
    table = DeliveryTable(log_filter.qs, order_by=_known_sort(sort))
    try:
        table.paginate(page=page if page and is_id(page) else 1, per_page=LOG_PAGE_SIZE)
    except EmptyPage:  # past the last page: show the last one
        table.paginate(page=table.paginator.num_pages, per_page=LOG_PAGE_SIZE)
    return DeliveriesLog(filter=log_filter, table=table)

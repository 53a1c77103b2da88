"""The weekly rhythm: append-only check-ins on key results, and the reminders that keep it."""

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives.models import MAX_ABS_VALUE, VALUE_DIGITS, KeyResult


class CheckInQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN003, ANN201 - same signature as QuerySet.update
        raise TypeError("Check-ins are append-only: record a new check-in instead.")


class CheckIn(models.Model):
    """Where a key result stood at a moment, as its owner saw it. Corrections are new rows."""

    key_result = models.ForeignKey(KeyResult, on_delete=models.CASCADE, related_name="checkins")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkins"
    )
    value = models.DecimalField(_("value"), **VALUE_DIGITS)
    confidence = models.PositiveSmallIntegerField(_("confidence"))
    what_changed = models.TextField(_("what changed"), blank=True)
    blockers = models.TextField(_("blockers"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(confidence__gte=1, confidence__lte=5), name="checkin_confidence_1_to_5"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=-MAX_ABS_VALUE, value__lte=MAX_ABS_VALUE),
                name="checkin_value_in_range",
            ),
        ]
        indexes = [models.Index(fields=["key_result", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.key_result} = {self.value} ({self.confidence}/5)"

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        if self.pk is not None and not self._state.adding:
            raise TypeError("Check-ins are append-only: record a new check-in instead.")
        super().save(*args, **kwargs)


class Weekday(models.IntegerChoices):
    # Python's date.weekday() numbering, so a policy day compares directly with dates.
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class ReminderPolicy(models.Model):
    """When reminders go out: one row per installation, edited by admins.

    Times are local: each person gets theirs on `weekday` at `local_time` in their own time zone.
    Until an admin saves the policy the defaults below apply (`ReminderPolicy.current()`).
    """

    SINGLETON_ID = 1
    MAX_NUDGE_DAYS = 6

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON_ID, editable=False)
    enabled = models.BooleanField(
        _("send reminder e-mails"),
        default=True,
        help_text=_("Off: no reminders, nudges or digests go out."),
    )
    weekday = models.PositiveSmallIntegerField(
        _("reminder day"), choices=Weekday, default=Weekday.MONDAY
    )
    local_time = models.TimeField(_("reminder time"), default=time(10, 0))
    nudge_after_days = models.PositiveSmallIntegerField(
        _("second nudge after (days)"),
        default=2,
        validators=[MaxValueValidator(MAX_NUDGE_DAYS)],
        help_text=_("0: no second nudge. It goes out only in the same week."),
    )
    digest_enabled = models.BooleanField(_("weekly digest for managers"), default=True)
    digest_weekday = models.PositiveSmallIntegerField(
        _("digest day"), choices=Weekday, default=Weekday.FRIDAY
    )
    digest_time = models.TimeField(_("digest time"), default=time(10, 0))
    updated_at = models.DateTimeField(_("updated at"), null=True, blank=True, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policy")
        constraints = [
            models.CheckConstraint(condition=Q(id=1), name="reminder_policy_single_row"),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6)
                & Q(digest_weekday__gte=0, digest_weekday__lte=6),
                name="reminder_policy_weekdays_valid",
            ),
            models.CheckConstraint(
                condition=Q(nudge_after_days__gte=0, nudge_after_days__lte=6),
                name="reminder_policy_nudge_days_valid",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Reminder policy"))

    @classmethod
    def current(cls) -> "ReminderPolicy":
        """The saved policy, or the defaults (unsaved) when no admin has saved one yet.

        Reading never writes: a GET may ask for the policy without creating it.
        """
        return cls.objects.filter(pk=cls.SINGLETON_ID).first() or cls(pk=cls.SINGLETON_ID)


class ReminderDelivery(models.Model):
    """One e-mail to one person for one week: the row that makes sending exactly-once.

    Whoever inserts the (user, kind, period) row owns that e-mail; the unique constraint turns
    every other attempt (a second sweeper, beat firing twice) into a no-op. The status then moves
    queued → sending → sent with conditional UPDATEs, so a duplicated or retried task never
    sends twice (see reminders/delivery.py for the whole protocol).
    """

    class Kind(models.TextChoices):
        REMINDER = "reminder", _("reminder")
        NUDGE = "nudge", _("second nudge")
        DIGEST = "digest", _("manager digest")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")  # claimed; a send task is on its way
        SENDING = "sending", _("sending")  # a worker holds the send lease
        RETRYING = "retrying", _("retrying")  # the last attempt failed; another is scheduled
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("skipped")  # nothing to send by then (checked in, opted out…)
        FAILED = "failed", _("failed")  # given up (permanent error or the week ended)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_deliveries"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind)
    period = models.DateField(_("week of"), help_text=_("The Monday of the person's week."))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    # When the status last changed: the start of the send lease while `sending`, and what the
    # sweeper measures staleness from.
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder delivery")
        verbose_name_plural = _("reminder deliveries")
        ordering = ["-claimed_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "period"], name="reminder_delivery_once_per_week"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["reminder", "nudge", "digest"]),
                name="reminder_delivery_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    status__in=["queued", "sending", "retrying", "sent", "skipped", "failed"]
                ),
                name="reminder_delivery_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="reminder_delivery_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["period", "kind"]),
            models.Index(fields=["status", "updated_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.user} (week of {self.period})"


class ReminderHeartbeat(models.Model):
    """When the parts that send reminders last showed they are alive: one row per part.

    Written by the sweeper after each sweep and by the worker (when it starts, and by a task beat
    schedules), read by the Reminders page and the admins' header warning. A row in the database
    because the embedded broker cannot reach a worker the way `celery inspect ping` does.
    """

    class Part(models.TextChoices):
        SWEEP = "sweep", _("reminder sweep")
        WORKER = "worker", _("worker")  # a worker ran a task
        WORKER_STARTED = "worker_started", _("worker started")

    part = models.CharField(_("part"), max_length=16, choices=Part, primary_key=True)
    at = models.DateTimeField(_("at"))
    detail = models.CharField(_("detail"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reminder heartbeat")
        verbose_name_plural = _("reminder heartbeats")

    def __str__(self) -> str:
        return f"{self.get_part_display()} at {self.at:%Y-%m-%d %H:%M:%S}"

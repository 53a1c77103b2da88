"""Writes of reminders: the installation's policy, test e-mails admins send themselves, and a
person turning their own reminder e-mails off or on."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import services as audit
from audit.models import AuditEvent
from checkins.models import ReminderDelivery, ReminderPolicy
from objectives import permissions
from objectives.models import User
from reminders import emails

Kind = ReminderDelivery.Kind

POLICY_FIELDS = (
    "enabled",
    "weekday",
    "local_time",
    "nudge_after_days",
    "digest_enabled",
    "digest_weekday",
    "digest_time",
)


def update_reminder_policy(*, actor: User, **values: object) -> ReminderPolicy:
    """Save the installation's reminder policy. Admins only; the next sweep follows it."""
    if not permissions.can_manage_reminders(actor):
        raise PermissionDenied(_("Only admins change the reminder policy."))
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"not policy fields: {sorted(unknown)}")
    with transaction.atomic():
        policy = (
            ReminderPolicy.objects.select_for_update()
            .filter(pk=ReminderPolicy.SINGLETON_ID)
            .first()
        )
        creating = policy is None
        if creating:
            policy = ReminderPolicy(pk=ReminderPolicy.SINGLETON_ID)
        before = audit.capture(policy, audit.REMINDER_POLICY_FIELDS)
        for name, value in values.items():
            setattr(policy, name, value)
        policy.updated_at = timezone.now()
        policy.updated_by = actor
        policy.full_clean()
        if creating:
            policy.save(force_insert=True)
        else:
            policy.save(update_fields=[*values, "updated_at", "updated_by"])
        # Against the defaults when it was never saved: those were in force until now.
        changes = audit.changes_since(before, policy, audit.REMINDER_POLICY_FIELDS)
        if changes or creating:
            audit.record_event(
                actor=actor,
                action=AuditEvent.Action.UPDATED,
                subject_kind=AuditEvent.SubjectKind.REMINDER_POLICY,
                subject_id=policy.pk,
                subject_label=str(ReminderPolicy._meta.verbose_name),
                changes=changes,
            )
    return policy


def send_test_reminder(*, actor: User, kind: str, now: datetime | None = None) -> str:
    """E-mail the actor a sample of `kind` built from their own data, now and outside the
    exactly-once bookkeeping (it is not a delivery). Returns the address it went to."""
    if not permissions.can_manage_reminders(actor):
        raise PermissionDenied(_("Only admins send test reminders."))
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose a reminder, a nudge or a digest.")})
    if not actor.email:
        raise ValidationError({"kind": _("Your account has no e-mail address to send to.")})
    message = emails.compose_test(user=actor, kind=kind, now=now or timezone.now())
    message.send()
    return actor.email


def set_reminder_opt_out(*, actor: User, opted_out: bool) -> User:
    """Turn the actor's own reminder e-mails off or on (reminders, nudges and digests alike)."""
    with transaction.atomic():
        actor.reminders_opt_out = opted_out
        actor.save(update_fields=["reminders_opt_out"])
    return actor

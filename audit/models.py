"""The audit trail: who changed what, and when, with the old and new values.

One row per change, written by the write services in the same transaction as the change itself,
so a write that fails leaves no event and an event always describes a change that happened. Like
check-ins, events are append-only: nothing updates or deletes them.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: ANN003, ANN201 - same signature as QuerySet.update
        raise TypeError("The audit trail is append-only: record a new event instead.")

    def delete(self):  # noqa: ANN201 - same signature as QuerySet.delete
        raise TypeError("The audit trail is append-only: events are never deleted.")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        CREATED = "created", _("created")
        UPDATED = "updated", _("updated")
        ARCHIVED = "archived", _("archived")
        RESTORED = "restored", _("restored")
        DELETED = "deleted", _("deleted")
        STATE_CHANGED = "state_changed", _("state changed")
        REORDERED = "reordered", _("reordered")
        GRADED = "graded", _("graded")
        DEACTIVATED = "deactivated", _("deactivated")
        REACTIVATED = "reactivated", _("reactivated")

    class SubjectKind(models.TextChoices):
        OBJECTIVE = "objective", _("objective")
        KEY_RESULT = "key_result", _("key result")
        CYCLE = "cycle", _("cycle")
        MEMBERSHIP = "membership", _("membership")
        REMINDER_POLICY = "reminder_policy", _("reminder policy")
        INITIATIVE = "initiative", _("initiative")
        PERSON = "person", _("person")

    # None: the system did it (the daily automatic cycle transitions).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The actor's name at the time, so the trail stays readable whatever happens to the account.
    actor_label = models.CharField(_("by (name)"), max_length=150, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)
    action = models.CharField(_("action"), max_length=16, choices=Action)
    subject_kind = models.CharField(_("what"), max_length=16, choices=SubjectKind)
    subject_id = models.PositiveBigIntegerField(_("subject id"))
    # Its title or name at the time: deleted things stay readable.
    subject_label = models.CharField(_("subject"), max_length=255)
    # For the objective and key result pages; SET_NULL so the trail outlives what it describes.
    objective = models.ForeignKey(
        "objectives.Objective",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    key_result = models.ForeignKey(
        "objectives.KeyResult",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # {field: [old, new]} as display strings: decimals as written ("12.5", never floats),
    # references as the label of what they point at, choices as their stored value.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    # {field: [old id, new id]} for changes that name another objective (the parent), so a page
    # can hide the title of one its viewer may not see.
    references = models.JSONField(_("references"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["objective", "-at", "-id"], name="audit_by_objective"),
            models.Index(fields=["key_result", "-at", "-id"], name="audit_by_key_result"),
            models.Index(fields=["subject_kind", "subject_id", "-at"], name="audit_by_subject"),
            models.Index(fields=["-at", "-id"], name="audit_latest"),
            models.Index(fields=["actor", "-at"], name="audit_by_actor"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    subject_kind__in=[
                        "objective",
                        "key_result",
                        "cycle",
                        "membership",
                        "reminder_policy",
                        "initiative",
                        "person",
                    ]
                ),
                name="audit_subject_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label or '-'} {self.action} {self.subject_label}"
        )

    def save(self, *args, **kwargs) -> None:  # noqa: ANN002, ANN003
        if self.pk is not None and not self._state.adding:
            raise TypeError("The audit trail is append-only: record a new event instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise TypeError("The audit trail is append-only: events are never deleted.")

    @property
    def actor_name(self) -> str:
        return self.actor_label or gettext("automatic")

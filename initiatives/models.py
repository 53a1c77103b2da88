"""Initiatives: the work people do to move a key result (campaigns, migrations, experiments).

They are outputs, not outcomes: nothing here feeds a key result's progress or score.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives.models import KeyResult


class Initiative(models.Model):
    class Status(models.TextChoices):
        TODO = "todo", _("To do")
        IN_PROGRESS = "in_progress", _("In progress")
        BLOCKED = "blocked", _("Blocked")
        DONE = "done", _("Done")

    class Priority(models.TextChoices):
        HIGH = "high", _("High")
        MEDIUM = "medium", _("Medium")
        LOW = "low", _("Low")

    key_result = models.ForeignKey(
        KeyResult,
        verbose_name=_("key result"),
        on_delete=models.CASCADE,
        related_name="initiatives",
    )
    title = models.CharField(_("title"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="initiatives",
    )
    # Required: "overdue" is the whole point of tracking them. A date in the past is allowed
    # (recording work that is already late is honest, not an error).
    due_date = models.DateField(_("due date"))
    status = models.CharField(_("status"), max_length=16, choices=Status, default=Status.TODO)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority, default=Priority.MEDIUM
    )
    link = models.URLField(
        _("link"),
        max_length=500,
        blank=True,
        help_text=_("Optional: the ticket or page in your tracker (http or https)."),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, editable=False)
    carried_over_from = models.ForeignKey(
        "self",
        verbose_name=_("carried over from"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_over_to",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        indexes = [
            models.Index(fields=["key_result", "status"], name="initiative_kr_status"),
            models.Index(fields=["owner", "status", "due_date"], name="initiative_owner_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["todo", "in_progress", "blocked", "done"]),
                name="initiative_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=["high", "medium", "low"]),
                name="initiative_priority_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="done", completed_at__isnull=False)
                | (~Q(status="done") & Q(completed_at__isnull=True)),
                name="initiative_completed_iff_done",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_done(self) -> bool:
        return self.status == self.Status.DONE

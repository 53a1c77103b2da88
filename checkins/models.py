"""The weekly rhythm: append-only check-ins on key results."""

from django.conf import settings
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

"""The forms of the Reminders page: the installation's policy and the test e-mail."""

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from checkins.models import ReminderDelivery, ReminderPolicy, Weekday
from objectives.forms import AsciiIntegerField


class ReminderPolicyForm(forms.ModelForm):
    """The admins' reminder settings; saved through reminders.services.update_reminder_policy."""

    nudge_after_days = AsciiIntegerField(
        label=ReminderPolicy._meta.get_field("nudge_after_days").verbose_name,
        help_text=ReminderPolicy._meta.get_field("nudge_after_days").help_text,
        min_value=0,
        max_value=ReminderPolicy.MAX_NUDGE_DAYS,
    )

    class Meta:
        model = ReminderPolicy
        fields = [
            "enabled",
            "weekday",
            "local_time",
            "nudge_after_days",
            "digest_enabled",
            "digest_weekday",
            "digest_time",
        ]
        widgets = {
            "local_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "digest_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def clean(self) -> dict:
        cleaned = super().clean()
        weekday, days = cleaned.get("weekday"), cleaned.get("nudge_after_days")
        if weekday is not None and days and weekday + days > 6:
            # Weeks run Monday to Sunday and each week's reminder stands alone: a nudge that
            # would land in the next week would overlap that week's own reminder.
            self.add_error(
                "nudge_after_days",
                _("The nudge must fall in the same week: at most %(days)s days after %(day)s.")
                % {"days": 6 - weekday, "day": Weekday(weekday).label},
            )
        return cleaned


class TestReminderForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Which e-mail"),
        choices=[(value, capfirst(label)) for value, label in ReminderDelivery.Kind.choices],
        initial=ReminderDelivery.Kind.REMINDER,
    )

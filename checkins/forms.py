from django import forms
from django.utils.translation import gettext_lazy as _

from checkins.services import CONFIDENCE_CHOICES, MAX_TEXT_LENGTH, checkin_errors
from objectives.forms import AsciiDecimalField
from objectives.models import MAX_ABS_VALUE, VALUE_DIGITS

CONFIDENCE_LABELS = {
    1: _("1 — very unlikely"),
    2: _("2 — unlikely"),
    3: _("3 — could go either way"),
    4: _("4 — likely"),
    5: _("5 — certain"),
}


class CheckInForm(forms.Form):
    value = AsciiDecimalField(
        label=_("Value"),
        min_value=-MAX_ABS_VALUE,
        max_value=MAX_ABS_VALUE,
        **VALUE_DIGITS,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
    confidence = forms.TypedChoiceField(
        label=_("Confidence"),
        coerce=int,
        choices=[(n, CONFIDENCE_LABELS[n]) for n in CONFIDENCE_CHOICES],
        widget=forms.RadioSelect,
    )
    what_changed = forms.CharField(
        label=_("What changed"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    blockers = forms.CharField(
        label=_("Blockers"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        # The same rules the service enforces, reported next to the fields they concern, all at
        # once: a value that is not a number must not hide that blockers are required. A field
        # that already has its own message keeps just that one.
        errors = checkin_errors(
            value=cleaned.get("value"),
            confidence=cleaned.get("confidence"),
            what_changed=cleaned.get("what_changed", ""),
            blockers=cleaned.get("blockers", ""),
        )
        for field, messages in errors.items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return cleaned

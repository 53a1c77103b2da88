"""Forms of the cycle pages: a cycle, the fiscal year, a move between states."""

from datetime import date

from django import forms
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from objectives.cycles import fiscal as fiscal
from objectives.forms import AsciiIntegerField
from objectives.models import (
    Cycle,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


MONTH_CHOICES = [(n, MONTHS[n]) for n in range(1, 13)]


PERIOD_CUSTOM = "custom"


PERIOD_YEAR = "year"


PERIOD_CHOICES = [
    ("1", _("Q1")),
    ("2", _("Q2")),
    ("3", _("Q3")),
    ("4", _("Q4")),
    (PERIOD_YEAR, _("Whole year")),
    (PERIOD_CUSTOM, _("Custom dates")),
]


class CycleForm(forms.Form):
    """Name, dates and the automatic-transitions switch: what an edit changes."""

    name = forms.CharField(label=_("Name"), max_length=80, required=False)
    start_date = forms.DateField(label=_("First day"), required=False, widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("Last day"), required=False, widget=DATE_WIDGET)
    auto_transition = forms.BooleanField(
        label=_("Move with its dates"),
        required=False,
        help_text=_(
            "Activate on the first day and move to grading after the last; closing stays manual."
        ),
    )


class CycleCreateForm(CycleForm):
    """The quarter picker: a fiscal year and a quarter (or the whole year) fill the name and the
    dates; "custom dates" leaves them to the admin."""

    year = AsciiIntegerField(
        label=_("Fiscal year"), min_value=fiscal.MIN_YEAR, max_value=fiscal.MAX_YEAR
    )
    period = forms.ChoiceField(label=_("Period"), choices=PERIOD_CHOICES)
    field_order = ["year", "period", "name", "start_date", "end_date", "auto_transition"]

    def __init__(self, *args: object, start_month: int = 1, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.start_month = start_month

    def picked_period(self) -> fiscal.Period | None:
        """The period the year and quarter fields name (None for custom dates or bad input)."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        year, period = data.get("year"), data.get("period")
        if year is None or period in (None, PERIOD_CUSTOM):
            return None
        quarter = None if period == PERIOD_YEAR else int(period)
        return fiscal.fiscal_period(year=year, quarter=quarter, start_month=self.start_month)

    def clean(self) -> dict:
        cleaned = super().clean()
        picked = self.picked_period()
        if picked is not None:
            # Blank fields take the picked period's values; filled ones are the admin's choice.
            cleaned["name"] = cleaned.get("name") or picked.name
            cleaned["start_date"] = cleaned.get("start_date") or picked.start
            cleaned["end_date"] = cleaned.get("end_date") or picked.end
        return cleaned

    @staticmethod
    def initial_for(*, today: date, start_month: int, latest_end: date | None) -> dict:
        """The quarter after the current one, or after the last quarter already planned."""
        day = max(today, latest_end) if latest_end is not None else today
        year, quarter = fiscal.fiscal_quarter_of(day=day, start_month=start_month)
        year, quarter = fiscal.next_quarter(year=year, quarter=quarter)
        return {"year": year, "period": str(quarter)}


class FiscalYearForm(forms.Form):
    fiscal_year_start_month = forms.TypedChoiceField(
        label=_("Fiscal year starts in"), choices=MONTH_CHOICES, coerce=int
    )


class TransitionForm(forms.Form):
    """The confirmation: the state the admin saw, so a second click or a stale page cannot move
    the cycle twice."""

    from_state = forms.ChoiceField(choices=Cycle.State.choices, widget=forms.HiddenInput)
    # Set by a confirmation page that named the cycle's dates: a move far from them goes ahead
    # only with it (cycle_services.off_schedule).
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

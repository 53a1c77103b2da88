"""Forms of the cycles, grading, carry-over and people & teams pages.

They parse what the browser sends; the services hold the rules and their errors come back onto
the same fields (the keys of a service's ValidationError are these forms' field names).
"""

import calendar
from datetime import date
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives import fiscal
from objectives.models import Cycle, Membership, Objective, ObjectiveReflection, Team, User
from objectives.services import MAX_TEXT_LENGTH, grade_errors

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH_CHOICES = [(n, calendar.month_name[n]) for n in range(1, 13)]
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


def _time_zone_choices() -> list[tuple[str, str]]:
    return [(zone, zone) for zone in sorted(available_timezones())]


def _language_choices() -> list[tuple[str, str]]:
    return [("", _("Follow the browser")), *settings.LANGUAGES]


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

    year = forms.IntegerField(
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


class GradeForm(forms.Form):
    grade = forms.DecimalField(
        label=_("Final grade"),
        min_value=0,
        max_value=1,
        max_digits=3,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 5}),
    )
    note = forms.CharField(
        label=_("Retrospective note"),
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        for field, messages in grade_errors(
            grade=cleaned.get("grade"), note=cleaned.get("note", "")
        ).items():
            for message in messages:
                self.add_error(field, message)
        return cleaned


class ReflectionForm(forms.Form):
    what_worked = forms.CharField(
        label=_("What worked"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    what_did_not = forms.CharField(
        label=_("What did not work"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    root_cause = forms.CharField(
        label=_("Root cause"),
        required=False,
        max_length=MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when the objective scores below 0.7."),
    )
    decision = forms.ChoiceField(
        label=_("Next cycle"),
        choices=ObjectiveReflection.Decision.choices,
        widget=forms.RadioSelect,
    )


class CarryOverForm(forms.Form):
    objectives = forms.ModelMultipleChoiceField(
        label=_("Objectives to carry over"),
        queryset=Objective.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one objective to carry over.")},
    )
    into = forms.ModelChoiceField(
        label=_("Into"),
        queryset=Cycle.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a cycle in planning or active.")},
    )

    def __init__(
        self, *args: object, objectives: list[Objective], targets: list[Cycle], **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["objectives"].queryset = Objective.objects.filter(
            pk__in=[o.pk for o in objectives]
        )
        self.fields["into"].queryset = Cycle.objects.filter(pk__in=[c.pk for c in targets])
        self.fields["into"].choices = [(c.pk, c.name) for c in targets]


class PersonForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=_time_zone_choices)
    language = forms.ChoiceField(label=_("Language"), choices=_language_choices, required=False)


class PersonCreateForm(PersonForm):
    username = forms.CharField(label=_("Username"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Tell them in person; they can sign in with it straight away."),
    )
    team = forms.ModelChoiceField(
        label=_("Team"), queryset=Team.objects.all(), required=False, empty_label=_("No team yet")
    )
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    field_order = [
        "username",
        "display_name",
        "email",
        "password",
        "time_zone",
        "language",
        "team",
        "role",
    ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"time_zone": timezone.get_default_timezone_name()})
        super().__init__(*args, **kwargs)


class MembershipForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.all())
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("New owner"),
        queryset=User.objects.filter(is_active=True),
        error_messages={"invalid_choice": _("Choose an active person from the list.")},
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    parent = forms.ModelChoiceField(
        label=_("Belongs to"), queryset=Team.objects.all(), required=False
    )

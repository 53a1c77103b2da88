"""Forms of the cycles, grading, carry-over, people & teams and planning pages.

They parse what the browser sends; the services hold the rules and their errors come back onto
the same fields (the keys of a service's ValidationError are these forms' field names).
"""

import functools
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from objectives import fiscal, permissions, services
from objectives.ids import FOREIGN_DIGITS_MESSAGE, is_id
from objectives.models import (
    Cycle,
    KeyResult,
    Membership,
    Objective,
    ObjectiveReflection,
    ObjectiveTemplate,
    Team,
    User,
)
from objectives.services import MAX_TEXT_LENGTH, grade_errors


class AsciiNumberMixin:
    """A number field that refuses digits other than 0-9 with a message (objectives/ids.py)
    instead of reading "١٢" as 12."""

    def to_python(self, value: object) -> object:
        if isinstance(value, str) and not value.isascii():
            raise forms.ValidationError(FOREIGN_DIGITS_MESSAGE, code="foreign_digits")
        return super().to_python(value)


class AsciiDecimalField(AsciiNumberMixin, forms.DecimalField):
    pass


class AsciiIntegerField(AsciiNumberMixin, forms.IntegerField):
    pass


class IdChoiceField(forms.ModelChoiceField):
    """A choice of a row by its id, taken only as ASCII digits: the database would read "١" as
    1, a row nobody chose."""

    def to_python(self, value: object) -> object:
        if isinstance(value, str) and value not in self.empty_values and not is_id(value):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


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


@functools.cache
def _time_zone_choices() -> tuple[tuple[str, str], ...]:
    # available_timezones() walks the tz database on disk each call; it does not change while
    # the process runs.
    return tuple((zone, zone) for zone in sorted(available_timezones()))


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


class GradeForm(forms.Form):
    grade = AsciiDecimalField(
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


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """Refuses values that cannot be ids before they reach the database: SQLite cannot even
    bind an integer past 64 bits (a 500), where an exact lookup Django already answers."""

    def _check_values(self, value: object) -> object:
        for pk in value or ():
            if not is_id(str(pk)):
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


class CarryOverForm(forms.Form):
    objectives = IdsChoiceField(
        label=_("Objectives to carry over"),
        queryset=Objective.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one objective to carry over.")},
    )
    into = IdChoiceField(
        label=_("Into"),
        queryset=Cycle.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose a cycle in planning or active.")},
    )
    # A checkbox sends nothing when unticked: the page ticks it by default.
    initiatives = forms.BooleanField(
        label=_("Bring their unfinished initiatives along"),
        required=False,
        initial=True,
        help_text=_("Initiatives that are not done move with their key results; done ones stay."),
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
    is_viewer = forms.BooleanField(
        label=_("Read-only viewer"),
        required=False,
        help_text=_("Sees what a member of their teams sees; changes nothing, even their own."),
    )


class PersonCreateForm(PersonForm):
    username = forms.CharField(label=_("Username"), max_length=150, required=False)
    password = forms.CharField(
        label=_("Initial password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Tell them in person; they can sign in with it straight away."),
    )
    team = IdChoiceField(
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
        "is_viewer",
    ]

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("initial", {"time_zone": timezone.get_default_timezone_name()})
        super().__init__(*args, **kwargs)


class MembershipForm(forms.Form):
    team = IdChoiceField(label=_("Team"), queryset=Team.objects.all())
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class MembershipRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ReassignForm(forms.Form):
    owner = IdChoiceField(
        label=_("New owner"),
        queryset=User.objects.filter(is_active=True),
        error_messages={"invalid_choice": _("Choose an active person from the list.")},
    )


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    parent = IdChoiceField(label=_("Belongs to"), queryset=Team.objects.all(), required=False)


# --- Planning --------------------------------------------------------------------------------

MAX_KEY_RESULT_ROWS = 10
DECIMAL_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "size": 10}


class NumberField(forms.CharField):
    """A decimal typed as text, parsed and checked by the same rules as the CSV import (NaN,
    infinities, absurd sizes and extra decimals refused with a message)."""

    def __init__(self, *args: object, places: int = services.VALUE_PLACES, **kwargs: object):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs=DECIMAL_ATTRS))
        super().__init__(*args, **kwargs)
        self.places = places

    def clean(self, value: object) -> Decimal | None:
        text = super().clean(value)
        number, problems = services.parse_number(text)
        if problems:
            raise forms.ValidationError(problems)
        if number is not None:
            extra = services.number_errors(number, places=self.places)
            if extra:
                raise forms.ValidationError(extra)
        return number

    def prepare_value(self, value: object) -> object:
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")  # "14.7", not "14.7000"
        return value


def find_person(username: str) -> User | None:
    """The active person with this username (exact, then case-insensitive); one query."""
    username = username.strip()
    if not username:
        return None
    people = list(User.objects.filter(username__iexact=username, is_active=True)[:2])
    exact = [p for p in people if p.username == username]
    if exact:
        return exact[0]
    return people[0] if len(people) == 1 else None


class PersonField(forms.CharField):
    """A person by username (the datalist suggests some; any active username is accepted)."""

    default_error_messages = {
        "unknown": _("No active person has the username “%(username)s”."),
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max_length", 150)
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, value: object) -> User | None:
        text = super().clean(value)
        if not text:
            return None
        person = find_person(text)
        if person is None:
            raise forms.ValidationError(
                self.error_messages["unknown"], code="unknown", params={"username": text}
            )
        return person

    def prepare_value(self, value: object) -> object:
        return value.username if isinstance(value, User) else value


class OwnerKind:
    PERSON = "person"
    TEAM = "team"
    CHOICES = [(PERSON, _("A person")), (TEAM, _("A team"))]


class VersionField(forms.CharField):
    """The version of the row an edit form was rendered from (objectives/concurrency.py).

    A form sent without one is treated as rendered from before the first save: versions start
    at 1, so MISSING_VERSION never matches and the edit is refused as a stale one, with the
    current values to compare. (None would tell the service to skip the check.)"""

    MISSING_VERSION = 0

    def __init__(self, **kwargs: object) -> None:
        super().__init__(required=False, widget=forms.HiddenInput, **kwargs)

    def clean(self, value: object) -> int:
        text = str(super().clean(value) or "").strip()
        if not text:
            return self.MISSING_VERSION
        if not is_id(text) or len(text) > 9:
            raise forms.ValidationError(
                _("This form is out of date or damaged: reload the page and edit again.")
            )
        return int(text)


class VersionedFormMixin:
    """Shows a bad version as a message for the whole form: its field is hidden."""

    def clean(self) -> dict:
        cleaned = super().clean()
        errors = self.errors.pop("version", None)
        if errors:
            self.add_error(None, errors)
        return cleaned


class ObjectiveForm(VersionedFormMixin, forms.Form):
    """An objective's own fields. The owner is a person (by username) or one of the teams the
    writer may write objectives for; the parent one of the valid parents the alignment picker
    offers. The rules themselves are the service's (objective_errors, parent_errors)."""

    title = forms.CharField(
        label=_("Objective"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("Qualitative and inspiring: what you want to achieve, in words."),
    )
    description = forms.CharField(
        label=_("Why it matters"),
        required=False,
        max_length=services.MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    owner_kind = forms.ChoiceField(
        label=_("Owned by"),
        choices=OwnerKind.CHOICES,
        initial=OwnerKind.PERSON,
        widget=forms.RadioSelect,
    )
    owner_user = PersonField(label=_("Person (username)"), required=False)
    owner_team = IdChoiceField(
        label=_("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Choose a team"),
        error_messages={"invalid_choice": _("Choose one of the teams you write objectives for.")},
    )
    objective_type = forms.ChoiceField(
        label=_("Type"),
        choices=Objective.Type.choices,
        initial=Objective.Type.ASPIRATIONAL,
        widget=forms.RadioSelect,
        help_text=_("Aspirational: 0.7 is success. Committed: expected to reach 1.0."),
    )
    visibility = forms.ChoiceField(
        label=_("Visibility"),
        choices=Objective.Visibility.choices,
        initial=Objective.Visibility.PUBLIC,
        widget=forms.RadioSelect,
    )
    parent = forms.TypedChoiceField(
        label=_("Supports (parent objective)"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("Choose a parent objective from the list.")},
    )
    version = VersionField()

    def __init__(
        self,
        *args: object,
        actor: User,
        teams: list[Team],
        parents: dict[int, Objective],
        objective: Objective | None = None,
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.objective = objective
        self.parents = parents
        self.fields["owner_team"].queryset = Team.objects.filter(pk__in=[t.pk for t in teams])
        self.fields["owner_team"].choices = [("", _("Choose a team"))] + [
            (t.pk, t.name) for t in teams
        ]
        self.fields["owner_user"].widget.attrs["list"] = "people-suggestions"
        self.fields["parent"].choices = [("", _("No parent"))] + [
            (pk, o.title) for pk, o in parents.items()
        ]
        # A parent the writer may not see (another's private objective) is neither offered nor
        # named, and it is not theirs to drop: it stays unless they choose another parent.
        self.hidden_parent: Objective | None = None
        if (
            objective is not None
            and objective.parent_id
            and objective.parent_id not in parents
            and not permissions.can_view_objective(actor, objective.parent)
        ):
            self.hidden_parent = objective.parent
            if str(self.initial.get("parent") or "") == str(objective.parent_id):
                self.initial["parent"] = None

    def clean(self) -> dict:
        cleaned = super().clean()
        kind = cleaned.get("owner_kind")
        owner_user = owner_team = None
        if kind == OwnerKind.TEAM:
            owner_team = cleaned.get("owner_team")
            if owner_team is None and "owner_team" not in self.errors:
                self.add_error("owner_team", _("Choose the team that owns this objective."))
        elif kind == OwnerKind.PERSON:
            owner_user = cleaned.get("owner_user")
            if owner_user is None and "owner_user" not in self.errors:
                self.add_error("owner_user", _("Enter the username of the person who owns it."))
        unchanged = self.objective is not None and (
            self.objective.owner_team_id,
            self.objective.owner_user_id,
        ) == (owner_team.pk if owner_team else None, owner_user.pk if owner_user else None)
        if (
            (owner_team or owner_user)
            and not unchanged
            and not permissions.can_create_objective(
                self.actor, owner_team=owner_team, owner_user=owner_user
            )
        ):
            field = "owner_team" if owner_team else "owner_user"
            self.add_error(
                field,
                _("You write objectives for yourself, the people you manage and your teams."),
            )
        cleaned["owner_team"], cleaned["owner_user"] = owner_team, owner_user
        parent_id = cleaned.get("parent")
        cleaned["parent"] = self.parents.get(parent_id) if parent_id else self.hidden_parent
        for field, messages in services.objective_errors(
            title=cleaned.get("title", ""),
            description=cleaned.get("description", ""),
            objective_type=cleaned.get("objective_type", ""),
            visibility=cleaned.get("visibility", ""),
        ).items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return cleaned

    def service_values(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "owner_team": data["owner_team"],
            "owner_user": data["owner_user"],
            "objective_type": data["objective_type"],
            "visibility": data["visibility"],
            "parent": data["parent"],
        }


class KeyResultForm(forms.Form):
    """A key result's fields; the rules are the service's (key_result_errors)."""

    title = forms.CharField(
        label=_("Key result"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    owner = PersonField(label=_("Owner (username)"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), choices=KeyResult.Kind.choices, initial=KeyResult.Kind.METRIC
    )
    unit = forms.CharField(
        label=_("Unit"),
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"size": 6, "autocomplete": "off"}),
    )
    start_value = NumberField(label=_("Start"), initial=Decimal(0))
    target_value = NumberField(label=_("Target"))
    weight = NumberField(label=_("Weight"), initial=Decimal(1), places=services.WEIGHT_PLACES)

    def __init__(self, *args: object, owner_required: bool = True, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.owner_required = owner_required
        self.fields["owner"].widget.attrs["list"] = "people-suggestions"

    def is_blank(self) -> bool:
        """Nothing typed in the row (a spare row of the create form)."""
        return not any(
            (self.data.get(self.add_prefix(name)) or "").strip()
            for name in ("title", "owner", "unit", "target_value")
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.owner_required and cleaned.get("owner") is None and "owner" not in self.errors:
            self.add_error("owner", _("Enter the username of the person who owns it."))
        if cleaned.get("weight") is None and "weight" not in self.errors:
            cleaned["weight"] = Decimal(1)
        if cleaned.get("start_value") is None and "start_value" not in self.errors:
            cleaned["start_value"] = Decimal(0)
        for field, messages in services.key_result_errors(
            title=cleaned.get("title", ""),
            kind=cleaned.get("kind", ""),
            unit=cleaned.get("unit", ""),
            start_value=cleaned.get("start_value"),
            target_value=cleaned.get("target_value"),
            weight=cleaned.get("weight"),
        ).items():
            if field not in self.errors:
                for message in messages:
                    self.add_error(field, message)
        return cleaned

    def service_values(self) -> dict[str, object]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "owner": data["owner"],
            "kind": data["kind"],
            "unit": data["unit"],
            "start_value": data["start_value"],
            "target_value": data["target_value"],
            "weight": data["weight"],
        }


class KeyResultEditForm(VersionedFormMixin, KeyResultForm):
    """Editing a key result: its fields and the version the form was rendered from."""

    version = VersionField()


class KeyResultRows:
    """The create form's key result rows: a plain list of prefixed KeyResultForms (kr-0-…),
    blank ones skipped, so a template's rows count even when left as they were."""

    def __init__(
        self,
        data: object | None = None,
        *,
        count: int = 3,
        initial: list[dict] | None = None,
    ) -> None:
        initial = initial or []
        count = max(1, min(MAX_KEY_RESULT_ROWS, max(count, len(initial))))
        self.count = count
        self.forms = [
            KeyResultForm(
                data,
                prefix=f"kr-{index}",
                initial=initial[index] if index < len(initial) else None,
                owner_required=False,
            )
            for index in range(count)
        ]
        # A spare row left empty is skipped, so it has nothing to complain about: drawn again
        # unbound, with what it carried (its kind, start and weight) as its initial values,
        # it shows no "Give the key result a title" or "Enter a number".
        self.forms = [
            KeyResultForm(
                prefix=form.prefix,
                initial={
                    name: form.data[form.add_prefix(name)]
                    for name in form.fields
                    if form.add_prefix(name) in form.data
                },
                owner_required=False,
            )
            if form.is_bound and form.is_blank()
            else form
            for form in self.forms
        ]

    @staticmethod
    def count_in(data: object, *, add: bool = False) -> int:
        raw = (data.get("kr_rows") or "") if data is not None else ""
        count = int(raw) if is_id(raw) else 3
        return max(1, min(MAX_KEY_RESULT_ROWS, count + (1 if add else 0)))

    def filled(self) -> list[KeyResultForm]:
        return [form for form in self.forms if form.is_bound and not form.is_blank()]

    def is_valid(self) -> bool:
        return all([form.is_valid() for form in self.filled()])

    def drafts(self, *, default_owner: User) -> list[services.KeyResultDraft]:
        return [
            services.KeyResultDraft(
                title=form.cleaned_data["title"],
                owner=form.cleaned_data["owner"] or default_owner,
                kind=form.cleaned_data["kind"],
                unit=form.cleaned_data["unit"],
                start_value=form.cleaned_data["start_value"],
                target_value=form.cleaned_data["target_value"],
                weight=form.cleaned_data["weight"],
            )
            for form in self.filled()
        ]

    def add_service_errors(self, errors: dict[str, list[str]]) -> bool:
        """Put a service's "key_results-<n>-<field>" errors on the rows; True if any landed."""
        filled = self.filled()
        landed = False
        for key, messages in errors.items():
            if not key.startswith("key_results-"):
                continue
            _prefix, index, field = key.split("-", 2)
            if index.isdigit() and int(index) < len(filled):
                form = filled[int(index)]
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
                landed = True
        return landed

    def __iter__(self) -> Iterator[KeyResultForm]:
        return iter(self.forms)


class TemplateFilterForm(forms.Form):
    department = forms.ChoiceField(
        label=_("Department"),
        required=False,
        choices=[("", _("All departments")), *ObjectiveTemplate.Department.choices],
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *Objective.Level.choices],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class SaveTemplateForm(forms.Form):
    title = forms.CharField(label=_("Template title"), required=False, max_length=200)
    department = forms.ChoiceField(
        label=_("Department"), choices=ObjectiveTemplate.Department.choices
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8 CSV in the export's format: one row per key result."),
    )


class ImportConfirmForm(forms.Form):
    content = forms.CharField(widget=forms.HiddenInput, strip=False)

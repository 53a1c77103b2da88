"""Forms of the cycles, grading, carry-over, people & teams and planning pages.

They parse what the browser sends; the services hold the rules and their errors come back onto
the same fields (the keys of a service's ValidationError are these forms' field names).
"""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from objectives import services
from objectives.cycles import fiscal as fiscal
from objectives.ids import FOREIGN_DIGITS_MESSAGE, is_id
from objectives.models import (
    ObjectiveReflection,
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


# --- Planning --------------------------------------------------------------------------------

DECIMAL_ATTRS = {"inputmode": "decimal", "autocomplete": "off", "size": 10}


class NumberField(forms.CharField):
    """A decimal typed as text, parsed and checked by the same rules as the CSV import (NaN,
    infinities, absurd sizes and extra decimals refused with a message)."""

    def __init__(
        self, *args: object, places: int = services.VALUE_PLACES, **kwargs: object
    ) -> None:
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

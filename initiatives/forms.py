"""The initiative form: it parses what the browser sends; initiatives/services.py holds the rules
and its errors come back onto these fields (same names)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from initiatives.models import Initiative
from initiatives.services import TITLE_MAX
from objectives.cycles.forms import DATE_WIDGET
from objectives.forms import PersonField


class InitiativeForm(forms.Form):
    # Required and at most 200 characters: the service says so next to the field.
    title = forms.CharField(label=_("Initiative"), required=False)
    owner = PersonField(label=_("Owner (username)"), required=False)
    due_date = forms.DateField(
        label=_("Due"),
        required=False,
        widget=DATE_WIDGET,
        error_messages={"invalid": _("Enter a date, such as 2026-12-31.")},
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=Initiative.Status.choices,
        initial=Initiative.Status.TODO,
        error_messages={
            "invalid_choice": _(
                "“%(value)s” is not a status; choose To do, In progress, Blocked or Done."
            )
        },
    )
    priority = forms.ChoiceField(
        label=_("Priority"),
        choices=Initiative.Priority.choices,
        initial=Initiative.Priority.MEDIUM,
        error_messages={
            "invalid_choice": _("“%(value)s” is not a priority; choose High, Medium or Low.")
        },
    )
    link = forms.CharField(
        label=_("Link (optional)"),
        required=False,
        # The service says what is wrong with a long link; the browser must not cut it short.
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("The ticket or page in your tracker."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs.update({"autocomplete": "off", "maxlength": TITLE_MAX})

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "owner": data["owner"],
            "due_date": data["due_date"],
            "status": data["status"],
            "priority": data["priority"],
            "link": data["link"],
        }


def initial_for(initiative: Initiative) -> dict[str, Any]:
    return {
        "title": initiative.title,
        "owner": initiative.owner.username,
        "due_date": initiative.due_date,
        "status": initiative.status,
        "priority": initiative.priority,
        "link": initiative.link,
    }

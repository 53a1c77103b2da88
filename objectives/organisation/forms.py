"""Forms of the People pages: people, teams, memberships, reassigning a key result."""

import functools
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from objectives.cycles import fiscal as fiscal
from objectives.forms import IdChoiceField
from objectives.models import (
    Membership,
    Team,
    User,
)


@functools.cache
def _time_zone_choices() -> tuple[tuple[str, str], ...]:
    # available_timezones() walks the tz database on disk each call; it does not change while
    # the process runs.
    return tuple((zone, zone) for zone in sorted(available_timezones()))


def _language_choices() -> list[tuple[str, str]]:
    return [("", _("Follow the browser")), *settings.LANGUAGES]


class TimeZoneSelect(forms.Select):
    """Every IANA zone, flat, in one template loop (no per-option template, no option groups)."""

    template_name = "objectives/time_zone_select.html"


class PersonForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=_time_zone_choices, widget=TimeZoneSelect
    )
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

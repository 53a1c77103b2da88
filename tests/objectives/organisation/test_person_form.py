"""The person form's time-zone list, drawn in one template loop, is the markup Django's own select
would draw: every zone once, the person's own selected, the field's attributes kept."""

import re

import pytest
from django import forms

from objectives.organisation.forms import PersonForm


def _squeezed(html: str) -> str:
    return re.sub(r"\s+", "", html)


@pytest.mark.parametrize(
    "form",
    [
        PersonForm(initial={"time_zone": "Asia/Seoul"}),
        PersonForm(data={"time_zone": "Europe/Berlin"}),
        PersonForm(data={"time_zone": "Mars/Olympus_Mons"}),  # refused: nothing selected
    ],
    ids=["initial", "bound", "unknown"],
)
def test_the_time_zone_select_draws_what_djangos_select_draws(form: PersonForm) -> None:
    ours = str(form["time_zone"])
    form.fields["time_zone"].widget = forms.Select(choices=form.fields["time_zone"].choices)
    assert _squeezed(ours) == _squeezed(str(form["time_zone"]))
    assert ours.count("<option") == len(list(form.fields["time_zone"].choices)) > 400


def test_the_persons_zone_is_the_one_selected() -> None:
    html = str(PersonForm(initial={"time_zone": "Asia/Seoul"})["time_zone"])
    assert re.findall(r'<option value="([^"]+)" selected>', html) == ["Asia/Seoul"]

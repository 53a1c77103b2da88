"""The header's cycle switcher: any cycle, for anyone, as a plain GET form (no JavaScript)."""

from django import template
from django.utils import timezone

from dashboards.selectors.common import request_cycles
from objectives.cycles.selectors import pick_current_cycle
from objectives.ids import is_id
from objectives.models import Cycle

register = template.Library()

STATE_ORDER = [
    Cycle.State.ACTIVE,
    Cycle.State.PLANNING,
    Cycle.State.GRADING,
    Cycle.State.CLOSED,
]


@register.inclusion_tag("objectives/cycle_switcher.html", takes_context=True)
def cycle_switcher(context: template.Context) -> dict:
    """Every cycle, in one query shared with the page (`request_cycles`). The selected one is
    the page's own (`page_cycle` in the context), else the one asked for with ?cycle=, else the
    active cycle containing today."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.is_authenticated:
        return {"show": False}
    cycles = request_cycles(request)
    by_id = {c.pk: c for c in cycles}
    selected = context.get("page_cycle")
    if selected is None:
        requested = request.GET.get("cycle", "")
        if is_id(requested):
            selected = by_id.get(int(requested))
    if selected is None:
        selected = pick_current_cycle(cycles=cycles, on=timezone.localdate())
    groups = [
        (Cycle.State(state).label, [c for c in cycles if c.state == state]) for state in STATE_ORDER
    ]
    return {
        "show": bool(cycles),
        "groups": [(label, members) for label, members in groups if members],
        "selected_id": selected.pk if selected else None,
        "action": request.path,
    }

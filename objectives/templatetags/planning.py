"""The planning controls on an objective's page (edit, key results, archive, template), shown
to those the policy module allows."""

from django import template

from objectives import permissions
from objectives.models import Objective

register = template.Library()


@register.inclusion_tag("objectives/planning/objective_controls.html", takes_context=True)
def planning_controls(context: template.Context, objective: Objective) -> dict:
    """No query for the objective's owner or an admin, nor for a team's manager (the page has
    already loaded their teams); at most one to ask whether a manager manages its person."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    can_edit = permissions.can_edit_objective(user, objective)
    can_template = permissions.can_save_as_template(user, objective)
    return {
        "show": can_edit or can_template,
        "objective": objective,
        "can_edit": can_edit,
        "writable": not objective.cycle.is_closed,
        "can_template": can_template,
        "csrf_token": context.get("csrf_token"),
    }

"""Initiatives inline: a key result's panel (on its page and under each My week row), adding,
editing and moving their status in place, and My week's "overdue and blocked" section.

Every view: find what was asked for (404 when the user may not see it) → permission (403 with
the reason) → cycle state (409 when closed) → service or selector → render. HTMX callers get
their panel (or section) back; a refusal, raised here or by the services and answered by
okr_site/errors.py, goes into the panel's alert region; bad input comes back as the form with
messages next to its fields (422). Without JavaScript every form is a page of its own and a
write redirects to a safe `next`.

After a write the answer also raises a client event: `initiatives-changed` (My week's section
refreshes itself) from a panel, `initiatives-changed-kr-<id>` (that key result's panel refreshes)
from the section.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from domain.errors import DomainError, NotAllowed
from initiatives import selectors, services
from initiatives.access import access_initiative
from initiatives.forms import InitiativeForm, initial_for
from initiatives.models import Initiative
from objectives import permissions
from objectives.access import access_key_result
from objectives.cycles.clock import local_today
from objectives.cycles.selectors import resolve_cycle
from objectives.cycles.services import ensure_cycle_open
from objectives.models import Cycle, KeyResult
from objectives.view_helpers import add_service_errors, current_page_path
from okr_site.errors import refusals_into

PANEL = "initiatives/panel.html#panel"
SECTION = "initiatives/panel.html#mine"
FORM_PAGE = "initiatives/form_page.html"
# The hidden `source` of the forms in My week's section; panels send none.
FROM_SECTION = "mine"


# --- Finding things -----------------------------------------------------------------------------


def _section_cycle(request: HttpRequest) -> Cycle | None:
    requested = request.POST.get("cycle") or request.GET.get("cycle")
    return resolve_cycle(requested=requested, on=local_today(tz=request.user.tzinfo))


# --- Where the answer goes ----------------------------------------------------------------------


def _flag(request: HttpRequest, name: str, default: bool) -> bool:
    value = request.POST.get(name) or request.GET.get(name)
    return default if value is None else value == "1"


def _from_section(request: HttpRequest) -> bool:
    return bool(request.htmx) and request.POST.get("source") == FROM_SECTION


def _next_url(request: HttpRequest, key_result: KeyResult) -> str:
    """Where a form without JavaScript returns: the `next` it carries, else the page an HTMX
    fragment sits on, else the key result's page; only ever a path on this site."""
    candidates = [request.POST.get("next"), request.GET.get("next"), current_page_path(request)]
    for candidate in candidates:
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return reverse("key_result", args=[key_result.pk]) + "#initiatives"


def _panel(
    request: HttpRequest,
    key_result: KeyResult,
    *,
    status: int = 200,
    expanded: bool = True,
    **extra: object,
) -> HttpResponse:
    context = {
        "kr": key_result,
        "expanded": expanded,
        "collapsible": _flag(request, "collapsible", False),
        "next": _next_url(request, key_result),
        **extra,
    }
    if expanded:
        listing = selectors.key_result_initiatives(key_result=key_result, viewer=request.user)
        context.update(listing=listing, counts=listing.counts)
    else:
        counts = selectors.initiative_counts(key_result_ids=[key_result.pk])
        context["counts"] = counts.get(key_result.pk, selectors.NO_INITIATIVES)
    return render(request, PANEL, context, status=status)


def _section(request: HttpRequest, *, status: int = 200, **extra: object) -> HttpResponse:
    cycle = _section_cycle(request)
    mine = selectors.my_overdue_and_blocked(user=request.user, cycle=cycle)
    context = {"mine": mine, "section_cycle": cycle, "next": reverse("my_week"), **extra}
    return render(request, SECTION, context, status=status)


def _refusals_into_panel(request: HttpRequest, key_result: KeyResult) -> None:
    """An HTMX caller shows a refusal in its panel's (or the section's) alert region and keeps
    what it had open."""
    if _from_section(request):
        refusals_into(request, "#my-initiatives-alert")
    else:
        refusals_into(request, f"#kr-{key_result.pk}-initiatives-alert")


def _ensure_open_for_changes(key_result: KeyResult) -> None:
    """Refuse when nothing about this key result's initiatives may change now: its cycle is
    closed (409) or it is archived (403)."""
    ensure_cycle_open(key_result.objective.cycle)
    archived = services.archived_message(key_result)
    if archived:
        raise NotAllowed(archived)


def _saved(request: HttpRequest, key_result: KeyResult, note: str) -> HttpResponse:
    """After a write: HTMX gets its panel (or the section) and an event for the other; a plain
    form goes back where it came from."""
    if not request.htmx:
        messages.success(request, note)
        return redirect(_next_url(request, key_result))
    if _from_section(request):
        response = _section(request, saved=True)
        return trigger_client_event(response, f"initiatives-changed-kr-{key_result.pk}")
    response = _panel(request, key_result, saved=True)
    return trigger_client_event(response, "initiatives-changed", {"key_result": key_result.pk})


def _form_response(
    request: HttpRequest,
    key_result: KeyResult,
    form: InitiativeForm,
    *,
    action: str,
    status: int,
    editing: Initiative | None = None,
) -> HttpResponse:
    if request.htmx:
        return _panel(
            request,
            key_result,
            status=status,
            form=form,
            form_action=action,
            editing=editing.pk if editing else None,
        )
    context = {
        "kr": key_result,
        "form": form,
        "form_action": action,
        "editing": editing,
        "next": _next_url(request, key_result),
    }
    return render(request, FORM_PAGE, context, status=status)


# --- Views --------------------------------------------------------------------------------------


@require_GET
def initiative_list(request: HttpRequest, pk: int) -> HttpResponse:
    """A key result's panel, open (`expanded=1`, the default) or closed to its counts line."""
    key_result = access_key_result(user=request.user, pk=pk)
    if not request.htmx:
        return redirect(reverse("key_result", args=[pk]) + "#initiatives")
    return _panel(request, key_result, expanded=_flag(request, "expanded", True))


@require_http_methods(["GET", "POST"])
def initiative_new(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = access_key_result(user=request.user, pk=pk)
    _refusals_into_panel(request, key_result)
    if not permissions.can_add_initiative(request.user, key_result):
        raise NotAllowed(_("You may not add initiatives to this key result."))
    _ensure_open_for_changes(key_result)
    action = reverse("initiative_new", args=[pk])
    auto_id = f"id_kr{pk}_new_%s"
    if request.method == "GET":
        form = InitiativeForm(initial={"owner": request.user.username}, auto_id=auto_id)
        return _form_response(request, key_result, form, action=action, status=200)
    form = InitiativeForm(request.POST, auto_id=auto_id)
    if form.is_valid():
        try:
            initiative = services.create_initiative(
                actor=request.user, key_result=key_result, **form.service_values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            note = _("Initiative “%(title)s” added.") % {"title": initiative.title}
            return _saved(request, key_result, note)
    return _form_response(request, key_result, form, action=action, status=422)


@require_http_methods(["GET", "POST"])
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = access_initiative(user=request.user, pk=pk)
    key_result = initiative.key_result
    _refusals_into_panel(request, key_result)
    if not permissions.can_edit_initiative(request.user, initiative):
        raise NotAllowed(_("You may not edit this initiative."))
    _ensure_open_for_changes(key_result)
    action = reverse("initiative_edit", args=[pk])
    auto_id = f"id_initiative{pk}_%s"
    if request.method == "GET":
        form = InitiativeForm(initial=initial_for(initiative), auto_id=auto_id)
        return _form_response(
            request, key_result, form, action=action, status=200, editing=initiative
        )
    form = InitiativeForm(request.POST, auto_id=auto_id)
    if form.is_valid():
        try:
            services.update_initiative(
                actor=request.user, initiative=initiative, **form.service_values()
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            note = _("Initiative “%(title)s” saved.") % {"title": form.cleaned_data["title"]}
            return _saved(request, key_result, note)
    return _form_response(request, key_result, form, action=action, status=422, editing=initiative)


@require_POST
def initiative_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an initiative to another status; "Mark done" posts status=done."""
    initiative = access_initiative(user=request.user, pk=pk)
    key_result = initiative.key_result
    _refusals_into_panel(request, key_result)
    status = request.POST.get("status", "").strip()
    try:
        # The service refuses (a closed cycle, not theirs to change, archived) with the reason.
        updated = services.set_initiative_status(
            actor=request.user, initiative=initiative, status=status
        )
    except ValidationError as error:
        if isinstance(error, DomainError) or not request.htmx:
            raise  # a refusal, or a page of its own that says what was wrong
        problems = {initiative.pk: error.messages}
        if _from_section(request):
            return _section(request, status=422, status_errors=problems)
        return _panel(request, key_result, status=422, status_errors=problems)
    note = _("“%(title)s” is now %(status)s.") % {
        "title": updated.title,
        "status": updated.get_status_display().lower(),
    }
    return _saved(request, key_result, note)


@require_GET
def my_initiatives(request: HttpRequest) -> HttpResponse:
    """My week's "overdue and blocked" section, refreshed after a change elsewhere on the page."""
    if not request.htmx:
        return redirect("my_week")
    return _section(request)

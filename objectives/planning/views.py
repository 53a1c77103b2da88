"""Planning in the browser: write objectives and key results, align them, reorder and archive,
start from a template, export and import a cycle's OKRs.

Every view: parse → find what was asked for (404 when the user may not see it) → permission (403
with the reason) → service or selector → render. A closed cycle refuses every write with 409 and
its reason. Refusals are raised and answered by okr_site/errors.py, for HTMX in the page's
#plan-alert; bad input re-renders the form with messages next to the fields (422), nothing
changed. Coaching hints come from GET endpoints the forms call as people type: they never block
a save. HTMX swaps rows and lists in place; without JavaScript every form is a page of its own.
"""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from audit.models import AuditEvent
from audit.selectors import conflict_view
from audit.services import KEY_RESULT_FIELDS, OBJECTIVE_FIELDS
from domain.errors import Conflict, CycleStateError, Invalid, NotAllowed
from objectives import permissions, services
from objectives.access import access_cycle, access_key_result, access_objective
from objectives.concurrency import EditConflict
from objectives.cycles.selectors import resolve_cycle
from objectives.cycles.services import ensure_cycle_open
from objectives.forms import find_person
from objectives.ids import is_id
from objectives.models import Cycle, KeyResult, Objective, ObjectiveTemplate, Team, User
from objectives.planning import coaching as coaching
from objectives.planning import selectors as selectors
from objectives.planning import services as planning_services
from objectives.planning import spreadsheets
from objectives.planning.forms import (
    ImportConfirmForm,
    ImportForm,
    KeyResultEditForm,
    KeyResultForm,
    KeyResultRows,
    ObjectiveForm,
    OwnerKind,
    SaveTemplateForm,
    TemplateFilterForm,
)
from objectives.view_helpers import add_service_errors
from okr_site.errors import refusals_answered_in

FORM_PAGE = "objectives/planning/objective_form.html"
OBJECTIVE_PAGE = "objectives/planning/objective.html"
PLAN_PAGE = "objectives/planning/plan.html"
IMPORT_PAGE = "objectives/planning/import.html"
# The planning pages' own place for refusals: the form or row someone was working in stays.
ALERT = "#plan-alert"


# --- Shared helpers ----------------------------------------------------------------------------


def _scope(request: HttpRequest) -> permissions.PermissionScope:
    """The viewer's permission scope, built once per request. Building it also fills the policy
    module's cache of the teams they manage, so the one-object predicates asked afterwards run
    no query of their own (scope_for documents this)."""
    scope = getattr(request, "_planning_scope", None)
    if scope is None:
        scope = permissions.scope_for(request.user)
        request._planning_scope = scope
    return scope


def _plan_cycle(requested: str | None) -> Cycle | None:
    """The cycle asked for, else the current one, else the next in planning, else the latest."""
    cycle = resolve_cycle(requested=requested, on=timezone.localdate())
    if cycle is not None:
        return cycle
    return (
        Cycle.objects.filter(state=Cycle.State.PLANNING).order_by("start_date", "pk").first()
        or Cycle.objects.order_by("-start_date", "pk").first()
    )


def _cycle_from(request: HttpRequest) -> Cycle:
    requested = request.POST.get("cycle") or request.GET.get("cycle") or ""
    if not is_id(requested):
        raise Http404
    return access_cycle(user=request.user, pk=int(requested))


def _objective(request: HttpRequest, pk: int) -> Objective:
    """The objective, asked for once the viewer's scope is built, whose building fills the
    cache of the teams they manage that the visibility check then reads (no query of its own)."""
    _scope(request)
    return access_objective(user=request.user, pk=pk)


def _objective_form(
    request: HttpRequest,
    *,
    cycle: Cycle,
    objective: Objective | None = None,
    data: object | None = None,
    initial: dict | None = None,
) -> tuple[ObjectiveForm, selectors.AlignmentChoices]:
    teams = selectors.writable_teams(scope=_scope(request))
    if objective is not None and objective.owner_team_id and objective.owner_team not in teams:
        teams = [objective.owner_team, *teams]  # keep the current owner choosable
    selected = (data or initial or {}).get("parent")
    selected_id = int(selected) if is_id(str(selected or "")) else None
    alignment = selectors.alignment_options(
        cycle=cycle, viewer=request.user, objective=objective, selected_id=selected_id
    )
    form = ObjectiveForm(
        data,
        initial=initial,
        actor=request.user,
        teams=teams,
        parents=alignment.candidates,
        objective=objective,
    )
    return form, alignment


def _form_context(
    request: HttpRequest,
    *,
    cycle: Cycle,
    form: ObjectiveForm,
    alignment: selectors.AlignmentChoices,
    objective: Objective | None = None,
    rows: KeyResultRows | None = None,
    template: ObjectiveTemplate | None = None,
) -> dict:
    selected = form["parent"].value()
    return {
        "cycle": cycle,
        "page_cycle": cycle,
        "form": form,
        "alignment": alignment,
        "selected_parent": str(selected or ""),
        "objective": objective,
        "rows": rows,
        "template": template,
        "templates": selectors.template_choices() if objective is None else [],
        "owner_suggestions": selectors.owner_suggestions(objective=objective, viewer=request.user),
        "hints": _live_objective_hints(
            cycle=cycle, objective=objective, data=None, viewer=request.user
        )
        if objective is not None
        else [],
    }


# --- The planning page -------------------------------------------------------------------------


@require_GET
def plan(request: HttpRequest) -> HttpResponse:
    cycle = _plan_cycle(request.GET.get("cycle"))
    page = (
        selectors.plan_page(cycle=cycle, viewer=request.user, scope=_scope(request))
        if cycle
        else None
    )
    return render(request, PLAN_PAGE, {"page": page, "page_cycle": cycle})


# --- Objectives --------------------------------------------------------------------------------


def _template_initial(
    template: ObjectiveTemplate, *, actor: User, teams: list[Team]
) -> tuple[dict, list[dict]]:
    """The form's starting values from a template: its words, type and key results; the owner
    is the writer, or for a team or company template the first fitting team they write for."""
    initial = {
        "title": template.title,
        "description": template.description,
        "objective_type": template.objective_type,
        "visibility": Objective.Visibility.PUBLIC,
        "owner_kind": OwnerKind.PERSON,
        "owner_user": actor.username,
    }
    if template.level == Objective.Level.COMPANY:
        team = next((t for t in teams if t.is_root), None)
    elif template.level == Objective.Level.TEAM:
        team = next((t for t in teams if not t.is_root), None)
    else:
        team = None
    if team is not None:
        initial.update(owner_kind=OwnerKind.TEAM, owner_team=team.pk, owner_user="")
    rows = [
        {
            "title": kr.title,
            "kind": kr.kind,
            "unit": kr.unit,
            "start_value": kr.start_value,
            "target_value": kr.target_value,
            "weight": kr.weight,
        }
        for kr in template.key_results.all()
    ]
    return initial, rows


def _posted_initial(request: HttpRequest) -> tuple[dict, list[dict], int]:
    """What was typed, as initial values: "add a row" re-shows the form without judging it."""
    data = request.POST
    count = KeyResultRows.count_in(data, add=True)
    rows = []
    for index in range(count):
        prefix = f"kr-{index}-"
        rows.append(
            {
                name: data.get(prefix + name, "")
                for name in ("title", "owner", "kind", "unit", "start_value", "target_value")
            }
            | {"weight": data.get(prefix + "weight") or "1"}
        )
    fields = (
        "title",
        "description",
        "owner_kind",
        "owner_user",
        "owner_team",
        "objective_type",
        "visibility",
        "parent",
    )
    return {name: data.get(name, "") for name in fields}, rows, count


@require_http_methods(["GET", "POST"])
@refusals_answered_in(ALERT)
def objective_new(request: HttpRequest) -> HttpResponse:
    cycle = (
        _cycle_from(request) if request.method == "POST" else _plan_cycle(request.GET.get("cycle"))
    )
    if cycle is None:
        raise Http404
    if not permissions.can_create_objectives(request.user):
        raise NotAllowed(_("Your account is read-only."))
    ensure_cycle_open(cycle)
    template = None
    status = 200
    if request.method == "POST" and "add_row" in request.POST:
        initial, row_initial, count = _posted_initial(request)
        form, alignment = _objective_form(request, cycle=cycle, initial=initial)
        rows = KeyResultRows(count=count, initial=row_initial)
    elif request.method == "POST":
        form, alignment = _objective_form(request, cycle=cycle, data=request.POST)
        rows = KeyResultRows(request.POST, count=KeyResultRows.count_in(request.POST))
        forms_valid = form.is_valid()
        rows_valid = rows.is_valid()
        if forms_valid and rows_valid:
            values = form.service_values()
            default_owner = values["owner_user"] or request.user
            try:
                objective = services.add_objective(
                    actor=request.user,
                    cycle=cycle,
                    key_results=rows.drafts(default_owner=default_owner),
                    **values,
                )
            except ValidationError as error:
                details = error.message_dict if hasattr(error, "error_dict") else {}
                if not rows.add_service_errors(details):
                    add_service_errors(form, error)
                else:
                    others = {k: v for k, v in details.items() if not k.startswith("key_results-")}
                    if others:
                        add_service_errors(form, ValidationError(others))
            else:
                count = objective.key_results.count()
                messages.success(
                    request,
                    ngettext(
                        "“%(title)s” is saved, with %(count)s key result.",
                        "“%(title)s” is saved, with %(count)s key results.",
                        count,
                    )
                    % {"title": objective.title, "count": count},
                )
                return redirect("objective_plan", pk=objective.pk)
        status = 422
    else:
        initial = {"owner_kind": OwnerKind.PERSON, "owner_user": request.user.username}
        row_initial: list[dict] = []
        requested = request.GET.get("template", "")
        if is_id(requested):
            template = selectors.objective_template(int(requested))
            if template is None:
                raise Http404
            initial, row_initial = _template_initial(
                template, actor=request.user, teams=selectors.writable_teams(scope=_scope(request))
            )
        parent = request.GET.get("parent", "")
        if is_id(parent):
            initial["parent"] = parent
        form, alignment = _objective_form(request, cycle=cycle, initial=initial)
        rows = KeyResultRows(count=max(3, len(row_initial) + 1), initial=row_initial)
    context = _form_context(
        request, cycle=cycle, form=form, alignment=alignment, rows=rows, template=template
    )
    return render(request, FORM_PAGE, context, status=status)


def _edit_initial(objective: Objective) -> dict:
    return {
        "title": objective.title,
        "description": objective.description,
        "owner_kind": OwnerKind.PERSON if objective.owner_user_id else OwnerKind.TEAM,
        "owner_user": objective.owner_user.username if objective.owner_user_id else "",
        "owner_team": objective.owner_team_id,
        "objective_type": objective.objective_type,
        "visibility": objective.visibility,
        "parent": objective.parent_id,
        "version": objective.version,
    }


def _archived_message(title: str) -> str:
    return _("“%(title)s” is archived: restore it before changing it.") % {"title": title}


@require_http_methods(["GET", "POST"])
@refusals_answered_in(ALERT)
def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if not permissions.can_edit_objective(request.user, objective):
        raise NotAllowed(_("You may not edit this objective."))
    ensure_cycle_open(objective.cycle)
    if objective.archived:
        raise NotAllowed(_archived_message(objective.title))
    cycle = objective.cycle
    status = 200
    conflict_context: dict = {}
    if request.method == "POST":
        form, alignment = _objective_form(
            request, cycle=cycle, objective=objective, data=request.POST
        )
        if form.is_valid():
            try:
                services.edit_objective(
                    actor=request.user,
                    objective=objective,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_values(),
                )
            except EditConflict as edit_conflict:
                current = edit_conflict.current
                conflict_context = _conflict_context(
                    subject_kind=AuditEvent.SubjectKind.OBJECTIVE,
                    current=current,
                    yours=form.service_values(),
                    fields=OBJECTIVE_FIELDS,
                    reload_url=reverse("objective_edit", args=[current.pk]),
                )
                form, alignment = _objective_form(
                    request,
                    cycle=cycle,
                    objective=current,
                    data=_with_version(request.POST, current.version),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("“%(title)s” is saved.") % {"title": objective.title})
                return redirect("objective_plan", pk=objective.pk)
        status = 409 if conflict_context else 422
    else:
        form, alignment = _objective_form(
            request, cycle=cycle, objective=objective, initial=_edit_initial(objective)
        )
    context = _form_context(
        request, cycle=cycle, form=form, alignment=alignment, objective=objective
    )
    return render(request, FORM_PAGE, {**context, **conflict_context}, status=status)


def _with_version(data: object, version: int) -> object:
    """The refused form's values, now carrying the version that was saved: sending it again
    applies them over the other person's change, knowingly ("apply mine anyway")."""
    data = data.copy()
    data["version"] = str(version)
    data.pop("apply_anyway", None)
    return data


def _conflict_context(
    *,
    subject_kind: str,
    current: Objective | KeyResult,
    yours: dict[str, object],
    fields: tuple[str, ...],
    reload_url: str,
    reload_target: str = "",
) -> dict[str, object]:
    """What the conflict notice needs: who saved in between and when (the audit trail), their
    values against the refused ones, and where "reload the latest" goes."""
    return {
        "conflict": conflict_view(
            subject_kind=subject_kind, current=current, yours=yours, fields=fields
        ),
        "conflict_reload_url": reload_url,
        "conflict_reload_hx": reload_url if reload_target else "",
        "conflict_reload_target": reload_target,
    }


def _objective_page_context(request: HttpRequest, objective: Objective, **extra: object) -> dict:
    page = selectors.objective_plan(objective=objective, viewer=request.user, scope=_scope(request))
    return {"plan": page, "page_cycle": objective.cycle, **extra}


@require_GET
def objective_plan(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    return render(request, OBJECTIVE_PAGE, _objective_page_context(request, objective))


def _archive_toggle(request: HttpRequest, pk: int, *, archive: bool) -> HttpResponse:
    objective = _objective(request, pk)
    service = services.archive_objective if archive else services.restore_objective
    # The service refuses, with the reason: a closed cycle, or not theirs to edit.
    service(actor=request.user, objective=objective)
    if archive:
        text = _("“%(title)s” is archived: it no longer counts in %(cycle)s. Restore it any time.")
    else:
        text = _("“%(title)s” is restored.")
    messages.success(request, text % {"title": objective.title, "cycle": objective.cycle.name})
    return redirect("objective_plan", pk=objective.pk)


@require_POST
@refusals_answered_in(ALERT)
def objective_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_toggle(request, pk, archive=True)


@require_POST
@refusals_answered_in(ALERT)
def objective_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _archive_toggle(request, pk, archive=False)


# --- Key results -------------------------------------------------------------------------------


def _editor_response(
    request: HttpRequest, objective: Objective, *, status: int = 200, **extra: object
) -> HttpResponse:
    """The objective's key result editor (rows, archived rows, the add slot and the hints),
    freshly loaded: what every key result change swaps in."""
    objective = _objective(request, objective.pk)
    context = _objective_page_context(request, objective, **extra)
    return render(request, f"{OBJECTIVE_PAGE}#kr_editor", context, status=status)


def _key_result_form(
    data: object | None = None, *, key_result: KeyResult | None = None, can_reassign: bool = True
) -> KeyResultForm:
    auto_id = f"id_kr{key_result.pk}_%s" if key_result else "id_newkr_%s"
    initial = None
    form_class = KeyResultForm
    if key_result is not None:
        form_class = KeyResultEditForm
        initial = {
            "title": key_result.title,
            "owner": key_result.owner.username,
            "kind": key_result.kind,
            "unit": key_result.unit,
            "start_value": key_result.start_value,
            "target_value": key_result.target_value,
            "weight": key_result.weight,
            "version": key_result.version,
        }
    form = form_class(data, initial=initial, auto_id=auto_id)
    if not can_reassign:
        form.fields["owner"].disabled = True
        form.fields["owner"].help_text = _("Those who edit the objective may reassign it.")
    return form


@require_http_methods(["GET", "POST"])
@refusals_answered_in(ALERT)
def key_result_new(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if not permissions.can_manage_key_results(request.user, objective):
        raise NotAllowed(_("You may not add key results to this objective."))
    ensure_cycle_open(objective.cycle)
    if objective.archived:
        raise NotAllowed(_archived_message(objective.title))
    if request.method == "GET" and request.htmx and request.GET.get("cancel"):
        return _editor_response(request, objective)
    status = 200
    if request.method == "POST":
        form = _key_result_form(request.POST)
        if form.is_valid():
            try:
                key_result = services.add_key_result(
                    actor=request.user, objective=objective, **form.service_values()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if request.htmx:
                    return _editor_response(request, objective, added=key_result.pk)
                # The count tells whoever adds several in a row where they are (and the
                # coaching's "three to five" is easy to keep in mind).
                count = selectors.key_result_count(objective=objective)
                messages.success(
                    request,
                    ngettext(
                        "Key result “%(title)s” added: the objective now has %(count)s key result.",
                        "Key result “%(title)s” added: the objective now has %(count)s key "
                        "results.",
                        count,
                    )
                    % {"title": key_result.title, "count": count},
                )
                return redirect("objective_plan", pk=objective.pk)
        status = 422
    else:
        default_owner = objective.owner_user if objective.owner_user_id else request.user
        form = KeyResultForm(initial={"owner": default_owner.username}, auto_id="id_newkr_%s")
    context = _objective_page_context(request, objective, add_form=form)
    if request.htmx:
        response = render(request, f"{OBJECTIVE_PAGE}#kr_add", context, status=status)
        return reswap(retarget(response, "#kr-add"), "outerHTML")
    return render(request, OBJECTIVE_PAGE, context, status=status)


@require_http_methods(["GET", "POST"])
@refusals_answered_in(ALERT)
def key_result_edit(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = access_key_result(user=request.user, pk=pk)
    objective = key_result.objective
    _scope(request)
    if not permissions.can_edit_key_result(request.user, key_result):
        raise NotAllowed(_("You may not edit this key result."))
    ensure_cycle_open(objective.cycle)
    if objective.archived or key_result.archived:
        raise NotAllowed(
            _archived_message(key_result.title if key_result.archived else objective.title)
        )
    if request.method == "GET" and request.htmx and request.GET.get("cancel"):
        return _editor_response(request, objective)
    can_reassign = permissions.can_reassign_key_result(request.user, key_result)
    status = 200
    conflict_context: dict = {}
    if request.method == "POST":
        form = _key_result_form(request.POST, key_result=key_result, can_reassign=can_reassign)
        if form.is_valid():
            try:
                services.edit_key_result(
                    actor=request.user,
                    key_result=key_result,
                    expected_version=form.cleaned_data.get("version"),
                    **form.service_values(),
                )
            except EditConflict as edit_conflict:
                current = edit_conflict.current
                yours = form.service_values()
                yours["start_value"], yours["target_value"] = services.milestone_values(
                    yours["kind"], yours["start_value"], yours["target_value"]
                )
                if not can_reassign:  # their form showed the owner, disabled: not theirs to set
                    yours["owner"] = current.owner
                conflict_context = _conflict_context(
                    subject_kind=AuditEvent.SubjectKind.KEY_RESULT,
                    current=current,
                    yours=yours,
                    fields=KEY_RESULT_FIELDS,
                    reload_url=reverse("key_result_edit", args=[current.pk]),
                    reload_target=f"#plan-kr-{current.pk}",
                )
                form = _key_result_form(
                    _with_version(request.POST, current.version),
                    key_result=current,
                    can_reassign=can_reassign,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if request.htmx:
                    return _editor_response(request, objective, saved=key_result.pk)
                messages.success(
                    request, _("Key result “%(title)s” saved.") % {"title": form["title"].value()}
                )
                return redirect("objective_plan", pk=objective.pk)
        status = 409 if conflict_context else 422
    else:
        form = _key_result_form(key_result=key_result, can_reassign=can_reassign)
    context = _objective_page_context(
        request, objective, editing=key_result.pk, form=form, **conflict_context
    )
    context["row"] = next(
        (row for row in context["plan"].rows if row.key_result.pk == key_result.pk), None
    )
    if context["row"] is None:
        raise Http404
    if request.htmx:
        response = render(request, f"{OBJECTIVE_PAGE}#kr_row_editing", context, status=status)
        return reswap(retarget(response, f"#plan-kr-{key_result.pk}"), "outerHTML")
    return render(request, OBJECTIVE_PAGE, context, status=status)


def _key_result_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    key_result = access_key_result(user=request.user, pk=pk)
    objective = key_result.objective
    _scope(request)
    if not permissions.can_manage_key_results(request.user, objective):
        raise NotAllowed(
            _("Only those who edit the objective may reorder, archive or restore its key results.")
        )
    ensure_cycle_open(objective.cycle)
    if action == "move":
        direction = request.POST.get("direction", "")
        if direction not in ("up", "down"):
            raise Invalid(_("Move a key result up or down."))
        services.move_key_result(
            actor=request.user, key_result=key_result, offset=-1 if direction == "up" else 1
        )
    elif action == "archive":
        services.archive_key_result(actor=request.user, key_result=key_result)
    else:
        services.restore_key_result(actor=request.user, key_result=key_result)
    if request.htmx:
        return _editor_response(request, objective, saved=key_result.pk)
    done = {
        "move": _("Moved “%(title)s”."),
        "archive": _("Archived “%(title)s”; restore it any time."),
        "restore": _("Restored “%(title)s”."),
    }[action]
    messages.success(request, done % {"title": key_result.title})
    return redirect("objective_plan", pk=objective.pk)


@require_POST
@refusals_answered_in(ALERT)
def key_result_move(request: HttpRequest, pk: int) -> HttpResponse:
    return _key_result_action(request, pk, "move")


@require_POST
@refusals_answered_in(ALERT)
def key_result_archive(request: HttpRequest, pk: int) -> HttpResponse:
    return _key_result_action(request, pk, "archive")


@require_POST
@refusals_answered_in(ALERT)
def key_result_restore(request: HttpRequest, pk: int) -> HttpResponse:
    return _key_result_action(request, pk, "restore")


# --- The alignment picker and the live hints ---------------------------------------------------


@require_GET
def alignment_picker(request: HttpRequest) -> HttpResponse:
    """The parent list, filtered by what was typed in the picker's search box."""
    cycle = _cycle_from(request)
    objective = None
    requested = request.GET.get("objective", "")
    if is_id(requested):
        objective = _objective(request, int(requested))
        if objective.cycle_id != cycle.pk:
            raise Http404
    selected = request.GET.get("parent", "")
    alignment = selectors.alignment_options(
        cycle=cycle,
        viewer=request.user,
        objective=objective,
        query=request.GET.get("parent_q", "")[:100],
        selected_id=int(selected) if is_id(selected) else None,
    )
    context = {"alignment": alignment, "selected_parent": selected, "cycle": cycle}
    if not request.htmx:
        # Enter in the search box without JavaScript: the filtered tree as a page of its own.
        context["page_cycle"] = cycle
        return render(request, "objectives/planning/alignment.html", context)
    return render(request, f"{FORM_PAGE}#parent_select", context)


def _live_objective_hints(
    *, cycle: Cycle, objective: Objective | None, data: object | None, viewer: User
) -> list[coaching.Hint]:
    """The hints on what is in the form now (or, without data, on the saved objective). The
    owner's other objectives are counted as the viewer may see them: a private one they may
    not see is not in the count."""
    if data is None and objective is not None:
        data = {
            "title": objective.title,
            "objective_type": objective.objective_type,
        }
        owner_team_id, owner_user_id = objective.owner_team_id, objective.owner_user_id
        owner_name = objective.owner_name
    else:
        owner_team_id = owner_user_id = None
        owner_name = ""
        if data.get("owner_kind") == OwnerKind.TEAM:
            raw = data.get("owner_team", "")
            team = Team.objects.filter(pk=int(raw)).first() if is_id(str(raw)) else None
            if team is not None:
                owner_team_id, owner_name = team.pk, team.name
        else:
            person = find_person(data.get("owner_user", ""))
            if person is not None:
                owner_user_id, owner_name = person.pk, person.name
    owner_count = None
    if owner_team_id or owner_user_id:
        others = Objective.objects.filter(cycle=cycle, archived=False).filter(
            permissions.visible_objectives_q(viewer)
        )
        others = (
            others.filter(owner_user_id=owner_user_id)
            if owner_user_id
            else others.filter(owner_team_id=owner_team_id)
        )
        if objective is not None:
            others = others.exclude(pk=objective.pk)
        owner_count = others.count() + 1
    if objective is not None:
        key_result_count = objective.key_results.filter(archived=False).count()
    else:
        rows = KeyResultRows(data, count=KeyResultRows.count_in(data))
        key_result_count = len(rows.filled())
    return coaching.objective_hints(
        title=data.get("title", ""),
        objective_type=data.get("objective_type", ""),
        key_result_count=key_result_count,
        owner=owner_name,
        owner_objective_count=owner_count,
    )


@require_GET
def objective_hints(request: HttpRequest) -> HttpResponse:
    """Coaching on the objective form as it is being written; reads only, never blocks."""
    cycle = _cycle_from(request)
    objective = None
    requested = request.GET.get("objective", "")
    if is_id(requested):
        objective = _objective(request, int(requested))
    # The form's words and owner as typed; an existing objective's key results as saved.
    hints = _live_objective_hints(
        cycle=cycle, objective=objective, data=request.GET, viewer=request.user
    )
    row_hints = []
    if objective is None:
        rows = KeyResultRows(request.GET, count=KeyResultRows.count_in(request.GET))
        for index, form in enumerate(rows.forms):
            if form.is_blank():
                continue
            typed = form.data
            target = _coachable_number(typed.get(f"kr-{index}-target_value", ""))
            start = _coachable_number(typed.get(f"kr-{index}-start_value") or "0")
            found = coaching.key_result_hints(
                title=typed.get(f"kr-{index}-title", ""),
                kind=typed.get(f"kr-{index}-kind", KeyResult.Kind.METRIC),
                start=start,
                target=target,
            )
            if found:
                row_hints.append((index + 1, found))
    return render(
        request,
        f"{FORM_PAGE}#hints",
        {"hints": hints, "row_hints": row_hints, "live": True},
    )


def _coachable_number(text: str) -> Decimal | None:
    """A typed number the coaching may compare, or None: blank, not a number, or one the save
    would refuse (NaN, infinite, too large), whose own message the form already shows."""
    value, problems = services.parse_number(text)
    return None if problems else value


@require_GET
def key_result_hints(request: HttpRequest) -> HttpResponse:
    """Coaching on one key result as it is being written, and the numbers that would not save
    yet (pure: no database). Nothing here blocks anything; the save itself judges."""

    def typed(name: str, default: str = "") -> str:
        return request.GET.get(name) or default

    start = _coachable_number(typed("start_value", "0"))
    target = _coachable_number(typed("target_value"))
    problems = []
    for name, label, places in (
        ("start_value", _("Start"), services.VALUE_PLACES),
        ("target_value", _("Target"), services.VALUE_PLACES),
        ("weight", _("Weight"), services.WEIGHT_PLACES),
    ):
        value, messages = services.parse_number(typed(name))
        if value is not None and not messages:
            messages = services.number_errors(value, places=places)
        problems += [(label, message) for message in messages]
    hints = coaching.key_result_hints(
        title=typed("title"),
        kind=typed("kind", KeyResult.Kind.METRIC),
        start=start,
        target=target,
    )
    context = {"hints": hints, "problems": problems, "live": not problems}
    return render(request, f"{OBJECTIVE_PAGE}#kr_hints", context)


# --- The template library ----------------------------------------------------------------------


@require_GET
def template_library(request: HttpRequest) -> HttpResponse:
    cycle = _plan_cycle(request.GET.get("cycle"))
    filters = TemplateFilterForm(request.GET)
    data = filters.cleaned_data if filters.is_valid() else {}
    templates = selectors.template_library(
        department=data.get("department", ""),
        level=data.get("level", ""),
        query=data.get("q", ""),
    )
    context = {"templates": templates, "filters": filters, "cycle": cycle, "page_cycle": cycle}
    template = "objectives/planning/templates.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#template_list"
    return render(request, template, context)


@require_http_methods(["GET", "POST"])
@refusals_answered_in(ALERT)
def objective_save_template(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective(request, pk)
    if not permissions.can_manage_templates(request.user):
        raise NotAllowed(_("Only admins add templates to the library."))
    if not permissions.can_save_as_template(request.user, objective):
        raise Conflict(planning_services.private_template_message())
    status = 200
    if request.method == "POST":
        form = SaveTemplateForm(request.POST)
        if form.is_valid():
            try:
                template = planning_services.save_objective_as_template(
                    actor=request.user,
                    objective=objective,
                    department=form.cleaned_data["department"],
                    title=form.cleaned_data["title"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("“%(title)s” is in the template library.") % {"title": template.title},
                )
                return redirect(
                    reverse("template_library")
                    + f"?cycle={objective.cycle_id}&department={template.department}"
                )
        status = 422
    else:
        form = SaveTemplateForm(initial={"title": objective.title})
    return render(
        request,
        "objectives/planning/save_template.html",
        {"objective": objective, "form": form, "page_cycle": objective.cycle},
        status=status,
    )


# --- Export and import -------------------------------------------------------------------------


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


@require_GET
def okr_export_csv(request: HttpRequest) -> HttpResponse:
    cycle = _cycle_from(request)
    rows = spreadsheets.export_rows(cycle=cycle, viewer=request.user)
    return _download(
        spreadsheets.export_csv(rows),
        content_type="text/csv; charset=utf-8",
        filename=f"okrs-{slugify(cycle.name, allow_unicode=True) or cycle.pk}.csv",
    )


@require_GET
def okr_export_xlsx(request: HttpRequest) -> HttpResponse:
    cycle = _cycle_from(request)
    rows = spreadsheets.export_rows(cycle=cycle, viewer=request.user)
    return _download(
        spreadsheets.export_xlsx(rows, title=cycle.name),
        content_type=spreadsheets.XLSX_CONTENT_TYPE,
        filename=f"okrs-{slugify(cycle.name, allow_unicode=True) or cycle.pk}.xlsx",
    )


@require_http_methods(["GET", "POST"])
@refusals_answered_in(ALERT)
def okr_import(request: HttpRequest) -> HttpResponse:
    """Upload → dry run (what would be created, every error by row and column) → confirm. The
    confirmation carries the file's text back and is checked again from scratch."""
    cycle = (
        _cycle_from(request) if request.method == "POST" else _plan_cycle(request.GET.get("cycle"))
    )
    if cycle is None:
        raise Http404
    if not permissions.can_create_objectives(request.user):
        raise NotAllowed(_("Your account is read-only."))
    context: dict = {"cycle": cycle, "page_cycle": cycle, "form": ImportForm()}
    if request.method == "GET":
        return render(request, IMPORT_PAGE, context)
    spreadsheets.ensure_cycle_accepts_import(cycle)
    if request.POST.get("action") == "confirm":
        confirm = ImportConfirmForm(request.POST)
        content = confirm.data.get("content", "").encode("utf-8")
        try:
            created = spreadsheets.import_okrs(actor=request.user, cycle=cycle, content=content)
        except (ValidationError, NotAllowed) as refused:
            if isinstance(refused, CycleStateError):
                raise  # the cycle moved on since the check above: its own status
            plan = spreadsheets.plan_import(actor=request.user, cycle=cycle, content=content)
            context.update(plan=plan, content=content.decode("utf-8"))
            return render(request, IMPORT_PAGE, context, status=422)
        messages.success(
            request,
            ngettext(
                "Imported %(count)s objective into %(cycle)s.",
                "Imported %(count)s objectives into %(cycle)s.",
                len(created),
            )
            % {"count": len(created), "cycle": cycle.name},
        )
        return redirect(reverse("plan") + f"?cycle={cycle.pk}")
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        context["form"] = form
        return render(request, IMPORT_PAGE, context, status=422)
    upload = form.cleaned_data["file"]
    content = upload.read(spreadsheets.MAX_IMPORT_BYTES + 1)
    plan = spreadsheets.plan_import(actor=request.user, cycle=cycle, content=content)
    context.update(
        form=form,
        plan=plan,
        content=content.decode("utf-8-sig") if plan.ok else "",
    )
    return render(request, IMPORT_PAGE, context, status=200 if plan.ok else 422)

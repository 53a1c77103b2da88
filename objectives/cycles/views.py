"""Pages of the quarter's life: cycles and their transitions, grading and reflections, carrying
objectives over, the cycle report. People and teams live in people_views.py.

Every view: parse → find what was asked for (objectives/access.py: 404 when the user may not see
it) → permission (403 with the reason when they may see but not change) → service or selector →
render. A refusal because of the cycle's state (closed, not grading, moved on meanwhile) is 409
with the reason. Refusals are raised, here or by the services, and answered by okr_site/errors.py;
bad input re-renders the form with messages next to the fields, 422, nothing changed.
"""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dashboards.cache import ReadKey
from dashboards.selectors import cycle_report as build_cycle_report
from dashboards.selectors import resolve_cycle
from dashboards.selectors.cycle_report import cycle_report_page
from domain.errors import CycleStateError, NotAllowed
from objectives import permissions, selectors, services
from objectives.access import access_cycle, access_key_result, access_objective
from objectives.cycles import selectors as cycle_selectors
from objectives.cycles import services as cycle_services
from objectives.cycles.forms import CycleCreateForm, CycleForm, FiscalYearForm, TransitionForm
from objectives.forms import GradeForm, ReflectionForm
from objectives.ids import is_id
from objectives.models import (
    Cycle,
    KeyResult,
    Objective,
    ProgrammeSettings,
)
from objectives.planning import selectors as planning_selectors
from objectives.planning import services as planning_services
from objectives.planning.forms import CarryOverForm
from objectives.view_helpers import add_service_errors

GRADING = "objectives/grading.html"


# --- Shared helpers --------------------------------------------------------------------------


def _today() -> date:
    # The middleware has activated the person's own time zone.
    return timezone.localdate()


def _with_cycle(url_name: str, cycle: Cycle) -> str:
    return f"{reverse(url_name)}?cycle={cycle.pk}"


def _requested_cycle(request: HttpRequest) -> Cycle | None:
    """The cycle of a page that reads ?cycle=: the one asked for, else the current one, else
    the most recent that has started, else any."""
    cycle = resolve_cycle(requested=request.GET.get("cycle"), on=_today())
    return cycle or cycle_selectors.latest_started_cycle(today=_today())


# --- Cycles ----------------------------------------------------------------------------------


def _ensure_manages_cycles(request: HttpRequest) -> None:
    if not permissions.can_manage_cycles(request.user):
        raise NotAllowed(_("Only admins manage cycles."))


def _cycles_context(request: HttpRequest, **extra: object) -> dict:
    is_admin = permissions.can_manage_cycles(request.user)
    context: dict = {
        "rows": cycle_selectors.cycles_overview(viewer=request.user),
        "can_manage": is_admin,
    }
    if is_admin:
        settings = ProgrammeSettings.current()
        context["programme"] = settings
        context.setdefault(
            "fiscal_form",
            FiscalYearForm(initial={"fiscal_year_start_month": settings.fiscal_year_start_month}),
        )
    context.update(extra)
    return context


@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    return render(request, "objectives/cycles.html", _cycles_context(request))


@require_POST
def fiscal_year(request: HttpRequest) -> HttpResponse:
    _ensure_manages_cycles(request)
    form = FiscalYearForm(request.POST)
    if form.is_valid():
        try:
            cycle_services.set_fiscal_year_start(
                actor=request.user, month=form.cleaned_data["fiscal_year_start_month"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The fiscal year setting is saved."))
            return redirect("cycle_list")
    return render(
        request, "objectives/cycles.html", _cycles_context(request, fiscal_form=form), status=422
    )


@require_http_methods(["GET", "POST"])
def cycle_new(request: HttpRequest) -> HttpResponse:
    _ensure_manages_cycles(request)
    start_month = ProgrammeSettings.current().fiscal_year_start_month
    status = 200
    if request.method == "POST" and "fill" in request.POST:
        # "Fill in" posts the form (a GET would put its CSRF token in the address, and from
        # there in the history, logs and Referer headers); it creates nothing.
        form, status = _filled_cycle_form(request.POST, start_month=start_month)
    elif request.method == "POST":
        form = CycleCreateForm(request.POST, start_month=start_month)
        if form.is_valid():
            data = form.cleaned_data
            try:
                cycle = cycle_services.create_cycle(
                    actor=request.user,
                    name=data["name"] or "",
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    auto_transition=data["auto_transition"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("“%(name)s” is created, in planning.") % {"name": cycle.name}
                )
                return redirect("cycle_detail", pk=cycle.pk)
        status = 422
    elif "year" in request.GET:
        # A link to a picked period (?year=2027&period=1) fills it in the same way.
        form, status = _filled_cycle_form(request.GET, start_month=start_month)
    else:
        form = CycleCreateForm(
            initial=CycleCreateForm.initial_for(
                today=_today(),
                start_month=start_month,
                latest_end=cycle_selectors.latest_quarter_end(),
            ),
            start_month=start_month,
        )
    context = {"form": form, "start_month": start_month}
    template = "objectives/cycle_new.html"
    if request.htmx and (request.method == "GET" or "fill" in request.POST):
        template += "#cycle_form"
    return render(request, template, context, status=status)


def _filled_cycle_form(data: QueryDict, *, start_month: int) -> tuple[CycleCreateForm, int]:
    """ "Fill in": the picked quarter's name and dates, shown for the admin to check or adjust
    (and the status to answer with: 422 when the pick itself is wrong)."""
    picked = CycleCreateForm(data, start_month=start_month)
    if not picked.is_valid():
        return picked, 422
    cleaned = picked.cleaned_data
    period = picked.picked_period()
    initial = {
        "year": cleaned["year"],
        "period": cleaned["period"],
        "auto_transition": cleaned["auto_transition"],
    }
    if period is not None:  # the picked period replaces whatever was filled before
        initial.update(name=period.name, start_date=period.start, end_date=period.end)
    return CycleCreateForm(initial=initial, start_month=start_month), 200


def _cycle_detail_context(request: HttpRequest, cycle: Cycle, **extra: object) -> dict:
    context = {
        "cycle": cycle,
        "page_cycle": cycle,
        "history": cycle_selectors.cycle_history(cycle=cycle),
        "states": Cycle.State.choices,
        "can_manage": permissions.can_manage_cycles(request.user),
    }
    if context["can_manage"] and not cycle.is_closed:
        context["edit_form"] = CycleForm(
            initial={
                "name": cycle.name,
                "start_date": cycle.start_date,
                "end_date": cycle.end_date,
                "auto_transition": cycle.auto_transition,
            }
        )
    context.update(extra)
    return context


@require_GET
def cycle_detail(request: HttpRequest, pk: int) -> HttpResponse:
    requested = request.GET.get("cycle", "")
    if is_id(requested) and int(requested) != pk:
        # The header's switcher asks for another cycle: show that one's page.
        return redirect("cycle_detail", pk=access_cycle(user=request.user, pk=int(requested)).pk)
    cycle = access_cycle(user=request.user, pk=pk)
    return render(request, "objectives/cycle_detail.html", _cycle_detail_context(request, cycle))


@require_POST
def cycle_edit(request: HttpRequest, pk: int) -> HttpResponse:
    cycle = access_cycle(user=request.user, pk=pk)
    _ensure_manages_cycles(request)
    form = CycleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            cycle_services.update_cycle(
                actor=request.user,
                cycle=cycle,
                name=data["name"] or "",
                start_date=data["start_date"],
                end_date=data["end_date"],
                auto_transition=data["auto_transition"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": cycle.name})
            return redirect("cycle_detail", pk=cycle.pk)
    cycle_services.ensure_cycle_open(cycle)
    return render(
        request,
        "objectives/cycle_detail.html",
        _cycle_detail_context(request, cycle, edit_form=form),
        status=422,
    )


@require_http_methods(["GET", "POST"])
def cycle_transition(request: HttpRequest, pk: int, to_state: str) -> HttpResponse:
    if to_state not in Cycle.State.values:
        raise Http404
    cycle = access_cycle(user=request.user, pk=pk)
    if not permissions.can_manage_cycles(request.user):
        raise NotAllowed(_("Only admins move cycles from one state to the next."))
    if request.method == "POST":
        form = TransitionForm(request.POST)
        if not form.is_valid() or form.cleaned_data["from_state"] != cycle.state:
            raise CycleStateError(
                _("“%(cycle)s” changed meanwhile: it is now %(state)s. Nothing was done.")
                % {"cycle": cycle.name, "state": cycle.get_state_display()}
            )
        off_schedule = cycle_services.off_schedule(cycle=cycle, to_state=to_state, today=_today())
        unconfirmed = off_schedule is not None and not form.cleaned_data["confirm"]
        if unconfirmed and cycle.next_state == to_state:
            # A move it may make, far from the cycle's dates and not confirmed with them in
            # view: ask again, with the dates, and change nothing. (A move it may not make is
            # the service's refusal below.)
            return _transition_page(request, cycle=cycle, to_state=to_state)
        cycle_services.transition_cycle(actor=request.user, cycle=cycle, to_state=to_state)
        messages.success(
            request,
            _("“%(cycle)s” is now %(state)s.")
            % {"cycle": cycle.name, "state": cycle.get_state_display()},
        )
        return redirect("cycle_detail", pk=cycle.pk)

    if cycle.next_state != to_state:
        if cycle.is_closed:
            message = _("“%(cycle)s” is closed: closing is final and its scores are frozen.")
        else:
            message = _("“%(cycle)s” is %(state)s: it can move to %(next)s only.")
        raise CycleStateError(
            message
            % {
                "cycle": cycle.name,
                "state": cycle.get_state_display(),
                "next": Cycle.State(cycle.next_state).label if cycle.next_state else "",
            }
        )
    return _transition_page(request, cycle=cycle, to_state=to_state)


def _transition_page(request: HttpRequest, *, cycle: Cycle, to_state: str) -> HttpResponse:
    """The confirmation of a move: what it does and, when it is far from the cycle's dates,
    those dates; its form then carries the admin's confirmation of them."""
    today = _today()
    off_schedule = cycle_services.off_schedule(cycle=cycle, to_state=to_state, today=today)
    context = {
        "cycle": cycle,
        "page_cycle": cycle,
        "to_state": to_state,
        "to_label": Cycle.State(to_state).label,
        "preview": cycle_selectors.transition_preview(cycle=cycle),
        "today": today,
        "off_schedule": off_schedule,
        "form": TransitionForm(
            initial={"from_state": cycle.state, "confirm": off_schedule is not None}
        ),
    }
    template = "objectives/cycle_transition.html"
    if request.htmx:
        template += "#confirm"
    return render(request, template, context)


# --- Grading ---------------------------------------------------------------------------------


@require_GET
def grading(request: HttpRequest) -> HttpResponse:
    cycle = cycle_selectors.default_cycle_for_grading(
        requested=request.GET.get("cycle"), today=_today()
    )
    page = selectors.grading_page(cycle=cycle, viewer=request.user) if cycle else None
    return render(request, GRADING, {"page": page, "page_cycle": cycle})


def _grade_row_response(
    request: HttpRequest, key_result: KeyResult, *, status: int = 200, **context: object
) -> HttpResponse:
    page = selectors.grading_page(
        cycle=key_result.objective.cycle,
        viewer=request.user,
        objective_ids=[key_result.objective_id],
    )
    row = page.row(key_result.pk)
    if row is None:  # no longer theirs to see here (e.g. reassigned): refuse plainly
        raise Http404
    item = page.objective_view(key_result.objective_id)
    html = render_to_string(
        f"{GRADING}#kr_row", {"row": row, "page": page, **context}, request=request
    )
    if context.get("saved"):
        html += render_to_string(
            f"{GRADING}#objective_header",
            {"item": item, "page": page, "oob": True},
            request=request,
        )
    return HttpResponse(html, status=status)


@require_http_methods(["GET", "POST"])
def grade_key_result(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = access_key_result(user=request.user, pk=pk)
    cycle = key_result.objective.cycle
    if not permissions.can_grade_key_result(request.user, key_result):
        raise NotAllowed(_("You may not grade this key result."))
    services.ensure_cycle_grading(cycle)
    back = _with_cycle("grading", cycle)
    if request.method == "GET" and request.htmx and request.GET.get("cancel"):
        return _grade_row_response(request, key_result)

    if request.method == "POST":
        form = GradeForm(request.POST, auto_id=f"id_grade{key_result.pk}_%s")
        if form.is_valid():
            try:
                services.grade_key_result(
                    actor=request.user,
                    key_result=key_result,
                    grade=form.cleaned_data["grade"],
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if request.htmx:
                    return _grade_row_response(request, key_result, saved=True)
                messages.success(request, _("Graded “%(title)s”.") % {"title": key_result.title})
                return redirect(back)
        status = 422
    else:
        page = selectors.grading_page(
            cycle=cycle, viewer=request.user, objective_ids=[key_result.objective_id]
        )
        row = page.row(key_result.pk)
        form = GradeForm(
            initial={
                "grade": row.suggested_grade if row else key_result.final_grade,
                "note": key_result.grade_note,
            },
            auto_id=f"id_grade{key_result.pk}_%s",
        )
        status = 200
    if request.htmx:
        return _grade_row_response(request, key_result, status=status, form=form)
    return render(
        request,
        "objectives/grade.html",
        {"key_result": key_result, "form": form, "back": back, "page_cycle": cycle},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def objective_reflection(request: HttpRequest, pk: int) -> HttpResponse:
    objective = access_objective(user=request.user, pk=pk)
    cycle = objective.cycle
    if not permissions.can_write_reflection(request.user, objective):
        raise NotAllowed(_("You may not write the reflection on this objective."))
    services.ensure_cycle_grading(cycle)
    back = _with_cycle("grading", cycle)
    auto_id = f"id_reflection{objective.pk}_%s"
    if request.method == "GET" and request.htmx and request.GET.get("cancel"):
        return _reflection_response(request, objective)

    if request.method == "POST":
        form = ReflectionForm(request.POST, auto_id=auto_id)
        if form.is_valid():
            try:
                services.save_reflection(
                    actor=request.user, objective=objective, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if request.htmx:
                    return _reflection_response(request, objective, saved=True)
                messages.success(
                    request, _("Reflection on “%(title)s” saved.") % {"title": objective.title}
                )
                return redirect(back)
        status = 422
    else:
        existing = selectors.reflection_of(objective=objective)
        initial = {}
        if existing is not None:
            initial = {
                "what_worked": existing.what_worked,
                "what_did_not": existing.what_did_not,
                "root_cause": existing.root_cause,
                "decision": existing.decision,
            }
        form = ReflectionForm(initial=initial, auto_id=auto_id)
        status = 200
    if request.htmx:
        return _reflection_response(request, objective, status=status, form=form)
    return render(
        request,
        "objectives/reflection.html",
        {
            "objective": objective,
            "form": form,
            "back": back,
            "page_cycle": cycle,
            "score": services.live_objective_score(objective),
        },
        status=status,
    )


def _reflection_response(
    request: HttpRequest, objective: Objective, *, status: int = 200, **context: object
) -> HttpResponse:
    page = selectors.grading_page(
        cycle=objective.cycle, viewer=request.user, objective_ids=[objective.pk]
    )
    item = page.objective_view(objective.pk)
    if item is None:
        raise Http404
    return render(
        request, f"{GRADING}#reflection", {"item": item, "page": page, **context}, status=status
    )


# --- Carrying over ---------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def carry_over(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        requested = request.POST.get("cycle", "")
        if not is_id(requested):
            raise Http404
        cycle = access_cycle(user=request.user, pk=int(requested))
        if not permissions.can_create_objectives(request.user):
            raise NotAllowed(_("Your account is read-only."))
    else:
        cycle = _requested_cycle(request)
    if cycle is None:
        return render(request, "objectives/carry_over.html", {"page": None})
    page = planning_selectors.carry_over_page(cycle=cycle, viewer=request.user)
    candidates = [c.objective for c in page.candidates]
    status = 200
    if request.method == "POST":
        form = CarryOverForm(
            request.POST,
            objectives=candidates,
            targets=list(Cycle.objects.exclude(pk=cycle.pk)),
        )
        if form.is_valid():
            try:
                copies = planning_services.carry_over_objectives(
                    actor=request.user,
                    objectives=list(form.cleaned_data["objectives"]),
                    into=form.cleaned_data["into"],
                    with_initiatives=form.cleaned_data["initiatives"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                target = form.cleaned_data["into"]
                messages.success(
                    request,
                    ngettext(
                        "Carried %(count)s objective over into %(cycle)s.",
                        "Carried %(count)s objectives over into %(cycle)s.",
                        len(copies),
                    )
                    % {"count": len(copies), "cycle": target.name},
                )
                return redirect(_with_cycle("carry_over", cycle))
        status = 422
    else:
        form = CarryOverForm(objectives=candidates, targets=page.targets)
    return render(
        request,
        "objectives/carry_over.html",
        {
            "page": page,
            "form": form,
            "page_cycle": cycle,
            "selected_ids": request.POST.getlist("objectives"),
        },
        status=status,
    )


# --- Cycle report ----------------------------------------------------------------------------


@require_GET
def cycle_report(request: HttpRequest) -> HttpResponse:
    cycle = _requested_cycle(request)
    report = (
        cycle_report_page(
            cycle=cycle,
            viewer=request.user,
            page=request.GET.get("page"),
            read_key=ReadKey(viewer=request.user),
            query=request.GET.urlencode(),
        )
        if cycle
        else None
    )
    return render(request, "objectives/cycle_report.html", {"report": report, "page_cycle": cycle})


@require_GET
def cycle_report_csv(request: HttpRequest) -> HttpResponse:
    cycle = _requested_cycle(request)
    if cycle is None:
        raise Http404
    report = build_cycle_report(cycle=cycle, viewer=request.user)
    # UTF-8 with a byte-order mark, so spreadsheet programs read Korean names right.
    response = HttpResponse("\ufeff" + report.csv_text(), content_type="text/csv; charset=utf-8")
    # A Korean cycle name stays readable in the file's name (RFC 6266 filename*).
    filename = f"okr-scores-{slugify(cycle.name, allow_unicode=True) or cycle.pk}.csv"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.views.decorators.http import require_GET
from django_htmx.http import push_url

from audit import selectors as audit_selectors
from checkins.forms import CheckInForm
from dashboards import selectors
from dashboards.cache import ReadKey, load, owner_scopes, store
from dashboards.drawn import drawn
from dashboards.filters import InitiativeFilter, KeyResultFilter
from dashboards.selectors.common import request_cycles
from dashboards.selectors.scope import TeamTree
from dashboards.selectors.team_initiatives import TeamInitiatives, overdue_clock, team_initiatives
from dashboards.tables import key_result_table
from objectives import permissions
from objectives.models import KeyResult, Membership, Objective, Team
from objectives.scoring_inputs import value_or_start


@require_GET
def my_week(request: HttpRequest) -> HttpResponse:
    user = request.user
    head = selectors.week_head(
        user=user, requested_cycle=request.GET.get("cycle"), cycles=request_cycles(request)
    )
    read_key = ReadKey(viewer=user)
    scopes = ["org"]
    if read_key.scoped and head.cycle is not None:
        scopes = selectors.my_week_scopes(user=user, cycle=head.cycle)

    def context() -> dict[str, object]:
        # The rows' and panels' optional parameters, given so that no row looks them up in
        # vain (a variable the template cannot find costs it an exception each time).
        quiet = {"form": None, "saved": False, "refusal": "", "oob": False, "status_errors": None}
        return {"week": selectors.my_week(user=user, head=head), **quiet}

    body = drawn(
        request,
        read_key=read_key,
        name="my-week",
        parts=(head.cycle and head.cycle.pk, head.today),
        scopes=scopes,
        template="dashboards/my_week.html#week_body",
        context=context,
    )
    return render(request, "dashboards/my_week.html", {"head": head, "week_body": body})


@require_GET
def key_result_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One My week row, closed: what "Cancel" on the inline check-in form swaps back in."""
    key_result = (
        KeyResult.objects.select_related("objective__owner_team", "objective__owner_user")
        .filter(pk=pk)
        .first()
    )
    if key_result is None or not permissions.can_view_key_result(request.user, key_result):
        raise Http404
    row = selectors.key_result_view(key_result_id=pk, viewer=request.user)
    return render(request, "dashboards/my_week.html#kr_row", {"row": row})


# --- Helpers ------------------------------------------------------------------------------------


def _fragment_wanted(request: HttpRequest) -> bool:
    """An HTMX swap of part of the page; a history restore (back button with htmx's cache
    missing) needs the whole page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def _vary_on_htmx(response: HttpResponse) -> HttpResponse:
    # The same URL answers with a page or a fragment: caches must keep them apart, or the back
    # button could show a bare fragment.
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


def _cycle_query(request: HttpRequest) -> str:
    cycle = request.GET.get("cycle", "")
    return f"?{urlencode({'cycle': cycle})}" if cycle.isdigit() else ""


def _get_objective_for_user(request: HttpRequest, pk: int) -> Objective:
    """The objective, or 404 when it does not exist or the user may not see it."""
    objective = get_object_or_404(
        Objective.objects.select_related("cycle", "owner_team", "owner_user"), pk=pk
    )
    if not permissions.can_view_objective(request.user, objective):
        raise Http404
    return objective


def _get_key_result_for_user(request: HttpRequest, pk: int) -> KeyResult:
    key_result = selectors.load_key_result(pk)
    if key_result is None or not permissions.can_view_key_result(request.user, key_result):
        raise Http404
    return key_result


# --- Teams --------------------------------------------------------------------------------------


@require_GET
def team_index(request: HttpRequest) -> HttpResponse:
    """Every team, the organisation as a tree, with the viewer's own teams first."""
    tree = TeamTree.load()
    mine = list(
        Membership.objects.filter(user=request.user)
        .select_related("team")
        .order_by("role", "team__name")  # managers first
    )

    def branch(team_id: int) -> dict[str, object]:
        return {
            "team": tree.teams[team_id],
            "children": [branch(child) for child in tree.children.get(team_id, ())],
        }

    roots = [branch(tree.root.pk)] if tree.root is not None else []
    return render(
        request,
        "dashboards/teams.html",
        {"memberships": mine, "branches": roots, "cycle_query": _cycle_query(request)},
    )


@require_GET
def my_team(request: HttpRequest) -> HttpResponse:
    """The nav's "My team": straight to the team the viewer manages or belongs to when there is
    one obvious choice, else the list of teams with theirs first."""
    memberships = list(
        Membership.objects.filter(user=request.user).select_related("team").order_by("team__name")
    )
    managed = [m.team for m in memberships if m.role == Membership.Role.MANAGER]
    choices = managed or [m.team for m in memberships]
    if len(choices) == 1:
        team = choices[0]
        return redirect(reverse("team_dashboard", args=[team.slug]) + _cycle_query(request))
    return redirect(reverse("team_list") + _cycle_query(request))


@require_GET
def team_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    team = get_object_or_404(Team, slug=slug)
    include_sub_teams = request.GET.get("subteams") == "1"
    fragment = _fragment_wanted(request)
    read_key = ReadKey(viewer=request.user)
    dashboard = selectors.team_page(
        team=team,
        viewer=request.user,
        read_key=read_key,
        requested_cycle=request.GET.get("cycle"),
        include_sub_teams=include_sub_teams,
        table_only=fragment,
    )
    # The table (the page's and the HTMX fragment alike) is kept drawn, with its status, per
    # query string: filters, sort and page all change it.
    panel_key = read_key.key(
        "team-panel",
        (
            team.pk,
            request.GET.urlencode(),
            timezone.get_current_timezone_name(),
            get_language(),
        ),
    )
    panel = load(panel_key)
    if panel is None:
        filterset = KeyResultFilter(request.GET, rows=dashboard.rows)
        rows = filterset.filtered_rows()
        table = key_result_table(
            rows=rows, sort=request.GET.get("sort"), page=request.GET.get("page")
        )
        context = {
            "dashboard": dashboard,
            "filterset": filterset,
            "table": table,
            "shown_count": len(rows),
        }
        html = render_to_string("dashboards/team.html#kr_panel", context, request=request)
        panel = (422 if filterset.errors else 200, html)
        store(panel_key, panel)
    status, html = panel
    if fragment:
        return _vary_on_htmx(HttpResponse(html, status=status))
    initiatives_status, initiatives_html = _initiatives_panel(
        request, team=team, dashboard=dashboard, read_key=read_key
    )
    status = max(status, initiatives_status)  # 422 when either panel's filters are wrong
    context = {
        "dashboard": dashboard,
        "kr_panel": html,
        "initiatives_panel": initiatives_html,
        # Drawn inside the cached sections: worked out only when they are drawn.
        "okr_health": SimpleLazyObject(lambda: selectors.okr_health(dashboard)),
    }
    return _vary_on_htmx(render(request, "dashboards/team.html", context, status=status))


INITIATIVES_SHOWN = 25  # the team page's card lists this many; its filters narrow it


@require_GET
def team_initiatives_panel(request: HttpRequest, slug: str) -> HttpResponse:
    """The team page's initiatives card alone, filtered: what its filter form swaps in with HTMX.
    Without HTMX the team page itself answers (it draws the card with the same filters)."""
    team = get_object_or_404(Team, slug=slug)
    page_url = reverse("team_dashboard", args=[team.slug])
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    if not _fragment_wanted(request):
        return redirect(page_url + query)
    read_key = ReadKey(viewer=request.user)
    dashboard = selectors.team_page(
        team=team,
        viewer=request.user,
        read_key=read_key,
        requested_cycle=request.GET.get("cycle"),
        include_sub_teams=request.GET.get("subteams") == "1",
        table_only=True,
    )
    status, html = _initiatives_panel(request, team=team, dashboard=dashboard, read_key=read_key)
    response = HttpResponse(html, status=status)
    # The address bar shows the team page with these filters: reloading or sharing it works.
    push_url(response, page_url + query)
    return _vary_on_htmx(response)


def _initiatives_panel(
    request: HttpRequest, *, team: Team, dashboard: selectors.TeamPage, read_key: ReadKey
) -> tuple[int, str]:
    """(status, html) of the initiatives card for this query string, kept in the read cache by
    the quarter hour (an initiative turns overdue at its owner's midnight)."""
    key = read_key.key(
        "team-initiatives",
        (
            team.pk,
            request.GET.urlencode(),
            overdue_clock(),
            timezone.get_current_timezone_name(),
            get_language(),
        ),
    )
    panel = load(key)
    if panel is None:
        initiatives = None
        if dashboard.cycle is not None:
            # The full page's dashboard has them; the table-only one (HTMX) has its rows.
            initiatives = dashboard.initiatives or team_initiatives(
                key_results=[row.key_result for row in dashboard.rows]
            )
        initiatives = initiatives or TeamInitiatives()
        filterset = InitiativeFilter(request.GET, lines=initiatives.open)
        lines = filterset.filtered_lines()
        kept = [
            (name, value)
            for name, values in request.GET.lists()
            if not name.startswith(f"{InitiativeFilter.PREFIX}-")
            for value in values
        ]
        context = {
            "dashboard": dashboard,
            "initiatives": initiatives,
            "initiative_filter": filterset,
            "initiative_lines": lines[:INITIATIVES_SHOWN],
            "initiatives_shown_count": len(lines),
            # The team page's other parameters (the key result table's), kept by the form.
            "kept_params": kept,
            "kept_query": urlencode(kept),
        }
        html = render_to_string("dashboards/team.html#initiatives_panel", context, request=request)
        panel = (422 if filterset.errors else 200, html)
        store(key, panel)
    return panel


# --- Company ------------------------------------------------------------------------------------


@require_GET
def company(request: HttpRequest) -> HttpResponse:
    fragment = _fragment_wanted(request)
    read_key = ReadKey(viewer=request.user)
    dashboard = selectors.company_dashboard(
        viewer=request.user,
        requested_cycle=request.GET.get("cycle"),
        focus_slug=request.GET.get("team"),
        read_key=read_key,
    )
    # The teams panel's links carry the query string, so its cached copy is kept per query.
    teams_key = dashboard.fragment_key and read_key.key(
        "company-teams", (dashboard.fragment_key, request.GET.urlencode())
    )
    template = "dashboards/company.html#teams_panel" if fragment else "dashboards/company.html"
    context = {"dashboard": dashboard, "teams_key": teams_key}
    return _vary_on_htmx(render(request, template, context))


@require_GET
def objective_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The objectives aligned to one, for a lazily opened branch of the alignment tree."""
    objective = _get_objective_for_user(request, pk)
    nodes = selectors.objective_children(objective=objective, viewer=request.user)
    return render(request, "dashboards/widgets.html#tree_children", {"nodes": nodes})


# --- Key results and objectives -----------------------------------------------------------------


@require_GET
def key_result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = _get_key_result_for_user(request, pk)

    def context() -> dict[str, object]:
        page = selectors.key_result_page(key_result=key_result, viewer=request.user)
        context = key_result_context(request, page)
        # Outside the live part the check-in swaps, so a check-in does not read the trail.
        context["history"] = audit_selectors.key_result_history(
            key_result=key_result, viewer=request.user
        )
        return context

    # Everything the page shows is under the key result's objective (its check-ins,
    # initiatives and trail raise that objective's owner's scope) or the organisation.
    objective = key_result.objective
    content = drawn(
        request,
        read_key=ReadKey(viewer=request.user),
        name="key-result",
        parts=(key_result.pk,),
        scopes=owner_scopes(
            team_ids=[objective.owner_team_id] if objective.owner_user_id is None else [],
            person_ids=[objective.owner_user_id] if objective.owner_user_id else [],
        ),
        template="dashboards/key_result.html#page_content",
        context=context,
    )
    return render(
        request,
        "dashboards/key_result.html",
        {"key_result": key_result, "page_content": content},
    )


def key_result_context(
    request: HttpRequest, page: selectors.KeyResultPage, **extra: object
) -> dict[str, object]:
    """What the key result page and its live part need; the check-in view renders the live
    part with a bound form or a confirmation."""
    kr = page.key_result
    form = extra.pop("form", None)
    if form is None and page.can_check_in:
        initial = value_or_start(key_result=kr)
        form = CheckInForm(
            initial={"value": format(initial.normalize(), "f"), "confidence": kr.last_confidence},
            auto_id=f"id_kr{kr.pk}_%s",
        )
    return {"page": page, "form": form, "next": reverse("key_result", args=[kr.pk]), **extra}


@require_GET
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _get_objective_for_user(request, pk)
    page = selectors.objective_page(objective=objective, viewer=request.user)
    history = audit_selectors.objective_history(objective=objective, viewer=request.user)
    return render(request, "dashboards/objective.html", {"page": page, "history": history})

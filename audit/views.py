"""The audit trail in the browser: the admins' list of every change (/audit/) and the "show
older changes" fragments of the objective and key result pages' History sections."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from audit import selectors
from audit.filters import AuditEventFilter
from audit.models import AuditEvent
from domain.errors import NotAllowed
from objectives import permissions
from objectives.access import access_key_result, access_objective
from objectives.ids import is_id

PAGE_SIZE = 50
MAX_OFFSET = 1_000_000


def _ensure_admin(request: HttpRequest) -> None:
    if not permissions.can_read_audit_trail(request.user):
        raise NotAllowed(_("Only admins read the whole audit trail."))


def _offset(request: HttpRequest) -> int:
    text = request.GET.get("offset", "")
    if not is_id(text) or len(text) > 7:
        return 0
    return min(int(text), MAX_OFFSET)


@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    """Every change, latest first, filtered and paginated; HTMX swaps the results only."""
    _ensure_admin(request)
    filterset = AuditEventFilter(request.GET, queryset=AuditEvent.objects.all())
    status = 200
    if filterset.is_valid():
        events = filterset.qs.order_by("-at", "-id")
    else:
        events = AuditEvent.objects.none()
        status = 422
    paginator = Paginator(events, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        page = paginator.page(1)
    except EmptyPage:
        page = paginator.page(paginator.num_pages)
    context = {
        "filterset": filterset,
        "page": page,
        "entries": selectors.event_entries(list(page.object_list)),
    }
    template = "audit/events.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context, status=status)
    # The same URL answers with a page or a fragment: caches must keep them apart.
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


def _older(request: HttpRequest, history: selectors.History, url: str, title: str) -> HttpResponse:
    context = {"history": history, "more_url": url, "title": title}
    if request.htmx:
        return render(request, "audit/_history_entries.html", context)
    return render(request, "audit/history.html", context)


@require_GET
def objective_history(request: HttpRequest, pk: int) -> HttpResponse:
    objective = access_objective(user=request.user, pk=pk)
    history = selectors.objective_history(
        objective=objective,
        viewer=request.user,
        offset=_offset(request),
        limit=selectors.MORE_SIZE,
    )
    url = reverse("audit_objective_history", args=[pk])
    return _older(request, history, url, objective.title)


@require_GET
def key_result_history(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = access_key_result(user=request.user, pk=pk)
    history = selectors.key_result_history(
        key_result=key_result,
        viewer=request.user,
        offset=_offset(request),
        limit=selectors.MORE_SIZE,
    )
    url = reverse("audit_key_result_history", args=[pk])
    return _older(request, history, url, key_result.title)

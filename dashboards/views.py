from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboards import selectors
from objectives import permissions
from objectives.models import KeyResult


@require_GET
def my_week(request: HttpRequest) -> HttpResponse:
    week = selectors.my_week(user=request.user, requested_cycle=request.GET.get("cycle"))
    return render(request, "dashboards/my_week.html", {"week": week})


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

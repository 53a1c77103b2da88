"""The check-in form: inline in a My week row (HTMX), on the key result page (HTMX, the form
posts `context=key_result`), or as a page of its own (no JavaScript).

Each HTMX caller gets back the part of its own page the answer belongs in: My week its row (plus
the objective's progress and the week's summary out of band), the key result page its live part
(numbers, charts, history and the form).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from checkins.forms import CheckInForm
from checkins.services import ensure_can_check_in, record_checkin
from dashboards import selectors
from domain.errors import NotAllowed
from objectives.access import access_key_result
from objectives.models import KeyResult
from objectives.scoring_inputs import value_or_start

ROW_TEMPLATE = "dashboards/my_week.html#kr_row"
KEY_RESULT_LIVE_TEMPLATE = "dashboards/key_result.html#live"
# The value of the form's hidden `context` field when it comes from the key result page.
KEY_RESULT_CONTEXT = "key_result"


def _field_ids(key_result: KeyResult) -> str:
    # Several rows can have their form open at once; ids must stay unique on the page.
    return f"id_kr{key_result.pk}_%s"


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("my_week")


def _row_response(
    request: HttpRequest, key_result: KeyResult, *, status: int = 200, **context: object
) -> HttpResponse:
    row = selectors.key_result_view(key_result_id=key_result.pk, viewer=request.user)
    return render(request, ROW_TEMPLATE, {"row": row, **context}, status=status)


def _from_key_result_page(request: HttpRequest) -> bool:
    context = request.POST.get("context") or request.GET.get("context")
    return bool(request.htmx) and context == KEY_RESULT_CONTEXT


def _key_result_page_response(
    request: HttpRequest, key_result: KeyResult, *, status: int = 200, **context: object
) -> HttpResponse:
    """The key result page's live part, freshly scored, with a bound form, a refusal or a
    confirmation."""
    page = selectors.key_result_page(
        key_result=selectors.load_key_result(key_result.pk), viewer=request.user
    )
    return render(
        request,
        KEY_RESULT_LIVE_TEMPLATE,
        selectors.live_part_context(page=page, **context),
        status=status,
    )


def _record_in_one_load(request: HttpRequest, pk: int) -> KeyResult | None:
    """A valid check-in recorded with the key result loaded once, locked (concurrent check-ins
    on it queue here, as in `record_checkin`), and the key result; None when the form is not
    valid or the check-in is refused, for `check_in` to answer with the reason."""
    form = CheckInForm(request.POST)  # only validated here: an invalid one is drawn below
    if not form.is_valid():
        return None
    with transaction.atomic():
        key_result = access_key_result(user=request.user, pk=pk, for_update=True)
        try:
            record_checkin(
                actor=request.user, key_result=key_result, locked=True, **form.cleaned_data
            )
        except (NotAllowed, ValidationError):
            # Nothing was written; the transaction ends rolled back.
            return None
    return key_result


def _saved_response(request: HttpRequest, key_result: KeyResult) -> HttpResponse:
    if _from_key_result_page(request):
        return _key_result_page_response(request, key_result, saved=True)
    if request.htmx:
        return _saved_fragment(request, key_result)
    messages.success(request, _("Checked in on “%(title)s”.") % {"title": key_result.title})
    return redirect(_next_url(request), permanent=False)


@require_http_methods(["GET", "POST"])
def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        key_result = _record_in_one_load(request, pk)
        if key_result is not None:
            return _saved_response(request, key_result)
    # A form, or a refusal or an invalid form told with its reason.
    key_result = access_key_result(user=request.user, pk=pk)
    on_key_result_page = _from_key_result_page(request)
    try:
        ensure_can_check_in(actor=request.user, key_result=key_result)
    except NotAllowed as refusal:
        # HTMX shows the refusal inside the part of the page it swaps (the row, or the key
        # result page's live part) in place of the form; a page load gets the error page.
        if on_key_result_page:
            return _key_result_page_response(
                request, key_result, status=403, refusal=refusal.message
            )
        if request.htmx:
            return _row_response(request, key_result, status=403, refusal=refusal.message)
        raise

    if request.method == "POST":
        form = CheckInForm(request.POST, auto_id=_field_ids(key_result))
        if form.is_valid():
            try:
                record_checkin(actor=request.user, key_result=key_result, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:  # refused a moment ago, allowed now
                return _saved_response(request, key_result)
        status = 422
    else:
        initial_value = value_or_start(key_result=key_result)
        form = CheckInForm(
            # "14.7", not the stored "14.7000"
            initial={
                "value": format(initial_value.normalize(), "f"),
                "confidence": key_result.last_confidence,
            },
            auto_id=_field_ids(key_result),
        )
        status = 200

    if on_key_result_page:
        return _key_result_page_response(request, key_result, status=status, form=form)
    if request.htmx:
        return _row_response(request, key_result, status=status, form=form)
    row = selectors.key_result_view(key_result_id=key_result.pk, viewer=request.user)
    return render(
        request,
        "checkins/check_in.html",
        {"row": row, "form": form, "next": _next_url(request)},
        status=status,
    )


def _saved_fragment(request: HttpRequest, key_result: KeyResult) -> HttpResponse:
    """The saved row, plus out-of-band swaps of its objective's progress and the week summary
    when the key result is one of the person's own on My week (the week of the key result's
    cycle: the one the page showing its row is on, already loaded with it)."""
    week = selectors.my_week(user=request.user, cycle=key_result.objective.cycle)
    row = week.row(key_result.pk)
    if row is None:
        return _row_response(request, key_result, saved=True)
    context = {"row": row, "item": week.objective_view(key_result.objective_id), "week": week}
    return render(request, "dashboards/my_week.html#saved_checkin", context)

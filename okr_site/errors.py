"""One answer per error, for the whole site.

A service refuses by raising (domain/errors.py); views let the refusal through and
ErrorAnswerMiddleware (okr_site/middleware.py) answers it here, as do the site's own 403 and 404
handlers (okr_site/views.py) for what is raised elsewhere:

- `describe_error`: the status and the words for the person, with the messages by field for
  wrong input; nothing in it is HTML, so an API can answer with the same.
- `error_response`: that answer as HTML. A page load gets a whole error page; an HTMX request
  gets a short message for the page's alert region (#alert-region in base.html), or, when the
  view named a place of its own for refusals (`refusals_into`), the message alone swapped in
  there, as a planning form or an initiatives panel shows them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader
from django.utils.translation import gettext as _
from django_htmx.http import reswap, retarget

from domain.errors import Conflict, CycleStateError, DomainError, NotAllowed, NotFound
from objectives.view_helpers import current_page_path, refusal

# The page's region for messages about HTMX requests that failed (base.html); static/js/alerts.js
# lets a response retargeted here swap whatever its status.
ALERT_REGION = "#alert-region"
# The statuses a view may send to a place of its own (`refusals_into`): a refusal of what the
# person did there. "Not there" (404) is about the whole page and goes to its alert region.
REFUSALS = frozenset({403, 409, 422})
_REGION_ATTRIBUTE = "refusal_region"

Answerable = DomainError | PermissionDenied | Http404 | ValidationError
View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class ErrorAnswer:
    status: int
    message: str
    # Wrong input raised field by field: the messages of each field ("__all__": the whole form).
    field_messages: dict[str, list[str]] = field(default_factory=dict)


def describe_error(error: Answerable) -> ErrorAnswer:
    """The status and words for an error: 403 not allowed, 404 not there (or not theirs to
    see), 409 not possible in the state things are in, 422 wrong input."""
    # The cycle's state first: CycleStateError is a ValidationError too.
    if isinstance(error, CycleStateError | Conflict):
        return ErrorAnswer(status=409, message=error.message)
    if isinstance(error, NotAllowed | NotFound):
        status = 403 if isinstance(error, NotAllowed) else 404
        return ErrorAnswer(status=status, message=error.message)
    if isinstance(error, PermissionDenied):
        # Raised with a reason it carries it; a bare one gets the general words.
        return ErrorAnswer(status=403, message=str(error) or NotAllowed().message)
    if isinstance(error, Http404):
        # Django's own words ("No KeyResult matches the given query.") are not for the person.
        return ErrorAnswer(status=404, message=NotFound().message)
    if isinstance(error, ValidationError):
        fields = error.message_dict if hasattr(error, "error_dict") else {}
        return ErrorAnswer(status=422, message=" ".join(error.messages), field_messages=fields)
    # A refusal of no more particular kind: not possible as things are.
    return ErrorAnswer(status=409, message=error.message)


def status_message(status: int) -> str:
    """The general words for a failed request of this status."""
    if status == 400:
        return _(
            "Your request could not be read, so nothing was changed. Reload the page and try again."
        )
    if status == 403:
        return NotAllowed().message
    if status == 404:
        return NotFound().message
    if status == 409:
        return Conflict().message
    if status >= 500:
        return _("Something went wrong on our side. Please try again in a minute.")
    return DomainError().message


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def htmx_alert(request: HttpRequest, *, status: int, message: str = "") -> HttpResponse:
    """A failed HTMX request's answer: a short message for the page's alert region (never an
    error page swapped in where the fragment was meant to go)."""
    context = {
        "message": message or status_message(status),
        "status": status,
        "reload_url": current_page_path(request) or "",
    }
    response = HttpResponse(loader.render_to_string("alert.html", context), status=status)
    response["HX-Retarget"] = ALERT_REGION
    response["HX-Reswap"] = "innerHTML"
    return response


def refusals_into(request: HttpRequest, region: str) -> None:
    """Answer this HTMX request's refusals (403, 409, 422) with their message alone, swapped into
    `region` of its page (a form's or a panel's own place for messages) rather than the page's
    alert region."""
    setattr(request, _REGION_ATTRIBUTE, region)


def refusals_answered_in(region: str) -> Callable[[View], View]:
    """`refusals_into(request, region)` for every request of the view it decorates."""

    def decorate(view: View) -> View:
        @wraps(view)
        def view_answering_in_region(
            request: HttpRequest, *args: object, **kwargs: object
        ) -> HttpResponse:
            refusals_into(request, region)
            return view(request, *args, **kwargs)

        return view_answering_in_region

    return decorate


def error_response(request: HttpRequest, error: Answerable) -> HttpResponse:
    """The answer to a request that ended in `error`, in HTML (see the module's docstring)."""
    answer = describe_error(error)
    if is_htmx(request):
        region = getattr(request, _REGION_ATTRIBUTE, None)
        if region is not None and answer.status in REFUSALS:
            response = refusal(request, answer.message, status=answer.status)
            return reswap(retarget(response, region), "innerHTML")
        return htmx_alert(request, status=answer.status, message=answer.message)
    if answer.status == 404:
        content = loader.render_to_string("404.html", {}, request)
        return HttpResponse(content, status=404)
    if answer.status == 403:
        content = loader.render_to_string("403.html", {"exception": answer.message}, request)
        return HttpResponse(content, status=403)
    return refusal(request, answer.message, status=answer.status)

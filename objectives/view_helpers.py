"""What the views of objectives/ share: refusals with their reason, service errors onto form
fields, and safe "next" links."""

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from domain.errors import DomainError


def refusal(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    """A refusal with its reason: a page, or for HTMX a fragment to swap in where the form was."""
    template = "objectives/refusal.html"
    if request.htmx:
        template += "#message"
    return render(request, template, {"message": message, "status": status}, status=status)


def add_service_errors(form: Form, error: ValidationError) -> None:
    """Put a service's ValidationError onto the form's fields (or the form as a whole).

    A refusal that is a ValidationError too (CycleStateError: the cycle's state forbids the
    change) is about no field of the form: it is raised on, to be answered with its own status
    (okr_site/errors.py), so `except ValidationError` around a form's save stays this one call."""
    if isinstance(error, DomainError):
        raise error
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def safe_next_url(request: HttpRequest, default: str) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def same_site_path(request: HttpRequest, url: str | None) -> str | None:
    """The path (and query) of `url` when it points at this site, else None; never raises.

    For headers the browser (or anyone) writes, such as HX-Current-URL and Referer: urlsplit
    raises ValueError on "http://[::1", which django-htmx's current_url_abs_path does not catch.
    """
    if not url or not url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def current_page_path(request: HttpRequest) -> str | None:
    """The path of the page an HTMX request was made from (its HX-Current-URL) when that page
    is on this site, else None."""
    if request.headers.get("HX-Request") != "true":
        return None
    return same_site_path(request, request.headers.get("HX-Current-URL"))

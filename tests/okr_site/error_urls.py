"""The site's URLs plus views that fail, for the error handler tests (pytest.mark.urls)."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from okr_site.urls import handler400, handler403, handler404, handler500  # noqa: F401
from okr_site.urls import urlpatterns as site_urlpatterns


def crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("boom")


def bad(request: HttpRequest) -> HttpResponse:
    raise BadRequest("unreadable")


def denied(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied("You may not touch the wiring.")


def missing(request: HttpRequest) -> HttpResponse:
    raise Http404


urlpatterns = [
    path("test-errors/crash/", crash),
    path("test-errors/bad/", bad),
    path("test-errors/denied/", denied),
    path("test-errors/missing/", missing),
    *site_urlpatterns,
]


def conflict_page(request: HttpRequest) -> HttpResponse:
    """A view that answers a whole page with an error status even to HTMX."""
    return render(
        request, "objectives/refusal.html", {"message": "Moved on", "status": 409}, status=409
    )


urlpatterns.insert(0, path("test-errors/conflict/", conflict_page))

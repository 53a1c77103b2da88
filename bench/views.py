"""The floor: the cheapest page a signed-in person can get.

Every request of the benchmark pays what this page pays — the middleware, the session and user
lookups, the base template with its header and cycle switcher — and nothing else. A page's cost
over the floor is what the page itself adds.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET


@require_GET
def floor(request: HttpRequest) -> HttpResponse:
    return render(request, "bench/floor.html")

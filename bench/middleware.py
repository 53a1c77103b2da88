"""Bench only: say in a response header how many SQL queries the request made."""

from collections.abc import Callable

from django.db import connections
from django.http import HttpRequest, HttpResponse

QUERIES_HEADER = "X-Bench-Queries"


class QueryCountMiddleware:
    """Counts every statement sent on any database connection while the request runs.

    A wrapper around execution, not DEBUG's query log: it works with DEBUG off and costs a
    function call per query.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counted(execute, sql, params, many, context):  # noqa: ANN001, ANN202
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        wrappers = [connections[alias].execute_wrapper(counted) for alias in connections]
        for wrapper in wrappers:
            wrapper.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for wrapper in reversed(wrappers):
                wrapper.__exit__(None, None, None)
        response[QUERIES_HEADER] = str(count)
        return response

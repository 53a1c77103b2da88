"""A minimal HTTP client for the benchmark: one signed-in person, cookies kept, timed requests.

Standard library only (http.client), and only ever to 127.0.0.1. A fresh connection per request,
as gunicorn's sync workers close each one: every page pays the same connection cost, the floor
included.
"""

import http.client
import re
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode

HOST = "127.0.0.1"
CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes
    headers: dict[str, str]
    elapsed_ms: float

    @property
    def queries(self) -> int:
        return int(self.headers.get("x-bench-queries", "-1"))


class Session:
    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in sorted(self.cookies.items()))

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        sent = {"Host": f"{HOST}:{self.port}", **(headers or {})}
        if self.cookies:
            sent["Cookie"] = self.cookie_header()
        if body is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection(HOST, self.port, timeout=TIMEOUT_SECONDS)
        try:
            started = time.perf_counter()
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            content = answer.read()
            elapsed = (time.perf_counter() - started) * 1000
        finally:
            connection.close()
        received = {name.lower(): value for name, value in answer.getheaders()}
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Response(answer.status, content, received, elapsed)

    def get(self, path: str, **headers: str) -> Response:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, data: dict[str, str], **headers: str) -> Response:
        headers = {"X-CSRFToken": self.cookies.get("csrftoken", ""), **headers}
        return self.request("POST", path, body=urlencode(data).encode(), headers=headers)

    def log_in(self, username: str, password: str) -> None:
        form = self.get("/login/")
        token = CSRF_INPUT.search(form.body)
        if form.status != 200 or token is None:
            raise RuntimeError(f"no login form at /login/ (HTTP {form.status})")
        answer = self.request(
            "POST",
            "/login/",
            body=urlencode(
                {
                    "username": username,
                    "password": password,
                    "csrfmiddlewaretoken": token.group(1).decode(),
                }
            ).encode(),
            headers={"Referer": f"http://{HOST}:{self.port}/login/"},
        )
        if answer.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"could not sign in as {username} (HTTP {answer.status})")

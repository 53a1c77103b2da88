"""The production shape: docker-compose.yml and the Dockerfile, checked without a Docker engine."""

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_every_part_of_the_production_shape():
    services = _compose()["services"]
    assert {"db", "redis", "web", "worker", "beat", "mail", "migrate"} <= set(services)
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    assert "gunicorn" in (ROOT / "Dockerfile").read_text()
    assert services["worker"]["command"][:4] == ["celery", "-A", "okr_site", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "okr_site", "beat"]


def test_web_is_health_checked_on_healthz():
    web = _compose()["services"]["web"]
    assert "/healthz" in " ".join(web["healthcheck"]["test"])


def test_app_services_share_the_production_settings():
    services = _compose()["services"]
    for name in ("web", "worker", "beat", "migrate"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        assert "DJANGO_SECRET_KEY" in env
        assert env["EMAIL_HOST"] == "mail"


def test_dockerfile_copies_every_app():
    from django.conf import settings

    dockerfile = (ROOT / "Dockerfile").read_text()
    # Every app of ours in INSTALLED_APPS, or the image fails at start-up.
    ours = {
        app.split(".")[0] for app in settings.INSTALLED_APPS if (ROOT / app.split(".")[0]).is_dir()
    }
    assert {"okr_site", "objectives", "checkins", "dashboards"} <= ours
    # locale: the compiled Korean catalogue, or the image speaks only English.
    for folder in sorted(ours | {"scoring", "templates", "static", "locale"}):
        assert f"COPY {folder} {folder}" in dockerfile


PRODUCTION_SECRET = "x7#Qv9!pL2$wR8^mZ4&nT6*bY1@kH3%jF5(dG0)sA_cV-eU+iO=rW~qE<tY>uI?"


def _production_env(**extra: str) -> dict[str, str]:
    """The environment docker-compose.yml gives the app, minus the services it talks to."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "OKR_"))
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "okr_site.settings",
        "DJANGO_SECRET_KEY": PRODUCTION_SECRET,
        "DJANGO_ALLOWED_HOSTS": "okr.example.com",
        "EMAIL_HOST": "smtp.example.com",
        **extra,
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        args, cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=120
    )


def test_production_settings_pass_the_deploy_check():
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deploy_check_fails_on_a_weak_secret():
    """The check above can fail: a short key is a warning, and warnings fail it."""
    result = _run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _production_env(DJANGO_SECRET_KEY="short"),
    )
    assert result.returncode != 0
    assert "security.W009" in result.stderr + result.stdout


def test_ci_runs_the_deploy_check():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "check --deploy --fail-level WARNING" in ci


_PRODUCTION_PROBE = """
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

names = [
    "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_DOMAIN", "SESSION_COOKIE_PATH", "CSRF_COOKIE_PATH",
    "SECURE_SSL_REDIRECT", "SECURE_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD", "SESSION_IDLE_TIMEOUT_SECONDS",
    "AXES_FAILURE_LIMIT",
]
client = Client(HTTP_HOST="okr.example.com")
plain = client.get("/login/")
health = client.get("/healthz")
secure = client.get("/login/", **{settings.SECURE_PROXY_SSL_HEADER[0]: "https"})
cookie = secure.cookies["__Host-csrftoken"]
print(json.dumps({
    "settings": {name: getattr(settings, name) for name in names},
    "plain": [plain.status_code, plain.get("Location")],
    "health": [health.status_code, health.content.decode()],
    "secure": [secure.status_code, secure.get("Strict-Transport-Security")],
    "cookie": {key: cookie[key] for key in ("secure", "httponly", "samesite", "path", "domain")},
}))
"""


def _probe(**extra: str) -> dict:
    env = _production_env(
        # An in-memory database answers /healthz's round trip without touching var/.
        DATABASE_URL="sqlite://:memory:",
        DJANGO_STATIC_MANIFEST="0",
        **extra,
    )
    result = _run([sys.executable, "-c", _PRODUCTION_PROBE], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_cookies_redirect_and_hsts():
    probe = _probe()
    settings = probe["settings"]
    assert settings["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert settings["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert settings["SESSION_COOKIE_SECURE"] and settings["CSRF_COOKIE_SECURE"]
    assert settings["SESSION_COOKIE_HTTPONLY"] and settings["CSRF_COOKIE_HTTPONLY"]
    assert settings["SESSION_COOKIE_SAMESITE"] == "Lax"
    # __Host- cookies must have path "/" and no Domain, or browsers drop them.
    assert settings["SESSION_COOKIE_DOMAIN"] is settings["CSRF_COOKIE_DOMAIN"] is None
    assert settings["SESSION_COOKIE_PATH"] == settings["CSRF_COOKIE_PATH"] == "/"
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert settings["SECURE_HSTS_SECONDS"] == 31536000
    assert settings["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and settings["SECURE_HSTS_PRELOAD"]
    assert settings["SESSION_IDLE_TIMEOUT_SECONDS"] == 7200
    assert settings["AXES_FAILURE_LIMIT"] == 5

    assert probe["plain"] == [301, "https://okr.example.com/login/"]
    # The container health check speaks plain HTTP and must not be redirected.
    assert probe["health"] == [200, "ok"]
    assert probe["secure"] == [200, "max-age=31536000; includeSubDomains; preload"]
    cookie = probe["cookie"]
    assert cookie["secure"] and cookie["httponly"]
    assert cookie["samesite"] == "Lax" and cookie["path"] == "/" and cookie["domain"] == ""


def test_production_knobs_come_from_the_environment():
    settings = _probe(
        DJANGO_HSTS_PRELOAD="0",
        DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Scheme",
        OKR_SESSION_IDLE_MINUTES="30",
        OKR_LOGIN_FAILURE_LIMIT="8",
    )["settings"]
    assert settings["SECURE_HSTS_PRELOAD"] is False
    assert settings["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_SCHEME", "https"]
    assert settings["SESSION_IDLE_TIMEOUT_SECONDS"] == 1800
    assert settings["AXES_FAILURE_LIMIT"] == 8


def test_debug_keeps_plain_cookie_names_for_http():
    result = _run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings as s; "
            "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE)",
        ],
        _production_env(DJANGO_DEBUG="1"),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-3:] == ["sessionid", "csrftoken", "False"]

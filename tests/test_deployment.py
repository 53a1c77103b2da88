"""The production shape: docker-compose.yml and the Dockerfile, checked without a Docker engine."""

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
    dockerfile = (ROOT / "Dockerfile").read_text()
    for folder in ("okr_site", "objectives", "checkins", "scoring", "dashboards", "templates"):
        assert f"COPY {folder} {folder}" in dockerfile


def test_production_settings_pass_the_deploy_check():
    import os
    import subprocess
    import sys

    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_"))
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "okr_site.settings",
        "DJANGO_SECRET_KEY": "x7#Qv9!pL2$wR8^mZ4&nT6*bY1@kH3%jF5(dG0)sA_cV-eU+iO=rW~qE<tY>uI?",
        "DJANGO_ALLOWED_HOSTS": "okr.example.com",
        "EMAIL_HOST": "smtp.example.com",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr

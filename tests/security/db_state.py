"""A cheap fingerprint of the whole database, to prove that a request changed nothing."""

import hashlib

from django.apps import apps
from django.contrib.sessions.models import Session


def fingerprint() -> str:
    """A hash of every row of every table (sessions aside: signing in writes one)."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        if model is Session or model._meta.proxy or not model._meta.managed:
            continue
        rows = model._base_manager.order_by("pk").values_list()
        digest.update(f"{model._meta.label}:{list(rows)!r}".encode())
    return digest.hexdigest()

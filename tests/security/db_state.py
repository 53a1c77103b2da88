"""A cheap fingerprint of the whole database, to prove that a request changed nothing."""

import hashlib

from django.apps import apps
from django.contrib.sessions.models import Session
from django.db import connection


def fingerprint() -> str:
    """A hash of every row of every table, many-to-many tables included (sessions aside: signing
    in writes one). Plain SQL rather than the ORM: the permission matrix and the hostile-input
    tests take thousands of these, and building ~30 querysets each time cost eight times the
    reading."""
    digest = hashlib.sha256()
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model is Session or model._meta.proxy or not model._meta.managed:
                continue
            table = connection.ops.quote_name(model._meta.db_table)
            pk = connection.ops.quote_name(model._meta.pk.column)
            cursor.execute(f"SELECT * FROM {table} ORDER BY {pk}")
            digest.update(f"{model._meta.label}:{cursor.fetchall()!r}".encode())
    return digest.hexdigest()

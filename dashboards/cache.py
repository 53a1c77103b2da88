"""The read side's cache, with exact invalidation.

A cached value is stored under a key made of everything it depends on:

- the data generation (dashboards/models.py): database triggers raise it in every transaction
  that writes to a table the dashboards read, so once anything changes no old entry is found;
- the company's date: statuses, staleness and weeks move with the day, nothing finer;
- the viewer's private objectives: the only way two viewers' pages differ is which private
  objectives they may see (`permissions.visible_objectives_q`), so the ids of those go into the key
  and people who see the same ones share an entry;
- the release: a digest of the code and templates that compute and draw the pages, so a deploy
  never serves what the previous version built;
- the page's own parameters (team, cycle asked for, focus, page number...).

Nothing is cached inside a transaction (`connection.in_atomic_block`): a transaction may have
written rows that it sees and others do not, or may yet roll back. Requests run outside one, so
pages are cached; the tests, wrapped in transactions, read the uncached path, and the transactional
tests in tests/dashboards/test_read_cache.py the cached one.

If the cache server fails, pages are computed as if nothing were cached.
"""

import copyreg
import hashlib
import logging
import types
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache as django_cache
from django.db import connection
from django.utils import timezone

from dashboards.models import DataGeneration
from objectives import permissions
from objectives.models import Objective, User

logger = logging.getLogger(__name__)
T = TypeVar("T")
TIMEOUT_SECONDS = 24 * 3600  # an entry is useless after its day anyway
_MISSING = object()
# What computes and draws the cached pages (the team page's OKR health, for one, comes from
# objectives/coaching.py): a change to any of these files is a new release.
_RELEASE_SOURCES = (
    "dashboards",
    "scoring",
    "objectives",
    "templates/dashboards",
    "templates/objectives",
)


def _read_only(mapping: dict) -> types.MappingProxyType:
    return types.MappingProxyType(mapping)


# scoring.StatusResult keeps its reason's parameters in a read-only mapping; pickle it as a dict.
copyreg.pickle(types.MappingProxyType, lambda mapping: (_read_only, (dict(mapping),)))


@cache
def release() -> str:
    """A digest of the source files behind the cached pages (computed once per process)."""
    digest = hashlib.sha1(usedforsecurity=False)
    root = Path(settings.BASE_DIR)
    for folder in _RELEASE_SOURCES:
        for path in sorted((root / folder).rglob("*")):
            if path.suffix in (".py", ".html") and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def generation() -> str | None:
    """The data generation as "<epoch>.<value>" (one query), or None when nothing may be cached:
    inside a transaction, or on a database without the triggers."""
    if connection.in_atomic_block or connection.vendor not in ("postgresql", "sqlite"):
        return None
    row = DataGeneration.objects.filter(pk=1).values_list("epoch", "value").first()
    return f"{row[0]}.{row[1]}" if row else None


def visible_private_ids(viewer: User) -> list[int]:
    """Ids of the non-archived private objectives the viewer may see (one query; none for a
    person who may see every objective... who are admins: all of them)."""
    return list(
        Objective.objects.filter(visibility=Objective.Visibility.PRIVATE, archived=False)
        .filter(permissions.visible_objectives_q(viewer))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


class ReadKey:
    """The key of one viewer's view of the data as it stands now; None parts mean "no caching".

    Made once per request: one query (the data generation), and the viewer's private objectives
    from the cache (one more query, the first time under a generation), then asked for one key
    per cached piece.
    """

    def __init__(self, *, viewer: User, today: object | None = None) -> None:
        self.generation = generation()
        self.base: str | None = None
        if self.generation is not None:
            day = today or timezone.localdate(timezone=timezone.get_default_timezone())
            self.base = f"okr:{release()}:{self.generation}:{day}:{self._seen_by(viewer)}"

    def _seen_by(self, viewer: User) -> str:
        """A digest of the private objectives the viewer may see: they depend on people,
        memberships and objectives only, all under the generation, so it is kept per viewer."""
        key = f"okr:{release()}:{self.generation}:private:{viewer.pk}"
        digest = load(key)
        if digest is None:
            private = visible_private_ids(viewer)
            digest = hashlib.sha1(repr(private).encode(), usedforsecurity=False).hexdigest()[:16]
            store(key, digest)
        return digest

    @property
    def enabled(self) -> bool:
        return self.base is not None

    def key(self, name: str, parts: Iterable[object] = ()) -> str | None:
        if self.base is None:
            return None
        digest = hashlib.sha1(repr(tuple(parts)).encode(), usedforsecurity=False).hexdigest()
        return f"{self.base}:{name}:{digest[:20]}"

    def fetch(self, name: str, parts: Iterable[object], compute: Callable[[], T]) -> T:
        """The cached value under this key, else `compute()` stored there."""
        key = self.key(name, parts)
        if key is None:
            return compute()
        found = load(key, _MISSING)
        if found is not _MISSING:
            return found
        value = compute()
        store(key, value)
        return value


def load(key: str | None, default: object = None) -> object:
    """The value under `key`, or `default` (no key, nothing there, or the cache is down)."""
    if key is None:
        return default
    try:
        return django_cache.get(key, default)
    except Exception:  # the cache server is down: compute as if nothing were cached
        logger.warning("read cache unavailable", exc_info=True)
        return default


def store(key: str | None, value: object) -> None:
    if key is None:
        return
    try:
        django_cache.set(key, value, TIMEOUT_SECONDS)
    except Exception:
        logger.warning("read cache unavailable", exc_info=True)

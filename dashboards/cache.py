"""The read side's cache, with exact invalidation.

A cached value is stored under a key made of everything it depends on:

- the data generation (dashboards/models.py): database triggers raise it in every transaction
  that writes to a table the dashboards read, so once anything changes no old entry is found.
  On PostgreSQL a page that names the scopes it reads keys on those alone (`ScopeGeneration`:
  the organisation, a cycle, a team's or a person's objectives and those above them, a cycle's
  past weeks of check-ins), so a check-in leaves the pages it cannot change cached: a team page
  keys on its teams and people, the company page and the report on their cycle;
- the company's date: statuses, staleness and weeks move with the day (pieces that count
  initiatives overdue, due at each owner's own midnight, key on the UTC quarter-hour);
- the viewer's private objectives: the only way two viewers' pages differ is which private
  objectives they may see (`permissions.visible_objectives_q`), so the ids of those go into the key
  and people who see the same ones share an entry;
- the release: a digest of the code and templates that compute and draw the pages, so a deploy
  never serves what the previous version built;
- the page's own parameters (team, cycle asked for, focus, page number...).

What is kept: the pages' data, and drawn HTML of their heavy parts: the team page's sections and
table, the company page's and the report's sections and the report's page of objectives, all
shared by viewers who see the same private objectives; and, per person (dashboards/drawn.py),
My week under its header and the key result page. My week keys on the owners of the objectives
where the person holds a key result or an initiative, the key result page on its objective's
owner, so that a check-in elsewhere leaves them cached too.

Nothing is cached inside a transaction (`connection.in_atomic_block`): a transaction may have
written rows that it sees and others do not, or may yet roll back. Requests run outside one, so
pages are cached; the tests, wrapped in transactions, read the uncached path, and the transactional
tests in tests/dashboards/test_read_cache.py and test_drawn_pages.py the cached one.

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

from dashboards.models import DataGeneration, ScopeGeneration
from objectives import permissions
from objectives.models import Objective, User

logger = logging.getLogger(__name__)
T = TypeVar("T")
TIMEOUT_SECONDS = 24 * 3600  # an entry is useless after its day anyway
_MISSING = object()
# What computes and draws the cached pages, and the pieces kept drawn (dashboards/drawn.py): the
# apps' code (the team page's OKR health, for one, comes from objectives/planning/coaching.py;
# the key result page draws the check-in form and the audit trail), every template, the
# translations, and the static files whose hashed names drawn pages link to. A change to any is
# a new release.
_RELEASE_SOURCES = (
    "audit",
    "checkins",
    "dashboards",
    "domain",
    "initiatives",
    "objectives",
    "okr_site",
    "reminders",
    "scoring",
    "templates",
    "locale",
    "static",
)
_RELEASE_SUFFIXES = (".py", ".html", ".po", ".css", ".js")


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
            if path.suffix in _RELEASE_SUFFIXES and path.is_file():
                digest.update(str(path.relative_to(root)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def generation() -> str | None:
    """The data generation as "<epoch>.<value>" (one query), or None when nothing may be cached:
    inside a transaction, or on a database without the triggers."""
    found = Generations.read()
    return None if found is None else f"{found.epoch}.{found.value}"


# The scopes every request reads at once with the generation (few rows: a handful of cycles).
_COMMON_SCOPES = ("all", "org", "visibility")


class Generations:
    """The data generation and, on PostgreSQL, the scoped generations (dashboards/models.py)."""

    def __init__(self, epoch: str, value: int, scoped: dict[str, int] | None) -> None:
        self.epoch = epoch
        self.value = value
        self.scoped = scoped  # None: no scopes here (SQLite): every key takes the generation

    @classmethod
    def read(cls) -> "Generations | None":
        """One query; None when nothing may be cached (inside a transaction, or on a database
        without the triggers)."""
        if connection.in_atomic_block or connection.vendor not in ("postgresql", "sqlite"):
            return None
        if connection.vendor != "postgresql":
            row = DataGeneration.objects.filter(pk=1).values_list("epoch", "value").first()
            return cls(row[0], row[1], None) if row else None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT '', epoch, value FROM dashboards_datageneration WHERE id = 1 "
                "UNION ALL SELECT scope, '', value FROM dashboards_scopegeneration "
                "WHERE scope = ANY(%s) OR scope LIKE 'cycle:%%' OR scope LIKE 'history:%%'",
                [list(_COMMON_SCOPES)],
            )
            rows = cursor.fetchall()
        epoch = next(((e, v) for scope, e, v in rows if not scope), None)
        if epoch is None:
            return None
        # A common scope never raised has no row: it stands at 0, asked no further.
        scoped = dict.fromkeys(_COMMON_SCOPES, 0)
        scoped.update({scope: v for scope, _e, v in rows if scope})
        return cls(epoch[0], epoch[1], scoped)

    def values(self, scopes: Iterable[str]) -> dict[str, int]:
        """The scopes' generations (0 for one never raised); one query for those not read yet."""
        assert self.scoped is not None
        wanted = sorted(set(scopes) - self.scoped.keys())
        if wanted:
            found = dict(
                ScopeGeneration.objects.filter(scope__in=wanted).values_list("scope", "value")
            )
            self.scoped.update({scope: found.get(scope, 0) for scope in wanted})
        return {scope: self.scoped[scope] for scope in scopes}


def visible_private_ids(viewer: User) -> list[int]:
    """Ids of the non-archived private objectives the viewer may see (one query; none for a
    person who may see every objective... who are admins: all of them)."""
    return list(
        Objective.objects.filter(visibility=Objective.Visibility.PRIVATE, archived=False)
        .filter(permissions.visible_objectives_q(viewer))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def cycle_scopes(cycle_id: int) -> list[str]:
    """What a page about one cycle as a whole reads (the company dashboard, the report)."""
    return ["org", f"cycle:{cycle_id}"]


def history_scopes(cycle_id: int) -> list[str]:
    """What a cycle's past weeks of check-ins by objective owner depend on."""
    return ["org", f"history:{cycle_id}"]


def owner_scopes(*, team_ids: Iterable[int], person_ids: Iterable[int]) -> list[str]:
    """What a page about these teams' and people's objectives reads."""
    return [
        "org",
        *(f"team:{pk}" for pk in sorted(set(team_ids))),
        *(f"person:{pk}" for pk in sorted(set(person_ids))),
    ]


class ReadKey:
    """The key of one viewer's view of the data as it stands now; None parts mean "no caching".

    Made once per request: one query (the data generation, with the scoped generations every
    page reads), and the viewer's private objectives from the cache (one more query, the first
    time), then asked for one key per cached piece.

    A key holds the whole data generation unless it names the scopes its piece reads: then only
    their generations (PostgreSQL; on SQLite every key holds the whole generation). A page
    `narrow`s the key to its scopes once it knows them; later keys without scopes of their own
    (the views' drawn fragments) take those.
    """

    def __init__(self, *, viewer: User, today: object | None = None) -> None:
        self.generations = Generations.read()
        self.generation = (
            None
            if self.generations is None
            else f"{self.generations.epoch}.{self.generations.value}"
        )
        self.base: str | None = None
        self._scopes: tuple[str, ...] | None = None
        if self.generations is not None:
            day = today or timezone.localdate(timezone=timezone.get_default_timezone())
            self.base = f"okr:{release()}:{self.generations.epoch}:{day}:{self._seen_by(viewer)}"

    def _seen_by(self, viewer: User) -> str:
        """A digest of the private objectives the viewer may see: they depend on people,
        memberships, objectives and who owns which key results and initiatives (contributors
        see them too: the triggers raise `visibility` for those), so it is kept per viewer
        under those."""
        key = f"okr:{release()}:{self.generations.epoch}:{self._stamp(('org', 'visibility'))}"
        key += f":private:{viewer.pk}"
        digest = load(key)
        if digest is None:
            private = visible_private_ids(viewer)
            digest = hashlib.sha1(repr(private).encode(), usedforsecurity=False).hexdigest()[:16]
            store(key, digest)
        return digest

    def _stamp(self, scopes: Iterable[str] | None) -> str:
        found = self.generations
        if scopes is None or found.scoped is None:
            return f"g{found.value}"
        values = found.values(["all", *scopes])
        text = ",".join(f"{scope}={values[scope]}" for scope in sorted(values))
        return "s" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:16]

    @property
    def enabled(self) -> bool:
        return self.base is not None

    @property
    def scoped(self) -> bool:
        return self.generations is not None and self.generations.scoped is not None

    def narrow(self, scopes: Iterable[str]) -> None:
        """From now on, keys without scopes of their own read only these."""
        self._scopes = tuple(scopes)

    def history_scopes(self, cycle_id: int) -> list[str]:
        return history_scopes(cycle_id)

    def key(
        self, name: str, parts: Iterable[object] = (), scopes: Iterable[str] | None = None
    ) -> str | None:
        if self.base is None:
            return None
        stamp = self._stamp(self._scopes if scopes is None else scopes)
        digest = hashlib.sha1(repr(tuple(parts)).encode(), usedforsecurity=False).hexdigest()
        return f"{self.base}:{stamp}:{name}:{digest[:20]}"

    def fetch(
        self,
        name: str,
        parts: Iterable[object],
        compute: Callable[[], T],
        scopes: Iterable[str] | None = None,
    ) -> T:
        """The cached value under this key, else `compute()` stored there."""
        key = self.key(name, parts, scopes)
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

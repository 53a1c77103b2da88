"""The database triggers the read side relies on, in one place.

1. The data generation (dashboards/models.py): raised by every transaction that writes to a table
   the dashboards read, so a cached page is never served once anything under it changed.
   PostgreSQL: row-level constraint triggers deferred to commit, so the one UPDATE of the
   generation row is the last thing a writing transaction does: it holds that row's lock only
   while committing and never waits for another lock after taking it (writers queue for a
   moment, but cannot deadlock on it); a transaction-local setting makes a bulk write raise it
   once. TRUNCATE gets a statement trigger. SQLite: plain row triggers (one writer at a time).
   Readers see the new number exactly when they see the new rows: both become visible at commit.

2. A key result's check-in counts (`KeyResult.checkins_total`, `checkins_met`): a check-in
   inserted, deleted or moved recounts its key result; a change of a key result's kind or target,
   or any write to the counts themselves (a full `save()` of a stale instance), recounts it. A
   recount is two counts over one key result's check-ins (an index scan of a dozen rows).
   PostgreSQL recounts in a BEFORE UPDATE trigger; SQLite, which cannot assign NEW, in an AFTER
   UPDATE trigger that rewrites the row (a trigger does not fire itself again there).

Migrations install them (dashboards 0001 and 0002; on SQLite the count triggers come only from
`ensure`, and are dropped before every `migrate`). SQLite drops a table's triggers when a later
migration rebuilds the table (its way of altering one), so after every `migrate` the app's
post_migrate hook (`ensure`) puts back whatever is missing, recounting when the count triggers
had to be, and raises the generation, since a migration may have changed data under the cache.
"""

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

GENERATION_TABLE = "dashboards_datageneration"
# Tables the dashboards read, and for people only the columns they show or filter on (a login
# writes last_login and must not throw every cached page away).
WATCHED: dict[str, tuple[str, ...] | None] = {
    "objectives_user": (
        "username",
        "first_name",
        "last_name",
        "display_name",
        "is_active",
        "is_superuser",
    ),
    "objectives_team": None,
    "objectives_membership": None,
    "objectives_cycle": None,
    "objectives_objective": None,
    "objectives_keyresult": None,
    "objectives_objectivereflection": None,
    "checkins_checkin": None,
}
SUPPORTED = ("postgresql", "sqlite")

_PG_BUMP = f"""
CREATE OR REPLACE FUNCTION dashboards_bump_data_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('dashboards.generation_bumped', true) IS DISTINCT FROM txid_current()::text
  THEN
    PERFORM set_config('dashboards.generation_bumped', txid_current()::text, true);
    INSERT INTO {GENERATION_TABLE} (id, epoch, value)
    VALUES (1, md5(random()::text || clock_timestamp()), 1)
    ON CONFLICT (id) DO UPDATE SET value = {GENERATION_TABLE}.value + 1;
  END IF;
  RETURN NULL;
END
$$;
"""
_SQLITE_BUMP = (
    f"INSERT INTO {GENERATION_TABLE} (id, epoch, value) "
    "VALUES (1, lower(hex(randomblob(16))), 1) "
    "ON CONFLICT (id) DO UPDATE SET value = value + 1;"
)

_PG_RECOUNT = """
CREATE OR REPLACE FUNCTION dashboards_recount_checkins() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  SELECT count(*), count(*) FILTER (WHERE
    (NEW.kind = 'at_least' AND c.value >= NEW.target_value)
    OR (NEW.kind = 'at_most' AND c.value <= NEW.target_value))
  INTO NEW.checkins_total, NEW.checkins_met
  FROM checkins_checkin c WHERE c.key_result_id = NEW.id;
  RETURN NEW;
END
$$;
"""
_PG_TOUCH = """
CREATE OR REPLACE FUNCTION dashboards_checkin_touches_key_result() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  -- Rewriting the count makes the key result's own trigger recount it.
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE objectives_keyresult SET checkins_total = checkins_total WHERE id = OLD.key_result_id;
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    UPDATE objectives_keyresult SET checkins_total = checkins_total WHERE id = NEW.key_result_id;
  END IF;
  RETURN NULL;
END
$$;
"""
_MET = (
    "((k.kind = 'at_least' AND c.value >= k.target_value) "
    "OR (k.kind = 'at_most' AND c.value <= k.target_value))"
)


def _sqlite_recount(key: str) -> str:
    return (
        "UPDATE objectives_keyresult SET "
        "checkins_total = (SELECT count(*) FROM checkins_checkin c "
        "WHERE c.key_result_id = objectives_keyresult.id), "
        "checkins_met = (SELECT count(*) FROM checkins_checkin c, objectives_keyresult k "
        f"WHERE k.id = objectives_keyresult.id AND c.key_result_id = k.id AND {_MET}) "
        f"WHERE id = {key};"
    )


def _update_event(columns: tuple[str, ...] | None) -> str:
    return f"UPDATE OF {', '.join(columns)}" if columns else "UPDATE"


def generation_triggers(vendor: str) -> dict[str, str]:
    """Trigger name -> the statement creating it."""
    triggers = {}
    for table, columns in WATCHED.items():
        update = _update_event(columns)
        if vendor == "postgresql":
            triggers[f"{table}_generation"] = (
                f"CREATE CONSTRAINT TRIGGER {table}_generation "
                f"AFTER INSERT OR DELETE OR {update} ON {table} "
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                "EXECUTE FUNCTION dashboards_bump_data_generation()"
            )
            triggers[f"{table}_generation_truncate"] = (
                f"CREATE TRIGGER {table}_generation_truncate AFTER TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION dashboards_bump_data_generation()"
            )
        else:
            for event, name in (("INSERT", "insert"), ("DELETE", "delete"), (update, "update")):
                triggers[f"{table}_generation_{name}"] = (
                    f"CREATE TRIGGER {table}_generation_{name} AFTER {event} ON {table} "
                    f"BEGIN {_SQLITE_BUMP} END"
                )
    return triggers


def count_triggers(vendor: str) -> dict[str, str]:
    watched = "kind, target_value, checkins_total, checkins_met"
    if vendor == "postgresql":
        return {
            "objectives_keyresult_recount": (
                "CREATE TRIGGER objectives_keyresult_recount "
                f"BEFORE UPDATE OF {watched} ON objectives_keyresult "
                "FOR EACH ROW EXECUTE FUNCTION dashboards_recount_checkins()"
            ),
            "checkins_checkin_counts": (
                "CREATE TRIGGER checkins_checkin_counts "
                "AFTER INSERT OR DELETE OR UPDATE OF value, key_result_id ON checkins_checkin "
                "FOR EACH ROW EXECUTE FUNCTION dashboards_checkin_touches_key_result()"
            ),
        }
    return {
        "objectives_keyresult_recount": (
            "CREATE TRIGGER objectives_keyresult_recount "
            f"AFTER UPDATE OF {watched} ON objectives_keyresult "
            f"BEGIN {_sqlite_recount('NEW.id')} END"
        ),
        "checkins_checkin_counts_insert": (
            "CREATE TRIGGER checkins_checkin_counts_insert AFTER INSERT ON checkins_checkin "
            f"BEGIN {_sqlite_recount('NEW.key_result_id')} END"
        ),
        "checkins_checkin_counts_delete": (
            "CREATE TRIGGER checkins_checkin_counts_delete AFTER DELETE ON checkins_checkin "
            f"BEGIN {_sqlite_recount('OLD.key_result_id')} END"
        ),
        "checkins_checkin_counts_update": (
            "CREATE TRIGGER checkins_checkin_counts_update "
            "AFTER UPDATE OF value, key_result_id ON checkins_checkin BEGIN "
            f"{_sqlite_recount('OLD.key_result_id')} {_sqlite_recount('NEW.key_result_id')} END"
        ),
    }


def _existing(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {row[0] for row in cursor.fetchall()}


def _create_missing(
    connection: BaseDatabaseWrapper, triggers: dict[str, str], functions: list[str]
) -> list[str]:
    missing = [name for name in triggers if name not in _existing(connection)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for function in functions:
                cursor.execute(function)
        for name in missing:
            cursor.execute(triggers[name])
    return missing


def install_generation(connection: BaseDatabaseWrapper) -> list[str]:
    if connection.vendor not in SUPPORTED:
        return []  # no triggers: dashboards/cache.py caches nothing on this database
    return _create_missing(connection, generation_triggers(connection.vendor), [_PG_BUMP])


def install_counts(connection: BaseDatabaseWrapper) -> list[str]:
    """Create the count triggers that are missing and, if any was, recount every key result."""
    if connection.vendor not in SUPPORTED:
        raise RuntimeError(
            f"key result check-in counts need triggers; none for {connection.vendor}"
        )
    created = _create_missing(
        connection, count_triggers(connection.vendor), [_PG_RECOUNT, _PG_TOUCH]
    )
    if created:
        with connection.cursor() as cursor:
            # Rewriting the count recounts each key result (the trigger above).
            cursor.execute("UPDATE objectives_keyresult SET checkins_total = checkins_total")
    return created


def bump_generation(connection: BaseDatabaseWrapper) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {GENERATION_TABLE} (id, epoch, value) "
                "VALUES (1, md5(random()::text || clock_timestamp()), 1) "
                f"ON CONFLICT (id) DO UPDATE SET value = {GENERATION_TABLE}.value + 1"
            )
        else:
            cursor.execute(_SQLITE_BUMP)


def drop(connection: BaseDatabaseWrapper, triggers: dict[str, str]) -> None:
    tables = {name: sql.split(" ON ")[1].split()[0] for name, sql in triggers.items()}
    with connection.cursor() as cursor:
        for name, table in tables.items():
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def drop_before_migrate(connection: BaseDatabaseWrapper) -> None:
    """Before `migrate` on SQLite: drop the count triggers, which name tables other than their
    own. SQLite re-checks every trigger when a migration rebuilds a table, and one naming the
    table being rebuilt (objectives_keyresult) fails it. `ensure` puts them back, recounting."""
    if (
        connection.vendor == "sqlite"
        and "objectives_keyresult" in connection.introspection.table_names()
    ):
        drop(connection, count_triggers("sqlite"))


def ensure(connection: BaseDatabaseWrapper) -> None:
    """After `migrate`: every trigger whose migration has run is in place; the generation moves."""
    if connection.vendor not in SUPPORTED:
        return
    applied = MigrationRecorder(connection).applied_migrations()
    if ("dashboards", "0001_data_generation") in applied:
        install_generation(connection)
        bump_generation(connection)
    if ("dashboards", "0002_key_result_checkin_counts") in applied:
        install_counts(connection)

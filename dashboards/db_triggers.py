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
# writes last_login and must not throw every cached page away). A change to a table's columns
# here needs a migration that drops its triggers for `install_generation` to create anew (0005).
WATCHED: dict[str, tuple[str, ...] | None] = {
    "objectives_user": (
        "username",
        "first_name",
        "last_name",
        "display_name",
        "is_active",
        "is_superuser",
        # An initiative turns overdue at its owner's midnight: other people's pages count it.
        "time_zone",
    ),
    "objectives_team": None,
    "objectives_membership": None,
    "objectives_cycle": None,
    "objectives_objective": None,
    "objectives_keyresult": None,
    "objectives_objectivereflection": None,
    "checkins_checkin": None,
    # Initiatives: the team page's card and weekly summary count them.
    "initiatives_initiative": None,
}
SUPPORTED = ("postgresql", "sqlite")

SCOPE_TABLE = "dashboards_scopegeneration"
# More rows than this written in one transaction is a bulk write (an import, a seed, a migration):
# rather than name each row's scopes it raises `all`, which every scoped key reads.
BULK_ROWS = 200
# Tables whose rows are about an objective: the objective's own column, or the key result's.
_BY_OBJECTIVE = ("objectives_keyresult", "objectives_objectivereflection")
_BY_KEY_RESULT = ("checkins_checkin", "initiatives_initiative")
_ORG = ("objectives_user", "objectives_team", "objectives_membership", "objectives_cycle")

# An objective's columns that objectives/stored_scores.py writes: numbers, not who sees what.
_STORED_NUMBERS = (
    "ARRAY['progress', 'score', 'band', 'status', 'key_result_count', 'done_count', "
    "'on_track_count', 'at_risk_count', 'behind_count', 'red_count', 'yellow_count', "
    "'green_count', 'checked_week', 'checked_week_count']"
)

_PG_BUMP = f"""
CREATE OR REPLACE FUNCTION dashboards_bump_data_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  rows_seen int;
  scopes text[] := ARRAY[]::text[];
  starts bigint[] := ARRAY[]::bigint[];
  history boolean := false;
  found_id bigint;
  walked int;
  obj record;
BEGIN
  IF current_setting('dashboards.generation_bumped', true) IS DISTINCT FROM txid_current()::text
  THEN
    PERFORM set_config('dashboards.generation_bumped', txid_current()::text, true);
    PERFORM set_config('dashboards.scoped_rows', '0', true);
    PERFORM set_config('dashboards.scoped_last', '', true);
    INSERT INTO {GENERATION_TABLE} (id, epoch, value)
    VALUES (1, md5(random()::text || clock_timestamp()), 1)
    ON CONFLICT (id) DO UPDATE SET value = {GENERATION_TABLE}.value + 1;
  END IF;
  -- Scoped generations (dashboards/models.py ScopeGeneration), once their table exists. Every
  -- writer took the generation row's lock above first, so these rows never deadlock.
  IF to_regclass('{SCOPE_TABLE}') IS NULL THEN
    RETURN NULL;
  END IF;
  IF TG_LEVEL = 'STATEMENT' THEN
    scopes := ARRAY['all'];
  ELSE
    rows_seen := coalesce(nullif(current_setting('dashboards.scoped_rows', true), ''), '0')::int;
    rows_seen := rows_seen + 1;
    PERFORM set_config('dashboards.scoped_rows', rows_seen::text, true);
    IF rows_seen > {BULK_ROWS} + 1 THEN
      RETURN NULL;
    ELSIF rows_seen = {BULK_ROWS} + 1 THEN
      scopes := ARRAY['all'];
    ELSIF TG_TABLE_NAME IN ({", ".join(f"'{t}'" for t in _ORG)}) THEN
      scopes := ARRAY['org'];
    ELSIF TG_TABLE_NAME = 'objectives_objective' AND TG_OP = 'UPDATE'
      AND to_jsonb(OLD) - {_STORED_NUMBERS} = to_jsonb(NEW) - {_STORED_NUMBERS} THEN
      -- Only its stored numbers moved (objectives/stored_scores.py), with a write to its key
      -- results or by the day's refresh: its pages and those above, not who sees what.
      starts := starts || NEW.id;
    ELSIF TG_TABLE_NAME = 'objectives_objective' THEN
      -- Who may see what, the past weeks' check-in counts by owner: any objective changes them.
      scopes := ARRAY['visibility'];
      history := true;
      IF TG_OP <> 'INSERT' THEN
        scopes := scopes || ARRAY[
          'cycle:' || OLD.cycle_id, 'history:' || OLD.cycle_id,
          CASE WHEN OLD.owner_user_id IS NOT NULL THEN 'person:' || OLD.owner_user_id
               ELSE 'team:' || OLD.owner_team_id END];
        starts := starts || OLD.parent_id;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        scopes := scopes || ARRAY[
          'cycle:' || NEW.cycle_id, 'history:' || NEW.cycle_id,
          CASE WHEN NEW.owner_user_id IS NOT NULL THEN 'person:' || NEW.owner_user_id
               ELSE 'team:' || NEW.owner_team_id END];
        starts := starts || NEW.parent_id;
      END IF;
    ELSIF TG_TABLE_NAME IN ({", ".join(f"'{t}'" for t in _BY_OBJECTIVE)}) THEN
      IF TG_OP <> 'INSERT' THEN
        starts := starts || OLD.objective_id;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        starts := starts || NEW.objective_id;
      END IF;
      -- (Each table's columns in a branch of its own: PL/pgSQL resolves a row's fields when it
      -- evaluates an expression, whatever the expression's other terms say.)
      IF TG_TABLE_NAME = 'objectives_keyresult' THEN
        IF TG_OP <> 'UPDATE' THEN
          history := true;
          -- A key result's owner contributes to its objective, and so sees it when private.
          scopes := scopes || 'visibility'::text;
        ELSE
          history := OLD.archived IS DISTINCT FROM NEW.archived
            OR OLD.objective_id IS DISTINCT FROM NEW.objective_id;
          IF OLD.owner_id IS DISTINCT FROM NEW.owner_id
            OR OLD.objective_id IS DISTINCT FROM NEW.objective_id THEN
            scopes := scopes || 'visibility'::text;
          END IF;
        END IF;
      END IF;
    ELSIF TG_TABLE_NAME IN ({", ".join(f"'{t}'" for t in _BY_KEY_RESULT)}) THEN
      IF TG_OP <> 'INSERT' THEN
        SELECT objective_id INTO found_id FROM objectives_keyresult WHERE id = OLD.key_result_id;
        IF FOUND THEN starts := starts || found_id; ELSE scopes := scopes || 'all'::text; END IF;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        SELECT objective_id INTO found_id FROM objectives_keyresult WHERE id = NEW.key_result_id;
        IF FOUND THEN starts := starts || found_id; ELSE scopes := scopes || 'all'::text; END IF;
      END IF;
      -- A check-in dated now only touches the current week, which pages count afresh; one
      -- dated earlier (an import), moved or removed rewrites history. "Now" allows five
      -- minutes between the application stamping it and the commit (dashboards/selectors/
      -- company.py SETTLED_AFTER waits twice that into a new week).
      IF TG_TABLE_NAME = 'checkins_checkin' THEN
        IF TG_OP <> 'INSERT' THEN
          history := true;
        ELSE
          history := NEW.created_at < clock_timestamp() - interval '5 minutes';
        END IF;
      END IF;
      -- An initiative's owner contributes to the objective above it, and so sees it.
      IF TG_TABLE_NAME = 'initiatives_initiative' THEN
        IF TG_OP <> 'UPDATE' THEN
          scopes := scopes || 'visibility'::text;
        ELSIF OLD.owner_id IS DISTINCT FROM NEW.owner_id
          OR OLD.key_result_id IS DISTINCT FROM NEW.key_result_id THEN
          scopes := scopes || 'visibility'::text;
        END IF;
      END IF;
    ELSE
      scopes := ARRAY['all'];
    END IF;
  END IF;
  -- A check-in writes its key result too: the same objectives twice in a row are raised once.
  IF array_length(scopes, 1) IS NULL THEN
    IF current_setting('dashboards.scoped_last', true) = starts::text || history::text THEN
      RETURN NULL;
    END IF;
    PERFORM set_config('dashboards.scoped_last', starts::text || history::text, true);
  END IF;
  -- The objective and every objective above it: their owners' pages and their cycle.
  FOREACH found_id IN ARRAY starts LOOP
    walked := 0;
    WHILE found_id IS NOT NULL AND walked < 100 LOOP
      SELECT o.cycle_id, o.owner_team_id, o.owner_user_id, o.parent_id INTO obj
      FROM objectives_objective o WHERE o.id = found_id;
      IF NOT FOUND THEN
        scopes := scopes || 'all'::text;
        EXIT;
      END IF;
      scopes := scopes || ARRAY[
        'cycle:' || obj.cycle_id,
        CASE WHEN obj.owner_user_id IS NOT NULL THEN 'person:' || obj.owner_user_id
             ELSE 'team:' || obj.owner_team_id END];
      IF history THEN
        scopes := scopes || ('history:' || obj.cycle_id);
      END IF;
      found_id := obj.parent_id;
      walked := walked + 1;
    END LOOP;
  END LOOP;
  IF array_length(scopes, 1) IS NOT NULL THEN
    INSERT INTO {SCOPE_TABLE} (scope, value)
    SELECT DISTINCT scope, 1 FROM unnest(scopes) AS scope WHERE scope IS NOT NULL ORDER BY 1
    ON CONFLICT (scope) DO UPDATE SET value = {SCOPE_TABLE}.value + 1;
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


def user_triggers(vendor: str) -> dict[str, str]:
    """The generation triggers on people (their watched columns changed in 0005)."""
    return {
        name: sql
        for name, sql in generation_triggers(vendor).items()
        if _table_of(sql) == "objectives_user"
    }


def install_generation(connection: BaseDatabaseWrapper) -> list[str]:
    if connection.vendor not in SUPPORTED:
        return []  # no triggers: dashboards/cache.py caches nothing on this database
    # A table a later migration creates (initiatives_initiative, when 0001 runs on an empty
    # database) gets its triggers from that app's dashboards migration (0003) or from `ensure`.
    tables = set(connection.introspection.table_names())
    triggers = {
        name: sql
        for name, sql in generation_triggers(connection.vendor).items()
        if _table_of(sql) in tables
    }
    return _create_missing(connection, triggers, [_PG_BUMP])


def _table_of(trigger_sql: str) -> str:
    return trigger_sql.split(" ON ")[1].split()[0]


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
        recount_checkins(connection)
    return created


def recount_checkins(connection: BaseDatabaseWrapper) -> None:
    """Recount every key result's check-ins, for rows written with the count triggers missing or
    switched off (a bulk load): rewriting the count makes the key result's own trigger recount
    it."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE objectives_keyresult SET checkins_total = checkins_total")


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

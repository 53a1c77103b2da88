"""A cycle's OKRs as a spreadsheet: export to CSV and XLSX, import from the same CSV format.

The format, one row per key result (an objective without key results has one row with the key
result columns empty); the objective's columns repeat on each of its rows:

    objective_ref   the objective's reference in the file ("O12" on export: its id)
    parent_ref      the reference of the objective it supports: another row's objective_ref,
                    or on import an objective already in the cycle ("O<id>"); empty for none
    objective       title          description
    owner_team      a team's slug  } exactly one of the two
    owner_user      a username     }
    type            aspirational | committed        visibility   public | private
    key_result      title          kr_owner  username (import: empty = the objective's person,
                                                       else whoever imports)
    kind            metric | at_least | at_most | milestone
    unit            start          target    weight (numbers: plain, "." for decimals)
    current, kr_progress, kr_score, objective_progress, objective_score
                    where things stand (export only; an import ignores them)
    initiative, initiative_owner, initiative_status, initiative_priority, initiative_due,
    initiative_link
                    on rows of their own after their key result's row, which carry the
                    objective's columns and the key result's title and owner only. An import
                    leaves initiative rows out and says so (initiatives are the work of one
                    cycle; carrying an objective over brings its unfinished ones along).

The header is written in the reader's language (the English names above are the codes; Korean
gets Korean names), and so are the values of type, visibility, kind and the initiatives' status
and priority; an import reads the header and those values in English or Korean, whichever the
file has, so a Korean export edited and imported again round-trips. A file is UTF-8, with or
without a byte-order mark (the export writes one, for Excel).

Cells a spreadsheet would run as a formula (starting with = + - @ or a tab) are written with a
leading apostrophe in CSV and as quoted text in XLSX; the import takes that apostrophe off again.
An import is all or nothing: `plan_import` is the dry run (what would be created and every error
by row and column, nothing written), `import_okrs` writes only when the whole file is valid, and
only into a cycle in planning.
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import override, pgettext_lazy

import scoring
from domain.errors import CycleStateError
from initiatives.models import Initiative
from objectives import permissions, services
from objectives.cycles.services import ensure_cycle_open
from objectives.models import Cycle, KeyResult, Objective, Team, User
from objectives.planning.selectors import tree_order
from objectives.scoring_inputs import key_result_progress, shown_kr_score, shown_objective_score

COLUMNS = [
    "objective_ref",
    "parent_ref",
    "objective",
    "description",
    "owner_team",
    "owner_user",
    "type",
    "visibility",
    "key_result",
    "kr_owner",
    "kind",
    "unit",
    "start",
    "target",
    "weight",
    "current",
    "kr_progress",
    "kr_score",
    "objective_progress",
    "objective_score",
]
INITIATIVE_COLUMNS = (
    "initiative",
    "initiative_owner",
    "initiative_status",
    "initiative_priority",
    "initiative_due",
    "initiative_link",
)
COLUMNS += INITIATIVE_COLUMNS
READ_ONLY_COLUMNS = frozenset(
    {"current", "kr_progress", "kr_score", "objective_progress", "objective_score"}
)
# Files written before initiatives were exported have no initiative columns, and import fine.
REQUIRED_COLUMNS = [
    c for c in COLUMNS if c not in READ_ONLY_COLUMNS and c not in INITIATIVE_COLUMNS
]
SCORE_COLUMNS = frozenset({"kr_progress", "kr_score", "objective_progress", "objective_score"})
OBJECTIVE_COLUMNS = (
    "parent_ref",
    "objective",
    "description",
    "owner_team",
    "owner_user",
    "type",
    "visibility",
)
KEY_RESULT_COLUMNS = ("key_result", "kr_owner", "kind", "unit", "start", "target", "weight")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_IMPORT_BYTES = 1_000_000
MAX_IMPORT_ROWS = 2000
MAX_REF_LENGTH = 50
DELIMITERS = (",", ";", "\t")
ErrorSink = Callable[[int, str, str], None]
EXISTING_REF = re.compile(r"^[Oo](\d+)$")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# The header as people read it. In English the names are the codes themselves (the format above);
# a translation gives each column a name in the reader's language. An import reads either.
COLUMN_LABELS = {
    "objective_ref": pgettext_lazy("OKR file column", "objective_ref"),
    "parent_ref": pgettext_lazy("OKR file column", "parent_ref"),
    "objective": pgettext_lazy("OKR file column", "objective"),
    "description": pgettext_lazy("OKR file column", "description"),
    "owner_team": pgettext_lazy("OKR file column", "owner_team"),
    "owner_user": pgettext_lazy("OKR file column", "owner_user"),
    "type": pgettext_lazy("OKR file column", "type"),
    "visibility": pgettext_lazy("OKR file column", "visibility"),
    "key_result": pgettext_lazy("OKR file column", "key_result"),
    "kr_owner": pgettext_lazy("OKR file column", "kr_owner"),
    "kind": pgettext_lazy("OKR file column", "kind"),
    "unit": pgettext_lazy("OKR file column", "unit"),
    "start": pgettext_lazy("OKR file column", "start"),
    "target": pgettext_lazy("OKR file column", "target"),
    "weight": pgettext_lazy("OKR file column", "weight"),
    "current": pgettext_lazy("OKR file column", "current"),
    "kr_progress": pgettext_lazy("OKR file column", "kr_progress"),
    "kr_score": pgettext_lazy("OKR file column", "kr_score"),
    "objective_progress": pgettext_lazy("OKR file column", "objective_progress"),
    "objective_score": pgettext_lazy("OKR file column", "objective_score"),
    "initiative": pgettext_lazy("OKR file column", "initiative"),
    "initiative_owner": pgettext_lazy("OKR file column", "initiative_owner"),
    "initiative_status": pgettext_lazy("OKR file column", "initiative_status"),
    "initiative_priority": pgettext_lazy("OKR file column", "initiative_priority"),
    "initiative_due": pgettext_lazy("OKR file column", "initiative_due"),
    "initiative_link": pgettext_lazy("OKR file column", "initiative_link"),
}
# The coded values, as people read them: the codes in English, words in a translation.
VALUE_COLUMNS = frozenset(
    {"type", "visibility", "kind", "initiative_status", "initiative_priority"}
)
VALUE_LABELS = {
    "type": {
        "aspirational": pgettext_lazy("OKR file value", "aspirational"),
        "committed": pgettext_lazy("OKR file value", "committed"),
    },
    "visibility": {
        "public": pgettext_lazy("OKR file value", "public"),
        "private": pgettext_lazy("OKR file value", "private"),
    },
    "kind": {
        "metric": pgettext_lazy("OKR file value", "metric"),
        "at_least": pgettext_lazy("OKR file value", "at_least"),
        "at_most": pgettext_lazy("OKR file value", "at_most"),
        "milestone": pgettext_lazy("OKR file value", "milestone"),
    },
    "initiative_status": {
        "todo": pgettext_lazy("OKR file value", "todo"),
        "in_progress": pgettext_lazy("OKR file value", "in_progress"),
        "blocked": pgettext_lazy("OKR file value", "blocked"),
        "done": pgettext_lazy("OKR file value", "done"),
    },
    "initiative_priority": {
        "high": pgettext_lazy("OKR file value", "high"),
        "medium": pgettext_lazy("OKR file value", "medium"),
        "low": pgettext_lazy("OKR file value", "low"),
    },
}


def column_label(column: str) -> str:
    """A column's name in the active language (a name the format does not know stays as is)."""
    return str(COLUMN_LABELS.get(column, column))


def header_row() -> list[str]:
    """The export's header in the active language."""
    return [column_label(column) for column in COLUMNS]


def _value_label(column: str, value: str) -> str:
    label = VALUE_LABELS.get(column, {}).get(value)
    return value if label is None else str(label)


def _normal(name: str) -> str:
    """A header cell or coded value as compared: no BOM, spaces collapsed, case folded."""
    return " ".join(name.replace("\ufeff", "").split()).casefold()


def _in_every_language(labels: Callable[[], Iterable[tuple[str, str]]]) -> dict[str, str]:
    """{normalised name: code} for the (name, code) pairs `labels` gives in each language."""
    found: dict[str, str] = {}
    for language, _name in settings.LANGUAGES:
        with override(language):
            for name, code in labels():
                found.setdefault(_normal(name), code)
    return found


def header_aliases() -> dict[str, str]:
    """Every name a header cell may have, in any language, and the column it means."""
    aliases = {column: column for column in COLUMNS}
    aliases.update({column.replace("_", " "): column for column in COLUMNS})
    translated = _in_every_language(
        lambda: [(str(label), code) for code, label in COLUMN_LABELS.items()]
    )
    return {**translated, **aliases}


def value_aliases(column: str, choices: Iterable[tuple[str, object]] = ()) -> dict[str, str]:
    """The words that mean each code of a coded column, in any language: the codes, the file's
    own words for them and the labels of the model's `choices` ("keep at least", "도전형")."""
    codes = {code: code for code in VALUE_LABELS.get(column, {})}
    translated = _in_every_language(
        lambda: [
            *((str(label), code) for code, label in VALUE_LABELS.get(column, {}).items()),
            *((str(label), code) for code, label in choices),
        ]
    )
    return {**translated, **codes}


# --- Export ------------------------------------------------------------------------------------


def guard_cell(text: str) -> str:
    """Text a spreadsheet would run as a formula gets a leading apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def unguard_cell(text: str) -> str:
    """Undo guard_cell on import (and the apostrophe spreadsheets add for the same reason)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text


def _plain(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.normalize() + 0  # "12.5", not "1.25E+1"


def _number_text(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


@dataclass(frozen=True)
class ExportRow:
    """One row: text cells are str, numbers Decimal (or None when empty)."""

    cells: dict[str, str | Decimal | None]

    def texts(self) -> list[str]:
        out = []
        for column in COLUMNS:
            value = self.cells.get(column)
            if isinstance(value, Decimal):
                # Scores keep their two decimals ("0.50"); values read as people write them.
                out.append(str(value) if column in SCORE_COLUMNS else _number_text(value))
            elif column in VALUE_COLUMNS and value:
                out.append(guard_cell(_value_label(column, value)))
            else:
                out.append(guard_cell(value or ""))
        return out


def export_rows(*, cycle: Cycle, viewer: User) -> list[ExportRow]:
    """The cycle's live objectives the viewer may see and their live key results, parents before
    children, with where they stand, each key result followed by its initiatives. Three queries
    (plus the viewer's managed teams)."""
    objectives = {
        o.pk: o
        for o in Objective.objects.filter(cycle=cycle, archived=False)
        .filter(permissions.visible_objectives_q(viewer))
        .select_related("owner_team", "owner_user")
        .order_by("pk")
    }
    key_results: dict[int, list[tuple[KeyResult, Decimal, Decimal]]] = {}
    for kr in (
        KeyResult.objects.filter(objective_id__in=list(objectives), archived=False)
        .select_related("owner")
        .order_by("objective_id", "order", "pk")
    ):
        progress = key_result_progress(key_result=kr)
        score = shown_kr_score(key_result=kr, progress=progress, cycle=cycle)
        key_results.setdefault(kr.objective_id, []).append((kr, progress, score))
    initiatives: dict[int, list[Initiative]] = {}
    for initiative in (
        Initiative.objects.filter(
            key_result_id__in=[kr.pk for rows in key_results.values() for kr, _p, _s in rows]
        )
        .select_related("owner")
        .order_by("key_result_id", "due_date", "pk")
    ):
        initiatives.setdefault(initiative.key_result_id, []).append(initiative)

    progress_cache: dict[int, Decimal | None] = {}
    children: dict[int, list[int]] = {}
    for objective in objectives.values():
        if objective.parent_id in objectives:
            children.setdefault(objective.parent_id, []).append(objective.pk)

    def objective_progress(pk: int, visiting: frozenset[int] = frozenset()) -> Decimal | None:
        if pk not in progress_cache:
            rows = key_results.get(pk, [])
            progress_cache[pk] = scoring.objective_progress(
                key_results=[(kr.weight, progress) for kr, progress, _score in rows],
                children=[]
                if rows
                else [
                    objective_progress(child, visiting | {pk})
                    for child in children.get(pk, ())
                    if child not in visiting
                ],
            )
        return progress_cache[pk]

    rows: list[ExportRow] = []
    for objective, _depth in tree_order(objectives):
        own = key_results.get(objective.pk, [])
        objective_score = shown_objective_score(
            objective=objective, weighted_scores=[(kr.weight, s) for kr, _p, s in own], cycle=cycle
        )
        progress = objective_progress(objective.pk)
        base: dict[str, str | Decimal | None] = {
            "objective_ref": f"O{objective.pk}",
            "parent_ref": f"O{objective.parent_id}" if objective.parent_id in objectives else "",
            "objective": objective.title,
            "description": objective.description,
            "owner_team": objective.owner_team.slug if objective.owner_team_id else "",
            "owner_user": objective.owner_user.username if objective.owner_user_id else "",
            "type": objective.objective_type,
            "visibility": objective.visibility,
            "objective_progress": scoring.round2(progress) if progress is not None else None,
            "objective_score": scoring.round2(objective_score)
            if objective_score is not None
            else None,
        }
        if not own:
            rows.append(ExportRow(cells=base))
            continue
        for kr, kr_progress, kr_score in own:
            rows.append(
                ExportRow(
                    cells={
                        **base,
                        "key_result": kr.title,
                        "kr_owner": kr.owner.username,
                        "kind": kr.kind,
                        "unit": kr.unit,
                        "start": _plain(kr.start_value),
                        "target": _plain(kr.target_value),
                        "weight": _plain(kr.weight),
                        "current": _plain(kr.current_value),
                        "kr_progress": scoring.round2(kr_progress),
                        "kr_score": scoring.round2(kr_score),
                    }
                )
            )
            rows.extend(
                ExportRow(
                    cells={
                        **base,
                        "key_result": kr.title,
                        "kr_owner": kr.owner.username,
                        "initiative": initiative.title,
                        "initiative_owner": initiative.owner.username,
                        "initiative_status": initiative.status,
                        "initiative_priority": initiative.priority,
                        "initiative_due": initiative.due_date.isoformat(),
                        "initiative_link": initiative.link,
                    }
                )
                for initiative in initiatives.get(kr.pk, [])
            )
    return rows


def export_csv(rows: Sequence[ExportRow]) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read Korean names right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header_row())
    for row in rows:
        writer.writerow(row.texts())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def export_xlsx(rows: Sequence[ExportRow], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "OKRs"
    sheet.append(header_row())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row_number, row in enumerate(rows, start=2):
        for column_number, column in enumerate(COLUMNS, start=1):
            value = row.cells.get(column)
            if value is None or value == "":
                continue
            if column in VALUE_COLUMNS and isinstance(value, str):
                value = _value_label(column, value)
            cell = sheet.cell(row=row_number, column=column_number, value=value)
            if isinstance(value, str):
                # Always text, never a formula, whatever it starts with.
                cell.data_type = "s"
                if value.startswith(FORMULA_PREFIXES):
                    cell.quotePrefix = True
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Import ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int  # as a spreadsheet numbers it: the header is row 1
    column: str  # "" for the file as a whole
    message: str

    @property
    def column_label(self) -> str:
        """The column as the reader's header names it ("" for the file as a whole)."""
        return column_label(self.column) if self.column else ""


@dataclass
class PlannedKeyResult:
    row: int
    title: str
    owner: User
    kind: str
    unit: str
    start_value: Decimal
    target_value: Decimal
    weight: Decimal


@dataclass
class PlannedObjective:
    ref: str
    row: int
    title: str
    description: str
    owner_team: Team | None
    owner_user: User | None
    objective_type: str
    visibility: str
    parent_ref: str
    existing_parent: Objective | None = None
    parent_title: str = ""  # for the preview
    key_results: list[PlannedKeyResult] = field(default_factory=list)

    @property
    def owner_name(self) -> str:
        return self.owner_team.name if self.owner_team else self.owner_user.name


@dataclass
class ImportPlan:
    cycle: Cycle
    objectives: list[PlannedObjective]
    errors: list[RowError]
    # Rows holding an initiative: left out of an import, which the preview says.
    initiative_rows: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.objectives)

    @property
    def key_result_count(self) -> int:
        return sum(len(o.key_results) for o in self.objectives)

    @property
    def initiative_rows_text(self) -> str:
        """ "4, 5, 9", the first twenty then "…"."""
        shown = ", ".join(str(row) for row in self.initiative_rows[:20])
        return shown + ("…" if len(self.initiative_rows) > 20 else "")


def ensure_cycle_accepts_import(cycle: Cycle) -> None:
    """Raise CycleStateError unless the cycle is in planning (closed says so first)."""
    ensure_cycle_open(cycle)
    if cycle.state != Cycle.State.PLANNING:
        raise CycleStateError(
            _(
                "OKRs are imported into a cycle in planning, before it starts; "
                "“%(cycle)s” is %(state)s."
            )
            % {"cycle": cycle.name, "state": cycle.get_state_display()}
        )


def _file_error(cycle: Cycle, message: str, *, row: int = 0, column: str = "") -> ImportPlan:
    return ImportPlan(cycle=cycle, objectives=[], errors=[RowError(row, column, message)])


def _decode(content: bytes) -> tuple[str | None, str]:
    """The file's text, or None and why it cannot be read as CSV."""
    if not content.strip():
        return None, _("The file is empty.")
    if len(content) > MAX_IMPORT_BYTES:
        return None, _("The file is larger than 1 MB; split it into several imports.")
    if content.startswith(b"PK\x03\x04"):
        return None, _(
            "This is an Excel workbook (or another zip file), not CSV: save it as “CSV UTF-8” "
            "and upload that."
        )
    if b"\x00" in content:
        return None, _("This is not a text file: upload a CSV file saved as UTF-8.")
    try:
        return content.decode("utf-8-sig"), ""
    except UnicodeDecodeError as problem:
        row = content[: problem.start].count(b"\n") + 1
        return None, _(
            "The file is not UTF-8 text (the first unreadable byte is on row %(row)s): save it as "
            "“CSV UTF-8” and upload it again."
        ) % {"row": row}


def _delimiter(text: str, aliases: dict[str, str]) -> str:
    first_line = text.split("\n", 1)[0]
    return max(
        DELIMITERS,
        key=lambda d: sum(_normal(cell.strip('"')) in aliases for cell in first_line.split(d)),
    )


def _read_rows(text: str, aliases: dict[str, str]) -> tuple[list[list[str]] | None, str]:
    try:
        reader = csv.reader(
            io.StringIO(text, newline=""), delimiter=_delimiter(text, aliases), strict=True
        )
        rows = []
        for row in reader:
            rows.append(row)
            if len(rows) > MAX_IMPORT_ROWS + 1:
                return None, _("The file has more than %(limit)s rows; split it.") % {
                    "limit": MAX_IMPORT_ROWS
                }
        return rows, ""
    except csv.Error as problem:
        return None, _("This is not a well-formed CSV file (%(problem)s).") % {
            "problem": str(problem)
        }


def _header_errors(header: list[str]) -> list[RowError]:
    errors: list[RowError] = []
    seen: set[str] = set()
    for name in header:
        if not name:
            errors.append(RowError(1, "", _("A column has no name.")))
        elif name in seen:
            errors.append(
                RowError(
                    1,
                    name,
                    _("The column “%(name)s” appears twice.") % {"name": column_label(name)},
                )
            )
        elif name not in COLUMNS:
            errors.append(
                RowError(
                    1,
                    name,
                    _("Unknown column “%(name)s”; the columns are those of the export.")
                    % {"name": name},
                )
            )
        seen.add(name)
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            errors.append(
                RowError(
                    1, name, _("The column “%(name)s” is missing.") % {"name": column_label(name)}
                )
            )
    return errors


class _Lookups:
    """Everything the rows refer to, loaded in a fixed number of queries."""

    def __init__(
        self, *, actor: User, cycle: Cycle, records: list[tuple[int, dict[str, str]]]
    ) -> None:
        usernames = {
            r[column].casefold()
            for _row, r in records
            for column in ("owner_user", "kr_owner")
            if r.get(column)
        }
        self.cycle_name = cycle.name
        self.values = {
            "type": value_aliases("type", Objective.Type.choices),
            "visibility": value_aliases("visibility", Objective.Visibility.choices),
            "kind": value_aliases("kind", KeyResult.Kind.choices),
        }
        self.teams = {team.slug.casefold(): team for team in Team.objects.all()}
        self.people: dict[str, User] = {}
        if usernames:
            found = User.objects.annotate(folded=Lower("username")).filter(
                is_active=True, folded__in=sorted(usernames)
            )
            # Two accounts differing only in case: the exact spelling wins (see person()).
            for person in found.order_by("pk"):
                self.people.setdefault(person.username, person)
                self.people.setdefault(person.username.casefold(), person)
        self.scope = permissions.scope_for(actor)
        self.existing = {
            o.pk: o
            for o in Objective.objects.filter(cycle=cycle, archived=False).select_related(
                "owner_team", "owner_user"
            )
        }
        self.existing_keys = {
            (o.title.strip().casefold(), o.owner_team_id, o.owner_user_id): o
            for o in self.existing.values()
        }

    def person(self, username: str) -> User | None:
        username = username.strip()
        return self.people.get(username) or self.people.get(username.casefold())


def _choice(value: str, aliases: dict[str, str], default: str) -> str | None:
    """The code a coded cell means (written as the code or a word for it, in any language), the
    default when empty, None when it means nothing."""
    value = _normal(value)
    if not value:
        return default
    return aliases.get(value)


def plan_import(*, actor: User, cycle: Cycle, content: bytes) -> ImportPlan:
    """The dry run: what the file would create in `cycle` and every error by row and column.
    Reads only. A constant number of queries whatever the file's length."""
    text, problem = _decode(content)
    if text is None:
        return _file_error(cycle, problem)
    aliases = header_aliases()
    raw_rows, problem = _read_rows(text, aliases)
    if raw_rows is None:
        return _file_error(cycle, problem)
    if not raw_rows:
        return _file_error(cycle, _("The file is empty."))
    header = [
        aliases.get(_normal(name), _normal(name))
        for name in (unguard_cell(cell) for cell in raw_rows[0])
    ]
    header_errors = _header_errors(header)
    if header_errors:
        return ImportPlan(cycle=cycle, objectives=[], errors=header_errors)

    errors: list[RowError] = []
    records: list[tuple[int, dict[str, str]]] = []
    initiative_rows: list[int] = []
    for number, raw in enumerate(raw_rows[1:], start=2):
        cells = [unguard_cell(cell) for cell in raw]
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(header):
            errors.append(
                RowError(number, "", _("This row has more cells than the header has columns."))
            )
            continue
        cells += [""] * (len(header) - len(cells))
        record = {name: cells[i].strip() for i, name in enumerate(header)}
        if any(record.get(column) for column in INITIATIVE_COLUMNS):
            if any(record.get(column) for column in KEY_RESULT_COLUMNS[2:]):
                errors.append(
                    RowError(
                        number,
                        "initiative",
                        _(
                            "A row holds a key result or an initiative, not both: give the "
                            "initiative a row of its own, as the export does."
                        ),
                    )
                )
            else:
                initiative_rows.append(number)
            continue
        records.append((number, record))
    if not records:
        if errors:
            return ImportPlan(cycle=cycle, objectives=[], errors=errors)
        return _file_error(cycle, _("The file has a header but no rows."))

    lookups = _Lookups(actor=actor, cycle=cycle, records=records)
    planned: dict[str, PlannedObjective] = {}
    first_rows: dict[str, tuple[int, dict[str, str]]] = {}
    seen_key_results: dict[tuple[str, str | None], int] = {}
    seen_objectives: dict[tuple[str, int | None, int | None], int] = {}

    def error(row: int, column: str, message: str) -> None:
        errors.append(RowError(row, column, message))

    for number, record in records:
        ref = record["objective_ref"]
        if not ref:
            error(number, "objective_ref", _("Give every row the reference of its objective."))
            continue
        if len(ref) > MAX_REF_LENGTH:
            error(number, "objective_ref", _("Keep references under 50 characters."))
            continue
        if ref in first_rows:
            first_number, first = first_rows[ref]
            for column in OBJECTIVE_COLUMNS:
                if record[column] and record[column] != first[column]:
                    error(
                        number,
                        column,
                        _("Differs from row %(row)s, where objective %(ref)s is first described.")
                        % {"row": first_number, "ref": ref},
                    )
        else:
            first_rows[ref] = (number, record)
            objective = _plan_objective(number, record, lookups, error)
            if objective is not None:
                key = (objective.title.casefold(),) + _owner_key(objective)
                if key in seen_objectives:
                    error(
                        number,
                        "objective",
                        _("Duplicate of the objective on row %(row)s (same title and owner).")
                        % {"row": seen_objectives[key]},
                    )
                else:
                    seen_objectives[key] = number
                    if key in lookups.existing_keys:
                        error(
                            number,
                            "objective",
                            _("“%(title)s” of %(owner)s is already in %(cycle)s.")
                            % {
                                "title": objective.title,
                                "owner": objective.owner_name,
                                "cycle": cycle.name,
                            },
                        )
                planned[ref] = objective

        kr_title = record["key_result"]
        duplicate_key = (ref, kr_title.casefold() if kr_title else None)
        if duplicate_key in seen_key_results:
            error(
                number,
                "key_result" if kr_title else "objective_ref",
                _("Duplicate of row %(row)s.") % {"row": seen_key_results[duplicate_key]},
            )
            continue
        seen_key_results[duplicate_key] = number
        key_result = _plan_key_result(number, record, lookups, planned.get(ref), actor, error)
        if key_result is not None and ref in planned:
            planned[ref].key_results.append(key_result)

    _resolve_parents(planned, first_rows, lookups, error)
    errors.sort(key=lambda e: (e.row, COLUMNS.index(e.column) if e.column in COLUMNS else -1))
    return ImportPlan(
        cycle=cycle,
        objectives=list(planned.values()),
        errors=errors,
        initiative_rows=initiative_rows,
    )


def _owner_key(objective: PlannedObjective) -> tuple[int | None, int | None]:
    return (
        objective.owner_team.pk if objective.owner_team else None,
        objective.owner_user.pk if objective.owner_user else None,
    )


def _plan_objective(
    number: int, record: dict[str, str], lookups: _Lookups, error: ErrorSink
) -> PlannedObjective | None:
    ok = True
    objective_type = _choice(record["type"], lookups.values["type"], Objective.Type.ASPIRATIONAL)
    if objective_type is None:
        error(number, "type", _("Write “aspirational” or “committed”."))
        ok = False
    visibility = _choice(record["visibility"], lookups.values["visibility"], "public")
    if visibility is None:
        error(number, "visibility", _("Write “public” or “private”."))
        ok = False
    for column, messages in services.objective_errors(
        title=record["objective"],
        description=record["description"],
        objective_type=objective_type or Objective.Type.ASPIRATIONAL,
        visibility=visibility or "public",
    ).items():
        for message in messages:
            error(number, {"title": "objective"}.get(column, column), message)
            ok = False
    team_slug, username = record["owner_team"], record["owner_user"]
    owner_team = owner_user = None
    if bool(team_slug) == bool(username):
        column = "owner_team" if team_slug else "owner_user"
        error(number, column, _("Name one owner: a team's slug or a person's username."))
        ok = False
    elif team_slug:
        owner_team = lookups.teams.get(team_slug.casefold())
        if owner_team is None:
            error(number, "owner_team", _("No team has the slug “%(slug)s”.") % {"slug": team_slug})
            ok = False
    else:
        owner_user = lookups.person(username)
        if owner_user is None:
            error(
                number,
                "owner_user",
                _("No active person has the username “%(username)s”.") % {"username": username},
            )
            ok = False
    if (owner_team or owner_user) and not lookups.scope.can_edit_objective(
        Objective(owner_team=owner_team, owner_user=owner_user)
    ):
        error(
            number,
            "owner_team" if owner_team else "owner_user",
            _("You may not write objectives for %(owner)s.") % {"owner": owner_team or owner_user},
        )
        ok = False
    if not ok:
        return None
    return PlannedObjective(
        ref=record["objective_ref"],
        row=number,
        title=record["objective"].strip(),
        description=record["description"].strip(),
        owner_team=owner_team,
        owner_user=owner_user,
        objective_type=objective_type,
        visibility=visibility,
        parent_ref=record["parent_ref"],
    )


COLUMN_OF_FIELD = {
    "title": "key_result",
    "owner": "kr_owner",
    "start_value": "start",
    "target_value": "target",
}


def _plan_key_result(
    number: int,
    record: dict[str, str],
    lookups: _Lookups,
    objective: PlannedObjective | None,
    actor: User,
    error: ErrorSink,
) -> PlannedKeyResult | None:
    title = record["key_result"]
    if not title:
        for column in KEY_RESULT_COLUMNS[1:]:
            if record[column]:
                error(
                    number,
                    "key_result",
                    _("A key result needs a title (or leave all its columns empty)."),
                )
                return None
        return None
    ok = True
    kind = _choice(record["kind"], lookups.values["kind"], KeyResult.Kind.METRIC)
    if kind is None:
        error(number, "kind", _("Write metric, at_least, at_most or milestone."))
        ok = False
    values: dict[str, Decimal | None] = {}
    for column, default in (("start", Decimal(0)), ("target", None), ("weight", Decimal(1))):
        value, problems = services.parse_number(record[column])
        for message in problems:
            error(number, column, message)
            ok = False
        values[column] = default if value is None and not problems else value
    if record["kr_owner"]:
        owner = lookups.person(record["kr_owner"])
        if owner is None:
            error(
                number,
                "kr_owner",
                _("No active person has the username “%(username)s”.")
                % {"username": record["kr_owner"]},
            )
            ok = False
    else:
        owner = objective.owner_user if objective and objective.owner_user else actor
    if not ok:
        return None
    problems = services.key_result_errors(
        title=title,
        kind=kind,
        unit=record["unit"],
        start_value=values["start"],
        target_value=values["target"],
        weight=values["weight"],
    )
    for field_name, messages in problems.items():
        for message in messages:
            error(number, COLUMN_OF_FIELD.get(field_name, field_name), message)
    if problems:
        return None
    start_value, target_value = services.milestone_values(kind, values["start"], values["target"])
    return PlannedKeyResult(
        row=number,
        title=title,
        owner=owner,
        kind=kind,
        unit=record["unit"],
        start_value=start_value,
        target_value=target_value,
        weight=values["weight"],
    )


def _resolve_parents(
    planned: dict[str, PlannedObjective],
    first_rows: dict[str, tuple[int, dict[str, str]]],
    lookups: _Lookups,
    error: ErrorSink,
) -> None:
    for ref, objective in planned.items():
        parent_ref = objective.parent_ref
        if not parent_ref:
            continue
        if parent_ref == ref:
            error(objective.row, "parent_ref", _("An objective cannot be its own parent."))
            continue
        if parent_ref in first_rows:
            parent = planned.get(parent_ref)
            objective.parent_title = parent.title if parent else parent_ref
            continue  # checked for loops below
        match = EXISTING_REF.match(parent_ref)
        existing = lookups.existing.get(int(match.group(1))) if match else None
        if existing is None or not lookups.scope.can_view_objective(existing):
            error(
                objective.row,
                "parent_ref",
                _(
                    "Unknown parent “%(ref)s”: no row of this file and no objective of %(cycle)s "
                    "has this reference."
                )
                % {"ref": parent_ref, "cycle": lookups.cycle_name},
            )
            continue
        objective.existing_parent = existing
        objective.parent_title = existing.title
    # Loops among the file's own objectives.
    for ref, objective in planned.items():
        if objective.parent_ref == ref:
            continue  # reported above
        seen = {ref}
        current = objective.parent_ref
        while current in first_rows and current not in seen:
            seen.add(current)
            parent = planned.get(current)
            current = parent.parent_ref if parent else ""
        if current == ref:
            error(
                objective.row,
                "parent_ref",
                _("These parents make a loop: %(ref)s ends up supporting itself.") % {"ref": ref},
            )


def import_okrs(*, actor: User, cycle: Cycle, content: bytes) -> list[Objective]:
    """Create the file's objectives and key results in `cycle`, all or nothing.

    Raises CycleStateError (the cycle is not in planning) or ValidationError (carrying the dry
    run's errors) and writes nothing then; every objective goes through services.add_objective,
    so each row meets the same rules and permissions as the forms.
    """
    with transaction.atomic():
        locked = Cycle.objects.select_for_update().get(pk=cycle.pk)
        ensure_cycle_accepts_import(locked)
        plan = plan_import(actor=actor, cycle=locked, content=content)
        if not plan.ok:
            raise ValidationError(
                [
                    _("Row %(row)s, %(column)s: %(message)s")
                    % {"row": e.row, "column": e.column_label or _("file"), "message": e.message}
                    for e in plan.errors
                ]
                or [_("The file holds no objectives.")]
            )
        created: dict[str, Objective] = {}
        pending = list(plan.objectives)
        while pending:
            ready = [
                p
                for p in pending
                if not p.parent_ref or p.existing_parent is not None or p.parent_ref in created
            ]
            if not ready:  # unreachable after the dry run's loop check; refuse, never guess
                raise ValidationError(_("The parents in this file make a loop."))
            for item in ready:
                parent = item.existing_parent or created.get(item.parent_ref)
                created[item.ref] = services.add_objective(
                    actor=actor,
                    cycle=locked,
                    title=item.title,
                    description=item.description,
                    owner_team=item.owner_team,
                    owner_user=item.owner_user,
                    objective_type=item.objective_type,
                    visibility=item.visibility,
                    parent=parent,
                    key_results=[
                        services.KeyResultDraft(
                            title=kr.title,
                            owner=kr.owner,
                            kind=kr.kind,
                            unit=kr.unit,
                            start_value=kr.start_value,
                            target_value=kr.target_value,
                            weight=kr.weight,
                        )
                        for kr in item.key_results
                    ],
                )
                pending.remove(item)
    return [created[p.ref] for p in plan.objectives]

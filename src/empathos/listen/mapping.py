"""Column mappings: how a foreign export (Zendesk, Freshdesk, Intercom, a dataset such
as ABCD, a CRM dump...) becomes one of our kinds without code. A small YAML or TOML file
names, for each of our fields, the export's column (or a dotted path into a nested
document), value translations, defaults, the export's date formats and time zone, how
its turns are built (a list of nested turns, or several columns of one row), and which
survey columns are outcomes. The schema is documented in docs/formats.md; the shipped
examples are in ``listen/mappings/`` and can be named instead of a path.

The module is over the usual size because the schema, its checks and the converter
read best together: each key is checked where it is read (``_Spec``), so every
error names the mapping file and the key.

Why one module of this size: a mapping file's validation (``_Builder``) and its use
(``_Converter``) share one spec and must change together; each is a few hundred lines.
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from empathos.listen import formats
from empathos.listen.errors import IngestError, RecordError
from empathos.listen.parse import OUTCOME_KINDS, is_blank
from empathos.listen.records import KNOWN_FIELDS, LINE, Rows, outcome_record

SHIPPED_DIR = Path(__file__).parent / "mappings"
FILE_FORMATS = ("csv", "jsonl", "json")  # json: one JSON array of records
TURN_FIELDS = ("speaker", "text", "ts", "author_id", "language", "seq")
OUR_FIELDS = (KNOWN_FIELDS | {"turns"}) - {LINE}  # what a mapping's columns may name
DATE_FIELDS = frozenset({"started_at", "ended_at", "ts", "created_at", "hired_at"})
TOP_KEYS = frozenset(
    {
        "kind",
        "format",
        "delimiter",
        "columns",
        "values",
        "defaults",
        "attributes",
        "turns",
        "outcomes",
        "date_format",
        "timezone",
    }
)
_DROP = object()  # a value translated to null: the field (or the turn) is left out

#: Alternatives for one field: the first path with a value wins.
Paths = tuple[str, ...]


@dataclass(frozen=True)
class TurnSpec:
    """How turns come out of a record: one per element of the list at ``each`` (ABCD's
    ``original``, Intercom's ``conversation_parts.conversation_parts``), or, without
    ``each``, one from the record itself (a ticket's description column)."""

    columns: dict[str, Paths]
    each: str | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    html: bool = False  # the text is HTML (Intercom): tags dropped, entities decoded
    #: Elements left out by their own values: {their field: [their values]} (Intercom's
    #: internal notes, ``part_type: note``), compared without case.
    skip: dict[str, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class OutcomeSpec:
    """A survey column that becomes an outcome of the record's interaction."""

    kind: str
    value: Paths
    values: dict[str, float | None] = field(default_factory=dict)
    ts: Paths = ()


@dataclass(frozen=True)
class ColumnMapping:
    kind: str
    format: str = "csv"
    delimiter: str = ","
    columns: dict[str, Paths] = field(default_factory=dict)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    attributes: dict[str, Paths] = field(default_factory=dict)
    turns: tuple[TurnSpec, ...] = ()
    outcomes: tuple[OutcomeSpec, ...] = ()
    date_formats: tuple[str, ...] = ()
    timezone: str | None = None
    origin: str = ""  # the mapping file, for messages

    def converter(self) -> Callable[[Mapping[str, Any]], Rows]:
        """A converter that renames, translates and defaults, then applies the kind's own
        validation; errors name the export's column so the user knows what to fix."""
        return _Converter(self).convert


class _Converter:
    def __init__(self, mapping: ColumnMapping) -> None:
        self.m = mapping
        self.base = formats.get(mapping.kind).converter()
        # Flat exports may already name some columns like our fields; a nested document
        # (a mapping with ``turns``) names every field it uses, since its own keys
        # (Intercom's ``source`` object) may collide with ours.
        used = {p for paths in mapping.columns.values() for p in paths}
        self.passthrough = frozenset() if mapping.turns else KNOWN_FIELDS - used
        self.zone = ZoneInfo(mapping.timezone) if mapping.timezone else None
        self.lowered = {
            f: {str(k).strip().lower(): v for k, v in table.items()}
            for f, table in mapping.values.items()
        }

    def convert(self, raw: Mapping[str, Any]) -> Rows:
        m = self.m
        record: dict[str, Any] = {
            **m.defaults,
            **{k: v for k, v in raw.items() if k in self.passthrough},
        }
        labels: dict[str, str] = {}  # our field -> their column, for errors
        for ours, paths in m.columns.items():
            value = self._translate(ours, get_path(raw, paths))
            if value is not None and value is not _DROP:
                record[ours] = value
                labels[ours] = _label(paths)
            elif ours == "seq" and value is None:
                # A mapped but blank seq is the format's reject, never the line number:
                # that could equal another row's explicit seq and drop a turn.
                record[ours], labels[ours] = "", _label(paths)
        if m.attributes:
            extra = {name: get_path(raw, paths) for name, paths in m.attributes.items()}
            base_attrs = record.get("attributes")
            base_attrs = base_attrs if isinstance(base_attrs, dict) else {}
            record["attributes"] = {
                **base_attrs,
                **{k: v for k, v in extra.items() if not is_blank(v)},
            }
        for name in sorted(DATE_FIELDS & record.keys()):
            column = labels.get(name)
            record[name] = self._date(record[name], f"{column} (-> {name})" if column else name)
        origins: list[tuple[str, TurnSpec]] = []
        if m.turns:
            record["turns"] = self._turns(raw, origins)
        elif isinstance(record.get("turns"), list):
            record["turns"] = self._translate_turns(record["turns"])
        try:
            rows = self.base(record)
        except RecordError as exc:
            raise self._relabel(exc, labels, origins, raw) from None
        for spec in m.outcomes:
            rows.setdefault("outcomes", []).extend(self._outcome(spec, raw, rows))
        add_parties(rows)
        return rows

    # -- values ------------------------------------------------------------------------

    def _translate(self, ours: str, value: Any) -> Any:
        """Their value -> ours (exact, then case-insensitive); None when blank."""
        if is_blank(value):
            return None
        table = self.m.values.get(ours)
        if table is None or isinstance(value, dict | list):
            return value
        key = str(value).strip()
        if key in table:
            hit = table[key]
        elif key.lower() in self.lowered[ours]:
            hit = self.lowered[ours][key.lower()]
        else:
            return value
        return _DROP if hit is None else hit

    def _date(self, value: Any, label: str) -> Any:
        """The mapping's date formats and zone applied to a time column; without them
        the value goes on to the kind's own ISO 8601 / Unix-time parsing."""
        if not isinstance(value, str) or not (self.m.date_formats or self.zone):
            return value
        text = value.strip()
        dt = None
        for fmt in self.m.date_formats:
            try:
                dt = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
        if dt is None:
            try:
                dt = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
            except ValueError:
                tried = ", ".join(repr(f) for f in self.m.date_formats)
                raise RecordError(
                    label,
                    f"{text[:40]!r} matches none of the date formats "
                    f"{tried or '(none given)'} and is not ISO 8601",
                ) from None
        if dt.tzinfo is None and self.zone is not None:
            dt = dt.replace(tzinfo=self.zone)
        return dt

    # -- turns -------------------------------------------------------------------------

    def _translate_turns(self, turns: list) -> list:
        """Turns already in our shape (a ``turns`` column of our interactions format):
        ``values`` still reach their fields, and a turn whose value becomes null goes."""
        fields = [f for f in TURN_FIELDS if f in self.m.values]
        out = []
        for turn in turns:
            if isinstance(turn, dict) and fields:
                turn = dict(turn)
                translated = {f: self._translate(f, turn.get(f)) for f in fields if f in turn}
                if any(v is _DROP for v in translated.values()):
                    continue
                turn.update({f: v for f, v in translated.items() if v is not None})
            out.append(turn)
        return out

    def _turns(self, raw: Mapping[str, Any], origins: list[tuple[str, TurnSpec]]) -> list:
        turns: list[dict[str, Any]] = []
        for spec in self.m.turns:
            if spec.each is None:
                self._turn(raw, "", spec, turns, origins)
                continue
            items = get_path(raw, (spec.each,))
            if is_blank(items):
                continue
            if not isinstance(items, list):
                raise RecordError(spec.each, f"must be a list of turns, got {type(items).__name__}")
            for i, item in enumerate(items):
                self._turn(item, f"{spec.each}[{i}]", spec, turns, origins)
        if not turns:
            columns = sorted({_label(p) for s in self.m.turns for p in [s.columns.get("text", ())]})
            where = ", ".join(c for c in columns if c)
            raise RecordError("turns", f"no turn has text (in {where or 'the turn columns'})")
        return turns

    def _turn(
        self,
        item: Any,
        where: str,
        spec: TurnSpec,
        turns: list[dict[str, Any]],
        origins: list[tuple[str, TurnSpec]],
    ) -> None:
        for path, dropped in spec.skip.items():
            value = _get(item, path)
            if not is_blank(value) and str(value).strip().lower() in dropped:
                return
        turn: dict[str, Any] = dict(spec.defaults)
        for ours, paths in spec.columns.items():
            value = self._translate(ours, get_path(item, paths))
            if value is _DROP:
                return  # e.g. ABCD's action lines: not said to the customer
            if value is not None:
                turn[ours] = value
        text = turn.get("text")
        if spec.html and isinstance(text, str):
            turn["text"] = text = html_to_text(text)
        if is_blank(text):
            return  # an empty column of a ticket row, an Intercom assignment
        if "ts" in turn:
            column = _where(where, spec.columns.get("ts", ()))
            turn["ts"] = self._date(turn["ts"], f"{column} (-> turns[{len(turns)}].ts)")
        turns.append(turn)
        origins.append((where, spec))

    # -- outcomes ----------------------------------------------------------------------

    def _outcome(self, spec: OutcomeSpec, raw: Mapping[str, Any], rows: Rows) -> list:
        value = get_path(raw, spec.value)
        if is_blank(value):
            return []
        if spec.values and not isinstance(value, dict | list):
            key = str(value).strip().lower()
            if key in spec.values:
                value = spec.values[key]
                if value is None:
                    return []  # "offered", "not offered": no answer
        interaction = rows["interactions"][0]
        ts = get_path(raw, spec.ts) if spec.ts else None
        record = {
            "outcome_id": f"{interaction['interaction_id']}:{spec.kind}",
            "kind": spec.kind,
            "value": value,
            "ts": None if is_blank(ts) else self._date(ts, _label(spec.ts)),
            "interaction_id": interaction["interaction_id"],
            "customer_id": interaction["customer_id"],
            "employee_id": interaction["employee_id"],
            "source": interaction["source"],
        }
        if record["ts"] is None:
            record["ts"] = interaction["ended_at"] or interaction["started_at"]
        try:
            return outcome_record(record)["outcomes"]
        except RecordError as exc:
            column = _label(spec.value if exc.field == "value" else spec.ts)
            raise RecordError(
                f"{column} (-> outcome {spec.kind}.{exc.field})", exc.message
            ) from None

    # -- errors ------------------------------------------------------------------------

    def _relabel(
        self,
        exc: RecordError,
        labels: dict[str, str],
        origins: list[tuple[str, TurnSpec]],
        raw: Mapping[str, Any],
    ) -> RecordError:
        """The error in the export's terms: its column (or the turn's place in the
        document), and for a CSV row cut short, the likely real cause."""
        match = re.match(r"turns\[(\d+)\]\.(\w+)", exc.field)
        if match and int(match.group(1)) < len(origins):
            where, spec = origins[int(match.group(1))]
            column = _where(where, spec.columns.get(match.group(2), ()))
            return RecordError(f"{column or where} (-> {exc.field})", exc.message)
        ours = exc.field.split(".")[0].split("[")[0]
        column = labels.get(ours) or _label(self.m.columns.get(ours, ()))
        label = f"{column} (-> {exc.field})" if column else exc.field
        message = exc.message
        if self.m.format == "csv" and column and exc.message == "is required":
            message += _short_row_hint(raw, column)
        return RecordError(label, message)


def add_parties(rows: Rows) -> None:
    """A helpdesk export names its customers and agents only by id on each ticket; give
    each one a ``customers`` / ``employees`` row (the id alone) so that every face finds
    them (predict's customers, coaching's employees). The rows carry nothing else, and a
    partial record never erases stored fields (``listen/conflicts.py``), so a CRM import
    of the same ids, before or after, keeps its names and segments."""
    for interaction in rows.get("interactions", ()):
        source = interaction.get("source") or "imported"
        customer_id, employee_id = interaction.get("customer_id"), interaction.get("employee_id")
        if customer_id:
            rows.setdefault("customers", []).append(_customer_row(customer_id, source))
        if employee_id:
            rows.setdefault("employees", []).append(_employee_row(employee_id, source))


def _customer_row(customer_id: str, source: str) -> dict[str, Any]:
    return {
        "customer_id": customer_id,
        "name": None,
        "segment": None,
        "language": None,
        "created_at": None,
        "source": source,
        "attributes": {},
    }


def _employee_row(employee_id: str, source: str) -> dict[str, Any]:
    return {
        "employee_id": employee_id,
        "name": None,
        "function": None,
        "skills": [],
        "languages": [],
        "pod_id": None,
        "capacity": 1,
        "hired_at": None,
        "source": source,
        "attributes": {},
    }


def _short_row_hint(raw: Mapping[str, Any], column: str) -> str:
    """A required CSV column that is empty, with every column after it empty too, is
    most often a record cut in two by a line break inside an unquoted field."""
    keys = [k for k in raw if k != LINE]
    if column not in keys:
        return f" (the file has no column {column!r})"
    after = keys[keys.index(column) :]
    if len(after) > 1 and all(is_blank(raw[k]) for k in after):
        return (
            f": this row ends before column {column!r} (it and the {len(after) - 1} "
            "after it are empty), so a line break inside an unquoted field probably "
            "cut the record in two; quote that field or remove the line break"
        )
    return ""


def get_path(obj: Any, paths: Paths) -> Any:
    """The first non-blank value among ``paths``: a column name as it is, or a dotted
    path into nested objects and lists (``scenario.flow``, ``author.type``, ``0``)."""
    for path in paths:
        value = _get(obj, path)
        if not is_blank(value):
            return value
    return None


def _get(obj: Any, path: str) -> Any:
    if isinstance(obj, Mapping) and path in obj:
        return obj[path]
    for part in path.split("."):
        if isinstance(obj, Mapping):
            obj = obj.get(part)
        elif isinstance(obj, list) and part.lstrip("-").isdigit():
            index = int(part)
            obj = obj[index] if -len(obj) <= index < len(obj) else None
        else:
            return None
    return obj


def html_to_text(text: str) -> str:
    """Enough HTML to text for chat bodies: line breaks kept, tags dropped, entities decoded."""
    text = re.sub(r"(?i)<br\s*/?>|</p>|</div>|</li>", "\n", text)
    return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()


def _label(paths: Paths) -> str:
    return " | ".join(paths)


def _where(where: str, paths: Paths) -> str:
    column = _label(paths)
    return f"{where}.{column}" if where and column else (where or column)


# -- loading -----------------------------------------------------------------------------


def mappable_kinds() -> tuple[str, ...]:
    """The kinds a mapping may name, in import order: those converted record by record
    (a format with a prepare pass reads the raw file, which the mapping does not rename)."""
    return tuple(k for k in formats.kinds() if formats.get(k).mappable)


def shipped_mappings() -> tuple[str, ...]:
    """The names of the example mappings that ship with Empathos."""
    return tuple(sorted(p.stem for p in SHIPPED_DIR.glob("*.yaml")))


def resolve_mapping(ref: str | Path) -> Path:
    """A mapping file's path: ``ref`` itself when it is a file, else a shipped mapping of
    that name (``zendesk_tickets``)."""
    path = Path(ref)
    if path.is_file():
        return path
    shipped = SHIPPED_DIR / f"{ref}.yaml"
    if path.name == str(ref) and not path.suffix and shipped.is_file():
        return shipped
    raise IngestError(
        f"{ref}: no such mapping file, nor a shipped mapping of that name "
        f"(shipped: {', '.join(shipped_mappings())})"
    )


def load_mapping(ref: str | Path) -> ColumnMapping:
    """Read and check a mapping file (or a shipped one by name); a bad one fails before
    any record is read, naming the file and the key."""
    path = resolve_mapping(ref)
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM is not part of the mapping
        spec = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise IngestError(f"{path}: cannot read the mapping: {exc}") from None
    if not isinstance(spec, dict):
        raise IngestError(f"{path}: a mapping must be a table of settings")
    return _Spec(path, spec).build()


class _Spec:
    """The checks of a mapping file, key by key."""

    def __init__(self, path: Path, spec: dict[str, Any]) -> None:
        self.path = path
        self.spec = spec

    def fail(self, key: str, message: str) -> IngestError:
        return IngestError(f"{self.path}: '{key}' {message}")

    def build(self) -> ColumnMapping:
        spec = self.spec
        unknown = sorted(set(map(str, spec)) - TOP_KEYS)
        if unknown:
            raise self.fail(unknown[0], f"is not a mapping key; use {', '.join(sorted(TOP_KEYS))}")
        kind = spec.get("kind")
        mappable = mappable_kinds()
        if kind not in mappable:
            raise self.fail("kind", f"must be one of {', '.join(mappable)}, got {kind!r}")
        fmt = spec.get("format", "csv")
        if fmt not in FILE_FORMATS:
            raise self.fail("format", f"must be one of {', '.join(FILE_FORMATS)}, got {fmt!r}")
        columns = self.paths_table("columns", spec.get("columns"), OUR_FIELDS)
        turns = self.turns(spec.get("turns"), kind)
        if not columns and not turns:
            raise self.fail("columns", "must map our field names to the export's columns")
        values = spec.get("values") or {}
        if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
            raise self.fail("values", "must map a field to a table of value translations")
        defaults = spec.get("defaults") or {}
        if not isinstance(defaults, dict):
            raise self.fail("defaults", "must map our field names to values")
        delimiter = str(spec.get("delimiter", ","))
        if len(delimiter) != 1:
            raise self.fail("delimiter", f"must be one character, got {delimiter!r}")
        outcomes = self.outcomes(spec.get("outcomes"), kind)
        return ColumnMapping(
            kind=kind,
            format=fmt,
            delimiter=delimiter,
            columns=columns,
            values={
                str(k): {str(a): (None if b is None else str(b)) for a, b in v.items()}
                for k, v in values.items()
            },
            defaults=dict(defaults),
            attributes=self.paths_table("attributes", spec.get("attributes"), None),
            turns=turns,
            outcomes=outcomes,
            date_formats=self.date_formats(spec.get("date_format")),
            timezone=self.timezone(spec.get("timezone")),
            origin=str(self.path),
        )

    def paths_table(self, key: str, table: Any, allowed: frozenset[str] | None) -> dict:
        if table is None:
            return {}
        if not isinstance(table, dict):
            raise self.fail(key, "must map our field names to the export's columns")
        out: dict[str, Paths] = {}
        for ours, theirs in table.items():
            if allowed is not None and ours not in allowed:
                raise self.fail(f"{key}.{ours}", "is not one of our fields")
            out[str(ours)] = self.paths(f"{key}.{ours}", theirs)
        return out

    def paths(self, key: str, theirs: Any) -> Paths:
        items = theirs if isinstance(theirs, list) else [theirs]
        if not items or not all(isinstance(p, str | int) and str(p).strip() for p in items):
            raise self.fail(key, "must name a column (or a list of columns to try in turn)")
        return tuple(str(p) for p in items)

    def turns(self, raw: Any, kind: str) -> tuple[TurnSpec, ...]:
        if raw is None:
            return ()
        if kind != "interactions":
            raise self.fail("turns", "builds an interaction's turns: use it with kind interactions")
        if not isinstance(raw, list) or not raw:
            raise self.fail("turns", "must be a list of turn specifications")
        specs = []
        for i, item in enumerate(raw):
            key = f"turns[{i}]"
            if not isinstance(item, dict):
                raise self.fail(key, "must be a table (each, columns, defaults, html)")
            extra = sorted(set(item) - {"each", "columns", "defaults", "html", "skip"})
            if extra:
                raise self.fail(
                    f"{key}.{extra[0]}",
                    "is not a turn key; use each, columns, defaults, html, skip",
                )
            skip = item.get("skip") or {}
            if not isinstance(skip, dict) or not all(isinstance(v, list) for v in skip.values()):
                raise self.fail(
                    f"{key}.skip", "must map a field to the list of values to leave out"
                )
            columns = self.paths_table(
                f"{key}.columns", item.get("columns"), frozenset(TURN_FIELDS)
            )
            defaults = item.get("defaults") or {}
            if not isinstance(defaults, dict) or not set(defaults) <= set(TURN_FIELDS):
                raise self.fail(f"{key}.defaults", f"must give values of {', '.join(TURN_FIELDS)}")
            if "text" not in columns:
                raise self.fail(f"{key}.columns.text", "is required: where is the turn's text?")
            if "speaker" not in columns and "speaker" not in defaults:
                raise self.fail(f"{key}.columns.speaker", "is required (or defaults.speaker)")
            each = item.get("each")
            if each is not None and not (isinstance(each, str) and each.strip()):
                raise self.fail(f"{key}.each", "must name the list of turns in the record")
            specs.append(
                TurnSpec(
                    columns=columns,
                    each=each,
                    defaults=dict(defaults),
                    html=bool(item.get("html")),
                    skip={str(k): frozenset(str(x).lower() for x in v) for k, v in skip.items()},
                )
            )
        return tuple(specs)

    def outcomes(self, raw: Any, kind: str) -> tuple[OutcomeSpec, ...]:
        if raw is None:
            return ()
        if kind != "interactions":
            raise self.fail(
                "outcomes", "are an interaction's survey answers: use kind interactions"
            )
        if not isinstance(raw, list):
            raise self.fail("outcomes", "must be a list of {kind, value, values, ts}")
        specs = []
        for i, item in enumerate(raw):
            key = f"outcomes[{i}]"
            if not isinstance(item, dict) or "value" not in item:
                raise self.fail(key, "must be a table with kind and value (the column)")
            extra = sorted(set(item) - {"kind", "value", "values", "ts"})
            if extra:
                raise self.fail(
                    f"{key}.{extra[0]}", "is not an outcome key; use kind, value, values, ts"
                )
            if item.get("kind") not in OUTCOME_KINDS:
                raise self.fail(f"{key}.kind", f"must be one of {', '.join(sorted(OUTCOME_KINDS))}")
            values = item.get("values") or {}
            if not isinstance(values, dict) or not all(
                v is None or (isinstance(v, int | float) and not isinstance(v, bool))
                for v in values.values()
            ):
                raise self.fail(
                    f"{key}.values", "must map their answers to numbers (or null: no answer)"
                )
            specs.append(
                OutcomeSpec(
                    kind=item["kind"],
                    value=self.paths(f"{key}.value", item["value"]),
                    values={str(a).strip().lower(): b for a, b in values.items()},
                    ts=self.paths(f"{key}.ts", item["ts"]) if item.get("ts") else (),
                )
            )
        return tuple(specs)

    def date_formats(self, raw: Any) -> tuple[str, ...]:
        if raw is None:
            return ()
        items = raw if isinstance(raw, list) else [raw]
        probe = datetime(2026, 1, 31, 13, 45, 30)
        for fmt in items:
            if not isinstance(fmt, str) or "%" not in fmt:
                raise self.fail(
                    "date_format", f"must be strftime patterns such as '%d-%m-%Y', got {fmt!r}"
                )
            try:
                datetime.strptime(probe.strftime(fmt), fmt)
            except ValueError as exc:
                raise self.fail(
                    "date_format", f"{fmt!r} is not a usable strftime pattern: {exc}"
                ) from None
        return tuple(items)

    def timezone(self, raw: Any) -> str | None:
        if raw is None:
            return None
        try:
            ZoneInfo(str(raw))
        except (ZoneInfoNotFoundError, ValueError):
            raise self.fail(
                "timezone", f"{raw!r} is not a time zone name such as Europe/Berlin or UTC"
            ) from None
        return str(raw)

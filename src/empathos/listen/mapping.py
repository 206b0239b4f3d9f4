"""Column mappings: how a foreign export (Zendesk, Freshdesk, a CRM dump...) becomes one
of our kinds without code. A small YAML or TOML file names, for each of our fields, the
export's column, optional value translations and defaults (see docs/formats.md)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from empathos.listen import formats
from empathos.listen.errors import IngestError, RecordError
from empathos.listen.records import KNOWN_FIELDS, Rows


@dataclass(frozen=True)
class ColumnMapping:
    kind: str
    format: str = "csv"
    delimiter: str = ","
    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)

    def converter(self) -> Callable[[Mapping[str, Any]], Rows]:
        """A converter that renames, translates and defaults, then applies the kind's own
        validation; errors name the export's column so the user knows what to fix."""
        base = formats.get(self.kind).converter()
        theirs = {ours: col for ours, col in self.columns.items()}
        known = KNOWN_FIELDS - set(self.columns.values())

        def convert(raw: Mapping[str, Any]) -> Rows:
            # Columns already named like our fields are used as they are.
            record: dict[str, Any] = {
                **self.defaults,
                **{k: v for k, v in raw.items() if k in known},
            }
            for ours, col in theirs.items():
                value = raw.get(col)
                if value is None or (isinstance(value, str) and not value.strip()):
                    continue
                translate = self.values.get(ours)
                if translate is not None and isinstance(value, str):
                    value = translate.get(value.strip(), value)
                record[ours] = value
            try:
                return base(record)
            except RecordError as exc:
                column = theirs.get(exc.field.split(".")[0].split("[")[0])
                label = f"{column} (-> {exc.field})" if column else exc.field
                raise RecordError(label, exc.message) from None

        return convert


def mappable_kinds() -> tuple[str, ...]:
    """The kinds a mapping may name, in import order: those converted record by record
    (a format with a prepare pass reads the raw file, which the mapping does not rename)."""
    return tuple(k for k in formats.kinds() if formats.get(k).mappable)


def load_mapping(path: Path) -> ColumnMapping:
    """Read and check a mapping file; a bad one fails before any record is read."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM is not part of the mapping
        spec = tomllib.loads(text) if path.suffix == ".toml" else yaml.safe_load(text)
    except (OSError, yaml.YAMLError, tomllib.TOMLDecodeError) as exc:
        raise IngestError(f"{path}: cannot read the mapping: {exc}") from None
    if not isinstance(spec, dict):
        raise IngestError(f"{path}: a mapping must be a table of settings")
    kind = spec.get("kind")
    mappable = mappable_kinds()
    if kind not in mappable:
        raise IngestError(f"{path}: 'kind' must be one of {', '.join(mappable)}, got {kind!r}")
    fmt = spec.get("format", "csv")
    if fmt not in ("csv", "jsonl"):
        raise IngestError(f"{path}: 'format' must be csv or jsonl, got {fmt!r}")
    columns = spec.get("columns")
    if not isinstance(columns, dict) or not columns:
        raise IngestError(f"{path}: 'columns' must map our field names to the export's columns")
    values = spec.get("values") or {}
    if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
        raise IngestError(f"{path}: 'values' must map a field to a table of value translations")
    return ColumnMapping(
        kind=kind,
        format=fmt,
        delimiter=str(spec.get("delimiter", ",")),
        columns={str(k): str(v) for k, v in columns.items()},
        values={str(k): {str(a): str(b) for a, b in v.items()} for k, v in values.items()},
        defaults=dict(spec.get("defaults") or {}),
    )

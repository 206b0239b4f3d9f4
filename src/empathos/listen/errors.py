"""What a bad record looks like to the user: the file, the line, the field and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass


class RecordError(ValueError):
    """A record that cannot be stored. ``field`` names the offending field (dotted for
    nested ones, e.g. ``turns[2].speaker``) so the user can fix the source."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class IngestError(RuntimeError):
    """The file as a whole cannot be read (missing, unknown kind, bad mapping)."""


@dataclass(frozen=True, slots=True)
class Reject:
    """One rejected record, as written to the reject file (one JSON object per line)."""

    file: str
    line: int
    field: str
    error: str
    record: str

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: field '{self.field}': {self.error}"

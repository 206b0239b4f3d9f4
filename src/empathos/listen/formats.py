"""Ingest formats, one object each: what a kind of file holds and how it becomes rows.

Before, a format was spread over four parallel tables (converters, guessing signatures,
the list of kinds, the folder import order) plus special cases for the one format that
needs a first pass over its file (Twitter threads). Now an :class:`IngestFormat` carries
all of it, ``ingest.py`` and ``convert.py`` treat every format alike, and formats are
found through the plug-in registry (entry-point group ``empathos.ingest_formats``), so a
third-party package adds one with a single line in its ``pyproject.toml``::

    [project.entry-points."empathos.ingest_formats"]
    tickets = "my_package.tickets:FORMAT"

Every format carries a tiny :class:`IngestExample`, which the contract suite
(``tests/contracts/test_ingest_formats.py``) imports, breaks and re-imports, so a new
format is tested without editing a list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from empathos import plugins
from empathos.listen import records
from empathos.listen.errors import IngestError
from empathos.listen.records import Rows

Converter = Callable[[Mapping[str, Any]], Rows]
READERS = ("jsonl", "csv")  # the readers a format can name (listen/readers.py)


@dataclass(frozen=True)
class IngestExample:
    """A few valid records of a format, and one bad one with the field its reject names.

    Values must be what the format's first reader yields (CSV: flat strings, one line
    each), so the sample can be written as a file of that type."""

    records: tuple[Mapping[str, Any], ...]
    bad: Mapping[str, Any]
    bad_field: str


@dataclass(frozen=True)
class IngestFormat:
    """One importable kind of file.

    A format without a prepare step converts each record with ``convert``. A format
    that needs a first pass over the whole file (Twitter rebuilds reply threads) gives
    ``prepare(path)``, whose result must be picklable, and ``build(prepared)``, which
    makes the record converter from it: worker processes receive the prepared state and
    build their own converter, so ``convert``/``build`` must be module-level functions.
    """

    kind: str
    #: Fields whose presence identifies the format, for guessing from JSONL keys or a CSV
    #: header. The larger signature is tried first (see :func:`guess_order`).
    signature: frozenset[str]
    example: IngestExample = field(compare=False)
    convert: Converter | None = None
    #: Readers that understand the format, the preferred first: a file whose type is not
    #: among them is read with the first (a ``.json`` Twitter export is still CSV).
    readers: tuple[str, ...] = READERS
    #: Kinds whose files a folder import loads first (see :func:`import_order`).
    parents: tuple[str, ...] = ()
    #: Kinds whose signature this format's records also match: this one is tried first
    #: when guessing (employees carry ``pod_id`` and ``name``, which identify pods).
    shadows: tuple[str, ...] = ()
    prepare: Callable[[Path], Any] | None = None
    build: Callable[[Any], Converter] | None = None
    #: The format writes turns apart from their interaction's own record, so each batch
    #: stretches the interactions' ``started_at``/``ended_at`` over the turns stored.
    widens_bounds: bool = False

    def __post_init__(self) -> None:
        if (self.prepare is None) != (self.build is None):
            raise ValueError(f"{self.kind}: prepare and build come together")
        if (self.convert is None) == (self.build is None):
            raise ValueError(f"{self.kind}: give convert, or prepare and build, not both")
        if not self.readers or not set(self.readers) <= set(READERS):
            raise ValueError(f"{self.kind}: readers must be among {', '.join(READERS)}")

    @property
    def mappable(self) -> bool:
        """Whether a column mapping may target this format: a mapping renames fields one
        record at a time, which a prepare pass over the raw file would not see."""
        return self.prepare is None

    def reader_for(self, file_type: str) -> str:
        """The reader for a file of ``file_type`` (``jsonl`` or ``csv``)."""
        return file_type if file_type in self.readers else self.readers[0]

    def converter(self, prepared: Any = None) -> Converter:
        """The record converter; ``prepared`` is what ``prepare`` returned, if it exists."""
        if self.build is not None:
            return self.build(prepared)
        assert self.convert is not None
        return self.convert


def kinds() -> tuple[str, ...]:
    """Every registered kind, in import order (what error messages list)."""
    return import_order()


def get(kind: str) -> IngestFormat:
    """The format registered as ``kind``; an unknown one fails with the known kinds."""
    if kind not in plugins.names("ingest_formats"):
        raise IngestError(f"unknown kind {kind!r}; choose one of {', '.join(kinds())}")
    return plugins.load("ingest_formats", kind)


def all_formats() -> list[IngestFormat]:
    return [plugins.load("ingest_formats", name) for name in plugins.names("ingest_formats")]


def import_order(formats: Iterable[IngestFormat] | None = None) -> tuple[str, ...]:
    """Kinds with every format's parents before it: depth first, in name order, so the
    order is the same in every process. Parents that are not registered are skipped
    (the contract suite checks that every parent is); a cycle is an error."""
    by_kind = {f.kind: f for f in (all_formats() if formats is None else formats)}
    order: list[str] = []
    visiting: set[str] = set()

    def visit(kind: str) -> None:
        if kind in order or kind not in by_kind:
            return
        if kind in visiting:
            raise ValueError(f"ingest formats' parents form a cycle through {kind!r}")
        visiting.add(kind)
        for parent in sorted(by_kind[kind].parents):
            visit(parent)
        visiting.discard(kind)
        order.append(kind)

    for kind in sorted(by_kind):
        visit(kind)
    return tuple(order)


def guess_order(formats: Iterable[IngestFormat] | None = None) -> list[IngestFormat]:
    """Formats in the order their signatures are tried: the larger signature first, then
    by name, except that a format comes before the kinds it ``shadows``."""
    pending = {f.kind: f for f in (all_formats() if formats is None else formats)}
    blockers = {k: {s.kind for s in pending.values() if k in s.shadows} for k in pending}
    order: list[IngestFormat] = []
    while pending:
        ready = [f for f in pending.values() if not blockers[f.kind] & pending.keys()]
        if not ready:
            raise ValueError(f"ingest formats' shadows form a cycle among {sorted(pending)}")
        first = min(ready, key=lambda f: (-len(f.signature), f.kind))
        order.append(pending.pop(first.kind))
    return order


CUSTOMERS = IngestFormat(
    kind="customers",
    signature=frozenset({"customer_id"}),
    convert=records.customer_record,
    example=IngestExample(
        records=(
            {"customer_id": "cu-1", "name": "Ada", "segment": "retail", "language": "en"},
            {"customer_id": "cu-2", "segment": "smb", "attributes": {"region": "north"}},
        ),
        bad={"customer_id": "cu-3", "attributes": ["not", "an", "object"]},
        bad_field="attributes",
    ),
)

EMPLOYEES = IngestFormat(
    kind="employees",
    signature=frozenset({"employee_id"}),
    shadows=("pods",),
    convert=records.employee_record,
    example=IngestExample(
        records=(
            {
                "employee_id": "e-1",
                "name": "Ana",
                "pod_id": "p-1",
                "skills": ["billing"],
                "languages": ["en", "de"],
                "capacity": 2,
            },
            {"employee_id": "e-2", "name": "Ben", "pod_id": "p-1", "skills": ["delivery"]},
        ),
        bad={"employee_id": "e-3", "name": "Cleo", "capacity": 0},
        bad_field="capacity",
    ),
)

PODS = IngestFormat(
    kind="pods",
    signature=frozenset({"pod_id", "name"}),
    parents=("employees",),  # a pod lists its members
    convert=records.pod_record,
    example=IngestExample(
        records=({"pod_id": "p-1", "name": "North", "member_ids": ["e-1", "e-2"]},),
        bad={"pod_id": "p-2"},
        bad_field="name",
    ),
)

INTERACTIONS = IngestFormat(
    kind="interactions",
    signature=frozenset({"interaction_id", "turns"}),
    # The master data an interaction refers to (its customer, its employee and the
    # employee's pod) loads first; facts come after master data.
    parents=("customers", "employees", "pods"),
    convert=records.interaction_record,
    example=IngestExample(
        records=(
            {
                "interaction_id": "c-1",
                "customer_id": "cu-1",
                "employee_id": "e-1",
                "channel": "chat",
                "turns": [
                    {
                        "speaker": "customer",
                        "text": "My invoice is wrong again.",
                        "ts": "2026-03-01T09:15:00",
                    },
                    {
                        "speaker": "employee",
                        "text": "I am sorry about that, let me fix it now.",
                        "ts": "2026-03-01T09:16:00",
                    },
                ],
            },
            {
                "interaction_id": "c-2",
                "customer_id": "cu-2",
                "channel": "email",
                "turns": [{"speaker": "customer", "text": "Where is my parcel?"}],
            },
        ),
        bad={"interaction_id": "c-3", "channel": "chat", "turns": [{"speaker": "x", "text": "hi"}]},
        bad_field="turns[0].speaker",
    ),
)

TURNS = IngestFormat(
    kind="turns",
    signature=frozenset({"interaction_id", "speaker", "text"}),
    readers=("csv", "jsonl"),
    # A turns file may add turns to interactions an interactions file holds, whose own
    # rows must land first: facts are never overwritten, so the first writer wins.
    parents=("interactions",),
    convert=records.turn_record,
    widens_bounds=True,
    example=IngestExample(
        records=(
            {
                "interaction_id": "c-4",
                "seq": "0",
                "speaker": "customer",
                "text": "The app logs me out every day.",
                "ts": "2026-03-02T10:00:00",
                "customer_id": "cu-2",
            },
            {
                "interaction_id": "c-4",
                "seq": "1",
                "speaker": "employee",
                "text": "Thanks for telling us, we are on it.",
                "ts": "2026-03-02T10:05:00",
                "customer_id": "",
            },
        ),
        bad={
            "interaction_id": "c-4",
            "seq": "2",
            "speaker": "customer",
            "text": " ",
            "ts": "2026-03-02T10:06:00",
            "customer_id": "",
        },
        bad_field="text",
    ),
)

OUTCOMES = IngestFormat(
    kind="outcomes",
    signature=frozenset({"outcome_id", "kind", "value"}),
    # An outcome refers to an interaction (from any format that writes them), a customer
    # or an employee.
    parents=("customers", "employees", "interactions", "turns", "twitter"),
    convert=records.outcome_record,
    example=IngestExample(
        records=(
            {"outcome_id": "o-1", "kind": "csat", "value": 4, "interaction_id": "c-1"},
            {"outcome_id": "o-2", "kind": "nps", "value": 9, "customer_id": "cu-1"},
        ),
        bad={"outcome_id": "o-3", "kind": "mood", "value": 1, "customer_id": "cu-1"},
        bad_field="kind",
    ),
)

TRANSACTIONS = IngestFormat(
    kind="transactions",
    signature=frozenset({"transaction_id", "customer_id", "amount"}),
    parents=("customers",),
    convert=records.transaction_record,
    example=IngestExample(
        records=(
            {
                "transaction_id": "t-1",
                "customer_id": "cu-1",
                "ts": "2026-03-01",
                "amount": 42.5,
                "quantity": 2,
            },
            {"transaction_id": "t-2", "customer_id": "cu-2", "ts": "2026-03-03", "amount": 9},
        ),
        bad={"transaction_id": "t-3", "customer_id": "cu-1", "ts": "2026-03-04", "amount": "lots"},
        bad_field="amount",
    ),
)

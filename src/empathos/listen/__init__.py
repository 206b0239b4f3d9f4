"""Listen: the first stage of the flywheel. Ingest interactions, turns, customers,
employees, outcomes and transactions from files; validate; detect language; store."""

from empathos.listen.errors import IngestError, RecordError, Reject
from empathos.listen.ingest import IngestReport, guess_kind, ingest_dir, ingest_file

__all__ = [
    "IngestError",
    "IngestReport",
    "RecordError",
    "Reject",
    "guess_kind",
    "ingest_dir",
    "ingest_file",
]

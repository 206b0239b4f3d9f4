"""Load a simulation's output into the store through the listen stage.

The kinds are passed explicitly (not guessed from the keys), in parent-before-child order,
so a simulated folder always lands the same way whatever the guessing rules become.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

ORDER: tuple[str, ...] = (
    "customers",
    "employees",
    "pods",
    "interactions",
    "outcomes",
    "transactions",
)


def store_simulation(out_dir: Path, engine: Engine, **options: Any) -> list[Any]:
    """Ingest every file ``run_simulation`` wrote into ``out_dir``; returns listen's
    ``IngestReport`` per file. The schema must exist (``empathos.store.init_db``)."""
    from empathos.listen.ingest import ingest_file

    return [
        ingest_file(Path(out_dir) / f"{kind}.jsonl", engine, kind=kind, **options) for kind in ORDER
    ]

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


def store_simulation(
    out_dir: Path, engine: Engine, display: Any = None, **options: Any
) -> list[Any]:
    """Ingest every file ``run_simulation`` wrote into ``out_dir``; returns listen's
    ``IngestReport`` per file. The schema must exist (``empathos.store.init_db``).
    ``display`` (a ``rich.progress.Progress`` or the CLI's log display) gets one task per
    file, counted in bytes."""
    from empathos.listen.ingest import ingest_file

    reports = []
    for kind in ORDER:
        path = Path(out_dir) / f"{kind}.jsonl"
        if display is not None and path.exists():
            task = display.add_task(f"store {path.name}", total=path.stat().st_size, unit="bytes")
            options["progress"] = lambda done, total, t=task: display.update(
                t, completed=done, total=total
            )
        reports.append(ingest_file(path, engine, kind=kind, **options))
    return reports

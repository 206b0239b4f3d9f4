"""Progress of a long command, on a terminal and off it, and what Ctrl-C says.

Why: ``analyze`` on the README's 10k-customer company runs for half an hour; under CI,
``nohup`` or a pipe a Rich bar is invisible, so the run looked dead, and Ctrl-C ended it
with nothing said. On a terminal this draws a Rich bar; otherwise it writes one line
every ``EMPATHOS_PROGRESS_INTERVAL`` seconds to stderr with the count, the rate and the
ETA. Both offer the part of ``rich.progress.Progress`` the stages call (``add_task``,
``update``, ``advance``, ``tasks``), so a stage takes either without knowing which.

Light at import (Rich only), like the rest of the CLI's shared code.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from typing import IO, Any

import typer
from rich.console import Console
from rich.filesize import decimal
from rich.progress import ProgressColumn
from rich.text import Text

__all__ = ["LogProgress", "count_text", "interrupted_message", "progress"]

INTERRUPTED_EXIT = 130  # 128 + SIGINT, what a shell reports for a run stopped by Ctrl-C
CONTINUE = "re-run to continue; the work done is stored"


def _amount(n: float, unit: str) -> str:
    if unit == "bytes":
        return decimal(int(n))
    return f"{n:,.0f}" + (f" {unit}" if unit else "")


def count_text(completed: float, total: float | None, unit: str = "") -> str:
    """``1,200 of 5,000 turns`` (or ``3.2 MB of 10.0 MB``); without a total, the count."""
    if total is None:
        return _amount(completed, unit)
    return f"{_amount(completed, '' if unit != 'bytes' else unit)} of {_amount(total, unit)}"


def _duration(seconds: float) -> str:
    seconds = int(round(seconds))
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}h{m:02d}m{s:02d}s" if h else f"{m}m{s:02d}s" if m else f"{s}s"


@dataclass
class LogTask:
    """One step's counters (the attributes of a ``rich.progress.Task`` that we read)."""

    id: int
    description: str
    total: float | None
    unit: str
    started: float
    completed: float = 0.0
    last_line: float = 0.0
    finished: bool = False
    fields: dict[str, Any] = field(default_factory=dict)


class LogProgress:
    """Progress as log lines: one when a step starts, one every ``interval`` seconds while
    it runs (count, percent, rate, ETA) and one when it ends."""

    def __init__(
        self,
        stream: IO[str] | None = None,
        interval: float = 5.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.stream = stream or sys.stderr
        self.interval = interval
        self.clock = clock
        self.tasks: list[LogTask] = []

    def __enter__(self) -> LogProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stream.flush()

    def add_task(
        self, description: str, total: float | None = None, unit: str = "", **fields: Any
    ) -> int:
        now = self.clock()
        task = LogTask(len(self.tasks), description, total, unit, now, last_line=now)
        task.fields.update(fields)
        self.tasks.append(task)
        size = f" ({_amount(total, unit)})" if total is not None else ""
        self._write(f"{description}: started{size}")
        return task.id

    def update(
        self,
        task_id: int,
        *,
        completed: float | None = None,
        total: float | None = None,
        advance: float | None = None,
        **_: Any,
    ) -> None:
        task = self.tasks[task_id]
        if total is not None:
            task.total = total
        if completed is not None:
            task.completed = completed
        if advance:
            task.completed += advance
        now = self.clock()
        if task.total is not None and task.completed >= task.total:
            if not task.finished:
                task.finished = True
                self._write(
                    f"{task.description}: done, {count_text(task.completed, None, task.unit)} "
                    f"in {_duration(now - task.started)}"
                )
        elif now - task.last_line >= self.interval:
            task.last_line = now
            self._write(self.line(task, now))

    def advance(self, task_id: int, advance: float = 1) -> None:
        self.update(task_id, advance=advance)

    def line(self, task: LogTask, now: float) -> str:
        """``annotate: 1,200 of 5,000 turns (24%), 410 turns/s, ETA 9s``."""
        elapsed = max(now - task.started, 1e-9)
        rate = task.completed / elapsed
        unit = task.unit or "items"
        rate_text = f"{decimal(int(rate))}/s" if task.unit == "bytes" else f"{rate:,.1f} {unit}/s"
        parts = [count_text(task.completed, task.total, task.unit)]
        if task.total:
            parts[0] += f" ({100 * task.completed / task.total:.0f}%)"
        parts.append(rate_text)
        if task.total is not None:
            eta = (task.total - task.completed) / rate if rate > 0 else None
            parts.append("ETA " + (_duration(eta) if eta is not None else "unknown"))
        return f"{task.description}: " + ", ".join(parts)

    def _write(self, text: str) -> None:
        self.stream.write(text + "\n")
        self.stream.flush()


class CountColumn(ProgressColumn):
    """``1,200 of 5,000 turns`` (bytes as sizes), the same words as the log lines."""

    def render(self, task: Any) -> Text:
        return Text(count_text(task.completed, task.total, task.fields.get("unit", "")))


def _bar(console: Console) -> Any:
    from rich.progress import (
        BarColumn,
        Progress,
        TaskProgressColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        CountColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=False,
    )


def interrupted_message(tasks: list[Any], resume: str) -> str:
    """What Ctrl-C prints: the step it stopped in, how far it got, what to do next."""
    running = [t for t in tasks if not t.finished] or tasks[-1:]
    if not running:
        return f"interrupted; {resume}"
    t = running[-1]
    unit = getattr(t, "unit", None) or t.fields.get("unit", "")
    return f"interrupted after {count_text(t.completed, t.total, unit)} ({t.description}); {resume}"


@contextmanager
def progress(
    console: Console,
    interval: float | None = None,
    resume: str = CONTINUE,
    terminal_bar: bool = True,
) -> Iterator[Any]:
    """A progress display for one command: a Rich bar when ``console`` is a terminal,
    else :class:`LogProgress` lines every ``interval`` seconds (default:
    ``EMPATHOS_PROGRESS_INTERVAL``). Ctrl-C inside it prints where the run stopped and
    ``resume`` (say whether the work done is kept) and exits with status 130, no traceback.
    ``terminal_bar=False`` yields None on a terminal, for a caller that draws its own bars
    there (the demo's steps) and wants only the log lines off it and the Ctrl-C message.
    """
    if console.is_terminal and not terminal_bar:
        display: Any = nullcontext()
    elif console.is_terminal:
        display = _bar(console)
    else:
        if interval is None:
            from empathos.config import get_settings

            interval = get_settings().progress_interval
        display = LogProgress(console.file, interval)
    try:
        with display:
            yield display
    except KeyboardInterrupt:
        console.print(
            f"[bold yellow]{interrupted_message(list(getattr(display, 'tasks', [])), resume)}[/]",
            soft_wrap=True,
        )
        raise typer.Exit(code=INTERRUPTED_EXIT) from None

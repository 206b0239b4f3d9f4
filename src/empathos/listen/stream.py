"""Streaming ingest: consume a NATS JetStream subject through the listen path.

Why: a contact centre's systems publish as they go; polling files for that is late and
fragile. ``empathos listen --from nats://127.0.0.1:4222 --subject cx.interactions`` pulls
the subject's messages -- one JSON record each, of any importable kind -- with a
**durable** consumer, so a restarted consumer goes on where the last one stopped.

What it guarantees, and how:

- **Acknowledged only after the batch is stored.** A fetched batch is converted,
  resolved and written by :func:`empathos.listen.ingest.ingest_records` (the path every
  file import takes) in one transaction per kind; only then is each message acked. A
  consumer killed in between acks nothing of that batch, and JetStream redelivers it.
- **Nothing duplicated.** A redelivered record is met by the conflict resolution as
  stored with the same content: it counts ``unchanged`` and nothing is written again
  (idempotency by source id, as for a re-imported file).
- **Poison messages are dead-lettered, never retried forever.** A message that is not a
  JSON object, whose kind cannot be told, or whose record is rejected (a bad field, a
  conflict with the stored record) is published -- acknowledged by JetStream -- to the
  dead-letter subject with its reason in the ``Empathos-Reason`` header (and the source
  subject and stream sequence), then acked; its ``Nats-Msg-Id`` lets JetStream drop the
  second dead letter of a message redelivered after a kill. The dead-letter subject gets
  a stream of its own when none captures it, so a dead letter is as durable as the
  message was.
- **A store that fails** (database down) acks nothing: the batch is left to redeliver
  (``ack_wait``) and the consumer retries after a pause.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from empathos.listen import formats
from empathos.listen.errors import IngestError

#: Header of a dead letter that says why the message was refused.
REASON = "Empathos-Reason"
DEFAULT_DEAD_LETTER = "empathos.deadletter"


@dataclass(frozen=True)
class StreamConfig:
    """Where to consume from and how (the ``empathos listen`` options)."""

    url: str = "nats://127.0.0.1:4222"
    subject: str = "empathos.ingest"
    durable: str = "empathos-listen"
    #: The stream holding ``subject`` (default: the one that captures it, created when none)
    stream: str | None = None
    #: Every message's kind; default: guessed per message from its fields
    kind: str | None = None
    dead_letter: str = DEFAULT_DEAD_LETTER
    batch: int = 500
    on_conflict: str = "reject"
    #: Stop after this many seconds without a message (None: run until stopped)
    idle_exit_s: float | None = None
    #: Seconds JetStream waits for an ack before it redelivers
    ack_wait_s: float = 60.0
    #: Pause after a failed store before the next fetch
    retry_s: float = 2.0


@dataclass
class StreamReport:
    """What a consumer did: messages, records stored (new/unchanged), dead letters."""

    messages: int = 0
    batches: int = 0
    new: int = 0
    unchanged: int = 0
    updated: int = 0
    skipped: int = 0
    dead: int = 0
    store_failures: int = 0
    seconds: float = 0.0
    dead_reasons: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def guess_message_kind(record: dict[str, Any]) -> str | None:
    """A record's kind from its fields, as a JSONL file's is guessed (largest signature
    first); None when no format matches."""
    keys = set(record)
    for fmt in formats.guess_order():
        if "jsonl" in fmt.readers and fmt.signature <= keys and fmt.prepare is None:
            return fmt.kind
    return None


def store_messages(
    engine: Engine, payloads: list[bytes], config: StreamConfig, settings: Any = None
) -> tuple[dict[str, int], dict[int, str]]:
    """Store one fetched batch (message bodies in order): the counts, and for each
    message that must be dead-lettered (by position) its reason. Raises
    :class:`IngestError` when the store fails (nothing of the failing kind is stored)."""
    from empathos.listen.ingest import ingest_records

    dead: dict[int, str] = {}
    by_kind: dict[str, list[tuple[int, bytes]]] = {}
    for pos, data in enumerate(payloads):
        try:
            record = orjson.loads(data)
        except orjson.JSONDecodeError as exc:
            dead[pos] = f"not valid JSON: {exc}"
            continue
        if not isinstance(record, dict):
            dead[pos] = "must be a JSON object (one record per message)"
            continue
        kind = config.kind or guess_message_kind(record)
        if kind is None:
            dead[pos] = (
                f"cannot tell the record's kind from its fields {sorted(record)[:12]}; "
                "give the consumer --kind"
            )
            continue
        by_kind.setdefault(kind, []).append((pos + 1, data))
    counts = {"new": 0, "unchanged": 0, "updated": 0, "skipped": 0}
    order = formats.import_order()
    for kind in sorted(by_kind, key=lambda k: order.index(k) if k in order else len(order)):
        report, rejects = ingest_records(
            by_kind[kind],
            engine,
            kind=kind,
            label=f"nats:{config.subject}",
            on_conflict=config.on_conflict,
            settings=settings,
            batch_size=max(len(by_kind[kind]), 1),
        )
        for name in counts:
            counts[name] += getattr(report, name)
        for r in rejects:
            dead[r.line - 1] = f"{kind} field '{r.field}': {r.error}"
    return counts, dead


async def consume(
    engine: Engine,
    config: StreamConfig,
    settings: Any = None,
    on_batch: Callable[[StreamReport], None] | None = None,
) -> StreamReport:
    """Consume ``config.subject`` until idle for ``config.idle_exit_s`` (or cancelled)."""
    import nats
    from nats.errors import TimeoutError as NatsTimeout
    from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

    report = StreamReport()
    started = time.perf_counter()
    try:
        nc = await nats.connect(
            config.url,
            name=f"empathos-listen:{config.durable}",
            connect_timeout=5,
        )
    except (OSError, nats.errors.NoServersError) as exc:
        raise ConnectionError(f"cannot reach {config.url}: {exc!r}") from exc
    try:
        js = nc.jetstream()
        stream = config.stream or await _stream_for(js, config.subject)
        await _stream_for(js, config.dead_letter)
        sub = await js.pull_subscribe(
            config.subject,
            durable=config.durable,
            stream=stream,
            config=ConsumerConfig(
                ack_policy=AckPolicy.EXPLICIT,
                deliver_policy=DeliverPolicy.ALL,
                ack_wait=config.ack_wait_s,
                max_ack_pending=max(config.batch * 4, 1000),
            ),
        )
        last_message = time.monotonic()
        while True:
            try:
                msgs = await sub.fetch(config.batch, timeout=1.0)
            except (TimeoutError, NatsTimeout):  # fetch raises either when idle
                msgs = []
            if not msgs:
                idle = time.monotonic() - last_message
                if config.idle_exit_s is not None and idle >= config.idle_exit_s:
                    break
                continue
            last_message = time.monotonic()
            try:
                counts, dead = await asyncio.to_thread(
                    store_messages, engine, [m.data for m in msgs], config, settings
                )
            except (IngestError, SQLAlchemyError):
                report.store_failures += 1  # not acked: JetStream redelivers after ack_wait
                for m in msgs:
                    await m.nak(delay=config.retry_s)
                await asyncio.sleep(config.retry_s)
                continue
            for pos, reason in sorted(dead.items()):
                m = msgs[pos]
                headers = {
                    # JetStream drops a second dead letter of one message (a batch whose
                    # dead letters were sent but whose acks were lost is redelivered)
                    "Nats-Msg-Id": f"{stream}:{m.metadata.sequence.stream}",
                    REASON: reason[:1000],
                    "Empathos-Subject": m.subject,
                    "Empathos-Sequence": str(m.metadata.sequence.stream),
                }
                await js.publish(config.dead_letter, m.data, headers=headers)
                if len(report.dead_reasons) < 20:
                    report.dead_reasons.append(reason)
            for m in msgs:
                await m.ack()
            await nc.flush()
            report.messages += len(msgs)
            report.batches += 1
            report.dead += len(dead)
            for name, n in counts.items():
                setattr(report, name, getattr(report, name) + n)
            report.seconds = time.perf_counter() - started
            if on_batch:
                on_batch(report)
    finally:
        if not report.batches:  # else: until the last batch was stored (idle time is not work)
            report.seconds = time.perf_counter() - started
        # close, not drain: every ack was flushed after its batch, and draining a pull
        # subscription waits out its pending fetch (nats-py raises DrainTimeoutError)
        await nc.close()
    return report


async def _stream_for(js: Any, subject: str) -> str:
    """The stream that captures ``subject``; one is created (file storage) when none does."""
    from nats.js.errors import NotFoundError

    try:
        return await js.find_stream_name_by_subject(subject)
    except NotFoundError:
        name = "EMPATHOS_" + re.sub(r"[^A-Za-z0-9_-]", "_", subject).upper()
        await js.add_stream(name=name, subjects=[subject])
        return name

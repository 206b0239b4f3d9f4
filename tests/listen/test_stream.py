"""Streaming ingest from NATS JetStream (the local nats-server; .ci/run starts it), on
both databases: a consumer SIGKILLed mid-stream and restarted leaves the store equal to
the stream -- nothing lost, nothing duplicated -- and every poison message is in the
dead-letter subject once, with its reason (issue 17 items 3 and 7)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from sqlalchemy import Engine, func, select

from empathos.listen.stream import REASON, StreamConfig, guess_message_kind, store_messages
from empathos.store import init_db, make_engine, schema
from tests.conftest import BACKENDS, PG_URL, drop_schema, postgres_schema_engine, sqlite_engine

NATS = os.environ.get("EMPATHOS_TEST_NATS_URL", "nats://127.0.0.1:4222")
N, BATCH = 3000, 100
POISON = {
    10: b"{not json",
    500: orjson.dumps(
        {"interaction_id": "bad-1", "channel": "chat", "turns": [{"speaker": "x", "text": "hi"}]}
    ),
    1500: orjson.dumps({"colour": "blue"}),
    2500: b"[1, 2]",
}


def _record(k: int) -> bytes:
    turns = [
        {"speaker": "customer", "text": f"Parcel {k} never arrived.", "ts": "2026-03-01T09:00:00"},
        {"speaker": "employee", "text": "I am sorry, I will check.", "ts": "2026-03-01T09:01:00"},
    ]
    return orjson.dumps(
        {
            "interaction_id": f"s-{k}",
            "customer_id": f"cu-{k % 50}",
            "channel": "chat",
            "turns": turns,
        }
    )


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Engine, str]]:
    """A migrated store and the URL a subprocess opens it with."""
    if request.param == "sqlite":
        eng, url = sqlite_engine(tmp_path)
        init_db(eng)
        yield eng, url
        eng.dispose()
        return
    eng, _, name = postgres_schema_engine()
    try:
        init_db(eng)
        yield eng, f"{PG_URL}?options=-csearch_path%3D{name}"
    finally:
        eng.dispose()
        drop_schema(name)


async def _js(work):  # noqa: ANN001, ANN202
    import nats

    nc = await nats.connect(NATS)
    try:
        return await work(nc.jetstream())
    finally:
        await nc.drain()


def _publish(stream: str, subject: str) -> set[str]:
    async def work(js):  # noqa: ANN001, ANN202
        await js.add_stream(name=stream, subjects=[subject])
        for k in range(N):
            await js.publish(subject, POISON.get(k) or _record(k))

    asyncio.run(_js(work))
    return {f"s-{k}" for k in range(N) if k not in POISON}


def _dead_letters(subject: str) -> list[tuple[int, str]]:
    async def work(js):  # noqa: ANN001, ANN202
        name = await js.find_stream_name_by_subject(subject)
        info = await js.stream_info(name)
        out = []
        for seq in range(info.state.first_seq, info.state.last_seq + 1):
            msg = await js.get_msg(name, seq)
            out.append((int(msg.headers["Empathos-Sequence"]), msg.headers[REASON]))
        await js.delete_stream(name)
        return out

    return asyncio.run(_js(work))


def _consumer_state(stream: str, durable: str) -> tuple[int, int]:
    async def work(js):  # noqa: ANN001, ANN202
        info = await js.consumer_info(stream, durable)
        await js.delete_stream(stream)
        return info.num_pending, info.num_ack_pending

    return asyncio.run(_js(work))


def _stored(engine: Engine) -> tuple[int, int]:
    with engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(schema.interactions)).scalar_one()
        t = conn.execute(select(func.count()).select_from(schema.turns)).scalar_one()
    return n, t


@pytest.mark.slow
def test_killed_consumer_loses_and_duplicates_nothing(store, tmp_path: Path) -> None:
    engine, url = store
    tag = uuid.uuid4().hex[:10]
    subject, stream, durable = f"empathos.test.{tag}", f"EMPATHOS_TEST_{tag}", f"d-{tag}"
    dead = f"{subject}.dead"
    valid = _publish(stream, subject)
    cmd = [
        sys.executable,
        "-m",
        "empathos",
        "listen",
        "--from",
        NATS,
        "--subject",
        subject,
        "--durable",
        durable,
        "--dead-letter",
        dead,
        "--batch",
        str(BATCH),
        "--ack-wait",
        "3",
        "--idle-exit",
        "8",
        "--db",
        url,
    ]
    env = {**os.environ, "EMPATHOS_DETECT_LANGUAGE": "true"}
    proc = subprocess.Popen(
        cmd, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
        stored = _stored(engine)[0]
        if stored >= 3 * BATCH:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, proc.stderr.read().decode()[-2000:]
    assert 0 < _stored(engine)[0] < len(valid), "killed after the stream was consumed"
    done = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    with engine.connect() as conn:
        ids = set(conn.execute(select(schema.interactions.c.interaction_id)).scalars())
    assert ids == valid  # nothing lost, nothing that is not in the stream
    assert _stored(engine) == (len(valid), 2 * len(valid))  # no turn stored twice
    letters = _dead_letters(dead)
    assert sorted(seq for seq, _ in letters) == [k + 1 for k in sorted(POISON)]  # once each
    reasons = dict(letters)
    assert "not valid JSON" in reasons[11]
    assert "turns[0].speaker" in reasons[501]
    assert "cannot tell the record's kind" in reasons[1501]
    assert "JSON object" in reasons[2501]
    assert _consumer_state(stream, durable) == (0, 0)  # everything acknowledged


def test_store_messages_groups_kinds_and_names_poison(sqlite_store) -> None:
    payloads = [
        orjson.dumps({"customer_id": "cu-1", "segment": "retail"}),
        _record(1),
        orjson.dumps({"customer_id": "cu-1", "segment": "smb"}),  # conflicts with the first
        b"\xff",
    ]
    counts, dead = store_messages(sqlite_store, payloads, StreamConfig(subject="t"))
    assert counts["new"] == 2
    assert set(dead) == {2, 3}
    assert "customers field 'customer_id'" in dead[2] and "different segment" in dead[2]
    again, dead2 = store_messages(sqlite_store, payloads[:2], StreamConfig(subject="t"))
    assert (again["new"], again["unchanged"], dead2) == (0, 2, {})
    assert guess_message_kind({"outcome_id": "o", "kind": "csat", "value": 1}) == "outcomes"


def test_a_failing_store_acks_nothing_and_loses_nothing(sqlite_store, tmp_path: Path) -> None:
    from empathos.listen.stream import consume

    tag = uuid.uuid4().hex[:10]
    subject, stream, durable = f"empathos.test.{tag}", f"EMPATHOS_TEST_{tag}", f"d-{tag}"

    async def publish(js):  # noqa: ANN001, ANN202
        await js.add_stream(name=stream, subjects=[subject])
        for k in range(20):
            await js.publish(subject, _record(k))

    asyncio.run(_js(publish))
    config = StreamConfig(
        url=NATS,
        subject=subject,
        durable=durable,
        dead_letter=f"{subject}.dead",
        batch=10,
        retry_s=0.5,
        idle_exit_s=2.0,
    )
    down = make_engine(f"sqlite:///{tmp_path / 'missing' / 'no.db'}")  # cannot be opened

    async def failing():  # noqa: ANN202
        return await asyncio.wait_for(consume(down, config), timeout=4.0)

    with pytest.raises(TimeoutError):
        asyncio.run(failing())

    async def state(js):  # noqa: ANN001, ANN202
        info = await js.consumer_info(stream, durable)
        return info.num_pending + info.num_ack_pending, info.delivered.stream_seq

    waiting, delivered = asyncio.run(_js(state))
    assert delivered >= 10 and waiting == 20  # delivered, but not one acknowledged
    report = asyncio.run(consume(sqlite_store, config))
    assert (report.new, report.dead) == (20, 0)
    assert _stored(sqlite_store) == (20, 40)
    assert _consumer_state(stream, durable) == (0, 0)

    async def drop(js):  # noqa: ANN001, ANN202
        await js.delete_stream(await js.find_stream_name_by_subject(f"{subject}.dead"))

    asyncio.run(_js(drop))

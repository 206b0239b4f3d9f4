"""`empathos serve` as a real process (issue 17, item 5), on SQLite and PostgreSQL:

* SIGTERM shuts it down cleanly: the desk is closed (its writes are in the store), the
  live-writer child is joined and no child process of the server remains;
* a contact answered 201 survives a SIGKILL of the server during a database outage
  (the journal is replayed on the next start), without duplicates. The outage is a
  SQLite file held under an exclusive lock, or a PostgreSQL connection through a TCP
  proxy that is stopped (the machine's PostgreSQL keeps running)."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select, text

from empathos.store import init_db, make_engine
from empathos.store.tables_live import live_contacts, live_turns, routing_decisions
from tests.act.live_store import fill
from tests.conftest import PG_URL, drop_schema, postgres_schema_engine

PROXY = """
import asyncio, sys
async def pipe(r, w):
    try:
        while data := await r.read(65536):
            w.write(data); await w.drain()
    except Exception:
        pass
    finally:
        w.close()
async def handle(r, w):
    ur, uw = await asyncio.open_connection("127.0.0.1", 5432)
    await asyncio.gather(pipe(r, uw), pipe(ur, w))
async def main():
    s = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]), reuse_address=True)
    print("ready", flush=True)
    await s.serve_forever()
asyncio.run(main())
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Proxy:
    def __init__(self, port: int) -> None:
        self.port, self.proc = port, None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", PROXY, str(self.port)], stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout.readline().strip() == "ready"

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request, tmp_path: Path) -> Iterator[dict]:
    """``url`` (what the server connects to), ``engine`` (the test's own view), and
    ``outage``/``recover`` callables."""
    if request.param == "sqlite":
        path = tmp_path / "live.db"
        url = f"sqlite:///{path}"
        engine = make_engine(url)
        init_db(engine)
        fill(engine)
        held: list[sqlite3.Connection] = []

        def outage() -> None:
            con = sqlite3.connect(path, timeout=1, isolation_level=None)
            con.execute("BEGIN EXCLUSIVE")
            held.append(con)

        def recover() -> None:
            for con in held:
                con.rollback()
                con.close()
            held.clear()

        yield {"url": url, "engine": engine, "outage": outage, "recover": recover}
        recover()
        engine.dispose()
        return
    engine, _, schema = postgres_schema_engine()
    proxy = Proxy(_port())
    proxy.start()
    try:
        init_db(engine)
        fill(engine)
        base = PG_URL.replace("127.0.0.1:5432", f"127.0.0.1:{proxy.port}")
        url = f"{base}?options=-csearch_path%3D{schema}"
        yield {"url": url, "engine": engine, "outage": proxy.stop, "recover": proxy.start}
    finally:
        proxy.stop()
        engine.dispose()
        drop_schema(schema)


def _serve(url: str, port: int, journal: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "EMPATHOS_LIVE_JOURNAL_DIR": str(journal),
        "EMPATHOS_EMOTION_MODEL": "lexicon",
        "EMPATHOS_EMPATHY_MODEL": "lexicon",
        "EMPATHOS_LIVE_FLYWHEEL": "false",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "empathos", "serve", "--db", url, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    end = time.monotonic() + 120
    while time.monotonic() < end:
        assert proc.poll() is None, proc.stderr.read()
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.3)
    proc.kill()
    raise AssertionError("the server did not start")


def _children(pid: int) -> set[int]:
    """Every live descendant of ``pid`` (from /proc)."""
    out: set[int] = set()
    parents = {pid}
    for _ in range(4):
        for d in Path("/proc").iterdir():
            if d.name.isdigit():
                try:
                    ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                if ppid in parents and int(d.name) not in out:
                    out.add(int(d.name))
        parents = {pid} | out
    return out


def _outlived(kids: set[int], wait_s: float = 10.0) -> list[str]:
    """The children still alive after up to ``wait_s`` (their command lines)."""
    end = time.monotonic() + wait_s
    while time.monotonic() < end and any(_alive(k) for k in kids):
        time.sleep(0.2)
    return [
        Path(f"/proc/{k}/cmdline").read_text().replace("\0", " ")[:200] for k in kids if _alive(k)
    ]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _open(port: int, n: int) -> list[str]:
    ids = []
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as c:
        for i in range(n):
            r = c.post(
                "/contacts",
                json={"customer_id": "c-hist", "channel": "chat", "text": f"My bill is wrong {i}"},
            )
            assert r.status_code == 201, r.text
            cid = r.json()["contact_id"]
            r = c.post(f"/contacts/{cid}/turns", json={"speaker": "customer", "text": "hurry"})
            assert r.status_code == 200, r.text
            ids.append(cid)
    return ids


def _stored(engine, ids: list[str]) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(
            int(
                conn.execute(
                    select(func.count()).select_from(t).where(t.c.contact_id.in_(ids))
                ).scalar_one()
            )
            for t in (live_contacts, live_turns, routing_decisions)
        )


def test_sigterm_closes_the_desk_and_leaves_no_child(store, tmp_path: Path) -> None:
    port = _port()
    proc = _serve(store["url"], port, tmp_path / "journal")
    ids = _open(port, 3)
    kids = _children(proc.pid)
    assert kids, "the live-writer child should be running"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    assert not _outlived(kids, 2.0), "a child of the server outlived it"
    assert _stored(store["engine"], ids) == (3, 6, 6)  # the desk was flushed and closed
    assert not list((tmp_path / "journal").glob("*.wal"))  # nothing left to replay


def test_acknowledged_contacts_survive_sigkill_during_an_outage(store, tmp_path: Path) -> None:
    port = _port()
    journal = tmp_path / "journal"
    proc = _serve(store["url"], port, journal)
    warm = _open(port, 1)  # the customer's record is cached: routing needs no store read
    time.sleep(1.0)
    store["outage"]()
    try:
        ids = _open(port, 10)
        time.sleep(1.0)
        kids = _children(proc.pid)
        proc.kill()  # SIGKILL: nothing of the server runs any cleanup
        proc.wait(timeout=30)
        assert not _outlived(kids), "the writer child outlived a SIGKILL of the server"
    finally:
        store["recover"]()
    engine = store["engine"]
    assert _stored(engine, ids)[0] < len(ids)  # the outage held them back: a real test
    proc = _serve(store["url"], port, journal)  # replays the journal
    try:
        end = time.monotonic() + 60
        while _stored(engine, ids) != (10, 20, 20) and time.monotonic() < end:
            time.sleep(0.5)
        assert _stored(engine, ids) == (10, 20, 20)
        assert _stored(engine, warm) == (1, 2, 2)  # replayed rows already stored: not doubled
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    with engine.connect() as conn:
        dup = conn.execute(
            text(
                "SELECT contact_id, seq, kind, COUNT(*) FROM routing_decisions "
                "GROUP BY contact_id, seq, kind HAVING COUNT(*) > 1"
            )
        ).all()
    assert dup == []

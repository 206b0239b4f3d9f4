"""The live desk in several processes (api/partition.py, api/processes.py, issue 19 item 4).

A real ``empathos serve --desk-processes 2`` on loopback, auth on, three tenants whose
desks fall to both processes, takes the same decisions for the same sequence of requests
as ``empathos serve`` in one process (each run on its own copy of the same store). Then
the owner of one tenant is killed: that tenant answers 503 naming the process — served by
no one else — while the other process's tenants go on, and the supervisor starts the
owner again. Bounded: two server starts on a small simulated company per tenant.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from empathos.api.partition import owner_of

#: Process 1 of 2 owns ``default`` and ``wayne``, process 0 owns ``acme`` (CRC-32 mod 2).
TENANTS = ["default", "acme", "wayne"]
TEXTS = [
    "My invoice is 40 EUR too high and nobody answers!",
    "Hello, I would like to change my plan please.",
    "The router keeps dropping the connection, this is the third time.",
    "I want to cancel my contract today.",
    "Thanks, where can I see my order A-1042?",
]
CHANNELS = ["chat", "voice", "email", "chat", "social"]
#: (tenant key, desk process named by the answer) of every answer handed back by another
#: process (``x-empathos-desk-process``), for the test to check who served what.
HANDED: list[tuple[str, str]] = []


def test_owner_of_is_stable_and_spreads() -> None:
    assert [owner_of(t, 2) for t in TENANTS] == [1, 0, 1]  # what the test below relies on
    assert owner_of("acme", 1) == 0
    owners = {owner_of(f"t{i}", 4) for i in range(40)}
    assert owners == {0, 1, 2, 3}


def _store(folder: Path) -> tuple[str, dict[str, str], dict[str, list[str]]]:
    """A store with three tenants, each a small simulated company; their admin keys and
    customer ids."""
    from sqlalchemy import select

    from empathos.simulate import preset, run_simulation
    from empathos.simulate.store import store_simulation
    from empathos.store import init_db, make_engine
    from empathos.store.auth import create_key, create_tenant
    from empathos.store.schema import customers
    from empathos.store.tenants import forget, tenant_engine

    folder.mkdir()
    url = f"sqlite:///{folder / 'e.db'}"
    base = make_engine(url)
    init_db(base)
    keys, custs = {}, {}
    for i, tenant in enumerate(TENANTS):
        if tenant != "default":
            create_tenant(base, tenant)
        keys[tenant] = create_key(base, tenant, "admin")[1]
        cfg = preset("small", seed=11 + i, customers=30, days=5, employees=6, pods=2)
        run_simulation(cfg, folder / f"sim-{tenant}", progress=False)
        eng = tenant_engine(url, tenant, base=base)
        store_simulation(folder / f"sim-{tenant}", eng)
        with eng.connect() as c:
            custs[tenant] = sorted(c.execute(select(customers.c.customer_id)).scalars())
    forget(url)
    base.dispose()
    return url, keys, custs


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _call(port: int, method: str, path: str, key: str, body: dict | None = None) -> tuple:
    req = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "X-API-Key": key},
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            if r.headers.get("x-empathos-desk-process") is not None:
                HANDED.append((key, r.headers["x-empathos-desk-process"]))
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def _serve(url: str, folder: Path, processes: int) -> tuple[subprocess.Popen, int, Path]:
    port = _port()
    log = folder / f"serve-{processes}.log"
    env = {
        **os.environ,
        "EMPATHOS_AUTH": "on",
        "EMPATHOS_RATE_LIMIT_PER_S": "0",
        "EMPATHOS_DATA_DIR": str(folder / f"data-{processes}"),
        "EMPATHOS_ENCODER_THREADS": "1",
        # a loaded machine must not turn a record read or an emotion into a fallback in
        # one run and not the other: budgets far above any stall
        "EMPATHOS_LIVE_STORE_TIMEOUT_S": "10",
        "EMPATHOS_LIVE_EMOTION_TIMEOUT_S": "10",
    }
    cmd = [sys.executable, "-m", "empathos", "serve", "--db", url, "--port", str(port)]
    cmd += ["--emotion-model", "lexicon", "--log-level", "warning", "--no-access-log"]
    cmd += ["--desk-processes", str(processes)]
    proc = subprocess.Popen(cmd, stdout=log.open("w"), stderr=subprocess.STDOUT, env=env)
    return proc, port, log


def _ready(proc: subprocess.Popen, port: int, keys: dict[str, str], log: Path) -> None:
    """Every tenant's desk answers (through whichever process accepted) with its emotion
    backend loaded — no contact is opened, so the loads stay as stored."""
    deadline = time.time() + 90
    pending = set(TENANTS)
    while pending and time.time() < deadline:
        assert proc.poll() is None, log.read_text()[-3000:]
        for t in sorted(pending):
            try:
                status, body = _call(port, "GET", "/live/health", keys[t])
            except OSError:
                break
            if status == 200 and body["emotion"]["ready"]:
                pending.discard(t)
        time.sleep(0.2)
    assert not pending, f"not ready: {pending}\n{log.read_text()[-3000:]}"


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def _sequence(custs: dict[str, list[str]]) -> list[tuple[str, str, str, dict | None]]:
    """Opens on all tenants interleaved, turns on open contacts, closes that free members."""
    steps: list[tuple[str, str, str, dict | None]] = []
    opened: dict[str, list[str]] = {t: [] for t in TENANTS}
    for i in range(36):
        t = TENANTS[i % 3]
        cid = f"k{i:03d}"
        body = {
            "customer_id": custs[t][(i * 7) % len(custs[t])],
            "channel": CHANNELS[i % 5],
            "text": TEXTS[i % 5],
            "contact_id": cid,
        }
        steps.append((t, "POST", "/contacts", body))
        opened[t].append(cid)
        if i % 4 == 3:
            steps.append(
                (
                    t,
                    "POST",
                    f"/contacts/{opened[t][0]}/turns",
                    {"speaker": "customer", "text": "This is ridiculous, I am furious now!"},
                )
            )
        if i % 5 == 4:
            steps.append((t, "POST", f"/contacts/{opened[t].pop(0)}/close", None))
    for t in TENANTS:
        steps.append((t, "GET", f"/contacts/{opened[t][-1]}/decisions", None))
    return steps


#: What a decision is: who, where, why, and every member's score. The scores carry an
#: idle-time term read from the wall clock, so they are compared as a ranking and within
#: 1e-3 (the two runs are seconds apart); everything else must be equal.
KEYS = (
    "kind",
    "policy",
    "fell_back",
    "fallback_reason",
    "to_automation",
    "pod_id",
    "employee_id",
    "rule",
    "reason",
    "need",
    "mood",
    "language",
    "member_scores",
    "lead_id",
    "status",
    "speaker",
)


def _decision(status: int, body: object) -> object:
    if isinstance(body, list):
        return [_decision(status, b) for b in body]
    if not isinstance(body, dict):
        return (status, body)
    out = {k: body[k] for k in KEYS if k in body}
    change = body.get("lead_change")
    out["lead_change"] = change and {k: change[k] for k in ("from_id", "to_id", "reason")}
    return (status, out)


def _run(url: str, folder: Path, keys: dict, steps: list, processes: int) -> list:
    proc, port, log = _serve(url, folder, processes)
    try:
        _ready(proc, port, keys, log)
        out = []
        for t, method, path, body in steps:
            out.append(_decision(*_call(port, method, path, keys[t], body)))
        if processes > 1:
            _handed_to_owner(port, keys)
            _owner_down(proc, port, keys, log)
        return out
    finally:
        _stop(proc)
        assert proc.returncode == 0, log.read_text()[-3000:]
        text = log.read_text()
        assert "Traceback" not in text, text[-3000:]


def _handed_to_owner(port: int, keys: dict) -> None:
    """Answers handed back came from their tenant's owner (both ways: each process handed
    some), and a WebSocket reaching process 1 for acme's contact is relayed to process 0."""
    from websockets.sync.client import connect

    owner = {keys[t]: str(owner_of(t, 2)) for t in TENANTS}
    assert HANDED and all(owner[k] == o for k, o in HANDED), HANDED
    assert {o for _, o in HANDED} == {"0", "1"}, HANDED
    for _ in range(60):  # new connections, until one lands on process 1 (about half do)
        with connect(
            f"ws://127.0.0.1:{port}/contacts/k034/stream",
            additional_headers={"X-API-Key": keys["acme"]},
            open_timeout=30,
        ) as ws:
            first = json.loads(ws.recv(timeout=30))
            assert first["type"] == "card" and first["contact_id"] == "k034"
            if ws.response.headers.get("x-empathos-desk-process") != "0":
                continue  # served by the owner itself
            ws.send(json.dumps({"speaker": "customer", "text": "Still waiting, annoyed."}))
            event = json.loads(ws.recv(timeout=30))
            assert event["type"] == "turn" and event["contact_id"] == "k034", event
            return
    raise AssertionError("no WebSocket was relayed in 60 connections")


def _owner_down(proc: subprocess.Popen, port: int, keys: dict, log: Path) -> None:
    """Kill process 0 (owner of acme): acme answers 503 naming it, never a decision from
    process 1; default and wayne (process 1's) are served; process 0 is started again."""
    pids = dict(re.findall(r"(\d)=pid (\d+)", log.read_text()))
    os.kill(int(pids["0"]), signal.SIGKILL)
    deadline = time.time() + 10
    while True:  # until the survivor is the one accepting (the dead one's backlog drains)
        try:
            status, body = _call(port, "GET", "/live/health", keys["acme"])
        except OSError:
            status, body = None, None
        if status == 503 or time.time() > deadline:
            break
        time.sleep(0.05)
    assert status == 503, body
    assert "desk process 0" in body["detail"] and "'acme'" in body["detail"]
    status, body = _call(
        port,
        "POST",
        "/contacts",
        keys["acme"],
        {"customer_id": "nobody", "text": "hello", "contact_id": "z1"},
    )
    assert status in (503, 422), body  # refused or (restarted already) served by its owner
    assert _call(port, "GET", "/live/health", keys["wayne"])[0] == 200
    _ready(proc, port, keys, log)  # the supervisor started process 0 again
    assert "desk process 0" in log.read_text() and "exited" in log.read_text()


@pytest.mark.timeout(240)
def test_two_desk_processes_decide_as_one(tmp_path: Path) -> None:
    start = time.time()
    url, keys, custs = _store(tmp_path / "store")
    steps = _sequence(custs)
    copies = {}
    for n in (1, 2):  # the same store, copied before either run changes it
        shutil.copytree(tmp_path / "store", tmp_path / f"run{n}")
        copies[n] = url.replace(str(tmp_path / "store"), str(tmp_path / f"run{n}"))
    t0 = time.time()
    one = _run(copies[1], tmp_path / "run1", keys, steps, 1)
    t1 = time.time()
    two = _run(copies[2], tmp_path / "run2", keys, steps, 2)
    print(f"store {t0 - start:.1f} s, one process {t1 - t0:.1f} s, two {time.time() - t1:.1f} s")
    routed = [d for d in one if isinstance(d, tuple) and d[0] == 201 and d[1].get("employee_id")]
    assert len(routed) >= 10, one  # real decisions: members assigned
    for i, (a, b) in enumerate(zip(one, two, strict=True)):
        assert _same(a, b), f"step {i} {steps[i][:3]}: one process {a} != two processes {b}"


def _same(a: object, b: object) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if not (isinstance(a, tuple) and isinstance(b, tuple)) or a[0] != b[0]:
        return a == b
    x, y = a[1], b[1]
    if not (isinstance(x, dict) and isinstance(y, dict)):
        return x == y
    sx, sy = x.get("member_scores"), y.get("member_scores")
    rest = {k: v for k, v in x.items() if k != "member_scores"}
    if rest != {k: v for k, v in y.items() if k != "member_scores"}:
        return False
    if not (isinstance(sx, dict) and isinstance(sy, dict)):
        return sx == sy
    rank = lambda d: sorted(d, key=lambda k: (-round(d[k], 3), k))  # noqa: E731
    return (
        sx.keys() == sy.keys()
        and rank(sx) == rank(sy)
        and all(abs(sx[k] - sy[k]) < 1e-3 for k in sx)
    )

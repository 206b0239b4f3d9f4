"""A small simulated, analysed and predicted store and a live server on it (for the browser
tests). Built once per session: simulating (200 customers, 30 days), annotating with the
lexicon backends and running the real predict pipeline is the slow part."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine

from empathos.store import init_db, make_engine

ARTIFACTS = Path(__file__).parent / "artifacts"


def _build(root: Path) -> Path:
    from empathos.predict.pipeline import predict
    from empathos.web.aggregates import refresh_aggregates
    from tests.predict.sim_store import build

    db = root / "store.db"
    if db.exists():
        return db
    root.mkdir(parents=True, exist_ok=True)
    building = root / "building.db"
    engine = make_engine(f"sqlite:///{building}")
    init_db(engine)
    build(root / "sim", engine, customers=200, days=30)
    predict(engine, progress=False, effects_boot=10)
    refresh_aggregates(engine)
    engine.dispose()
    building.rename(db)
    return db


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of the session's simulated + analysed + predicted SQLite store."""
    db = _build(tmp_path_factory.getbasetemp() / "web_sim")
    copy = tmp_path_factory.mktemp("web_store") / "store.db"
    shutil.copy(db, copy)
    return copy


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(demo_db: Path) -> Iterator[str]:
    """The app served by uvicorn in a thread; yields its base URL."""
    engine = make_engine(f"sqlite:///{demo_db}")
    init_db(engine)
    with serve(engine) as url:
        yield url
    engine.dispose()


@contextmanager
def serve(engine: Engine) -> Iterator[str]:
    """The app on ``engine`` served by uvicorn in a thread; yields its base URL."""
    import uvicorn

    from empathos.api.app import create_app

    server = uvicorn.Server(
        uvicorn.Config(
            create_app(engine=engine), host="127.0.0.1", port=_free_port(), log_level="warning"
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    host, port = server.config.host, server.config.port
    try:
        yield f"http://{host}:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium driven by Playwright (no `playwright install` needed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield b
        b.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go (git-ignored): tests/web/artifacts/."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS

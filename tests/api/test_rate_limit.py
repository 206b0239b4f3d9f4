"""Per-caller rate limits (issue 18, item 3): a token bucket per presented API key, else per
client address, in the edges middleware; real app, real SQLite store, real keys."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from empathos.api import create_app
from empathos.api.edges import RateLimiter
from empathos.config import Settings
from empathos.store import init_db, make_engine
from empathos.store.auth import create_key


def test_one_key_over_its_burst_gets_429_while_another_key_passes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'base.db'}"
    engine = make_engine(url)
    init_db(engine)
    settings = Settings(
        database_url=url,
        auth="on",
        session_secret="s" * 32,
        rate_limit_per_s=0.01,  # no token comes back during the test
        rate_limit_burst=3,
    )
    first = create_key(engine, "default", "viewer")[1]
    second = create_key(engine, "default", "viewer")[1]
    with TestClient(create_app(settings, engine=engine)) as c:
        for _ in range(3):
            assert c.get("/summary", headers={"X-API-Key": first}).status_code == 200
        r = c.get("/summary", headers={"X-API-Key": first})
        assert r.status_code == 429, r.text
        assert int(r.headers["retry-after"]) >= 1
        assert "rate_limit_per_s" in r.json()["detail"]
        assert r.headers["x-content-type-options"] == "nosniff"
        # another key has its own bucket, untouched by the first one's spending
        assert c.get("/summary", headers={"X-API-Key": second}).status_code == 200
        assert c.get("/health").status_code == 200  # exempt, however often
        for _ in range(5):
            assert c.get("/health").status_code == 200


def test_bucket_refills_at_the_rate_and_zero_turns_it_off(tmp_path: Path) -> None:
    bucket = RateLimiter(rate=2.0, burst=2)
    key = b"k:test"
    assert bucket.take(key, now=100.0) == 0.0
    assert bucket.take(key, now=100.0) == 0.0
    assert bucket.take(key, now=100.0) == 0.5  # half a second until the next token
    assert bucket.take(key, now=100.5) == 0.0
    url = f"sqlite:///{tmp_path / 'off.db'}"
    engine = make_engine(url)
    init_db(engine)
    app = create_app(Settings(database_url=url, rate_limit_per_s=0), engine=engine)
    with TestClient(app) as c:
        assert all(c.get("/summary").status_code == 200 for _ in range(5))

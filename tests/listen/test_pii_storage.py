"""With PII redaction on, nothing planted reaches the database (issue 18, item 2).

Planted in an import file (turn text, a customer's name and attributes, a rejected
record), through the ingest API (whose answers, rejects included, are stored), through the
live desk (API: open, turns, close; the flywheel copies the contact into ``turns``) and in
a label correction's note. Then the raw SQLite file (with its -wal and -shm) and every
column of every table on the real PostgreSQL are searched for the planted values: none
with redaction on, all of them with it off (so the search can fail)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, inspect, text

from empathos.act.live import LiveConfig, LiveDesk
from empathos.api import create_app
from empathos.config import Settings
from empathos.learn.feedback import correct_emotion
from empathos.listen.ingest import ingest_file
from empathos.listen.pii import policy_for, run_redactions, set_policy
from empathos.store.schema import ingest_runs
from tests.act.live_store import fill

PLANTED = {
    "email": "jane.doe@example.com",
    "phone_us": "(212) 555-0123",
    "phone_fr": "+33 6 12 34 56 78",
    "phone_de": "0151 23456789",
    "card": "4111 1111 1111 1111",
    "card_plain": "5555555555554444",
    "iban": "DE89 3704 0044 0532 0130 00",
    "ssn": "536-90-4399",
}


def _turn_text(tag: str) -> str:
    p = PLANTED
    return (
        f"{tag}: mail me at {p['email']} or call {p['phone_us']}, card {p['card']}, "
        f"IBAN {p['iban']}, SSN {p['ssn']}"
    )


def _import_file(tmp_path: Path) -> Path:
    p = PLANTED
    records = [
        {
            "interaction_id": "i-pii-1",
            "customer_id": "c-pii",
            "channel": "chat",
            "started_at": "2026-03-01T10:00:00",
            "attributes": {"contact_email": p["email"]},
            "turns": [
                {"seq": 1, "speaker": "customer", "text": _turn_text("file")},
                {"seq": 2, "speaker": "employee", "text": "Thanks, noted."},
                {
                    "seq": 3,
                    "speaker": "customer",
                    "text": f"Mon portable : {p['phone_fr']}. Meine Nummer {p['phone_de']}. "
                    f"Carte {p['card_plain']}.",
                },
            ],
        },
        # a reject: its raw text goes to the reject file (and the API stores its answer)
        {"interaction_id": "i-pii-bad", "channel": "pigeon", "note": p["email"], "turns": []},
    ]
    path = tmp_path / "pii_interactions.jsonl"
    path.write_bytes(b"\n".join(orjson.dumps(r) for r in records) + b"\n")
    return path


def _sqlite_bytes(engine: Engine) -> bytes:
    base = Path(engine.url.database)
    return b"".join(
        Path(str(base) + suffix).read_bytes()
        for suffix in ("", "-wal", "-shm", "-journal")
        if Path(str(base) + suffix).exists()
    )


def _postgres_text(engine: Engine) -> str:
    """Every row of every table of the test's schema, each row cast to text whole."""
    out = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT t::text FROM "{table}" t')).scalars()
            out.extend(rows)
    return "\n".join(out)


def _found(engine: Engine, rejects: Path) -> set[str]:
    """Which planted values are in the database (and the reject file)."""
    if engine.dialect.name == "sqlite":
        engine.dispose()  # nothing cached in this process: the bytes on disk are the truth
        hay = _sqlite_bytes(engine)
        found = {k for k, v in PLANTED.items() if v.encode() in hay}
    else:
        hay_text = _postgres_text(engine)
        found = {k for k, v in PLANTED.items() if v in hay_text}
    if rejects.exists():
        raw = rejects.read_text(encoding="utf-8")
        found |= {f"reject:{k}" for k, v in PLANTED.items() if v in raw}
    return found


def _plant_everything(engine: Engine, tmp_path: Path) -> tuple[Path, dict]:
    fill(engine)
    rejects = tmp_path / "rejects.jsonl"
    report = ingest_file(
        _import_file(tmp_path), engine, rejects_path=rejects, detect_language=False
    )
    assert report.new == 1 and report.records_rejected == 1
    settings = Settings(emotion_model="lexicon", empathy_model="lexicon", live_flywheel=True)
    app = create_app(settings, engine=engine)
    app.state.live_desk = desk = LiveDesk(
        engine, settings, config=LiveConfig(store_timeout_s=5.0, emotion_timeout_s=5.0)
    )
    with TestClient(app) as client:
        body = [
            {
                "interaction_id": "i-pii-api",
                "channel": "email",
                "turns": [{"seq": 1, "speaker": "customer", "text": _turn_text("api")}],
            },
            {"interaction_id": "i-pii-api-bad", "channel": "x", "text": PLANTED["ssn"]},
        ]
        r = client.post("/ingest/interactions", json=body, headers={"Idempotency-Key": "k-pii"})
        assert r.status_code == 200, r.text
        r = client.post(
            "/contacts",
            json={"customer_id": "c-hist", "channel": "chat", "text": _turn_text("live")},
        )
        assert r.status_code == 201, r.text
        cid = r.json()["contact_id"]
        for speaker, said in (
            ("employee", "Could you confirm your phone number?"),
            ("customer", f"Sure: {PLANTED['phone_fr']}, or {PLANTED['phone_de']}"),
        ):
            r = client.post(f"/contacts/{cid}/turns", json={"speaker": speaker, "text": said})
            assert r.status_code == 200, r.text
        assert client.post(f"/contacts/{cid}/close").status_code == 200
        assert desk.settle(120.0)
    with engine.connect() as conn:  # the flywheel copied the live contact into turns
        n = conn.execute(
            text("SELECT count(*) FROM turns WHERE interaction_id = :c"), {"c": cid}
        ).scalar_one()
    assert n == 3
    correct_emotion(
        engine, "i-pii-1", 1, "frustration", "e-bill", note=f"customer wrote {PLANTED['email']}"
    )
    return rejects, report.redacted


@pytest.mark.slow
@pytest.mark.parametrize("on", [True, False], ids=["redaction-on", "redaction-off"])
def test_planted_pii_never_reaches_the_store_when_redaction_is_on(engine, tmp_path, on) -> None:
    set_policy(engine, on, None)
    assert policy_for(engine).enabled is on
    rejects, redacted = _plant_everything(engine, tmp_path)
    found = _found(engine, rejects)
    if on:
        assert found == set(), found
        assert redacted["email"] >= 2 and redacted["phone"] >= 3 and redacted["card"] >= 2
        assert redacted["iban"] == 1 and redacted["ssn"] == 1
        with engine.connect() as conn:
            first = conn.execute(ingest_runs.select().order_by(ingest_runs.c.run_id)).first()
        assert run_redactions(engine, first.run_id) == redacted
        with engine.connect() as conn:
            stored = conn.execute(
                text("SELECT text FROM turns WHERE interaction_id = 'i-pii-1' AND seq = 1")
            ).scalar_one()
        assert "[EMAIL]" in stored and "[PHONE]" in stored and "[CARD]" in stored
        assert "[IBAN]" in stored and "[SSN]" in stored
    else:
        assert set(PLANTED) <= found, found  # the search finds what is there
        assert redacted == {}


def test_reimport_with_redaction_on_stores_nothing_twice(engine, tmp_path) -> None:
    set_policy(engine, True, None)
    path = _import_file(tmp_path)
    first = ingest_file(path, engine, rejects_path=tmp_path / "r1.jsonl", detect_language=False)
    again = ingest_file(path, engine, rejects_path=tmp_path / "r2.jsonl", detect_language=False)
    assert (first.new, first.unchanged) == (1, 0)
    assert (again.new, again.unchanged, again.conflicts) == (0, 1, 0)
    assert again.redacted == first.redacted


def test_the_setting_is_the_stores_and_defaults_to_settings(engine) -> None:
    assert policy_for(engine, Settings(pii_redaction="off")).enabled is False
    assert policy_for(engine, Settings(pii_redaction="on", pii_kinds="email")).kinds == ("email",)
    set_policy(engine, True, ["phone", "email"])
    p = policy_for(engine, Settings(pii_redaction="off"))
    assert (p.enabled, p.kinds, p.origin) == (True, ("email", "phone"), "store")
    set_policy(engine, False, None)
    assert policy_for(engine, Settings(pii_redaction="on")).enabled is False
    set_policy(engine, None)
    assert policy_for(engine, Settings(pii_redaction="on")).origin == "settings"


def test_cli_sets_and_shows_the_tenants_setting(tmp_path) -> None:
    from typer.testing import CliRunner

    from empathos.cli import app

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["init", "--db", db]).exit_code == 0
    r = runner.invoke(app, ["pii", "on", "--kinds", "email,iban", "--json", "--db", db])
    assert r.exit_code == 0, r.output
    assert orjson.loads(r.output) == {
        "enabled": True,
        "kinds": ["email", "iban"],
        "origin": "store",
    }
    r = runner.invoke(app, ["pii", "status", "--db", db])
    assert r.exit_code == 0 and "on" in r.output and "email, iban" in r.output
    r = runner.invoke(app, ["pii", "on", "--kinds", "name", "--db", db])
    assert r.exit_code == 2 and "unknown PII kind" in r.output
    r = runner.invoke(app, ["pii", "default", "--json", "--db", db])
    assert orjson.loads(r.output)["origin"] == "settings"


def test_two_tenants_two_stores_two_settings(tmp_path) -> None:
    """A setting belongs to its store: one tenant on, the other off, side by side; the live
    desk's cache fails closed on a store it cannot read."""
    from empathos.listen.pii import PolicyCache
    from empathos.store import init_db, make_engine

    a, b = (make_engine(f"sqlite:///{tmp_path / n}") for n in ("a.db", "b.db"))
    for e in (a, b):
        init_db(e)
    set_policy(a, True, ["email"])
    set_policy(b, False, None)
    assert PolicyCache(a).get().kinds == ("email",) and PolicyCache(b).get().enabled is False
    bare = make_engine(f"sqlite:///{tmp_path / 'not-migrated.db'}")
    assert PolicyCache(bare).get().origin == "fail-closed"

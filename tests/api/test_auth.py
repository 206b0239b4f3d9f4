"""API keys, logins, CSRF and the serve switch, on real SQLite stores (issue 18 item 1)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from empathos.api import create_app
from empathos.api.security.guard import forget_keys
from empathos.cli import app as cli
from empathos.config import Settings
from empathos.store import init_db, make_engine
from empathos.store.auth import create_key, create_tenant, create_user, list_keys
from empathos.store.tenants import forget


def _app(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'base.db'}"
    engine = make_engine(url)
    init_db(engine)
    settings = Settings(database_url=url, auth="on", session_secret="s" * 32)
    return create_app(settings, engine=engine), engine, url


def test_keys_cli_shows_the_secret_once_stores_a_hash_and_revokes(tmp_path: Path) -> None:
    app, engine, url = _app(tmp_path)
    run = CliRunner()
    out = run.invoke(cli, ["tenants", "create", "acme", "--db", url])
    assert out.exit_code == 0, out.output
    assert (tmp_path / "base.acme.db").exists()  # the tenant's own store
    out = run.invoke(cli, ["keys", "create", "--tenant", "acme", "--role", "viewer", "--db", url])
    assert out.exit_code == 0, out.output
    secret = re.search(r"emp_\w+_[\w-]+", out.output).group(0)
    listed = run.invoke(cli, ["keys", "list", "--db", url]).output
    assert secret not in listed and "acme" in listed
    assert secret not in (tmp_path / "base.db").read_bytes().decode("latin-1")
    key_id = list_keys(engine)[0]["key_id"]
    with TestClient(app) as c:
        assert c.get("/summary").status_code == 401
        assert c.get("/summary", headers={"X-API-Key": secret}).status_code == 200
        assert c.get("/pods", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
        assert c.delete("/pods/x", headers={"X-API-Key": secret}).status_code == 403
        assert run.invoke(cli, ["keys", "revoke", key_id, "--db", url]).exit_code == 0
        forget_keys()
        assert c.get("/summary", headers={"X-API-Key": secret}).status_code == 401
        assert c.get("/health").status_code == 200  # public
    forget(url)


def test_dashboard_login_session_cookie_and_csrf(tmp_path: Path) -> None:
    app, engine, url = _app(tmp_path)
    create_user(engine, "default", "sam", "correct horse", "supervisor")
    with TestClient(app) as c:
        assert c.get("/dashboard/scores", follow_redirects=False).status_code == 303
        page = c.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        bad = c.post(
            "/login",
            data={"csrf_token": token, "username": "sam", "password": "wrong pass"},
            follow_redirects=False,
        )
        assert "error" in bad.headers["location"]
        page = c.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        ok = c.post(
            "/login",
            data={"csrf_token": token, "username": "sam", "password": "correct horse"},
            follow_redirects=False,
        )
        assert ok.status_code == 303
        cookie = ok.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        maturity = c.get("/dashboard/maturity")
        assert maturity.status_code == 200
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', maturity.text).group(1)
        # a cross-site form post carries the cookie but not the token: refused
        forged = c.post("/dashboard/maturity", data={"q-x": "1"}, follow_redirects=False)
        assert forged.status_code == 403
        posted = c.post(
            "/dashboard/maturity", data={"csrf_token": csrf, "q-x": "1"}, follow_redirects=False
        )
        assert posted.status_code == 303
        out = c.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
        assert out.status_code == 303
        c.cookies.clear()
        assert c.get("/summary").status_code == 401
    forget(url)


def test_agent_key_needs_an_employee_and_authors_its_corrections(tmp_path: Path) -> None:
    import pytest

    _, engine, url = _app(tmp_path)
    with pytest.raises(ValueError):
        create_key(engine, "default", "agent")
    assert create_key(engine, "default", "agent", "e-1")[1].startswith("emp_")
    forget(url)


def test_serve_refuses_a_public_host_without_auth(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("EMPATHOS_AUTH", "off")
    url = f"sqlite:///{tmp_path / 's.db'}"
    out = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--db", url])
    assert out.exit_code == 2 and "insecure-no-auth" in out.output
    from empathos.cli.serve import is_loopback

    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.0.0.5")


@pytest.mark.postgres
def test_postgres_tenants_are_schemas_and_see_only_their_rows() -> None:
    import uuid

    from sqlalchemy import text

    from tests.conftest import drop_schema, postgres_schema_engine

    engine, pg_url, base_schema = postgres_schema_engine()
    slugs = [f"t{uuid.uuid4().hex[:10]}" for _ in range(2)]
    try:
        init_db(engine)
        for s in slugs:
            create_tenant(engine, s)
        ka = create_key(engine, slugs[0], "admin")[1]
        kb = create_key(engine, slugs[1], "admin")[1]
        app = create_app(Settings(auth="on", session_secret="p" * 32), engine=engine)
        with TestClient(app) as c:
            body = [{"customer_id": "cu-pg", "name": "MARKER-PG-A"}]
            r = c.post("/ingest/customers", json=body, headers={"X-API-Key": ka})
            assert r.status_code == 200, r.text
            assert "MARKER-PG-A" in c.get("/data/customers", headers={"X-API-Key": ka}).text
            assert "MARKER-PG-A" not in c.get("/data/customers", headers={"X-API-Key": kb}).text
        with engine.connect() as conn:  # the default store (the test's schema) has no row
            assert conn.execute(text("select count(*) from customers")).scalar() == 0
            n = conn.execute(text(f'select count(*) from "tenant_{slugs[0]}".customers')).scalar()
            assert n == 1
    finally:
        forget()
        engine.dispose()
        for s in slugs:
            drop_schema(f"tenant_{s}")
        drop_schema(base_schema)

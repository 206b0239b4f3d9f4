"""`empathos tenants|keys|users`: the control plane (docs/security.md).

Whoever can open the store's database is its administrator, so these commands need no
key: they write the default store's ``tenants``, ``api_keys`` and ``users`` tables.
A key's secret is printed once and only its SHA-256 is stored.
"""

from __future__ import annotations

from typing import Annotated

import typer

from empathos.cli._app import app
from empathos.cli._util import DbOption, console, open_store

tenants_app = typer.Typer(help="Tenants: each one has a store of its own.", no_args_is_help=True)
keys_app = typer.Typer(help="API keys (shown once, stored hashed).", no_args_is_help=True)
users_app = typer.Typer(help="Dashboard logins.", no_args_is_help=True)
app.add_typer(tenants_app, name="tenants")
app.add_typer(keys_app, name="keys")
app.add_typer(users_app, name="users")

TenantOption = Annotated[str, typer.Option("--tenant", help="Tenant slug (default: default).")]
RoleOption = Annotated[str, typer.Option("--role", help="viewer, agent, supervisor or admin.")]
EmployeeOption = Annotated[
    str | None, typer.Option("--employee", help="The agent's employee id (agents only).")
]


def _fail(exc: Exception) -> typer.Exit:
    console.print(f"[red]{exc}[/red]")
    return typer.Exit(1)


@tenants_app.command("create")
def tenants_create(
    slug: Annotated[str, typer.Argument(help="[a-z][a-z0-9_]{0,31}")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    db: DbOption = None,
) -> None:
    """Register a tenant and create its store (a schema tenant_<slug>, or <stem>.<slug>.db)."""
    from empathos.store.auth import create_tenant
    from empathos.store.tenants import tenant_engine

    engine = open_store(db)
    try:
        create_tenant(engine, slug, name)
    except ValueError as exc:
        raise _fail(exc) from None
    store = tenant_engine(engine.url.render_as_string(hide_password=False), slug)
    console.print(f"tenant {slug} created; its store: {store.url!r}")


@tenants_app.command("list")
def tenants_list(db: DbOption = None) -> None:
    """Every tenant (default is the configured store itself)."""
    from empathos.store.auth import list_tenants

    for t in list_tenants(open_store(db)):
        typer.echo(f"{t['slug']}\t{t['name']}\t{t['created_at'] or ''}")


@keys_app.command("create")
def keys_create(
    role: RoleOption,
    tenant: TenantOption = "default",
    employee: EmployeeOption = None,
    name: Annotated[str, typer.Option(help="What the key is for.")] = "",
    db: DbOption = None,
) -> None:
    """Create an API key and print its secret ONCE (send it as Authorization: Bearer)."""
    from empathos.store.auth import create_key

    try:
        key_id, secret = create_key(open_store(db), tenant, role, employee, name)
    except ValueError as exc:
        raise _fail(exc) from None
    console.print(f"key {key_id} ({role} of {tenant}); the secret, shown this once:", style="bold")
    typer.echo(secret)


@keys_app.command("list")
def keys_list(db: DbOption = None) -> None:
    """Every key: id, tenant, role, employee, name, created, revoked (never the secret)."""
    from empathos.store.auth import list_keys

    for k in list_keys(open_store(db)):
        typer.echo(
            f"{k['key_id']}\t{k['tenant']}\t{k['role']}\t{k['employee_id'] or ''}\t"
            f"{k['name']}\t{k['created_at']:%Y-%m-%d %H:%M}\t"
            f"{'revoked ' + str(k['revoked_at']) if k['revoked_at'] else 'live'}"
        )


@keys_app.command("revoke")
def keys_revoke(key_id: str, db: DbOption = None) -> None:
    """Revoke a key (a running server stops accepting it within 5 s)."""
    from empathos.store.auth import revoke_key

    if not revoke_key(open_store(db), key_id):
        raise _fail(ValueError(f"no live key {key_id!r}"))
    console.print(f"key {key_id} revoked")


@users_app.command("create")
def users_create(
    username: str,
    role: RoleOption,
    tenant: TenantOption = "default",
    employee: EmployeeOption = None,
    password: Annotated[
        str, typer.Option(prompt=True, hide_input=True, confirmation_prompt=True)
    ] = "",
    db: DbOption = None,
) -> None:
    """A dashboard login (the password is asked for; stored as a salted scrypt hash)."""
    from empathos.store.auth import create_user

    try:
        create_user(open_store(db), tenant, username, password, role, employee)
    except ValueError as exc:
        raise _fail(exc) from None
    console.print(f"user {username} ({role} of {tenant}) created")

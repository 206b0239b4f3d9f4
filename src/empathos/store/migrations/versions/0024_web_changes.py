"""web_changes: the days a write touched, logged by triggers, for the dashboard's refresh

Revision ID: 0024
Revises: 0015
Create Date: 2026-12-03

The incremental refresh of the dashboard summary used to find the changed days with a
census (per-day counts over every interaction and score): a pass over the whole store,
which at ten million contacts cost more than rebuilding the one changed day. Here the
database itself logs the day of every row written to ``interactions``,
``interaction_scores`` or ``interaction_csat`` (insert, update — old and new day —, and
delete) into ``web_changes``, whatever the writer: ingest, the live desk, analyze, or SQL
typed by hand (a contact without ``started_at`` under the day 0001-01-01). The refresh
takes the logged days (``DELETE … RETURNING``, so a day logged
by a writer that commits meanwhile stays for the next refresh) and rebuilds only those.

* SQLite: row triggers; a day already logged is not logged again (``NOT EXISTS`` on the
  day index), so a bulk load adds one row per day, not per contact.
* PostgreSQL: statement triggers with transition tables (one per event: PostgreSQL allows
  transition tables on single-event triggers only), one row per day per writing
  transaction (``txn``; a day is not skipped because *another* transaction logged it, which
  a refresh could take before this one commits); no unique key, so concurrent writers
  never wait on each other for the log.

``web_csat_daily`` is the predicted-CSAT page's summary (day × channel × language × pod ×
employee × company × source × reason; the CSAT page needs the employee and the reason),
rebuilt with ``web_daily`` from the same log.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0015"  # interaction_csat (its triggers)
branch_labels = ("web_changes",)
depends_on = "0012"  # web_daily with its brand key

#: table -> how a row finds its interaction's start (``R`` is the row alias)
_DAY_OF = {
    "interactions": None,
    "interaction_scores": "interaction_id",
    "interaction_csat": "interaction_id",
}
_EVENTS = ("INSERT", "UPDATE", "DELETE")
_ROWS = {"INSERT": ["NEW"], "UPDATE": ["OLD", "NEW"], "DELETE": ["OLD"]}
#: the day the log files a contact without ``started_at`` under (``aggregates.UNDATED``)
UNDATED = "0001-01-01"


def _sqlite_trigger(table: str, event: str, row: str) -> str:
    if _DAY_OF[table] is None:
        src = f"SELECT coalesce(date({row}.started_at), '{UNDATED}') AS d"
    else:
        src = (
            f"SELECT coalesce(date(i.started_at), '{UNDATED}') AS d FROM interactions i "
            f"WHERE i.interaction_id = {row}.interaction_id"
        )
    name = f"trg_web_changes_{table}_{event.lower()}_{row.lower()}"
    return (
        f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN "
        f"INSERT INTO web_changes (day) SELECT s.d FROM ({src}) s "
        "WHERE NOT EXISTS (SELECT 1 FROM web_changes w WHERE w.day = s.d); END"
    )


def _pg_function(table: str, event: str) -> str:
    rows = {"INSERT": ["new_rows"], "UPDATE": ["old_rows", "new_rows"], "DELETE": ["old_rows"]}
    parts = []
    for t in rows[event]:
        if _DAY_OF[table] is None:
            parts.append(f"SELECT coalesce(r.started_at::date, DATE '{UNDATED}') AS d FROM {t} r")
        else:
            parts.append(
                f"SELECT coalesce(i.started_at::date, DATE '{UNDATED}') AS d FROM {t} r "
                "JOIN interactions i "
                "ON i.interaction_id = r.interaction_id"
            )
    union = " UNION ".join(parts)
    return (
        f"CREATE FUNCTION web_changes_{table}_{event.lower()}() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"INSERT INTO web_changes (day, txn) SELECT DISTINCT s.d, txid_current() FROM ({union}) s "
        "WHERE NOT EXISTS (SELECT 1 FROM web_changes w WHERE w.txn = txid_current() "
        "AND w.day = s.d); RETURN NULL; END $$"
    )


def _pg_trigger(table: str, event: str) -> str:
    ref = {
        "INSERT": "NEW TABLE AS new_rows",
        "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "DELETE": "OLD TABLE AS old_rows",
    }[event]
    return (
        f"CREATE TRIGGER trg_web_changes_{table}_{event.lower()} AFTER {event} ON {table} "
        f"REFERENCING {ref} FOR EACH STATEMENT "
        f"EXECUTE FUNCTION web_changes_{table}_{event.lower()}()"
    )


def upgrade() -> None:
    op.create_table(
        "web_changes",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("txn", sa.BigInteger),  # PostgreSQL: the writing transaction
    )
    op.create_index("ix_web_changes_day", "web_changes", ["day"])
    op.create_table(
        "web_csat_daily",
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("channel", sa.String(16), primary_key=True),
        sa.Column("language", sa.String(16), primary_key=True),
        sa.Column("pod_id", sa.String(128), primary_key=True),
        sa.Column("employee_id", sa.String(128), primary_key=True),
        sa.Column("company", sa.String(128), primary_key=True),
        sa.Column("source", sa.String(16), primary_key=True),
        sa.Column("reason", sa.Text, primary_key=True),
        sa.Column("n", sa.Integer, nullable=False),
        sa.Column("n_known", sa.Integer, nullable=False),
        sa.Column("n_calibrated", sa.Integer, nullable=False),
        sa.Column("total", sa.Float, nullable=False),
    )
    op.create_index("ix_web_csat_daily_company", "web_csat_daily", ["company", "day"])
    dialect = op.get_bind().dialect.name
    for table in _DAY_OF:
        for event in _EVENTS:
            if dialect == "postgresql":
                op.execute(_pg_function(table, event))
                op.execute(_pg_trigger(table, event))
            else:
                for row in _ROWS[event]:
                    op.execute(_sqlite_trigger(table, event, row))


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in _DAY_OF:
        for event in _EVENTS:
            if dialect == "postgresql":
                op.execute(f"DROP TRIGGER trg_web_changes_{table}_{event.lower()} ON {table}")
                op.execute(f"DROP FUNCTION web_changes_{table}_{event.lower()}()")
            else:
                for row in _ROWS[event]:
                    name = f"trg_web_changes_{table}_{event.lower()}_{row.lower()}"
                    op.execute(f"DROP TRIGGER {name}")
    op.drop_index("ix_web_csat_daily_company", table_name="web_csat_daily")
    op.drop_table("web_csat_daily")
    op.drop_index("ix_web_changes_day", table_name="web_changes")
    op.drop_table("web_changes")

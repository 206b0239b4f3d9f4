"""``plain_rows`` (issue 19): the frames predict builds from plain tuples equal the
frames pandas built from SQLAlchemy ``Row`` objects — values and dtypes — for the
column types predict reads (text, datetimes, floats, NULLs)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
from sqlalchemy import select

from empathos.predict.features import plain_rows
from empathos.store import init_db, make_engine
from empathos.store.schema import customers, transactions


def test_plain_rows_give_the_same_frame(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    init_db(engine)
    with engine.begin() as conn:
        conn.execute(
            customers.insert(),
            [
                {"customer_id": f"c{i}", "created_at": datetime(2024, 1, 1 + i % 28)}
                for i in range(50)
            ],
        )
        conn.execute(
            transactions.insert(),
            [
                {
                    "transaction_id": f"t{i}",
                    "customer_id": f"c{i % 50}",
                    "ts": datetime(2024, 2, 1 + i % 28, i % 24),
                    "amount": 1.5 * i,
                }
                for i in range(200)
            ],
        )
    queries = (
        select(customers.c.customer_id, customers.c.created_at, customers.c.source),
        select(transactions.c.customer_id, transactions.c.ts, transactions.c.amount),
    )
    with engine.connect() as conn:
        for q in queries:
            r = conn.execute(q)
            via_rows = pd.DataFrame(r.fetchall(), columns=list(r.keys()))
            r = conn.execute(q)
            via_tuples = pd.DataFrame(plain_rows(r), columns=list(r.keys()))
            assert len(via_rows) > 0
            assert via_rows.dtypes.to_dict() == via_tuples.dtypes.to_dict()
            pd.testing.assert_frame_equal(via_rows, via_tuples)
    engine.dispose()

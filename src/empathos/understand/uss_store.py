"""USS dialogues in a store of their own, annotated by ``analyze`` itself.

Why a store: the predicted-CSAT model and the remembered score's weights must be fitted on
*exactly* the features they are computed from at run time. Loading USS into a SQLite store
and running the real ``analyze`` on it (same emotion and empathy models, same peak–end,
effort and seeker-text code) makes training features and run-time features one code path.
The store lives in the settings' ``cache_dir``, one file per (emotion, empathy) model pair;
``analyze`` is incremental, so an interrupted build resumes and a second run is free.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine, insert, select

from empathos.store.engine import make_engine
from empathos.store.migrate import init_db
from empathos.store.schema import interactions, turns
from empathos.understand.protocols import EmotionModel, EmpathyModel
from empathos.understand.uss import UssDialogue


def load_dialogues(engine: Engine, dialogues: Sequence[UssDialogue]) -> int:
    """Insert the dialogues not stored yet (interaction id = dialogue id); returns how many."""
    with engine.begin() as conn:
        have = set(conn.execute(select(interactions.c.interaction_id)).scalars())
        new = [d for d in dialogues if d.dialogue_id not in have]
        if not new:
            return 0
        conn.execute(
            insert(interactions),
            [
                {
                    "interaction_id": d.dialogue_id,
                    "customer_id": d.dialogue_id,  # one contact per customer: no re-contacts
                    "channel": "chat",
                    "source": "sample",
                    "company": d.dataset,
                    "attributes": {"uss_rating": d.rating},
                }
                for d in new
            ],
        )
        conn.execute(
            insert(turns),
            [
                {
                    "interaction_id": d.dialogue_id,
                    "seq": i,
                    "speaker": t.speaker,
                    "text": t.text,
                    "language": "en",
                }
                for d in new
                for i, t in enumerate(d.turns)
            ],
        )
    return len(new)


def store_path(em: EmotionModel, pm: EmpathyModel, cache_dir: Path | None = None) -> Path:
    if cache_dir is None:
        from empathos.config import get_settings

        cache_dir = Path(get_settings().cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    return cache_dir / f"uss-{em.name}-{em.version}-{pm.name}-{pm.version}.sqlite"


def annotated_uss_store(
    dialogues: Sequence[UssDialogue],
    em: EmotionModel,
    pm: EmpathyModel,
    path: Path | None = None,
    progress: bool = True,
) -> Engine:
    """A store holding ``dialogues`` with every turn annotated and every contact scored."""
    from empathos.understand.pipeline import analyze

    path = path or store_path(em, pm)
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    load_dialogues(engine, dialogues)
    analyze(engine, em, pm, progress=progress)
    return engine

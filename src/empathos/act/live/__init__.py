"""The live desk: routes new contacts, follows them turn by turn, keeps the assist card.

``LiveDesk`` is what the REST/WebSocket API (``empathos.api.contacts``) and the load
benchmark drive. Per contact it keeps the lead (:mod:`empathos.act.lead`), the turns with
their emotion, and the card (:mod:`empathos.act.card`); it routes with the ``empathy``
policy (triage -> pod -> explainable member scores, :mod:`empathos.act.policies`).

**The hot path never waits for the database or a slow model.** Everything a decision
reads is in memory:

* the pod state (members, skills, languages, capacity) is loaded once and refreshed in
  the background every ``pod_ttl_s``; member *load* is tracked here as contacts open,
  hand over and close;
* each customer's record (last contacts, journey, predictions, rapport with each member)
  is cached for ``record_ttl_s``; a miss reads the store under a deadline;
* emotions are cached by text; a miss runs the model under a deadline;
* everything the desk writes (contacts, turns, decisions, lead changes) goes through a
  write-behind queue that a background thread flushes in batches.

**Fault tolerance** (issue 6, item 7). The store read and the emotion model each run in a
worker thread with a deadline (``store_timeout_s``, ``emotion_timeout_s``) behind a
circuit breaker: after ``breaker_failures`` consecutive failures or timeouts the breaker
opens for ``breaker_cooldown_s`` and the desk stops calling, so a dead dependency costs
the deadline a few times, then nothing. Fallbacks, each named in the decision's
``fallback_reasons`` and flagged ``fell_back``:

==================  =========================================================================
what failed         fallback
==================  =========================================================================
emotion model       the ``lexicon`` backend (keyword cues, microseconds, six languages)
customer record     the last cached record even if stale, else an empty record (no history,
                    no rapport, no predictions): routing by language, skill, need, emotion;
                    the contact takes the real record once the late read has cached it
pod state           the last loaded state; with none, nobody to route to: the contact queues
database writes     kept in the write-behind queue and retried; beyond ``write_queue_max``
                    the oldest are dropped from memory and counted
                    (``health()['writes_dropped']``); with a journal they stay on disk
==================  =========================================================================

So a decision answers within about ``store_timeout_s + emotion_timeout_s`` plus compute
even while both dependencies hang, and within the normal sub-millisecond path once the
breakers are open.

The package, by job: :mod:`~empathos.act.live.config` (budgets), ``resilience``
(breaker, deadline pool, LRU), ``emotion`` (reading a turn), ``records`` (customer records
and store reads), ``board`` (pod state and loads), ``contact`` (a contact in memory),
``decisions`` (decision payloads and their deferred explanations), ``writer``
(write-behind, thread or process, on the store's one upsert), ``journal`` (the
write-ahead journal: a row is on disk before its request is answered, replayed on
start), ``flywheel`` (a closed contact imported as an interaction through listen's path
and analyzed) and ``desk`` (the desk).

One desk = one process's memory: run the API with one worker per desk (scale out by
sharding contacts by id). Contacts not in memory are reloaded from ``live_contacts`` /
``live_turns`` on first use, so a restart loses nothing that was flushed.
"""

from __future__ import annotations

from empathos.act.live.config import DEFAULT_NEED, LiveConfig
from empathos.act.live.contact import LiveContact, UnknownContact, UnknownCustomer, new_contact_id
from empathos.act.live.decisions import materialise
from empathos.act.live.desk import LiveDesk
from empathos.act.live.emotion import EmotionRead, EmotionReader
from empathos.act.live.records import RecordCache, default_pod_loader, load_employee_languages
from empathos.act.live.resilience import Breaker

__all__ = [
    "DEFAULT_NEED",
    "Breaker",
    "EmotionRead",
    "EmotionReader",
    "LiveConfig",
    "LiveContact",
    "LiveDesk",
    "RecordCache",
    "UnknownContact",
    "UnknownCustomer",
    "default_pod_loader",
    "load_employee_languages",
    "materialise",
    "new_contact_id",
]

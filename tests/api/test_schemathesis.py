"""The API keeps its own contract: schemathesis walks every operation of the OpenAPI spec
(all its checks, all its phases: examples, coverage, fuzzing, stateful links) against the
app in-process, on SQLite and on PostgreSQL, and finds no server error, no undocumented
status or content type, no response outside its schema, no valid request refused and no
invalid one accepted (issue 18, item 4).

The walk is generic: it reads whatever the spec contains, so an operation added later is
tested without an edit here. It is bounded (``MAX_EXAMPLES`` per operation and phase) and
reproducible (a fixed seed, derandomized generation, no example database).

The app runs with auth on and requests carry the ``api_headers`` fixture's admin key
(``Authorization: Bearer ...``), so the walk reaches past the 401s to every operation;
what each role may do is tests/api/test_auth_walk.py's walk.
"""

from __future__ import annotations

import collections
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
import schemathesis  # the dev extra: a missing one fails, never skips
from sqlalchemy import Engine

from empathos.act.live import LiveConfig, LiveDesk
from empathos.api import create_app
from empathos.config import Settings


MAX_EXAMPLES = 20
SEED = 18_4

#: Operations whose schema-valid requests may be refused with 422 because the refusal
#: depends on the store's content, which no schema can state. Each is a deliberate
#: answer, documented in the spec's 422 description (docs/security.md, "API contract
#: checks"); every other operation must accept every schema-valid request.
STATE_DEPENDENT_422 = {
    "POST /contacts": "the customer must exist in the store (imported first)",
    "POST /assess/pilot": "the policy must be an installed routing policy (a plug-in)",
    "POST /ingest/{kind}": "an Idempotency-Key reused with another body is a 422 "
    "(draft-ietf-httpapi-idempotency-key-header); generated keys repeat",
}
_POSITIVE_OK = ["2XX", "3XX", "401", "403", "404", "409", "429", "5XX"]


@pytest.fixture
def api_headers(engine: Engine) -> dict[str, str]:
    """Headers every generated request carries: an admin key of the default tenant (the
    app runs with auth on), so the walk reaches past the 401s to every operation."""
    from empathos.store.auth import create_key

    _, secret = create_key(engine, "default", "admin", name="schemathesis")
    return {"Authorization": f"Bearer {secret}"}


@dataclass
class Walk:
    """What one schemathesis run did and found."""

    operations: set[str] = field(default_factory=set)
    requests: int = 0
    by_phase: collections.Counter = field(default_factory=collections.Counter)
    failures: collections.Counter = field(default_factory=collections.Counter)
    examples: dict[str, list[str]] = field(default_factory=lambda: collections.defaultdict(list))
    errors: list[str] = field(default_factory=list)
    stop_reason: str = ""
    seconds: float = 0.0

    def count(self, *checks: str) -> int:
        return sum(self.failures[c] for c in checks)


def walk(app: object, headers: dict[str, str], max_examples: int = MAX_EXAMPLES) -> Walk:
    """Run every schemathesis phase with all checks against ``app`` (ASGI, in-process)."""
    from schemathesis.config import SchemathesisConfig
    from schemathesis.engine import events, from_schema

    config = SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            "cache": {"enabled": False},  # no state carried between runs: reproducible
            "checks": {"enabled": True},
            "generation": {"max-examples": max_examples, "deterministic": True, "database": "none"},
            "workers": 1,
            "headers": headers,
            "operations": [
                {
                    "include-name": name,
                    "checks": {
                        "positive_data_acceptance": {"expected-statuses": [*_POSITIVE_OK, "422"]}
                    },
                }
                for name in STATE_DEPENDENT_422
            ],
        }
    )
    schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
    found = Walk(operations={op.label for op in _operations(schema)})
    started = time.perf_counter()
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            found.requests += len(recorder.interactions)
            found.by_phase[event.phase.value] += len(recorder.interactions)
            for case_id, checks in recorder.checks.items():
                for check in checks:
                    if check.status.value != "failure":
                        continue
                    found.failures[check.name] += 1
                    found.examples[check.name].append(_describe(recorder, case_id, check))
        elif isinstance(event, events.NonFatalError):
            # an exception out of the app (the in-process client re-raises it): a 500
            found.errors.append(f"{event.label}: {type(event.value).__name__}: {event.value}")
        elif isinstance(event, events.FatalError):
            found.errors.append(f"fatal: {event.exception!r}")
        elif isinstance(event, events.EngineFinished):
            found.stop_reason = str(event.stop_reason.value)
    found.seconds = time.perf_counter() - started
    return found


def _operations(schema: object) -> Iterator[object]:
    for result in schema.get_all_operations():  # type: ignore[attr-defined]
        operation = result.ok()
        if operation is not None:
            yield operation


def _describe(recorder: object, case_id: str, check: object) -> str:
    it = recorder.interactions.get(case_id)  # type: ignore[attr-defined]
    info = getattr(check, "failure_info", None)
    title = getattr(getattr(info, "failure", None), "title", "")
    if it is None:
        return f"{recorder.label}: {title}"  # type: ignore[attr-defined]
    answer = it.response.status_code if it.response is not None else "no response"
    body = (it.response.content or b"")[:200] if it.response is not None else b""
    return (
        f"{recorder.label}: {title}: {it.request.method} {it.request.uri} "  # type: ignore[attr-defined]
        f"body={str(it.request.body)[:200]} -> {answer} {body!r}"
    )


SERVER = ("not_a_server_error",)
UNDOCUMENTED = ("status_code_conformance", "content_type_conformance")
SCHEMA = ("response_schema_conformance", "response_headers_conformance")


@pytest.mark.slow
def test_schemathesis_finds_nothing(engine: Engine, api_headers: dict[str, str]) -> None:
    app = create_app(
        Settings(emotion_model="lexicon", auth="on", session_secret="s" * 32), engine=engine
    )
    # generous deadlines: this shared CI machine can be slow (as tests/api/test_contacts.py)
    app.state.live_desk = LiveDesk(
        engine, app.state.settings, config=LiveConfig(store_timeout_s=5.0, emotion_timeout_s=5.0)
    )
    try:
        found = walk(app, api_headers)
    finally:
        desk = getattr(app.state, "live_desk", None)
        if desk is not None:
            desk.close()
    print(
        f"\nschemathesis on {engine.dialect.name}: {len(found.operations)} operations, "
        f"{found.requests} requests {dict(found.by_phase)} in {found.seconds:.0f} s "
        f"({found.stop_reason}); server errors {found.count(*SERVER) + len(found.errors)}, "
        f"undocumented "
        f"{found.count(*UNDOCUMENTED)}, schema violations {found.count(*SCHEMA)}, "
        f"all failures {dict(found.failures)}"
    )
    assert found.operations and found.requests > 10 * len(found.operations)
    assert not found.errors, "\n".join(sorted(set(found.errors)))
    report = "\n".join(
        f"{name} ({n}):\n  " + "\n  ".join(sorted(set(found.examples[name]))[:10])
        for name, n in found.failures.items()
    )
    assert not found.failures, report

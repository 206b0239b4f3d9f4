"""``POST /ingest/{kind}``: batches of records through the same listen path as a file.

Why: until now the only way in was a file on the server's disk. A system that produces
interactions, customers or outcomes as it goes posts them here in batches -- a JSON
array (or ``{"records": [...]}``) or JSONL -- and each batch takes the path every import
takes (:func:`empathos.listen.ingest.ingest_records`): the same validation, the same
conflict policy, the same idempotency by source id (a record already stored counts
``unchanged`` and is not written again).

- **Per-record errors**: a bad record never drops the good ones; the answer lists each
  reject with its ``index`` (0-based position in the batch; JSONL bodies also give the
  ``line``), the ``field`` and the ``reason``.
- **Idempotency-Key**: a retried request with the same header is answered the first
  answer (stored in ``ingest_requests``, header ``Idempotent-Replayed: true``) and stores
  nothing new; the same key with another body (or kind, or policy) is a 422.
- **Size limit**: a body larger than ``Settings.ingest_api_max_bytes`` is a 413, refused
  before anything is parsed or stored (checked on ``Content-Length`` and while reading).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, Literal

import orjson
from fastapi import APIRouter, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from starlette.concurrency import run_in_threadpool

from empathos.listen.errors import IngestError, RecordError
from empathos.store import schema
from empathos.web.tenancy import store_engine

router = APIRouter(tags=["ingest"])

Kind = Literal[
    "interactions", "turns", "customers", "employees", "pods", "outcomes", "transactions"
]
JSONL_TYPES = ("application/x-ndjson", "application/jsonl", "application/x-jsonlines")
REPLAYED = "Idempotent-Replayed"
MAX_KEY = 255


class RecordReject(BaseModel):
    """One record of the batch that was not stored, and why."""

    index: int = Field(description="0-based position of the record in the batch")
    line: int | None = Field(None, description="line of a JSONL body (1-based)")
    field: str = Field(description="the offending field (dotted for nested: turns[2].speaker)")
    reason: str = Field(description="why the record was refused")
    record: str = Field("", description="the record's first characters, as received")


class IngestAnswer(BaseModel):
    """What a batch did: counts as ``empathos ingest`` prints them, and every reject."""

    kind: str
    received: int = Field(description="records in the body")
    accepted: int = Field(description="new + unchanged + updated + skipped")
    rejected: int = Field(description="records refused (conflicts included)")
    new: int
    unchanged: int = Field(description="already stored with the same content: not written")
    updated: int
    skipped: int
    conflicts: int
    turns_stored: int
    on_conflict: str
    idempotency_key: str | None = None
    errors: list[RecordReject]


_BODY_DOC = {
    "requestBody": {
        "required": True,
        "description": (
            "A JSON array of records (or an object with a `records` array), or JSONL "
            "(`application/x-ndjson`): one record per line, in the fields of the kind's "
            "file format (docs/formats.md)."
        ),
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "application/x-ndjson": {"schema": {"type": "string"}},
        },
    }
}


@router.post(
    "/ingest/{kind}",
    summary="Post a batch of records (JSON or JSONL) through the listen path",
    response_model=IngestAnswer,
    openapi_extra=_BODY_DOC,
    responses={
        413: {"description": "body larger than Settings.ingest_api_max_bytes; nothing stored"},
        415: {"description": "content type neither JSON nor JSONL"},
        422: {"description": "body not a JSON array / JSONL, or Idempotency-Key reused"},
        503: {"description": "the store failed; nothing of the failed batch is stored"},
    },
)
async def ingest(
    request: Request,
    kind: Kind,
    on_conflict: Literal["reject", "update", "skip"] = Query(
        "reject",
        description="a record whose id is stored with other content: reject it, update the "
        "stored fields it carries, or skip it",
    ),
    idempotency_key: str | None = Header(
        None,
        max_length=MAX_KEY,
        description="a retry with the same key is answered the first answer, storing nothing",
    ),
) -> Any:
    settings = request.app.state.settings
    engine: Engine = store_engine(request)
    body = await _read_body(request, settings.ingest_api_max_bytes)
    jsonl = _is_jsonl(request.headers.get("content-type", "application/json"))
    digest = hashlib.sha256(f"{kind}\n{on_conflict}\n".encode() + body).hexdigest()
    if idempotency_key is not None:
        stored = await run_in_threadpool(_stored_answer, engine, idempotency_key, digest)
        if stored is not None:
            return stored
    records, lines = _records(body, jsonl)
    try:
        answer = await run_in_threadpool(
            _ingest, engine, settings, kind, on_conflict, records, lines, idempotency_key
        )
    except IngestError as exc:
        raise HTTPException(status_code=503, detail=str(exc)) from None
    except SQLAlchemyError as exc:  # the run's bookkeeping, before any batch
        raise HTTPException(
            status_code=503, detail=f"the store failed: {exc.__class__.__name__}"
        ) from None
    if idempotency_key is None:
        return answer
    return await run_in_threadpool(_remember, engine, idempotency_key, kind, digest, answer)


async def _read_body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise _too_large(int(declared), limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(size, limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(size: int, limit: int) -> HTTPException:
    return HTTPException(
        status_code=413,
        detail=f"body of {size:,}+ bytes is larger than the limit of {limit:,} bytes "
        "(Settings.ingest_api_max_bytes); post smaller batches",
    )


def _is_jsonl(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    if media in JSONL_TYPES:
        return True
    if media in ("application/json", "") or media.endswith("+json"):
        return False
    raise HTTPException(
        status_code=415,
        detail=f"content type {media!r}: send application/json or application/x-ndjson",
    )


def _body_error(message: str) -> HTTPException:
    return HTTPException(
        status_code=422, detail=[{"loc": ["body"], "msg": message, "type": "value_error"}]
    )


def _records(body: bytes, jsonl: bool) -> tuple[list[tuple[int, Any]], list[int] | None]:
    """``(number, record)`` pairs numbered from 1 (the listen path's line), and for JSONL
    the physical line of each. A JSON element is re-serialised, so the size and nesting
    limits of a file's line apply to it as well."""
    if jsonl:
        out, lines = [], []
        for line_no, raw in enumerate(body.split(b"\n"), start=1):
            if raw.strip():
                out.append((len(out) + 1, raw))
                lines.append(line_no)
        return out, lines
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise _body_error(f"not valid JSON: {exc}") from None
    if isinstance(value, dict) and isinstance(value.get("records"), list):
        value = value["records"]
    if not isinstance(value, list):
        raise _body_error("must be a JSON array of records, or an object with a 'records' array")
    records: list[tuple[int, Any]] = []
    for n, element in enumerate(value, start=1):
        if isinstance(element, dict):
            records.append((n, orjson.dumps(element)))
        else:
            records.append((n, RecordError("(record)", "must be a JSON object")))
    return records, None


def _ingest(
    engine: Engine,
    settings: Any,
    kind: str,
    on_conflict: str,
    records: list[tuple[int, Any]],
    lines: list[int] | None,
    key: str | None,
) -> dict[str, Any]:
    from empathos.listen.ingest import ingest_records

    report, rejects = ingest_records(
        records,
        engine,
        kind=kind,
        label=f"api:/ingest/{kind}",
        on_conflict=on_conflict,
        settings=settings,
    )
    errors = [
        RecordReject(
            index=r.line - 1,
            line=lines[r.line - 1] if lines and 0 < r.line <= len(lines) else None,
            field=r.field,
            reason=r.error,
            record=r.record[:500],
        )
        for r in sorted(rejects, key=lambda r: r.line)
    ]
    return IngestAnswer(
        kind=kind,
        received=report.records_read,
        accepted=report.records_accepted,
        rejected=report.records_rejected,
        new=report.new,
        unchanged=report.unchanged,
        updated=report.updated,
        skipped=report.skipped,
        conflicts=report.conflicts,
        turns_stored=report.turns_stored,
        on_conflict=on_conflict,
        idempotency_key=key,
        errors=errors,
    ).model_dump()


def _stored_answer(engine: Engine, key: str, digest: str) -> JSONResponse | None:
    t = schema.ingest_requests
    with engine.connect() as conn:
        row = conn.execute(
            select(t.c.body_sha256, t.c.status_code, t.c.response).where(t.c.key == key)
        ).first()
    if row is None:
        return None
    if row.body_sha256 != digest:
        raise HTTPException(
            status_code=422,
            detail=[
                {
                    "loc": ["header", "Idempotency-Key"],
                    "msg": "Idempotency-Key was already used for another request (body, "
                    "kind or on_conflict differ); use a new key for a new batch",
                    "type": "value_error",
                }
            ],
        )
    return JSONResponse(row.response, status_code=row.status_code, headers={REPLAYED: "true"})


def _remember(engine: Engine, key: str, kind: str, digest: str, answer: dict[str, Any]) -> Any:
    """Store the answer under ``key``; a concurrent request with the same key that stored
    first wins, and its answer is returned (the records were idempotent anyway)."""
    try:
        with engine.begin() as conn:
            conn.execute(
                insert(schema.ingest_requests).values(
                    key=key,
                    kind=kind,
                    body_sha256=digest,
                    status_code=200,
                    response=answer,
                    created_at=datetime.now(),
                )
            )
    except IntegrityError:
        stored = _stored_answer(engine, key, digest)
        if stored is not None:
            return stored
    except SQLAlchemyError as exc:
        raise HTTPException(
            status_code=503,
            detail="the batch is stored but its Idempotency-Key could not be: "
            f"{exc.__class__.__name__} (a retry with the same key stores nothing new: "
            "its records count unchanged)",
        ) from None
    return answer

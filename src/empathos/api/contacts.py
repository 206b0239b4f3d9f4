"""Live contacts: route a new contact, post its turns, read its assist card and decisions,
and follow it on a WebSocket that pushes the card and lead changes on every turn.

All endpoints are thin wrappers over :class:`empathos.act.live.LiveDesk`, which lives on
``app.state.live_desks`` (created on first use, one per tenant). Responses are serialised
with orjson straight from the desk's dicts (the response models document their shape in
the OpenAPI schema; skipping pydantic's re-validation keeps the hot path short — the
routing budget is 5 ms at p99).
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Annotated, Any, Literal

from fastapi import (
    APIRouter,
    Depends,
    HTTPException,
    Query,
    Request,
    WebSocket,
    WebSocketDisconnect,
)
from fastapi.responses import Response
from starlette.requests import HTTPConnection
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from empathos.act.live import EmotionRead
from empathos.act.scoring import MemberScore
from empathos.api._ids import normalised_id, optional_id
from empathos.api._models import public_model
from empathos.listen.errors import RecordError
from empathos.api.edges import bounded_text
from empathos.api.partition import stream_to_owner, to_owner
from empathos.listen.api_text import NON_BLANK_TEXT, JsonSchema, id_schema
from empathos.listen.parse import CHANNEL_ALIASES, CHANNELS, StorableStr, channel_of
from empathos.store.tenants import DEFAULT_TENANT
from empathos.web.tenancy import engine_for, tenant_of

#: A request text: storable, and at most ``Settings.max_text_chars`` long (else 422).
BoundedStr = Annotated[StorableStr, AfterValidator(bounded_text)]

router = APIRouter(tags=["contacts"])
#: On every live-desk route: with several desk processes, a request for a tenant another
#: process owns is handed to that process (api/partition.py); nothing in one process.
OWNER = [Depends(to_owner)]
log = logging.getLogger(__name__)


class _JSON(Response):
    """orjson bytes straight from the desk's dicts (datetimes included), no re-validation."""

    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        import orjson

        return orjson.dumps(content, option=orjson.OPT_NON_STR_KEYS)


_desk_lock = threading.Lock()


def get_desk(app: Any, tenant: str = DEFAULT_TENANT) -> Any:
    """The live desk of ``tenant`` on this app, built on first use (so creating an app
    stays cheap): one per tenant, each on its tenant's store (``app.state.live_desks``;
    the default tenant's is also ``app.state.live_desk``). ``Settings.live_writer =
    "process"`` (what ``empathos serve`` uses) puts its store writer in a child process."""
    if tenant == DEFAULT_TENANT and getattr(app.state, "live_desk", None) is not None:
        return app.state.live_desk  # also a desk a test or benchmark set itself
    desk = (getattr(app.state, "live_desks", None) or {}).get(tenant)
    if desk is None:
        with _desk_lock:
            if getattr(app.state, "live_desks", None) is None:
                app.state.live_desks = {}
            desk = app.state.live_desks.get(tenant)
            if desk is None:
                from empathos.act.live import LiveDesk
                from empathos.act.live.config import LiveConfig

                settings = app.state.settings
                desk = LiveDesk(
                    engine_for(app, tenant),
                    _tenant_settings(settings, tenant),
                    config=LiveConfig(
                        store_timeout_s=settings.live_store_timeout_s,
                        emotion_timeout_s=settings.live_emotion_timeout_s,
                    ),
                    writer=settings.live_writer,
                )
                app.state.live_desks[tenant] = desk
                if tenant == DEFAULT_TENANT:
                    app.state.live_desk = desk
    return desk


def _tenant_settings(settings: Any, tenant: str) -> Any:
    """The settings of ``tenant``'s desk: its write-ahead journal in a folder of its own
    (``<live_journal_dir>/tenants/<slug>``; the default tenant keeps the folder itself), as
    a journal is locked by one desk — two tenants' desks, in one process or in two desk
    processes (api/partition.py), would otherwise refuse each other's."""
    base = settings.live_journal_dir
    if base is None or tenant == DEFAULT_TENANT:
        return settings
    return settings.model_copy(update={"live_journal_dir": base / "tenants" / tenant})


def request_desk(conn: HTTPConnection) -> Any:
    """The live desk of the request's tenant."""
    return get_desk(conn.app, tenant_of(conn))


# ---------------------------------------------------------------------------- models

#: The channel spellings the import reads (canonical names and aliases), for the spec.
CHANNEL_SPELLINGS = sorted(CHANNELS | set(CHANNEL_ALIASES))


class OpenContact(BaseModel):
    """A new contact: who, where, and the customer's first message. Text fields follow the
    store's rule (no NUL, no lone surrogate): one the store would refuse answers 422."""

    customer_id: Annotated[StorableStr, id_schema()] = Field(examples=["c-000123"])
    channel: Annotated[StorableStr, JsonSchema(enum=CHANNEL_SPELLINGS)] = Field(
        default="chat", examples=["chat", "voice", "email", "self_service"]
    )
    text: Annotated[StorableStr, NON_BLANK_TEXT, AfterValidator(bounded_text)] = Field(
        description="The customer's first message.", examples=["My invoice is 40 EUR too high."]
    )
    language: BoundedStr | None = Field(
        default=None, description="The customer's language; default: their record's."
    )
    need: BoundedStr | None = Field(
        default=None, description="Known need (e.g. from an IVR menu); default: detected."
    )
    contact_id: Annotated[StorableStr, id_schema()] | None = Field(
        default=None, description="Your id for the contact; default: generated."
    )

    @field_validator("channel")
    @classmethod
    def _known_channel(cls, value: str) -> str:
        """The import's channels and aliases (``listen.parse.channel_of``): a contact on
        ``fax`` would be a channel no stage, page or filter knows."""
        try:
            return channel_of(value)
        except RecordError:
            raise ValueError(
                f"{value!r} is not a channel; use one of {', '.join(sorted(CHANNELS))}"
            ) from None

    @field_validator("text")
    @classmethod
    def _has_text(cls, value: str) -> str:
        return _non_blank(value)


def _non_blank(value: str) -> str:
    """An empty or all-blank message carries nothing to read an emotion or need from."""
    if not value.strip():
        raise ValueError("must not be empty")
    return value


class TurnIn(BaseModel):
    """One turn of a live contact."""

    speaker: Literal["customer", "employee", "bot"]
    text: Annotated[StorableStr, NON_BLANK_TEXT, AfterValidator(bounded_text)]

    @field_validator("text")
    @classmethod
    def _has_text(cls, value: str) -> str:
        return _non_blank(value)


# The emotion read and a member's score are the library's dataclasses; the score's
# ``idle_since`` (the tie-break clock of the router) is not part of the decision's JSON.
EmotionOut = EmotionRead
MemberScoreOut = public_model(MemberScore, exclude=("idle_since",))


class DecisionOut(BaseModel):
    """A routing decision (``kind=open``) or a lead re-evaluation (``kind=turn``)."""

    model_config = ConfigDict(extra="allow")
    contact_id: str
    seq: int
    kind: str
    at: str
    policy: str
    to_automation: bool
    pod_id: str | None
    employee_id: str | None
    rule: str | None
    reason: str
    fell_back: bool
    fallback_reason: str | None
    latency_ms: float | None
    member_scores: dict[str, float] | None = Field(
        default=None, description="Every member's score (higher = better), as decided."
    )
    scores: list[MemberScoreOut] | None = Field(
        default=None,
        description="Every member's score with its parts and reason (in the audit view "
        "GET /contacts/{id}/decisions; built off the hot path).",
    )
    inputs: dict[str, Any] | None = None
    need: str | None = None
    mood: str | None = None
    language: str | None = None
    emotion: EmotionOut | None = None


class CardSection(BaseModel):
    model_config = ConfigDict(extra="allow")
    title: str
    lines: list[str]


class CardOut(BaseModel):
    """The assist card in the employee's language (``lines``) with the figures behind it."""

    model_config = ConfigDict(extra="allow")
    language: str
    language_fell_back: bool
    contact_id: str
    customer_id: str
    lead_id: str | None
    historical: CardSection
    contextual: CardSection
    predictive: CardSection
    ending: CardSection
    handoff_summary: CardSection | None = Field(
        default=None,
        description="When a bot or another employee handed the contact over: the extractive "
        "summary (need, tried, customer now, open promises), each line quoting its turns.",
    )


class LeadChangeOut(BaseModel):
    contact_id: str
    seq: int
    at: str
    from_id: str | None
    to_id: str | None
    trigger: list[str]
    reason: str
    note_language: str
    note: str


class TurnOut(BaseModel):
    """What one turn changed: its emotion, the need and mood now, the lead, the new card."""

    model_config = ConfigDict(extra="allow")
    type: str
    contact_id: str
    seq: int
    speaker: str
    emotion: EmotionOut | None
    need: str
    mood: str
    lead_id: str | None
    lead_change: LeadChangeOut | None = None
    fell_back: bool | None = None
    fallback_reason: str | None = None
    card: CardOut


class ClosedOut(BaseModel):
    contact_id: str
    status: str
    lead_id: str | None
    handovers: int
    turns: int


# ---------------------------------------------------------------------------- endpoints


def _not_found(exc: Exception) -> HTTPException:
    return HTTPException(
        status_code=404, detail=f"no live contact {exc.args[0] if exc.args else ''}"
    )


async def _call(desk: Any, inline: bool, fn: Any, *args: Any) -> Any:
    """Run a desk call inline on the event loop when it needs nothing but memory (measured:
    the hop to a worker thread and back cost more than the decision itself on a busy
    machine), else in a worker thread so a store read or model call never blocks the loop."""
    if inline:
        return fn(*args)
    return await asyncio.to_thread(fn, *args)


@router.post(
    "/contacts",
    summary="Route a new contact",
    response_model=DecisionOut,
    status_code=201,
    dependencies=OWNER,
)
async def open_contact(body: OpenContact, request: Request) -> _JSON:
    """Triage (bot or person), pod and lead for a new contact from its first message and
    the customer's record; the decision with every member's score and the reason."""
    customer_id = normalised_id(body.customer_id, "customer_id")
    contact_id = optional_id(body.contact_id, "contact_id")
    from empathos.act.live import UnknownCustomer

    desk = request_desk(request)
    inline = desk.answers_from_memory(customer_id, body.text, body.language)
    try:
        out = await _call(
            desk,
            inline,
            desk.open_contact,
            customer_id,
            body.channel,
            body.text,
            body.language,
            body.need,
            contact_id,
            True,
        )
    except UnknownCustomer:
        raise HTTPException(
            status_code=422,
            detail=[
                {
                    "loc": ["body", "customer_id"],
                    "msg": f"no customer {customer_id!r} in the store (import the customer "
                    "first: empathos ingest, or the ingest API)",
                    "type": "value_error.unknown_customer",
                }
            ],
        ) from None
    except ValueError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None
    return _JSON(out, status_code=201)


@router.post(
    "/contacts/{contact_id}/turns",
    summary="Add a turn to a live contact",
    response_model=TurnOut,
    dependencies=OWNER,
)
async def add_turn(contact_id: str, body: TurnIn, request: Request) -> _JSON:
    """Record a turn; a customer turn is read for emotion and need, and the lead is
    re-decided (hysteresis, handover limits). Returns the new card."""
    from empathos.act.live import UnknownContact

    desk = request_desk(request)
    text = body.text if body.speaker == "customer" else None
    inline = desk.answers_from_memory(None, text, contact_id=contact_id)
    try:
        return _JSON(await _call(desk, inline, desk.add_turn, contact_id, body.speaker, body.text))
    except UnknownContact as exc:
        raise _not_found(exc) from None
    except ValueError as exc:
        raise HTTPException(status_code=409, detail=str(exc)) from None


@router.get(
    "/contacts/{contact_id}/card",
    summary="The assist card of a live contact",
    response_model=CardOut,
    dependencies=OWNER,
)
def card(
    contact_id: str,
    request: Request,
    lang: str | None = Query(
        default=None, description="Card language (en, de); default: the lead's setting."
    ),
) -> _JSON:
    """Historical, contextual, predictive and ending-well sections in the employee's language."""
    from empathos.act.live import UnknownContact

    try:
        return _JSON(request_desk(request).card(contact_id, lang))
    except UnknownContact as exc:
        raise _not_found(exc) from None


@router.get(
    "/contacts/{contact_id}/decisions",
    summary="Every decision on a contact, with inputs",
    response_model=list[DecisionOut],
    dependencies=OWNER,
)
def decisions(contact_id: str, request: Request) -> _JSON:
    """The opening route and each lead re-evaluation: inputs, every member's score, the
    rule and reason, and whether it fell back (the supervisor's audit view)."""
    from empathos.act.live import UnknownContact

    try:
        return _JSON(request_desk(request).decisions(contact_id))
    except UnknownContact as exc:
        raise _not_found(exc) from None


@router.post(
    "/contacts/{contact_id}/close",
    summary="End a live contact",
    response_model=ClosedOut,
    dependencies=OWNER,
)
def close(contact_id: str, request: Request) -> _JSON:
    """Close the contact and free its lead's capacity."""
    from empathos.act.live import UnknownContact

    try:
        return _JSON(request_desk(request).close_contact(contact_id))
    except UnknownContact as exc:
        raise _not_found(exc) from None


@router.get(
    "/live/health",
    summary="Live desk status: breakers, caches, write queue",
    dependencies=OWNER,
)
def live_health(request: Request) -> dict[str, Any]:
    """Whether the emotion model and the store are healthy, cache hit counts, pending writes.
    Error fields name the error's class only (``OperationalError``); the SQL and driver
    text are in the server's log, not in an answer anyone reaching the port can read."""
    return _short_errors(request_desk(request).health())


_ERROR_KEYS = ("last_error", "write_error", "why", "pod_state")


def _short_errors(value: Any, key: str = "") -> Any:
    """Error strings cut to their first part: ``OperationalError: (sqlite3...) SELECT ...``
    answers ``OperationalError``; a "timeout > 20 ms" or "ok" stays as it is."""
    if isinstance(value, dict):
        return {k: _short_errors(v, k) for k, v in value.items()}
    if key in _ERROR_KEYS and isinstance(value, str):
        return value.split(":", 1)[0].split("(", 1)[0].strip()[:80]
    return value


@router.websocket("/contacts/{contact_id}/stream")
async def stream(websocket: WebSocket, contact_id: str) -> None:
    """Push ``{"type": "card"}`` on connect, then ``{"type": "turn", …, "card": …}`` after
    every turn and ``{"type": "lead_change", …}`` on every handover. A client may also send
    turns here as ``{"speaker": "customer", "text": "…"}``."""
    from empathos.act.live import UnknownContact

    if await stream_to_owner(websocket):  # relayed to the tenant's desk process
        return
    desk = request_desk(websocket)
    await websocket.accept()
    try:
        first = await asyncio.to_thread(desk.card, contact_id)
    except UnknownContact:
        await websocket.close(code=4404, reason="no such contact")
        return
    loop = asyncio.get_running_loop()
    events: asyncio.Queue = asyncio.Queue()
    unsubscribe = desk.subscribe(
        contact_id, lambda e: loop.call_soon_threadsafe(events.put_nowait, e)
    )
    await websocket.send_json({"type": "card", "contact_id": contact_id, "card": first})

    async def pump() -> None:
        while True:
            await websocket.send_json(await events.get())

    sender = asyncio.create_task(pump())
    try:
        while True:
            error = await _ws_turn(desk, contact_id, await websocket.receive())
            if error is not None:
                await events.put({"type": "error", "contact_id": contact_id, **error})
    except WebSocketDisconnect:
        pass
    finally:
        unsubscribe()
        sender.cancel()


async def _ws_turn(desk: Any, contact_id: str, message: dict[str, Any]) -> dict[str, Any] | None:
    """Apply one client frame as a turn; the error to send back (``detail``, and ``errors``
    naming the fields as a 422 would) when the frame is not JSON, not a turn, or the desk
    refuses it — the connection stays open either way. A disconnect ends the loop."""
    import orjson
    from pydantic import ValidationError

    from empathos.act.live import UnknownContact

    if message.get("type") == "websocket.disconnect":
        raise WebSocketDisconnect(message.get("code", 1000))
    raw = message.get("text")
    if raw is None:
        raw = message.get("bytes") or b""
    try:
        payload = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return {"detail": f"the frame is not JSON ({exc})"[:300], "errors": []}
    try:
        turn = TurnIn.model_validate(payload)
    except ValidationError as exc:
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "(frame)" for e in errors)
        return {"detail": f"not a turn: {fields}", "errors": errors}
    try:
        await asyncio.to_thread(desk.add_turn, contact_id, turn.speaker, turn.text)
    except (UnknownContact, ValueError) as exc:
        return {"detail": str(exc)[:300], "errors": []}
    except Exception as exc:  # noqa: BLE001 - report to the client, keep the stream
        log.exception("stream turn on %s failed", contact_id)  # details in the log only
        return {"detail": f"the turn failed ({type(exc).__name__})", "errors": []}
    return None

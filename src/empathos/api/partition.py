"""The live desk in several processes: which process owns a tenant, and the hand-off to it.

``empathos serve --desk-processes N`` (:mod:`empathos.api.processes`) runs N copies of
the app that accept on one shared TCP socket (one address for clients; the kernel hands
each new connection to one of them). The partition key is the **tenant**: process
``owner_of(tenant, N)`` holds that tenant's :class:`~empathos.act.live.LiveDesk` — its
open contacts, the members' loads, the queue — and no other process ever builds one.
A live-desk request (``/contacts…``, ``/live/health``) reaching a process that does not
own its tenant is authenticated there (the tenant comes from the credential), then
forwarded unchanged — method, path, headers, body — over a kept-alive connection on the
owner's unix socket; the owner authenticates it again and serves it, and its answer goes
back byte for byte. Every other route (pages, pods, import, assess) reads the store and is
served by whichever process accepted it.

Why the tenant and not the pod: a decision reads *every* pod of its tenant (the empathy
policy overflows outside the owner pod when nobody there is free; ``fifo`` takes the
longest-idle free member of any pod), so splitting one tenant's pods over processes would
change decisions; a tenant's state is self-contained, so a tenant-partitioned desk takes
exactly the decisions one process would (tests/api/test_partition.py checks it).

When the owner is down (its socket refuses), the request answers **503** naming the
process and saying its tenants are unavailable until it is back — it is never served by
another process, whose desk would not know the tenant's open contacts or loads.
"""

from __future__ import annotations

import asyncio
import logging
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse, Response

log = logging.getLogger(__name__)

#: Set on a forwarded request: a process receiving it for a tenant it does not own answers
#: 503 instead of forwarding again (a hand-off is one hop, never a loop).
HOP_HEADER = b"x-empathos-desk-hop"
#: On an answer handed back from another process: the index of the process that served it.
PROCESS_HEADER = b"x-empathos-desk-process"
#: Request headers not passed on (hop-by-hop, or re-set by the hand-off).
_DROP_REQUEST = {b"connection", b"keep-alive", b"content-length", b"transfer-encoding", HOP_HEADER}
#: Response headers not passed back (the entry process's server sets its own).
_DROP_RESPONSE = {b"connection", b"keep-alive", b"content-length", b"transfer-encoding", b"date"}
#: Kept-alive connections per owner socket (more wait for one to come back).
POOL_SIZE = 16
#: A pooled connection idle longer is dropped, not reused: the owner's server closes idle
#: ones after 5 s (``timeout_keep_alive``), and a POST is never retried on a closed one.
IDLE_S = 2.0
#: The longest a hand-off waits for the owner's answer (a first call may load a model).
FORWARD_TIMEOUT_S = 60.0


def owner_of(tenant: str, processes: int) -> int:
    """The index of the process owning ``tenant``: CRC-32 of the slug modulo ``processes``
    (stable across processes and runs, unlike Python's salted ``hash``)."""
    return zlib.crc32(tenant.encode("utf-8")) % processes if processes > 1 else 0


class OwnerDown(Exception):
    """The owner process of a tenant did not answer on its socket."""


@dataclass
class Partition:
    """This process's place among the desk processes: its ``index`` and every process's
    unix socket (``sockets[i]`` is process ``i``'s)."""

    index: int
    sockets: list[Path]
    _pools: dict[int, asyncio.Queue] = field(default_factory=dict, repr=False)
    _open: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def processes(self) -> int:
        return len(self.sockets)

    def owner(self, tenant: str) -> int:
        return owner_of(tenant, self.processes)

    def owns(self, tenant: str) -> bool:
        return self.owner(tenant) == self.index

    # -------------------------------------------------------------- the connection pool

    async def _connection(self, owner: int) -> tuple[Any, Any, bool]:
        """(reader, writer, reused): a pooled connection idle under :data:`IDLE_S`, else
        a new one (at most :data:`POOL_SIZE` per owner; more wait for one)."""
        pool = self._pools.setdefault(owner, asyncio.Queue())
        now = time.monotonic()
        while not pool.empty():
            reader, writer, at = pool.get_nowait()
            if now - at < IDLE_S and not writer.is_closing() and not reader.at_eof():
                return reader, writer, True
            self._open[owner] -= 1
            writer.close()
        if self._open.get(owner, 0) >= POOL_SIZE:
            reader, writer, _at = await pool.get()
            return reader, writer, True
        try:
            reader, writer = await asyncio.open_unix_connection(str(self.sockets[owner]))
        except OSError as exc:
            raise OwnerDown(f"{type(exc).__name__}: {exc.strerror or exc}") from None
        self._open[owner] = self._open.get(owner, 0) + 1
        return reader, writer, False

    def _release(self, owner: int, reader: Any, writer: Any, keep: bool) -> None:
        if keep:
            self._pools[owner].put_nowait((reader, writer, time.monotonic()))
        else:
            self._open[owner] -= 1
            writer.close()

    async def forward(
        self,
        owner: int,
        method: str,
        target: bytes,
        headers: list[tuple[bytes, bytes]],
        body: bytes,
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """One HTTP/1.1 exchange with process ``owner``; (status, headers, body).

        A lost connection is :class:`OwnerDown`, except that a *reused* connection lost
        on a GET is retried once on a fresh one (a POST is not: the owner may have
        applied it before it died, and a second try could open the contact twice)."""
        head = [f"{method} ".encode() + target + b" HTTP/1.1"]
        head += [k + b": " + v for k, v in headers if k.lower() not in _DROP_REQUEST]
        head += [HOP_HEADER + b": 1", b"content-length: " + str(len(body)).encode()]
        raw = b"\r\n".join(head) + b"\r\n\r\n" + body
        for attempt in (0, 1):
            reader, writer, reused = await self._connection(owner)
            try:
                writer.write(raw)
                await writer.drain()
                status, out_headers, out_body, keep = await asyncio.wait_for(
                    _read_response(reader), FORWARD_TIMEOUT_S
                )
            except (ConnectionError, asyncio.IncompleteReadError, TimeoutError) as exc:
                self._release(owner, reader, writer, keep=False)
                if attempt == 0 and reused and method in ("GET", "HEAD"):
                    continue
                why = (
                    f"no answer in {FORWARD_TIMEOUT_S:g} s"
                    if isinstance(exc, TimeoutError)
                    else f"connection lost: {type(exc).__name__}"
                )
                raise OwnerDown(why) from None
            except BaseException:
                self._release(owner, reader, writer, keep=False)
                raise
            self._release(owner, reader, writer, keep)
            return status, out_headers, out_body
        raise AssertionError("unreachable")


async def _read_response(
    reader: asyncio.StreamReader,
) -> tuple[int, list[tuple[bytes, bytes]], bytes, bool]:
    """Status, headers, body and whether the connection may be reused (content-length
    or chunked bodies: what uvicorn sends)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head[:-4].split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers: list[tuple[bytes, bytes]] = []
    length, chunked, keep = None, False, True
    for line in lines[1:]:
        k, _, v = line.partition(b":")
        k, v = k.strip().lower(), v.strip()
        if k == b"content-length":
            length = int(v)
        elif k == b"transfer-encoding" and b"chunked" in v.lower():
            chunked = True
        elif k == b"connection" and v.lower() == b"close":
            keep = False
        if k not in _DROP_RESPONSE:
            headers.append((k, v))
    if chunked:
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        body = b"".join(parts)
    elif length is not None:
        body = await reader.readexactly(length)
    else:  # no length: the body ends with the connection
        body, keep = await reader.read(), False
    return status, headers, body, keep


# ------------------------------------------------------------------ in the app


class Forwarded(Exception):
    """Raised by :func:`to_owner` with the answer to send instead of the route's own."""

    def __init__(self, response: Response) -> None:
        self.response = response


def install(app: Any, partition: Partition) -> None:
    """Make ``app`` one of the desk processes (before it starts serving)."""
    app.state.partition = partition
    app.add_exception_handler(Forwarded, _forwarded)


async def _forwarded(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Forwarded)
    return exc.response


def partition_of(app: Any) -> Partition | None:
    return getattr(app.state, "partition", None)


def owns(app: Any, tenant: str) -> bool:
    """Whether this process serves ``tenant``'s live desk (always, in one process)."""
    p = partition_of(app)
    return p is None or p.owns(tenant)


def down(owner: int, tenant: str, why: str) -> JSONResponse:
    """The answer while a tenant's owner process is down: 503, never another desk."""
    log.error("desk process %d (owner of tenant %r) is not answering: %s", owner, tenant, why)
    return JSONResponse(
        status_code=503,
        content={
            "detail": f"the live desk of tenant {tenant!r} runs in desk process {owner}, "
            f"which is not answering ({why}); its contacts are unavailable until it is "
            "back (the server restarts it). No other process serves them."
        },
        headers={"Retry-After": "2"},
    )


async def to_owner(request: Request) -> None:
    """The live-desk routes' dependency (after ``authorize``, which set the tenant):
    nothing in the owner process; elsewhere the request is handed to the owner and its
    answer raised as :class:`Forwarded`."""
    p = partition_of(request.app)
    if p is None:
        return
    from empathos.web.tenancy import tenant_of

    tenant = tenant_of(request)
    owner = p.owner(tenant)
    if owner == p.index:
        return
    if any(k == HOP_HEADER for k, _ in request.scope["headers"]):
        raise Forwarded(
            JSONResponse(
                status_code=503,
                content={
                    "detail": f"desk process {p.index} got a hand-off for tenant "
                    f"{tenant!r}, which process {owner} owns (the processes disagree)"
                },
            )
        )
    body = await request.body()
    target = request.scope.get("raw_path") or request.scope["path"].encode()
    if request.scope.get("query_string"):
        target += b"?" + request.scope["query_string"]
    try:
        status, headers, out = await p.forward(
            owner, request.method, target, list(request.scope["headers"]), body
        )
    except OwnerDown as exc:
        raise Forwarded(down(owner, tenant, str(exc))) from None
    resp = Response(content=out, status_code=status)
    resp.raw_headers = [
        *headers,
        (b"content-length", str(len(out)).encode()),
        (PROCESS_HEADER, str(owner).encode()),
    ]
    raise Forwarded(resp)


async def stream_to_owner(websocket: Any) -> bool:
    """For the WebSocket route: False in the owner process (serve it here); elsewhere relay
    the stream to the owner's socket both ways until either side closes, and True."""
    p = partition_of(websocket.app)
    if p is None:
        return False
    from empathos.web.tenancy import tenant_of

    tenant = tenant_of(websocket)
    owner = p.owner(tenant)
    if owner == p.index:
        return False
    import websockets
    from websockets.asyncio.client import unix_connect

    target = websocket.scope.get("raw_path") or websocket.scope["path"].encode()
    if websocket.scope.get("query_string"):
        target += b"?" + websocket.scope["query_string"]
    skip = {
        b"host",
        b"upgrade",
        b"connection",
        b"origin",
        b"sec-websocket-key",
        b"sec-websocket-version",
        b"sec-websocket-extensions",
        b"sec-websocket-protocol",
    }
    headers = [
        (k.decode("latin-1"), v.decode("latin-1"))
        for k, v in websocket.scope["headers"]
        if k not in skip and k != HOP_HEADER
    ] + [(HOP_HEADER.decode(), "1")]
    host = next(
        (v.decode("latin-1") for k, v in websocket.scope["headers"] if k == b"host"), "localhost"
    )
    try:
        upstream = await unix_connect(
            str(p.sockets[owner]),
            f"ws://{host}" + target.decode("latin-1"),  # the client's Host (Edges checks it)
            additional_headers=headers,
        )
    except (OSError, websockets.exceptions.InvalidHandshake) as exc:
        log.error("desk process %d (owner of tenant %r) refused a stream: %s", owner, tenant, exc)
        await websocket.close(code=1013, reason=f"desk process {owner} is not answering")
        return True
    await websocket.accept(headers=[(PROCESS_HEADER, str(owner).encode())])

    async def down_stream() -> None:
        async for message in upstream:
            if isinstance(message, bytes):
                await websocket.send_bytes(message)
            else:
                await websocket.send_text(message)
        code = upstream.close_code or 1000
        await websocket.close(code=code if code != 1006 else 1011)

    async def up_stream() -> None:
        while True:
            message = await websocket.receive()
            if message["type"] == "websocket.disconnect":
                return
            if message.get("text") is not None:
                await upstream.send(message["text"])
            elif message.get("bytes") is not None:
                await upstream.send(message["bytes"])

    tasks = [asyncio.create_task(down_stream()), asyncio.create_task(up_stream())]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for t in tasks:
            t.cancel()
        await upstream.close()
    return True

"""The fake gateway: a websocket speaking Discord's gateway protocol (v10, JSON encoding).

Handshake: HELLO (op 10) on connect; IDENTIFY (op 2) is answered with READY (guilds marked
unavailable) followed by one GUILD_CREATE per guild, or closed with 4014 when it asks for a
privileged intent the application does not have; HEARTBEAT (op 1) with HEARTBEAT_ACK
(op 11). RESUME (op 6) of a known session replays the dispatches the client missed and sends
RESUMED; an unknown session gets INVALID_SESSION (op 9, ``d: false``) so the client
identifies again. REQUEST_GUILD_MEMBERS (op 8) is answered with one GUILD_MEMBERS_CHUNK.

Frames are JSON text unless the fake was built with ``compress=True`` and the client asked
for ``compress=zlib-stream`` (discord.py always asks, but reads text frames as well); then each
payload is a binary frame from one shared zlib stream, ending with a Z_SYNC_FLUSH marker.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from .messages import disallowed_intents

if TYPE_CHECKING:
    from .server import FakeDiscord

log = logging.getLogger("fakediscord.gateway")


class Op:
    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE_UPDATE = 3
    VOICE_STATE_UPDATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


class Close:
    UNKNOWN_OPCODE = 4001
    DECODE_ERROR = 4002
    NOT_AUTHENTICATED = 4003
    AUTHENTICATION_FAILED = 4004
    INVALID_API_VERSION = 4012
    DISALLOWED_INTENTS = 4014


@dataclass
class GatewaySession:
    """A gateway session: survives a dropped connection so it can be resumed."""

    session_id: str
    intents: int = 0
    sequence: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)


class GatewayConnection:
    """One websocket connection from the bot."""

    def __init__(self, ws: web.WebSocketResponse, *, zlib_stream: bool) -> None:
        self.ws = ws
        self.session: GatewaySession | None = None
        self._compressor = zlib.compressobj() if zlib_stream else None
        self._lock = asyncio.Lock()

    async def send(self, payload: dict[str, Any]) -> None:
        text = json.dumps(payload)
        async with self._lock:
            if self.ws.closed:
                return
            if self._compressor is None:
                await self.ws.send_str(text)
            else:
                data = self._compressor.compress(text.encode("utf-8"))
                await self.ws.send_bytes(data + self._compressor.flush(zlib.Z_SYNC_FLUSH))

    async def dispatch(self, event: str, data: Any) -> None:
        """Send an op 0 event with the session's next sequence number."""
        assert self.session is not None
        self.session.sequence += 1
        payload = {"op": Op.DISPATCH, "t": event, "s": self.session.sequence, "d": data}
        self.session.sent.append(payload)
        await self.send(payload)


class Gateway:
    """Accepts gateway websockets at ``/gateway`` and tracks sessions and the live connection."""

    def __init__(self, fake: FakeDiscord, *, heartbeat_interval_ms: int, compress: bool) -> None:
        self.fake = fake
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.compress = compress
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: list[GatewayConnection] = []
        self.active: GatewayConnection | None = None
        self.identify_payloads: list[dict[str, Any]] = []
        self.connect_queries: list[dict[str, str]] = []
        self.received: list[dict[str, Any]] = []
        self.ready_count = 0
        self.resume_count = 0
        self.refused_count = 0  # IDENTIFYs closed with 4014

    async def handle(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        query = dict(request.query)
        self.connect_queries.append(query)
        zlib_stream = self.compress and query.get("compress") == "zlib-stream"
        conn = GatewayConnection(ws, zlib_stream=zlib_stream)
        self.connections.append(conn)
        try:
            if query.get("v", "10") != "10" or query.get("encoding", "json") != "json":
                await ws.close(code=Close.INVALID_API_VERSION, message=b"Invalid API version")
                return ws
            await conn.send(
                {
                    "op": Op.HELLO,
                    "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                    "s": None,
                    "t": None,
                }
            )
            async for msg in ws:
                if msg.type is WSMsgType.TEXT:
                    await self._on_payload(conn, json.loads(msg.data))
                elif msg.type is WSMsgType.BINARY:
                    await ws.close(
                        code=Close.DECODE_ERROR, message=b"Error while decoding payload."
                    )
                elif msg.type is WSMsgType.ERROR:
                    break
        finally:
            self.connections.remove(conn)
            if self.active is conn:
                self.active = None
            self.fake.signal.fire()
        return ws

    async def _on_payload(self, conn: GatewayConnection, payload: dict[str, Any]) -> None:
        self.received.append(payload)
        op, data = payload.get("op"), payload.get("d")
        if op == Op.HEARTBEAT:
            await conn.send({"op": Op.HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == Op.IDENTIFY:
            await self._identify(conn, data)
        elif op == Op.RESUME:
            await self._resume(conn, data)
        elif conn.session is None:
            await conn.ws.close(code=Close.NOT_AUTHENTICATED, message=b"Not authenticated.")
        elif op == Op.REQUEST_GUILD_MEMBERS:
            await self._members_chunk(conn, data)
        elif op in (Op.PRESENCE_UPDATE, Op.VOICE_STATE_UPDATE):
            pass
        else:
            log.warning("fakediscord: unknown gateway op %r: %r", op, payload)
            await conn.ws.close(code=Close.UNKNOWN_OPCODE, message=b"Unknown opcode.")
        self.fake.signal.fire()

    async def _identify(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        if data.get("token") != self.fake.token:
            await conn.ws.close(code=Close.AUTHENTICATION_FAILED, message=b"Authentication failed.")
            return
        self.identify_payloads.append(data)
        intents = int(data.get("intents") or 0)
        if disallowed_intents(intents, self.fake.application_flags):
            # The application was not granted a privileged intent it asks for.
            self.refused_count += 1
            await conn.ws.close(code=Close.DISALLOWED_INTENTS, message=b"Disallowed intent(s).")
            return
        session = GatewaySession(session_id=secrets.token_hex(16), intents=intents)
        self.sessions[session.session_id] = session
        conn.session = session
        self.active = conn
        await conn.dispatch("READY", self.fake.ready_payload(session.session_id))
        for guild in self.fake.guilds.values():
            await conn.dispatch("GUILD_CREATE", guild.to_gateway_payload())
        self.ready_count += 1

    async def _resume(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        session = self.sessions.get(data.get("session_id") or "")
        if session is None or data.get("token") != self.fake.token:
            await conn.send({"op": Op.INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        conn.session = session
        self.active = conn
        last_seen = data.get("seq") or 0
        for payload in [p for p in session.sent if p["s"] > last_seen]:
            await conn.send(payload)
        await conn.dispatch("RESUMED", {})
        self.resume_count += 1

    async def _members_chunk(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        guild = self.fake.guilds.get(int(data["guild_id"]))
        if guild is None:
            return
        wanted = {int(user_id) for user_id in data.get("user_ids") or []}
        query = (data.get("query") or "").lower()
        members = [
            m
            for m in guild.members
            if (not wanted or m.user.id in wanted) and m.user.username.lower().startswith(query)
        ]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [m.to_payload() for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce") is not None:
            chunk["nonce"] = data["nonce"]
        await conn.dispatch("GUILD_MEMBERS_CHUNK", chunk)

    async def dispatch(self, event: str, data: Any) -> None:
        """Send an event to the bot's live, identified connection."""
        if self.active is None or self.active.ws.closed:
            raise AssertionError(f"fakediscord: cannot send {event}: the bot is not connected")
        await self.active.dispatch(event, data)

    async def send_op(self, op: int, data: Any) -> None:
        if self.active is None:
            raise AssertionError(f"fakediscord: cannot send op {op}: the bot is not connected")
        await self.active.send({"op": op, "d": data, "s": None, "t": None})

    async def close_all(self) -> None:
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"fake Discord shutting down")

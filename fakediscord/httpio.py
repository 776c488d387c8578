"""HTTP plumbing of the fake REST API: bodies in, JSON and rate-limit headers out, injected errors.

discord.py only parses a body as JSON when the Content-Type is exactly ``application/json``
(``aiohttp.web.json_response`` appends ``; charset=utf-8``), so responses are built by hand.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from .payloads import error_body, rate_limited_body

RATE_LIMIT = 50


@dataclass
class UploadedFile:
    """One file part of a multipart request (``files[n]``)."""

    field: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass
class ParsedBody:
    """A request body: the JSON document (or ``payload_json``) and any uploaded files."""

    json: Any = None
    files: list[UploadedFile] = field(default_factory=list)


@dataclass
class RecordedRequest:
    """One REST call the bot made, as the fake saw it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    files: list[UploadedFile]
    status: int = 0
    #: ``time.perf_counter()`` when the request reached the fake (``make bench`` latencies).
    at: float = field(default_factory=time.perf_counter)


async def read_body(request: web.Request) -> ParsedBody:
    """Parse a JSON body, or a multipart body with ``payload_json`` and file parts."""
    if request.content_type == "multipart/form-data":
        parsed = ParsedBody()
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            data = await part.read(decode=True)
            if part.filename is not None:
                parsed.files.append(
                    UploadedFile(
                        field=part.name or "",
                        filename=part.filename,
                        content_type=part.headers.get("Content-Type"),
                        data=bytes(data),
                    )
                )
            elif part.name == "payload_json":
                parsed.json = json.loads(bytes(data).decode("utf-8"))
        return parsed
    raw = await request.read()
    if not raw:
        return ParsedBody()
    try:
        return ParsedBody(json=json.loads(raw))
    except ValueError:
        return ParsedBody(json=raw.decode("utf-8", "replace"))


def json_response(
    data: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode("utf-8"),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def no_content() -> web.Response:
    return web.Response(status=204)


def error_response(status: int, kind: str | None = None) -> web.Response:
    return json_response(error_body(status, kind), status=status)


def bucket_hash(method: str, route: str) -> str:
    """A stable per-route bucket id, like Discord's ``X-RateLimit-Bucket``."""
    return hashlib.sha1(f"{method} {route}".encode()).hexdigest()[:32]


def ratelimit_headers(
    bucket: str, *, remaining: int = RATE_LIMIT - 1, reset_after: float = 1.0
) -> dict[str, str]:
    """Headers Discord puts on every response; ``remaining`` never hits 0 unless asked."""
    return {
        "X-RateLimit-Limit": str(RATE_LIMIT),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
        "X-RateLimit-Bucket": bucket,
        "Via": "1.1 google",
    }


@dataclass
class Injection:
    """A planned failure: the next ``times`` calls matching ``method`` and ``path`` fail.

    ``path`` is a regular expression searched in the path below the API base
    (for example ``r"/channels/\\d+/messages$"``); ``method`` ``"*"`` matches any method.
    """

    method: str
    path: str
    status: int
    times: int = 1
    retry_after: float = 0.05
    is_global: bool = False
    body: Any = None
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.hits >= self.times:
            return False
        return self.method in ("*", method.upper()) and re.search(self.path, path) is not None

    def response(self, bucket: str) -> web.Response:
        """The failing response, with the headers discord.py looks at for this status."""
        self.hits += 1
        if self.status != 429:
            body = self.body if self.body is not None else error_body(self.status)
            return json_response(body, status=self.status, headers=ratelimit_headers(bucket))
        body = (
            self.body
            if self.body is not None
            else rate_limited_body(self.retry_after, is_global=self.is_global)
        )
        headers = ratelimit_headers(bucket, remaining=0, reset_after=self.retry_after)
        headers["Retry-After"] = str(max(1, math.ceil(self.retry_after)))
        headers["X-RateLimit-Scope"] = "global" if self.is_global else "user"
        if self.is_global:
            headers["X-RateLimit-Global"] = "true"
        return json_response(body, status=429, headers=headers)

"""CORS for `/sdk/v1`: a preflight is answered for an origin some project's enabled SDK authorizes;
an actual request's answer names its origin only once the SDK gate has checked it for that project."""

from __future__ import annotations

import json

from cachetools import TTLCache
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from keystile.api.errors import error_body
from keystile.api.sdk.gate import SDK_ORIGIN
from keystile.db.uow import unit_of_work
from keystile.errors import KeystileError
from keystile.ids import new_request_id
from keystile.projects.sdk import authorized_origins

SDK_PREFIX = "/sdk/v1/"
ALLOW_METHODS = "GET, POST, PUT, DELETE"
# What vanilla-js sends: HTTP Basic of the public token, JSON, its telemetry and its page's origin.
ALLOW_HEADERS = "Authorization, Content-Type, X-SDK-Client, X-SDK-Parent-Host"
PREFLIGHT_MAX_AGE = "600"


def _cors_headers(origin: str) -> list[tuple[bytes, bytes]]:
    return [
        (b"access-control-allow-origin", origin.encode("latin-1")),
        (b"access-control-allow-credentials", b"true"),
        (b"vary", b"Origin"),
    ]


class SdkCors:
    """Answers `/sdk/v1` preflights and adds CORS headers to the answers of admitted SDK requests;
    every other request passes through untouched. The origins preflights may allow are read from the
    database at most once per `cache_seconds`."""

    def __init__(self, app: ASGIApp, cache_seconds: float) -> None:
        self.app = app
        self._origins: TTLCache[str, frozenset[str]] = TTLCache(maxsize=1, ttl=cache_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(SDK_PREFIX):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if scope["method"] == "OPTIONS" and origin and "access-control-request-method" in headers:
            await self._preflight(scope, send, origin)
            return
        state = scope.setdefault("state", {})

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and origin and state.get(SDK_ORIGIN) == origin:
                message["headers"] = [*message.get("headers", []), *_cors_headers(origin)]
            await send(message)

        await self.app(scope, receive, send_with_cors)

    async def _preflight(self, scope: Scope, send: Send, origin: str) -> None:
        if origin.lower() in await self._authorized(scope):
            headers = [
                *_cors_headers(origin),
                (b"access-control-allow-methods", ALLOW_METHODS.encode()),
                (b"access-control-allow-headers", ALLOW_HEADERS.encode()),
                (b"access-control-max-age", PREFLIGHT_MAX_AGE.encode()),
                (b"content-length", b"0"),
            ]
            await send({"type": "http.response.start", "status": 204, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        error = KeystileError("bad_domain_for_stytch_sdk")
        body = json.dumps(error_body(error, new_request_id())).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _authorized(self, scope: Scope) -> frozenset[str]:
        cached = self._origins.get("")
        if cached is None:
            async with unit_of_work(scope["app"].state.keystile.sessions) as db:
                cached = self._origins[""] = await authorized_origins(db)
        return cached

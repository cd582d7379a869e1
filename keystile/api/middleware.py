"""ASGI middleware: a request id for every request, credentials checked before a body is read, a
bounded well-formed body received within a deadline, and a last line of defence that turns any
unexpected exception into a logged, Stytch-shaped 500."""

from __future__ import annotations

import asyncio
import json

import pydantic_core
import structlog
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from keystile.api.auth import verified_project
from keystile.api.errors import DATABASE_UNAVAILABLE, database_unavailable, error_body
from keystile.errors import KeystileError
from keystile.ids import new_request_id

log = structlog.get_logger("keystile.api")
# The body cap of requests not made with project credentials (the OAuth token endpoint, pages): their
# bodies are small, and whoever sends them is not known yet.
PRE_AUTH_MAX_BODY_BYTES = 65_536
# Paths a browser posts to without project credentials: the OAuth token endpoint, where Stytch's
# JavaScript SDK sends Google One Tap's credential, the OAuth callback, and the SSO ACS (an IdP's SAML
# Response, relayed by the browser).
ONE_TAP_CALLBACK_PREFIX = "/v1/oauth/callback/"
SSO_CALLBACK_PREFIX = "/v1/b2b/sso/callback/"
# A SCIM connection's service: the IdP authenticates with the connection's bearer token.
SCIM_SERVICE_PREFIX = "/v1/b2b/scim/scim-connection-"
# SAML Shield's client authenticates with a Bearer token: the project's secret alone.
SAML_SHIELD_PATH = "/v1/saml/validate"
PUBLIC_PREFIXES = ("/v1/public/", ONE_TAP_CALLBACK_PREFIX, SSO_CALLBACK_PREFIX, SCIM_SERVICE_PREFIX)


def _made_with_project_credentials(scope: Scope) -> bool:
    """Whether this is a request whose body only a project may send: every `/v1` call but reads
    (the JWKS are public) and the `PUBLIC_PREFIXES` (client credentials, browsers, SCIM clients)."""
    path: str = scope["path"]
    return (
        path.startswith("/v1/")
        and not path.startswith(PUBLIC_PREFIXES)
        and scope["method"] not in ("GET", "HEAD")
    )


def _may_be_parsed_as_json(headers: Headers) -> bool:
    """True for the bodies FastAPI may hand to `json.loads`: JSON media types, or no type at all."""
    media_type = headers.get("content-type", "").split(";", 1)[0].strip().lower()
    return media_type in ("", "application/json") or (
        media_type.startswith("application/") and media_type.endswith("+json")
    )


def _check_json(body: bytes) -> None:
    """Refuse what `json.loads` would accept but nothing downstream can store or render:
    nesting deeper than 200 levels, lone UTF-16 surrogates, NaN and Infinity."""
    try:
        pydantic_core.from_json(body, allow_inf_nan=False)
    except ValueError as error:
        raise KeystileError("invalid_json") from error


class RequestGuard:
    """Assigns `request_id`; checks the project credentials of a request that carries a body before
    reading it (401); refuses bodies over `max_body_bytes` (413), not received within
    `body_timeout_seconds` (408), or of malformed JSON (400); renders any exception the app's error
    handlers did not as a 500 whose details go only to the log.

    The body is read here, before the app runs, so that these refusals are ordinary responses
    whatever the framework does with exceptions raised while it reads the body. The project found
    goes to the request's state, where `authenticated_project` takes it instead of checking again.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int, body_timeout_seconds: float) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.body_timeout_seconds = body_timeout_seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = new_request_id()
        scope.setdefault("state", {})["request_id"] = rid
        headers = Headers(scope=scope)
        body: bytes | None = None
        try:
            max_body_bytes = await self._authenticate(scope, headers)
            body = await self._read_body(headers, receive, max_body_bytes)
            if body is None:  # the client went away
                return
            if body and _may_be_parsed_as_json(headers):
                _check_json(body)
        except DATABASE_UNAVAILABLE as exc:
            await _send_error(send, rid, database_unavailable(exc), close=True)
            return
        except KeystileError as error:
            # A body refused before its end was read leaves the connection unusable for another request.
            await _send_error(send, rid, error, close=body is None)
            return

        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            response_started = response_started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, _replay(body, receive), tracking_send)
        except Exception as exc:
            # Not re-raised: the server would log its traceback, whose text may hold request input.
            log.error("unhandled_error", error_class=type(exc).__name__, request_id=rid)
            if not response_started:
                await _send_error(send, rid, KeystileError("internal_server_error"), close=False)

    async def _authenticate(self, scope: Scope, headers: Headers) -> int:
        """The body cap of this request, once the project credentials it must carry check out."""
        if not _made_with_project_credentials(scope):
            return min(self.max_body_bytes, PRE_AUTH_MAX_BODY_BYTES)
        state = scope["app"].state.keystile
        scope["state"]["project"] = await verified_project(
            state, headers.get("authorization"), bearer=scope["path"] == SAML_SHIELD_PATH
        )
        return self.max_body_bytes

    async def _read_body(self, headers: Headers, receive: Receive, max_body_bytes: int) -> bytes | None:
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > max_body_bytes):
            raise KeystileError("request_too_large")
        chunks: list[bytes] = []
        received = 0
        try:
            # A client trickling its body would hold a connection and this task indefinitely.
            async with asyncio.timeout(self.body_timeout_seconds):
                while True:
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return None
                    chunk = message.get("body", b"")
                    received += len(chunk)
                    if received > max_body_bytes:
                        raise KeystileError("request_too_large")
                    chunks.append(chunk)
                    if not message.get("more_body", False):
                        return b"".join(chunks)
        except TimeoutError as error:
            raise KeystileError("request_timeout") from error


def _replay(body: bytes, receive: Receive) -> Receive:
    """A `receive` that yields the already-read body once, then defers to the server's."""
    pending = True

    async def replayed() -> Message:
        nonlocal pending
        if pending:
            pending = False
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _send_error(send: Send, rid: str, error: KeystileError, *, close: bool) -> None:
    body = json.dumps(error_body(error, rid)).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += [(name.lower().encode(), value.encode()) for name, value in error.headers.items()]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})

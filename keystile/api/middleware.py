"""ASGI middleware: a request id for every request, a bounded well-formed body, and a last line of
defence that turns any unexpected exception into a logged, Stytch-shaped 500."""

from __future__ import annotations

import json

import pydantic_core
import structlog
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from keystile.api.errors import error_body
from keystile.errors import KeystileError
from keystile.ids import new_request_id

log = structlog.get_logger("keystile.api")


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
    """Assigns `request_id`; refuses bodies over `max_body_bytes` (413) and malformed JSON (400);
    renders any exception the app's error handlers did not as a 500 whose details go only to the log.

    The body is read here, before the app runs, so that these refusals are ordinary responses
    whatever the framework does with exceptions raised while it reads the body.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = new_request_id()
        scope.setdefault("state", {})["request_id"] = rid
        headers = Headers(scope=scope)
        try:
            body = await self._read_body(headers, receive)
            if body is None:  # the client went away
                return
            if body and _may_be_parsed_as_json(headers):
                _check_json(body)
        except KeystileError as error:
            # A refused body may not have been read to its end: the connection cannot be reused.
            await _send_error(send, rid, error, close=error.error_type == "request_too_large")
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

    async def _read_body(self, headers: Headers, receive: Receive) -> bytes | None:
        declared = headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            raise KeystileError("request_too_large")
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > self.max_body_bytes:
                raise KeystileError("request_too_large")
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


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
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": error.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": body})

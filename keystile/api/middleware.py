"""ASGI middleware: a request id for every request, and a hard cap on request body size."""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from keystile.errors import KeystileError
from keystile.ids import new_request_id


class RequestGuard:
    """Assigns `request_id` and refuses bodies over `max_body_bytes` with a Stytch-shaped 413."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = new_request_id()
        scope.setdefault("state", {})["request_id"] = rid
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body_bytes):
            await self._refuse(send, rid)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # Rendered by the app's error handler like any other domain error.
                    raise KeystileError("request_too_large")
            return message

        await self.app(scope, counting_receive, send)

    @staticmethod
    async def _refuse(send: Send, rid: str) -> None:
        error = KeystileError("request_too_large")
        body = json.dumps(
            {
                "status_code": error.status_code,
                "request_id": rid,
                "error_type": error.error_type,
                "error_message": error.error_message,
                "error_url": error.error_url,
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": error.status_code,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

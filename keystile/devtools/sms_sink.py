"""A loopback stand-in for a Twilio-compatible Messages API, for development (`keystile sms sink`) and
tests: it accepts `POST /2010-04-01/Accounts/{sid}/Messages.json` with the form fields To, From and
Body under HTTP Basic `sid:token`, answers 201 with a message resource as Twilio does, keeps every
message, and lists them at `GET /messages.json`. It never forwards anything."""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import socket
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from urllib.parse import parse_qs

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from keystile.delivery.models import SMS, WHATSAPP

MAX_FORM_BYTES = 65_536
WHATSAPP_PREFIX = "whatsapp:"


@dataclass(frozen=True)
class SinkMessage:
    sid: str
    channel: str  # sms or whatsapp
    to: str  # the number, without Twilio's `whatsapp:` prefix
    from_number: str
    body: str
    received_at: str


def _twilio_error(status: int, code: int, message: str) -> JSONResponse:
    return JSONResponse({"code": code, "message": message, "status": status}, status_code=status)


async def _not_found(_request: Request, _error: Exception) -> JSONResponse:
    return _twilio_error(404, 20404, "The requested resource was not found")


def _basic_credentials(header: str | None) -> bytes | None:
    """The `user:password` bytes of an HTTP Basic `Authorization` header, or None."""
    if not header or not header.startswith("Basic "):
        return None
    try:
        return base64.b64decode(header[6:], validate=True)
    except (binascii.Error, ValueError):
        return None


class SmsSink:
    """A Twilio-compatible Messages API on `host:port` (a free port by default) that records messages."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        account_sid: str | None = None,
        auth_token: str | None = None,
        on_message: Callable[[SinkMessage], None] | None = None,
    ) -> None:
        self.account_sid = account_sid or f"AC{secrets.token_hex(16)}"
        self.auth_token = auth_token or secrets.token_hex(16)
        self.on_message = on_message
        self._arrived = threading.Condition()
        self._messages: list[SinkMessage] = []
        self._returned: Counter[str] = Counter()
        # Bound here, so that the port is known (and connections queue) before serving starts.
        self._socket = socket.create_server((host, port))
        config = uvicorn.Config(self._app(), log_config=None, access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._socket.getsockname()[0])

    @property
    def port(self) -> int:
        return int(self._socket.getsockname()[1])

    @property
    def url(self) -> str:
        """The value for KEYSTILE_SMS_URL."""
        return f"http://{self.account_sid}:{self.auth_token}@{self.host}:{self.port}"

    @property
    def messages_path(self) -> str:
        return f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def start(self) -> SmsSink:
        self._thread = threading.Thread(target=self.serve_forever, name="sms-sink", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join()
        self._socket.close()

    def serve_forever(self) -> None:
        """Serve in the calling thread until stopped or interrupted (the dev command)."""
        self._server.run(sockets=[self._socket])

    def record(self, message: SinkMessage) -> None:
        with self._arrived:
            self._messages.append(message)
            self._arrived.notify_all()
        if self.on_message is not None:
            self.on_message(message)

    def messages(self, to: str | None = None) -> list[SinkMessage]:
        """Every message received (to the number `to`, when given), oldest first."""
        with self._arrived:
            return [m for m in self._messages if to is None or m.to == to]

    def wait_for(self, to: str, timeout: float = 10.0) -> SinkMessage:
        """The next message to `to` that `wait_for` has not returned yet; AssertionError after `timeout`."""
        with self._arrived:
            if not self._arrived.wait_for(lambda: len(self.messages(to)) > self._returned[to], timeout):
                raise AssertionError(f"no new text message to {to} within {timeout} s")
            message = self.messages(to)[self._returned[to]]
            self._returned[to] += 1
            return message

    def credentials_match(self, header: str | None) -> bool:
        given = _basic_credentials(header)
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        return given is not None and hmac.compare_digest(given, expected)

    def _app(self) -> Starlette:
        return Starlette(
            routes=[
                Route(self.messages_path, self._send, methods=["POST"]),
                Route("/messages.json", self._list, methods=["GET"]),
            ],
            exception_handlers={404: _not_found, 405: _not_found},
        )

    async def _list(self, _request: Request) -> JSONResponse:
        return JSONResponse({"messages": [asdict(m) for m in self.messages()]})

    async def _send(self, request: Request) -> JSONResponse:
        if not self.credentials_match(request.headers.get("Authorization")):
            return _twilio_error(401, 20003, "Authenticate")
        raw = b""
        async for chunk in request.stream():
            raw += chunk
            if len(raw) > MAX_FORM_BYTES:
                return _twilio_error(413, 20413, "Request entity too large")
        form = parse_qs(raw.decode("utf-8", "replace"))
        to, sender, body = (form.get(name, [""])[0] for name in ("To", "From", "Body"))
        if not to or not sender or not body:
            return _twilio_error(400, 21604, "To, From and Body are required")
        message = SinkMessage(
            sid=f"SM{secrets.token_hex(16)}",
            channel=WHATSAPP if to.startswith(WHATSAPP_PREFIX) else SMS,
            to=to.removeprefix(WHATSAPP_PREFIX),
            from_number=sender.removeprefix(WHATSAPP_PREFIX),
            body=body,
            received_at=datetime.now(UTC).isoformat(),
        )
        self.record(message)
        resource = {
            "sid": message.sid,
            "account_sid": self.account_sid,
            "to": to,
            "from": sender,
            "body": body,
            "status": "queued",
            "direction": "outbound-api",
            "num_segments": "1",
            "date_created": message.received_at,
            "uri": f"{self.messages_path.removesuffix('.json')}/{message.sid}.json",
        }
        return JSONResponse(resource, status_code=201)

"""A loopback stand-in for a Twilio-compatible Messages API, for development (`keystile sms-sink`) and
tests: it accepts `POST /2010-04-01/Accounts/{sid}/Messages.json` with the form fields To, From and
Body under HTTP Basic `sid:token`, answers 201 with a message resource as Twilio does, keeps every
message, and lists them at `GET /messages.json`. It never forwards anything."""

from __future__ import annotations

import base64
import binascii
import hmac
import json
import secrets
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

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
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._server.server_address[0])

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """The value for KEYSTILE_SMS_URL."""
        return f"http://{self.account_sid}:{self.auth_token}@{self.host}:{self.port}"

    def start(self) -> SmsSink:
        self._thread = threading.Thread(target=self._server.serve_forever, name="sms-sink", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (the dev command)."""
        try:
            self._server.serve_forever()
        finally:
            self._server.server_close()

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
        if not header or not header.startswith("Basic "):
            return False
        try:
            given = base64.b64decode(header[6:], validate=True)
        except (binascii.Error, ValueError):
            return False
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        return hmac.compare_digest(given, expected)


def _twilio_error(status: int, code: int, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "status": status}


def _handler_for(sink: SmsSink) -> type[BaseHTTPRequestHandler]:
    messages_path = f"/2010-04-01/Accounts/{sink.account_sid}/Messages.json"

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the dev command prints each message itself."""

        def _answer(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            if self.path.split("?", 1)[0] != "/messages.json":
                self._answer(404, _twilio_error(404, 20404, "The requested resource was not found"))
                return
            self._answer(200, {"messages": [asdict(m) for m in sink.messages()]})

        def do_POST(self) -> None:
            if self.path != messages_path:
                self._answer(404, _twilio_error(404, 20404, "The requested resource was not found"))
                return
            if not sink.credentials_match(self.headers.get("Authorization")):
                self._answer(401, _twilio_error(401, 20003, "Authenticate"))
                return
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_FORM_BYTES:
                self._answer(413, _twilio_error(413, 20413, "Request entity too large"))
                return
            form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
            to, sender, body = (form.get(name, [""])[0] for name in ("To", "From", "Body"))
            if not to or not sender or not body:
                self._answer(400, _twilio_error(400, 21604, "To, From and Body are required"))
                return
            channel = WHATSAPP if to.startswith(WHATSAPP_PREFIX) else SMS
            message = SinkMessage(
                sid=f"SM{secrets.token_hex(16)}",
                channel=channel,
                to=to.removeprefix(WHATSAPP_PREFIX),
                from_number=sender.removeprefix(WHATSAPP_PREFIX),
                body=body,
                received_at=datetime.now(UTC).isoformat(),
            )
            sink.record(message)
            self._answer(
                201,
                {
                    "sid": message.sid,
                    "account_sid": sink.account_sid,
                    "to": to,
                    "from": sender,
                    "body": body,
                    "status": "queued",
                    "direction": "outbound-api",
                    "num_segments": "1",
                    "date_created": message.received_at,
                    "uri": f"{messages_path[: -len('.json')]}/{message.sid}.json",
                },
            )

    return Handler

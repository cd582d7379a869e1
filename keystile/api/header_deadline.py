"""uvicorn's HTTP protocol with a deadline on request headers, which uvicorn lacks: a connection whose
headers are not complete in time is closed, so a client trickling them cannot hold it open."""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

from keystile.config import get_settings


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """Closes the connection unless each request's headers are complete within
    `request_read_timeout_seconds` of the connection (for its first request) or of their first byte
    (for later ones; uvicorn's keep-alive timeout bounds the wait between requests)."""

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.header_timeout = get_settings().request_read_timeout_seconds
        self.header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_deadline()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.header_deadline is None:
            self._start_deadline()

    def on_headers_complete(self) -> None:
        self._cancel_deadline()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_deadline()
        super().connection_lost(exc)

    def _start_deadline(self) -> None:
        self.header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_late)

    def _cancel_deadline(self) -> None:
        if self.header_deadline is not None:
            self.header_deadline.cancel()
            self.header_deadline = None

    def _headers_too_late(self) -> None:
        self.header_deadline = None
        self.transport.close()

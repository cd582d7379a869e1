"""A TCP proxy on loopback that a test can cut, slow down and restore, to take a real database or Redis
away from a keystile server (or make it answer late) without touching the machine's own service."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine
from typing import Any

from tests.support.server import free_port


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `target_host:target_port` from an event loop in its own thread.
    `cut()` refuses new connections and aborts open ones; `slow(seconds)` holds back every chunk of
    data, both ways and on open connections too, for that long; `restore()` undoes either."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None
        self.open: set[asyncio.StreamWriter] = set()
        self.delay = 0.0

    def start(self) -> TcpProxy:
        self.thread.start()
        self.restore()
        return self

    def _run(self, coroutine: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    def restore(self) -> None:
        self.delay = 0.0
        if self.server is None:
            self._run(self._listen())

    def cut(self) -> None:
        self._run(self._cut())

    def slow(self, seconds: float) -> None:
        self.delay = seconds

    def stop(self) -> None:
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    async def _listen(self) -> None:
        self.server = await asyncio.start_server(self._forward, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for writer in list(self.open):
            writer.transport.abort()
        self.open.clear()

    async def _forward(self, client_reader: asyncio.StreamReader, client: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream = await asyncio.open_connection(*self.target)
        except OSError:
            client.transport.abort()
            return
        self.open |= {client, upstream}
        await asyncio.gather(self._pipe(client_reader, upstream), self._pipe(upstream_reader, client))
        self.open -= {client, upstream}

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                if self.delay:
                    await asyncio.sleep(self.delay)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()

"""Reads by key asked for within one turn of the event loop, answered by one query for all of them.

A server answering many requests at once would otherwise send each its own query to PostgreSQL or
MySQL: a pooled connection, a round trip and the driver's work per request, on both sides of the wire.
Coalesced, a turn's reads cost one of each, and a quiet server pays only the wait for the end of the
turn it is already in.

A read never joins a query already sent: it is answered by a query sent after it was asked, so it sees
every change committed before then, as a query of its own would.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class CoalescedReads(Generic[K, V]):
    """`read(key)` for any number of concurrent callers, through `read_many(keys)`, which returns one
    value per key in order and is called with at most `max_keys` keys at a time."""

    def __init__(self, read_many: Callable[[Sequence[K]], Awaitable[Sequence[V]]], *, max_keys: int) -> None:
        self._read_many = read_many
        self._max_keys = max_keys
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiting: list[tuple[K, asyncio.Future[V]]] = []
        self._sending: set[asyncio.Task[None]] = set()  # held: the loop keeps only weak references

    async def read(self, key: K) -> V:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a new event loop (tests run several): nothing waits on the old
            self._loop, self._waiting = loop, []
        if not self._waiting:
            loop.call_soon(self._send)
        answer: asyncio.Future[V] = loop.create_future()
        self._waiting.append((key, answer))
        return await answer  # a caller cancelled meanwhile cancels only its own answer

    def _send(self) -> None:
        waiting, self._waiting = self._waiting, []
        for start in range(0, len(waiting), self._max_keys):
            task = asyncio.create_task(self._answer(waiting[start : start + self._max_keys]))
            self._sending.add(task)
            task.add_done_callback(self._sending.discard)

    async def _answer(self, batch: list[tuple[K, asyncio.Future[V]]]) -> None:
        try:
            values = await self._read_many([key for key, _ in batch])
        except Exception as error:
            for _, answer in batch:
                if not answer.done():
                    answer.set_exception(error)
            return
        except BaseException:
            for _, answer in batch:
                answer.cancel()
            raise
        for (_, answer), value in zip(batch, values, strict=True):
            if not answer.done():
                answer.set_result(value)

"""Coalesced reads: callers of one turn of the event loop share one call, in batches of at most
`max_keys`; a later caller never joins a call already made; an error reaches every caller of its
batch, and a caller that gives up leaves the others their answers."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from keystile.db.coalesced_reads import CoalescedReads


class Store:
    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.release = asyncio.Event()
        self.release.set()
        self.failure: Exception | None = None

    async def read_many(self, keys: Sequence[str]) -> list[str]:
        self.calls.append(list(keys))
        await self.release.wait()
        if self.failure is not None:
            raise self.failure
        return [key.upper() for key in keys]


async def test_callers_of_one_turn_share_a_call_in_batches_of_max_keys() -> None:
    store = Store()
    reads = CoalescedReads(store.read_many, max_keys=3)
    answers = await asyncio.gather(*(reads.read(key) for key in "abcde"))
    assert answers == list("ABCDE")
    assert store.calls == [["a", "b", "c"], ["d", "e"]]
    assert await reads.read("f") == "F"
    assert store.calls[-1] == ["f"]


async def test_a_later_caller_never_joins_a_call_already_made() -> None:
    store = Store()
    store.release.clear()
    reads = CoalescedReads(store.read_many, max_keys=8)
    first = asyncio.create_task(reads.read("a"))
    await asyncio.sleep(0.01)  # the call for "a" is under way
    second = asyncio.create_task(reads.read("a"))
    await asyncio.sleep(0.01)
    store.release.set()
    assert (await first, await second) == ("A", "A")
    assert store.calls == [["a"], ["a"]]


async def test_an_error_reaches_every_caller_of_its_batch() -> None:
    store = Store()
    store.failure = ConnectionError("database gone")
    reads = CoalescedReads(store.read_many, max_keys=8)
    results = await asyncio.gather(reads.read("a"), reads.read("b"), return_exceptions=True)
    assert [type(result) for result in results] == [ConnectionError, ConnectionError]
    store.failure = None
    assert await reads.read("c") == "C"


async def test_a_caller_that_gives_up_leaves_the_others_their_answers() -> None:
    store = Store()
    store.release.clear()
    reads = CoalescedReads(store.read_many, max_keys=8)
    impatient = asyncio.create_task(reads.read("a"))
    patient = asyncio.create_task(reads.read("b"))
    await asyncio.sleep(0.01)
    impatient.cancel()
    with pytest.raises(asyncio.CancelledError):
        await impatient
    store.release.set()
    assert await patient == "B"
    assert store.calls == [["a", "b"]]


def test_each_event_loop_starts_afresh() -> None:
    store = Store()
    reads = CoalescedReads(store.read_many, max_keys=8)

    abandoned = asyncio.new_event_loop()
    lost = abandoned.create_task(reads.read("lost"))
    abandoned.call_soon(abandoned.stop)
    abandoned.run_forever()  # one turn: "lost" waits for a call the closed loop will never make
    abandoned.close()
    assert not lost.done()
    assert asyncio.run(asyncio.wait_for(reads.read("a"), timeout=5)) == "A"
    assert store.calls == [["a"]]

"""`Ctx`: what a handler needs from its request (state, clock, keys, request id) and its unit of work,
which wakes the outbox worker once it has committed queued messages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.api.errors import request_id
from keystile.api.state import AppState, app_state
from keystile.db.uow import unit_of_work
from keystile.delivery.outbox import queued_messages
from keystile.sessions.keys import KeyRing


@dataclass
class RequestContext:
    state: AppState
    request_id: str

    @cached_property
    def now(self) -> datetime:
        """The request's instant, read from the clock once, when first needed."""
        return self.state.clock.now()

    @property
    def keys(self) -> KeyRing:
        return self.state.keys

    @asynccontextmanager
    async def work(self) -> AsyncIterator[AsyncSession]:
        """The request's unit of work: committed when the block ends, before the response is sent."""
        async with unit_of_work(self.state.sessions) as db:
            yield db
        if queued_messages(db):
            self.state.wake_outbox()


async def request_context(request: Request) -> RequestContext:
    return RequestContext(app_state(request), request_id(request))


Ctx = Annotated[RequestContext, Depends(request_context)]

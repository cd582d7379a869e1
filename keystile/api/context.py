"""`Ctx`: what a handler needs from its request (state, clock, keys, request id), its unit of work,
which wakes the outbox worker once it has committed queued messages, and the `Call` built from both."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Annotated, Concatenate, ParamSpec, TypeVar

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.api.credential_cache import CachedProject
from keystile.api.errors import request_id
from keystile.api.state import AppState, app_state
from keystile.calls import Call
from keystile.db.uow import unit_of_work
from keystile.delivery.outbox import queued_messages
from keystile.projects.models import Project
from keystile.sessions.keys import KeyRing

P = ParamSpec("P")
T = TypeVar("T")


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

    @asynccontextmanager
    async def call(self, project: CachedProject) -> AsyncIterator[Call]:
        """The request's unit of work as a `Call` of the authenticated project."""
        async with self.call_in(project.project_id, test_project=project.is_test) as call:
            yield call

    @asynccontextmanager
    async def call_in(self, project_id: str, *, test_project: bool = False) -> AsyncIterator[Call]:
        """The request's unit of work as a `Call` of a project known only by its id."""
        async with self.work() as db:
            yield self.call_on(db, project_id, test_project=test_project)

    def call_on(self, db: AsyncSession, project_id: str, *, test_project: bool = False) -> Call:
        """A `Call` of the project in the unit of work `db` (opened by `work`)."""
        return Call(
            db=db,
            keys=self.keys,
            project_id=project_id,
            now=self.now,
            test_project=test_project,
            policies=self.state.policies,
        )

    async def run(
        self,
        project: CachedProject,
        use_case: Callable[Concatenate[Call, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`use_case(call, ...)` in the request's unit of work, committed before it returns."""
        async with self.call(project) as call:
            return await use_case(call, *args, **kwargs)

    async def run_found(
        self,
        find: Callable[[AsyncSession], Awaitable[Project]],
        use_case: Callable[Concatenate[Call, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """`use_case(call, ...)` for the project `find` names in the request's unit of work (a
        browser-facing request names it by public token or callback, not by credentials)."""
        async with self.work() as db:
            project = await find(db)
            call = Call(
                db=db,
                keys=self.keys,
                project_id=project.project_id,
                now=self.now,
                test_project=project.environment == "test",
            )
            return await use_case(call, *args, **kwargs)


async def request_context(request: Request) -> RequestContext:
    return RequestContext(app_state(request), request_id(request))


Ctx = Annotated[RequestContext, Depends(request_context)]

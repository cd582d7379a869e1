"""The request limits a route declares, as dependencies: `@router.post(..., dependencies=[Sends])`."""

from __future__ import annotations

from fastapi import Depends, Request

from keystile.api.auth import ProjectAuth
from keystile.api.state import app_state
from keystile.limits.limiter import LimitedRequest


async def _count(request: Request, project_id: str, kind: LimitedRequest) -> None:
    state = app_state(request)
    ip = request.client.host if request.client else ""
    await state.limiter.check(kind, ip, project_id, state.clock.now())


async def sends(request: Request, project: ProjectAuth) -> None:
    """Counts an email or text sent, per IP and per project (`too_many_requests`; 503 without Redis)."""
    await _count(request, project.project_id, "sends")


async def attempts(request: Request, project: ProjectAuth) -> None:
    """Counts a credential check (a code, token or password tried) per IP."""
    await _count(request, project.project_id, "attempts")


async def session_checks(request: Request, project: ProjectAuth) -> None:
    """Counts a session authentication per IP, when `rate_limit_session_checks_per_ip` is set."""
    await _count(request, project.project_id, "session_checks")


Sends = Depends(sends)
Attempts = Depends(attempts)
SessionChecks = Depends(session_checks)

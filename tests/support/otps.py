"""Helpers for passcode tests: the code inside a received email, and concurrent requests."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx

from tests.support.server import KeystileServer, Project
from tests.support.smtp_sink import SmtpSink, body_text

CODE = re.compile(r"\b(\d{6})\b")


def emailed_code(sink: SmtpSink, to: str, timeout: float = 15.0) -> str:
    """The six-digit code in the next email to `to`."""
    found = CODE.search(body_text(sink.wait_for(to, timeout=timeout)))
    assert found is not None, "no code in the email"
    return found.group(1)


def race(
    server: KeystileServer, project: Project, path: str, bodies: list[dict[str, Any]]
) -> list[httpx.Response]:
    """POST every body to `path` at once, each on its own connection."""

    async def post_all() -> list[httpx.Response]:
        auth = (project.project_id, project.secret)
        limits = httpx.Limits(max_connections=len(bodies))
        async with httpx.AsyncClient(base_url=server.base_url, auth=auth, limits=limits, timeout=60) as http:
            return await asyncio.gather(*(http.post(path, json=body) for body in bodies))

    return asyncio.run(post_all())


def error_types(responses: list[httpx.Response]) -> list[str]:
    """Each response's error_type, or "ok" for a 200, sorted."""
    return sorted("ok" if r.status_code == 200 else str(r.json()["error_type"]) for r in responses)

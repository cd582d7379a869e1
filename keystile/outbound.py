"""Outbound HTTP to URLs a project configured (an issuer's JWKS, an identity provider's userinfo):
one JSON GET with a timeout, no redirects and a size cap."""

from __future__ import annotations

import json
from typing import Any

import httpx

TIMEOUT_SECONDS = 5.0
MAX_BYTES = 256 * 1024


class OutboundError(Exception):
    """The URL did not answer 200 with a JSON document in time."""


async def get_json(url: str, headers: dict[str, str] | None = None) -> Any:
    """The JSON document `url` answers with 200; `OutboundError` for anything else."""
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
            async with client.stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    raise OutboundError(f"status {response.status_code}")
                body = b""
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > MAX_BYTES:
                        raise OutboundError("too large")
        return json.loads(body)
    except (httpx.HTTPError, ValueError) as error:
        raise OutboundError(str(error)) from error

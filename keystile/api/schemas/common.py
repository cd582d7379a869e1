"""Pieces every Stytch response shares."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict

from keystile.identity.contact import EXTERNAL_ID

# An identifier in a URL path: one keystile issued (`user-test-<uuid>`) or, where Stytch takes one
# instead, an external id. Anything else is refused before it reaches a query.
PathId = Annotated[str, Path(pattern=EXTERNAL_ID.pattern)]


class RequestBody(BaseModel):
    """A request body: unknown fields (such as path parameters echoed by the SDKs) are ignored;
    values of the wrong JSON type are refused, never coerced (`"true"` is not a boolean)."""

    model_config = ConfigDict(extra="ignore", strict=True)


class StytchResponse(BaseModel):
    status_code: int = 200
    request_id: str


class ErrorResponse(StytchResponse):
    error_type: str
    error_message: str
    error_url: str

"""Pieces every Stytch response shares."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, ConfigDict

from keystile.ids import ID_PATTERN, MAX_ID_LENGTH

# An identifier in a URL path; anything else is refused before it reaches a query.
PathId = Annotated[str, Path(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]


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

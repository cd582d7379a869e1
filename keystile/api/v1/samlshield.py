"""`/v1/saml/validate`: SAML Shield's check of a form-posted, base64 `SAMLResponse`, made with the
project's secret as the SAML Shield client's Bearer token. The handler calls one domain function."""

from __future__ import annotations

import asyncio
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request

from keystile.api.auth import ProjectAuth
from keystile.api.context import Ctx
from keystile.api.schemas.samlshield import SamlValidateResponse
from keystile.errors import KeystileError
from keystile.samlshield.validate import validate

router = APIRouter(prefix="/v1", tags=["samlshield"])
FORM_MAX_FIELDS = 4


@router.post("/saml/validate", response_model=SamlValidateResponse)
async def validate_saml_response(request: Request, ctx: Ctx, project: ProjectAuth) -> SamlValidateResponse:
    saml_response = _saml_response(await request.body())
    # Parsing up to a megabyte of XML is work for a thread, not for the event loop.
    message = await asyncio.to_thread(validate, saml_response)
    return SamlValidateResponse(request_id=ctx.request_id, message=message)


def _saml_response(body: bytes) -> str:
    """The form's `SAMLResponse` field."""
    try:
        fields = dict(parse_qsl(body.decode("ascii"), max_num_fields=FORM_MAX_FIELDS))
    except (UnicodeDecodeError, ValueError) as error:
        raise KeystileError("bad_request", "The body is not a form with a SAMLResponse field.") from error
    saml_response = fields.get("SAMLResponse")
    if not saml_response:
        raise KeystileError("bad_request", "The form carries no SAMLResponse.")
    return saml_response

"""The response body of SAML Shield's `saml.validate`, as the SDK models it."""

from __future__ import annotations

from keystile.api.schemas.common import StytchResponse


class SamlValidateResponse(StytchResponse):
    message: str

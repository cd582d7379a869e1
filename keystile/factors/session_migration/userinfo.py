"""Asking the former provider's OIDC userinfo endpoint whose a token is (OpenID Connect Core 5.3:
a GET with the token as Bearer credential), and reading the verified email address it answers."""

from __future__ import annotations

from keystile.errors import KeystileError
from keystile.identity.contact import normalize_email
from keystile.outbound import OutboundError, get_json


def _refused(detail: str) -> KeystileError:
    return KeystileError("unable_to_migrate_session", f"The session could not be migrated: {detail}.")


async def email_of(userinfo_url: str, token: str) -> str:
    """The normalised email address the userinfo endpoint answers for `token`; refused when the
    endpoint refuses the token, names no valid email, or says the email is unverified."""
    try:
        claims = await get_json(
            userinfo_url, {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        )
    except OutboundError:
        raise _refused("the userinfo endpoint did not accept the token") from None
    if not isinstance(claims, dict) or not isinstance(claims.get("email"), str):
        raise _refused("the userinfo endpoint answered no email address")
    if claims.get("email_verified") is False:
        raise _refused("the email address is not verified")
    try:
        return normalize_email(claims["email"])
    except KeystileError:
        raise _refused("the userinfo endpoint answered an invalid email address") from None

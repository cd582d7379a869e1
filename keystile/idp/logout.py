"""OpenID Connect RP-Initiated Logout 1.0: the client sends the browser with the ID token it holds
(`id_token_hint`, checked against the project's keys and issuer; an expired one is accepted); the
session the ID token came from ends, and the browser goes back to one of the client's registered
post-logout redirect URIs with the client's `state`. Refusals redirect nowhere. Or the app's own logout
page asks first (the frontend SDK's `oauthLogoutStart`) and ends its session itself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from authlib.common.urls import add_params_to_uri
from cryptography.hazmat.primitives.asymmetric import rsa

from keystile.b2b.repository import MemberSessionRepository
from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.idp import directory
from keystile.idp.clients import IdpClient
from keystile.idp.models import IdpTokenFamily
from keystile.idp.protocol import SESSION_CLAIM
from keystile.idp.repository import ProviderRepository
from keystile.idp.subjects import session_subject
from keystile.sessions.jwts import ALGORITHM, CLOCK_SKEW_SECONDS
from keystile.sessions.repository import SessionRepository


@dataclass(frozen=True)
class LogoutRequest:
    """The parameters of the request, as the relying party sent them."""

    id_token_hint: str | None = None
    client_id: str | None = None
    post_logout_redirect_uri: str | None = None
    state: str | None = None


@dataclass(frozen=True)
class Hint:
    """What a verified ID token hint says: whom it is about, for which client, under which grant."""

    subject_id: str
    client_id: str
    family_id: str | None


def _refused(description: str) -> KeystileError:
    return KeystileError("invalid_request", description)


def verified_hint(
    token: str, public_key: rsa.RSAPublicKey | None, *, issuer: str, client_id: str | None, now: datetime
) -> Hint:
    """The ID token hint's subject and client, once its signature and issuer check out. Its expiry is
    not checked (the spec accepts an expired hint: the user may have been away); `nbf` and `iat` are."""
    if public_key is None:
        raise _refused("The id_token_hint was not signed by a key of this project.")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            public_key,
            algorithms=[ALGORITHM],
            issuer=issuer,
            options={"require": ["iss", "sub", "aud", "iat"], "verify_exp": False, "verify_aud": False},
            leeway=CLOCK_SKEW_SECONDS,
        )
    except jwt.PyJWTError as error:
        raise _refused(f"The id_token_hint is not an ID token of this provider: {error}.") from error
    if claims["iat"] > now.timestamp() + CLOCK_SKEW_SECONDS:
        raise _refused("The id_token_hint was issued in the future.")
    audience = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    named = client_id if client_id is not None else (audience[0] if len(audience) == 1 else None)
    if named is None or named not in audience:
        raise _refused("The id_token_hint was not issued to this client_id.")
    family_id = claims.get(SESSION_CLAIM)
    return Hint(str(claims["sub"]), named, family_id if isinstance(family_id, str) else None)


async def _hint(call: Call, request: LogoutRequest, issuer: str) -> Hint:
    token = request.id_token_hint
    if not token:
        # keystile keeps no browser session of its own: without the hint, nobody is named to log out.
        raise _refused("Send the id_token_hint: the ID token of the session to end.")
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError as error:
        raise _refused("The id_token_hint is not a JWT.") from error
    public_key = await call.keys.public_key(call.db, call.project_id, str(kid), call.now) if kid else None
    return verified_hint(token, public_key, issuer=issuer, client_id=request.client_id, now=call.now)


def _redirect(client: IdpClient, request: LogoutRequest) -> str | None:
    uri = request.post_logout_redirect_uri
    if uri is None:
        return None
    if uri not in client.post_logout_redirect_urls:
        raise _refused("post_logout_redirect_uri is not one of the client's post-logout redirect URLs.")
    return add_params_to_uri(uri, [("state", request.state)]) if request.state is not None else uri


async def _families(call: Call, hint: Hint) -> list[IdpTokenFamily]:
    """The authorization the ID token came from or, for an ID token that names none, every
    authorization of the subject at this client."""
    repository = ProviderRepository(call.db, call.project_id)
    if hint.family_id is None:
        return await repository.families_of(hint.subject_id, hint.client_id)
    family = await repository.family(hint.family_id)
    named = family is not None and (family.subject_id, family.client_id) == (hint.subject_id, hint.client_id)
    return [family] if family is not None and named else []


async def _end_sessions(call: Call, families: list[IdpTokenFamily]) -> None:
    users = SessionRepository(call.db, call.project_id)
    members = MemberSessionRepository(call.db, call.project_id)
    for family in families:
        if family.session_id is not None:
            sessions = members if family.organization_id is not None else users
            await sessions.delete(session_id=family.session_id)


async def end_session(call: Call, request: LogoutRequest, *, issuer: str) -> str | None:
    """End the session the ID token hint came from; the URI to send the browser back to, if the
    client asked for one (None: the logout is done and there is nowhere to go)."""
    hint = await _hint(call, request, issuer)
    client = await directory.active_client(call, hint.client_id)
    if client is None:
        raise _refused("The id_token_hint names no active client of this project.")
    redirect = _redirect(client, request)
    await _end_sessions(call, await _families(call, hint))
    return redirect


@dataclass(frozen=True)
class LogoutStart:
    """Where the app's logout page sends the browser once its session has ended, and whether it must
    ask the user first."""

    redirect_uri: str
    consent_required: bool


async def start(
    call: Call, request: LogoutRequest, *, issuer: str, session_token: str | None, vertical: str = "consumer"
) -> LogoutStart:
    """Check a logout request for the app's logout page, which ends the user's (or member's) session
    itself. They need not confirm when the ID token hint, issued to this client, names the user or
    member whose session the page holds; without a hint (or a session) they must."""
    if not request.client_id or not request.post_logout_redirect_uri:
        raise _refused("Send the client_id and the post_logout_redirect_uri.")
    client = await directory.active_client(call, request.client_id)
    if client is None:
        raise _refused("The client_id names no active client of this project.")
    redirect = _redirect(client, request)
    assert redirect is not None, "a post_logout_redirect_uri was given"
    hint = await _hint(call, request, issuer) if request.id_token_hint else None
    subject = None
    if hint is not None and session_token is not None:
        subject = (await session_subject(call, session_token, vertical)).subject_id
    return LogoutStart(redirect, consent_required=hint is None or hint.subject_id != subject)

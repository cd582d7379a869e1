"""What a client does with its tokens: read the user's claims (OpenID Connect UserInfo, bearer per
RFC 6750), introspect a token (RFC 7662), revoke one (RFC 7009). The presented token is verified and
its family read first; Authlib's endpoints then decide and answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jwt
from authlib.oauth2 import OAuth2Error, ResourceProtector
from authlib.oauth2.rfc6750 import BearerTokenValidator, InvalidTokenError
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint

from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.idp import access_tokens, directory
from keystile.idp.exchange import presented_client_id, subject_of
from keystile.idp.models import IdpTokenFamily
from keystile.idp.protocol import Answer, Provider, Snapshot, error_answer, oauth2_request, user_info
from keystile.idp.repository import ProviderRepository
from keystile.sessions.jwts import CLOCK_SKEW_SECONDS, signed_claims
from keystile.sessions.jwts import issuer as token_issuer

CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
ACCESS_TOKEN, REFRESH_TOKEN = "access_token", "refresh_token"


@dataclass(frozen=True)
class PresentedToken:
    """A token this provider issued, verified, with its family (Authlib's `TokenMixin` for bearer
    validation, introspection and revocation)."""

    token_type: str  # access_token or refresh_token
    client_id: str
    scope: str
    family: IdpTokenFamily
    issued_at: int
    expires_at: int
    claims: dict[str, Any]
    revoked: bool = False  # its grant was revoked through the management API

    def check_client(self, client: Any) -> bool:
        return bool(client.client_id == self.client_id)

    def get_scope(self) -> str:
        return self.scope

    def is_expired(self) -> bool:
        return False  # only unexpired tokens are presented

    def is_revoked(self) -> bool:
        return self.revoked or self.family.revoked_at is not None


async def _access_token(call: Call, token: str) -> PresentedToken | None:
    try:
        kid = jwt.get_unverified_header(token).get("kid")
        public_key = await call.keys.public_key(call.db, call.project_id, str(kid), call.now) if kid else None
        claims = signed_claims(token, public_key=public_key, project_id=call.project_id)
    except (jwt.PyJWTError, KeystileError):
        return None
    family_id = access_tokens.family_of(claims.get("jti"))
    moment = call.now.timestamp()
    if family_id is None or not claims["nbf"] - CLOCK_SKEW_SECONDS <= moment < claims["exp"]:
        return None
    family = await ProviderRepository(call.db, call.project_id).family(family_id)
    if family is None:
        return None
    return PresentedToken(
        ACCESS_TOKEN,
        str(claims.get("client_id")),
        str(claims.get("scope", "")),
        family,
        int(claims["iat"]),
        int(claims["exp"]),
        claims,
        revoked=not await directory.still_granted(call, family),
    )


async def _refresh_token(call: Call, token: str) -> PresentedToken | None:
    repository = ProviderRepository(call.db, call.project_id)
    row = await repository.refresh_token(token)
    if row is None or row.consumed_at is not None or row.expires_at <= call.now:
        return None
    family = await repository.family(row.family_id)
    if family is None:
        return None
    claims = {"sub": family.subject_id, "aud": [call.project_id], "iss": token_issuer(call.project_id)}
    return PresentedToken(
        REFRESH_TOKEN,
        row.client_id,
        " ".join(row.scopes),
        family,
        int(row.created_at.timestamp()),
        int(row.expires_at.timestamp()),
        claims,
        revoked=not await directory.still_granted(call, family),
    )


async def presented_token(call: Call, token: object) -> PresentedToken | None:
    """The live access token (a JWT of this project) or refresh token `token` is, else None."""
    if not isinstance(token, str) or not token:
        return None
    return await (_access_token(call, token) if token.count(".") == 2 else _refresh_token(call, token))


class _Introspection(IntrospectionEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def __init__(self, server: Provider, token: PresentedToken | None) -> None:
        super().__init__(server)
        self.token = token

    def query_token(self, token_string: str, token_type_hint: str | None) -> PresentedToken | None:
        return self.token

    def check_permission(self, token: PresentedToken, client: Any, request: Any) -> bool:
        return token.check_client(client)

    def introspect_token(self, token: PresentedToken) -> dict[str, Any]:
        claims = token.claims
        return {
            **{name: value for name, value in claims.items() if name != "jti"},
            "active": True,
            "client_id": token.client_id,
            "scope": token.scope,
            "token_type": token.token_type,
            "iat": token.issued_at,
            "nbf": claims.get("nbf", token.issued_at),
            "exp": token.expires_at,
        }


class _Revocation(RevocationEndpoint):  # type: ignore[misc]
    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def __init__(self, server: Provider, token: PresentedToken | None) -> None:
        super().__init__(server)
        self.token = token
        self.revoked: PresentedToken | None = None

    def query_token(self, token_string: str, token_type_hint: str | None) -> PresentedToken | None:
        return self.token

    def revoke_token(self, token: PresentedToken, request: Any) -> None:
        self.revoked = token


async def _provider(call: Call, params: dict[str, Any], authorization: str | None) -> Provider:
    client = await directory.active_client(call, presented_client_id(params, authorization))
    return Provider(Snapshot(project_id=call.project_id, issuer="", now=call.now, key=None, client=client))


async def introspect(call: Call, params: dict[str, Any], authorization: str | None) -> Answer:
    """RFC 7662: whether the client's token is active, with its claims."""
    provider = await _provider(call, params, authorization)
    endpoint = _Introspection(provider, await presented_token(call, params.get("token")))
    return _answer(endpoint, oauth2_request(params, authorization))


async def revoke(call: Call, params: dict[str, Any], authorization: str | None) -> Answer:
    """RFC 7009: revoking an access or refresh token revokes every token of its authorization."""
    provider = await _provider(call, params, authorization)
    endpoint = _Revocation(provider, await presented_token(call, params.get("token")))
    answer = _answer(endpoint, oauth2_request(params, authorization))
    if endpoint.revoked is not None:
        await ProviderRepository(call.db, call.project_id).revoke_family(
            endpoint.revoked.family.family_id, call.now
        )
    return answer


def _answer(endpoint: IntrospectionEndpoint | RevocationEndpoint, request: Any) -> Answer:
    try:
        status, body, headers = endpoint.create_endpoint_response(request)
    except OAuth2Error as error:
        return error_answer(error)
    return Answer(status, body, dict(headers))


class _Bearer(BearerTokenValidator):  # type: ignore[misc]
    def __init__(self, token: PresentedToken | None) -> None:
        super().__init__()
        self.token = token

    def authenticate_token(self, token_string: str) -> PresentedToken | None:
        return self.token


async def userinfo(call: Call, authorization: str | None) -> Answer:
    """OpenID Connect UserInfo: the claims the access token's scopes release about its subject."""
    scheme, _, token_string = (authorization or "").partition(" ")
    token = await presented_token(call, token_string.strip()) if scheme.lower() == "bearer" else None
    if token is not None and token.token_type != ACCESS_TOKEN:
        token = None
    protector = ResourceProtector()
    protector.register_token_validator(_Bearer(token))
    try:
        protector.validate_request(["openid"], oauth2_request({}, authorization))
    except OAuth2Error as error:
        return error_answer(error)
    assert token is not None, "a validated request carries a token"
    subject = await subject_of(call, token.family.subject_id, token.family)
    if subject is None:
        return error_answer(InvalidTokenError())
    return Answer(200, dict(user_info(subject, token.scope)), {})

"""Authlib's authorization server over one request's rows, read beforehand (`Snapshot`): the protocol
(RFC 6749 grants, RFC 7636 S256, OpenID Connect ID tokens) runs in memory and records what it would
store (`Effects`), which the service then writes in the request's unit of work."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749 import AuthorizationServer, OAuth2Request, grants
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import RSAKey

from keystile.idp import access_tokens
from keystile.idp.clients import IdpClient
from keystile.idp.models import IdpAuthorizationCode, IdpRefreshToken
from keystile.sessions.jwts import ALGORITHM, SigningMaterial
from keystile.tokens import new_token

# Authlib checks that a request URI is https; TLS is the deployment's (it ends at the proxy), and the
# grants used here read nothing else of the URI.
REQUEST_URI = "https://keystile.invalid/"
OFFLINE_ACCESS = "offline_access"
# The ID token claim naming the authorization (its token family) it was issued under.
SESSION_CLAIM = "sid"


@dataclass(frozen=True)
class Subject:
    """Whom the tokens are about: a user (or a member of `organization_id`), their OpenID claims, and
    the family every token of this authorization joins."""

    subject_id: str
    claims: dict[str, Any]
    family_id: str
    organization_id: str | None = None
    session_id: str | None = None


@dataclass
class Snapshot:
    """What the protocol may read of the database for one request, read before it runs."""

    project_id: str
    issuer: str
    now: datetime
    key: SigningMaterial | None
    client: IdpClient | None
    subject: Subject | None = None
    code: IdpAuthorizationCode | None = None
    refresh: IdpRefreshToken | None = None
    scopes_supported: tuple[str, ...] = ()
    # Set when the request is to issue a code (`authorize`), not only to be checked (`authorize_start`,
    # which the SDK calls without the PKCE challenge).
    issuing_code: bool = False


@dataclass
class Effects:
    """What the protocol asked to store: a new authorization code, a token (with any refresh token),
    the code it redeemed, the refresh token it rotated."""

    code: str | None = None
    code_request: dict[str, Any] = field(default_factory=dict)
    token: dict[str, Any] | None = None
    redeemed: IdpAuthorizationCode | None = None
    rotated: IdpRefreshToken | None = None


def oauth2_request(params: dict[str, Any], authorization: str | None = None) -> OAuth2Request:
    """An Authlib request of these parameters and Authorization header. Basic credentials of another
    id than the body's `client_id` are left out: the Python SDK sends the project's own along."""
    if authorization and params.get("client_id") is not None:
        basic_id, _ = extract_basic_authorization({"Authorization": authorization})
        if basic_id is not None and basic_id != params["client_id"]:
            authorization = None
    return _FormRequest(params, {"Authorization": authorization} if authorization else {})


class _FormRequest(OAuth2Request):  # type: ignore[misc]
    def __init__(self, params: dict[str, Any], headers: dict[str, str]) -> None:
        super().__init__("POST", REQUEST_URI, headers=headers)
        self.payload = BasicOAuth2Payload(params)
        self._params = params

    @property
    def form(self) -> dict[str, Any]:
        return self._params

    @property
    def args(self) -> dict[str, Any]:
        return {}


@dataclass(frozen=True)
class _Code:
    """A stored code as Authlib's `AuthorizationCodeMixin`."""

    row: IdpAuthorizationCode

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return " ".join(self.row.scopes)

    def get_nonce(self) -> str | None:
        return self.row.nonce

    def get_auth_time(self) -> int:
        return int(self.row.auth_time.timestamp())

    def get_acr(self) -> None:
        return None

    def get_amr(self) -> None:
        return None


@dataclass(frozen=True)
class _Refresh:
    """A stored refresh token as Authlib's `TokenMixin`."""

    row: IdpRefreshToken

    def check_client(self, client: IdpClient) -> bool:
        return client.client_id == self.row.client_id

    def get_scope(self) -> str:
        return " ".join(self.row.scopes)


class _S256Only(CodeChallenge):  # type: ignore[misc]
    """RFC 7636 with S256 only (OAuth 2.1), required of public clients."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        request = grant.request
        issuing = grant.server.snapshot.issuing_code
        if issuing and request.client.is_public and not request.payload.data.get("code_challenge"):
            raise InvalidRequestError("A public client must send a PKCE code_challenge (S256).")
        super().validate_code_challenge(grant, redirect_uri)

    def get_authorization_code_challenge(self, authorization_code: _Code) -> str | None:
        return authorization_code.row.code_challenge

    def get_authorization_code_challenge_method(self, authorization_code: _Code) -> str:
        return "S256"


class _IdToken(OpenIDCode):  # type: ignore[misc]
    """OpenID Connect ID tokens for the code grant, signed with the project's key."""

    def __init__(self, provider: Provider) -> None:
        super().__init__(require_nonce=False)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return False  # codes are single-use, so a nonce cannot be replayed through one

    def resolve_client_private_key(self, client: IdpClient) -> RSAKey:
        return RSAKey.import_key(self.provider.signing_key.private_key)

    def get_client_algorithm(self, client: IdpClient) -> str:
        return ALGORITHM

    def get_encode_header(self, client: IdpClient) -> dict[str, str]:
        return {"alg": ALGORITHM, "kid": self.provider.signing_key.kid, "typ": "JWT"}

    def get_compatible_claims(self, request: OAuth2Request) -> dict[str, Any]:
        now = int(self.provider.snapshot.now.timestamp())
        return {
            "iss": self.provider.snapshot.issuer,
            "aud": [request.client.client_id],
            "iat": now,
            "nbf": now,
            "exp": now + access_tokens.ID_TOKEN_SECONDS,
            "auth_time": now,
            # The authorization the ID token is issued under: RP-Initiated Logout ends its session.
            SESSION_CLAIM: request.user.family_id,
        }

    def generate_user_info(self, user: Subject, scope: str) -> UserInfo:
        return user_info(user, scope)


def user_info(subject: Subject, scope: str) -> UserInfo:
    """The OpenID claims about `subject` that `scope` releases (always `sub`)."""
    released = UserInfo(subject.claims).filter(scope)
    released["sub"] = subject.subject_id
    return released


class _CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]

    server: Provider

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        effects = self.server.effects
        effects.code = code
        effects.code_request = {
            "redirect_uri": request.payload.redirect_uri,
            "scopes": request.scope.split() if request.scope else [],
            "code_challenge": request.payload.data.get("code_challenge"),
            "nonce": request.payload.data.get("nonce"),
        }

    def query_authorization_code(self, code: str, client: IdpClient) -> _Code | None:
        row = self.server.snapshot.code
        return _Code(row) if row is not None and row.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code: _Code) -> None:
        self.server.effects.redeemed = authorization_code.row

    def authenticate_user(self, authorization_code: _Code) -> Subject | None:
        return self.server.snapshot.subject


class _RefreshGrant(grants.RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "none"]
    INCLUDE_NEW_REFRESH_TOKEN = True  # rotation: every refresh replaces the refresh token

    server: Provider

    def authenticate_refresh_token(self, refresh_token: str) -> _Refresh | None:
        row = self.server.snapshot.refresh
        return _Refresh(row) if row is not None else None

    def authenticate_user(self, refresh_token: _Refresh) -> Subject | None:
        return self.server.snapshot.subject

    def revoke_old_credential(self, refresh_token: _Refresh) -> None:
        self.server.effects.rotated = refresh_token.row


class Provider(AuthorizationServer):  # type: ignore[misc]
    """One request's authorization server; `effects` holds what it asked to store."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__(scopes_supported=list(snapshot.scopes_supported) or None)
        self.snapshot = snapshot
        self.effects = Effects()
        self.register_grant(_CodeGrant, [_S256Only(required=True), _IdToken(self)])
        self.register_grant(_RefreshGrant)
        self.register_token_generator("default", self._generate_token)

    @property
    def signing_key(self) -> SigningMaterial:
        assert self.snapshot.key is not None, "a token request reads the signing key first"
        return self.snapshot.key

    def query_client(self, client_id: str) -> IdpClient | None:
        client = self.snapshot.client
        return client if client is not None and client.client_id == client_id else None

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        self.effects.token = token

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def handle_response(self, status: int, body: Any, headers: list[tuple[str, str]]) -> Answer:
        return Answer(status, body, dict(headers))

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def _generate_token(
        self,
        grant_type: str,
        client: IdpClient,
        user: Subject | None = None,
        scope: str | None = None,
        expires_in: int | None = None,
        include_refresh_token: bool = True,
    ) -> dict[str, Any]:
        assert user is not None, "the code and refresh grants always name a user"
        scopes = scope.split() if scope else []
        lifetime = client.access_token_expiry_minutes * 60
        token: dict[str, Any] = {
            "token_type": "Bearer",
            "access_token": access_tokens.mint(
                project_id=self.snapshot.project_id,
                client_id=client.client_id,
                subject=user.subject_id,
                organization_id=user.organization_id,
                family_id=user.family_id,
                scopes=scopes,
                key=self.signing_key,
                lifetime_seconds=lifetime,
                now=self.snapshot.now,
            ),
            "expires_in": lifetime,
            "scope": " ".join(scopes),
        }
        if include_refresh_token and OFFLINE_ACCESS in scopes:
            token["refresh_token"] = new_token()
        return token


@dataclass(frozen=True)
class Answer:
    """An HTTP answer from Authlib: status, body (a dict, a list of pairs, or text) and headers."""

    status: int
    body: Any
    headers: dict[str, str]


# Authlib leaves some errors undescribed; every protocol error keystile answers carries a description.
DESCRIPTIONS = {
    "missing_authorization": "Send the access token in an Authorization: Bearer header.",
    "unsupported_token_type": "Send the access token in an Authorization: Bearer header.",
    "insufficient_scope": "The access token lacks the scope this endpoint needs.",
}


def error_answer(error: OAuth2Error) -> Answer:
    status, body, headers = error()
    body = dict(body)
    body.setdefault("error_description", DESCRIPTIONS.get(body["error"], "The request was refused."))
    return Answer(status, body, dict(headers))

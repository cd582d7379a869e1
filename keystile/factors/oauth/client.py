"""keystile as the OAuth client of a provider, through Authlib: the OIDC discovery document, the
authorization URL (state, nonce, PKCE S256), the code exchange, the ID token's verification (joserfc:
signature by the issuer's JWKS, RS256 only, `iss`, `aud`, `exp`, `nonce`) and the profile answers.
A provider that refuses, errs or cannot be reached is a Stytch-shaped error, never a 500."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from urllib.parse import urlencode

import httpx
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from authlib.integrations.httpx_client._compat import httpx2 as authlib_http
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from keystile.errors import KeystileError
from keystile.factors.oauth.configuration import Endpoints
from keystile.factors.oauth.providers import value_at

TIMEOUT_SECONDS: Final = 10.0
TIMEOUT: Final = httpx.Timeout(TIMEOUT_SECONDS)
# Authlib's client runs on httpx2 where that is installed (else httpx): its failures are of either.
HTTP_ERRORS: Final = (httpx.HTTPError, authlib_http.HTTPError)
# The algorithm ID tokens may be signed with: Google's, Apple's, Microsoft's and every OIDC provider's
# mandatory one. Pinned, so that `none` or an HMAC keyed with the public key never verifies.
ID_TOKEN_ALGORITHMS: Final = ["RS256"]
LEEWAY_SECONDS: Final = 60
PROVIDER_ERROR: Final = re.compile(r"[a-z_]{1,64}")
# An organizations list is read a page of (at most) 100 at a time, GitHub's largest, following its
# `Link: <…>; rel="next"` headers, up to this many pages.
PAGE_SIZE: Final = 100
MAX_PAGES: Final = 10
# Parameters keystile sets itself; `provider_*` parameters of a start request cannot replace them.
RESERVED: Final = frozenset(
    {"client_id", "redirect_uri", "response_type", "scope", "state", "nonce", "code_challenge",
     "code_challenge_method"}
)  # fmt: skip


@dataclass(frozen=True)
class ProviderEndpoints:
    """Where the flow goes: the configured endpoints, or those of the issuer's discovery document."""

    authorize_url: str
    token_url: str
    userinfo_url: str | None
    issuer: str | None = None
    jwks_uri: str | None = None


@dataclass(frozen=True)
class ProviderTokens:
    """What the provider's token endpoint answered (Stytch's `provider_values`)."""

    access_token: str
    refresh_token: str
    id_token: str
    scopes: list[str]
    expires_at: datetime | None


def provider_error(error: str) -> KeystileError:
    """The provider's `error=` on its redirect (e.g. `access_denied`), shown only when well formed."""
    shown = error if PROVIDER_ERROR.fullmatch(error) else "an error"
    return KeystileError("oauth_provider_error", f"The OAuth provider answered {shown}.")


def provider_failed(what: str) -> KeystileError:
    return KeystileError("oauth_provider_error", f"The OAuth provider failed to {what}.")


def _headers(token: str | None) -> dict[str, str]:
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return headers


async def _json(url: str, *, token: str | None = None) -> Any:
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            answer = await http.get(url, headers=_headers(token))
            answer.raise_for_status()
            return answer.json()
    except (httpx.HTTPError, ValueError) as error:
        raise provider_failed("answer") from error


async def _listed(url: str, token: str) -> list[Any]:
    """The items of a paginated list (each page a JSON array, the next one named by `Link`)."""
    items: list[Any] = []
    next_url: str | None = url
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as http:
            for _ in range(MAX_PAGES):
                if next_url is None:
                    break
                answer = await http.get(next_url, headers=_headers(token))
                answer.raise_for_status()
                page = answer.json()
                if not isinstance(page, list):
                    raise ValueError("not a list")
                items.extend(page)
                next_url = answer.links.get("next", {}).get("url")
    except (httpx.HTTPError, ValueError) as error:
        raise provider_failed("list the account's organizations") from error
    return items


async def provider_endpoints(endpoints: Endpoints) -> ProviderEndpoints:
    """The configured endpoints; for an OIDC provider, its discovery document's."""
    if endpoints.issuer is None:
        assert endpoints.authorize_url is not None and endpoints.token_url is not None
        return ProviderEndpoints(endpoints.authorize_url, endpoints.token_url, endpoints.userinfo_url)
    return await discover(endpoints.issuer)


async def discover(issuer: str) -> ProviderEndpoints:
    """The endpoints of the issuer's OIDC discovery document, whose `issuer` must be `issuer`."""
    document = await _json(f"{issuer.rstrip('/')}/.well-known/openid-configuration")
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        raise provider_failed("publish a discovery document for its issuer")
    try:
        return ProviderEndpoints(
            authorize_url=document["authorization_endpoint"],
            token_url=document["token_endpoint"],
            userinfo_url=document.get("userinfo_endpoint"),
            issuer=document["issuer"],
            jwks_uri=document["jwks_uri"],
        )
    except KeyError as error:
        raise provider_failed("publish a complete discovery document") from error


def _client(endpoints: Endpoints, redirect_uri: str | None, scopes: list[str]) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=endpoints.client_id,
        client_secret=endpoints.client_secret,
        scope=" ".join(scopes),
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        token_endpoint_auth_method=endpoints.provider.client_auth,
        timeout=TIMEOUT_SECONDS,
    )


def authorization_url(
    endpoints: Endpoints,
    at: ProviderEndpoints,
    *,
    redirect_uri: str,
    scopes: list[str],
    state: str,
    nonce: str,
    code_verifier: str,
    extra: Mapping[str, str],
) -> str:
    """The provider's authorization URL for this flow; `extra` (the `provider_*` parameters) cannot
    replace a parameter keystile sets."""
    forwarded = {name: value for name, value in extra.items() if name not in RESERVED}
    if at.issuer is not None:
        forwarded["nonce"] = nonce
    url, _ = _client(endpoints, redirect_uri, scopes).create_authorization_url(
        at.authorize_url, state=state, code_verifier=code_verifier, **forwarded
    )
    return str(url)


def _expires_at(token: Mapping[str, Any]) -> datetime | None:
    expires_at = token.get("expires_at")
    return datetime.fromtimestamp(int(expires_at), UTC) if isinstance(expires_at, int | float) else None


async def exchange_code(
    endpoints: Endpoints, at: ProviderEndpoints, *, redirect_uri: str, code: str, code_verifier: str
) -> ProviderTokens:
    """Redeem the authorization code (with keystile's PKCE verifier) at the token endpoint."""
    try:
        async with _client(endpoints, redirect_uri, list(endpoints.scopes)) as client:
            token = await client.fetch_token(at.token_url, code=code, code_verifier=code_verifier)
    except (OAuthError, *HTTP_ERRORS, ValueError) as error:
        raise provider_failed("exchange the authorization code") from error
    return _issued(token, ProviderTokens("", "", "", [], None))


def _issued(token: Mapping[str, Any], held: ProviderTokens) -> ProviderTokens:
    """The token endpoint's answer; what it leaves out (a refresh's refresh token, ID token or scopes)
    is as `held`."""
    access_token = token.get("access_token")
    if not isinstance(access_token, str) or not access_token:
        raise provider_failed("issue an access token")
    scope = token.get("scope")
    return ProviderTokens(
        access_token=access_token,
        refresh_token=str(token.get("refresh_token") or held.refresh_token),
        id_token=str(token.get("id_token") or held.id_token),
        scopes=scope.replace(",", " ").split() if isinstance(scope, str) else held.scopes,
        expires_at=_expires_at(token),
    )


async def refreshed_tokens(
    endpoints: Endpoints, at: ProviderEndpoints, held: ProviderTokens
) -> ProviderTokens:
    """New tokens for `held`'s refresh token at the token endpoint (RFC 6749 section 6, the scopes as
    first granted)."""
    try:
        async with _client(endpoints, None, []) as client:
            token = await client.refresh_token(at.token_url, refresh_token=held.refresh_token)
    except (OAuthError, *HTTP_ERRORS, ValueError) as error:
        raise provider_failed("refresh the access token") from error
    return _issued(token, held)


async def verified_id_token(
    id_token: str, *, issuer: str, jwks_uri: str, audience: str, nonce: str | None, now: datetime
) -> dict[str, Any]:
    """The claims of an ID token signed by a key of the issuer's JWKS, for `audience`, unexpired, and
    (when the flow sent one) carrying `nonce`; otherwise `invalid_id_token`."""
    keys = await _json(jwks_uri)
    options: dict[str, Any] = {
        "iss": {"essential": True, "value": issuer},
        "aud": {"essential": True, "value": audience},
        "exp": {"essential": True},
        "sub": {"essential": True},
    }
    if nonce is not None:
        options["nonce"] = {"essential": True, "value": nonce}
    try:
        token = jwt.decode(id_token, KeySet.import_key_set(keys), algorithms=ID_TOKEN_ALGORITHMS)
        jwt.JWTClaimsRegistry(now=int(now.timestamp()), leeway=LEEWAY_SECONDS, **options).validate(
            token.claims
        )
    except (JoseError, ValueError, TypeError) as error:
        raise KeystileError("invalid_id_token") from error
    return dict(token.claims)


async def userinfo(endpoints: Endpoints, at: ProviderEndpoints, access_token: str) -> dict[str, Any]:
    """The provider's profile answer for the access token, with its email list (`emails`) where the
    provider keeps addresses apart."""
    if at.userinfo_url is None:
        return {}
    answer = await _json(at.userinfo_url.replace("{access_token}", access_token), token=access_token)
    profile = answer if isinstance(answer, dict) else {}
    listing = endpoints.provider.emails
    if listing is not None:
        listed = await _json(_beside_userinfo(at, "emails"), token=access_token)
        items = value_at(listed, listing.items) if listing.items else listed
        profile = {**profile, "emails": items if isinstance(items, list) else []}
    return profile


def _beside_userinfo(at: ProviderEndpoints, path: str) -> str:
    """A URL beside the userinfo endpoint (GitHub's `/user/emails`, `/user/orgs`)."""
    assert at.userinfo_url is not None
    return f"{at.userinfo_url.split('?', 1)[0].rstrip('/')}/{path}"


async def organization_ids(endpoints: Endpoints, at: ProviderEndpoints, access_token: str) -> list[str]:
    """The ids of the organizations the account belongs to, where the provider lists them (GitHub's
    `/user/orgs`; all of them with the `read:org` scope), in its order; a provider that fails to
    answer is `oauth_provider_error`."""
    listing = endpoints.provider.organizations
    if listing is None or at.userinfo_url is None:
        return []
    url = f"{_beside_userinfo(at, listing)}?{urlencode({'per_page': PAGE_SIZE})}"
    found = [value_at(item, "id") for item in await _listed(url, access_token)]
    ids = [str(one) for one in found if isinstance(one, str | int) and not isinstance(one, bool)]
    return list(dict.fromkeys(ids))

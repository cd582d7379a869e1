"""A Connected App client as Authlib's server sees it (`ClientMixin`): exact redirect URIs, the
secret checked against its digests in constant time, public clients authenticating with `none`."""

from __future__ import annotations

from dataclasses import dataclass

from authlib.oauth2.rfc6749 import ClientMixin

from keystile.connected_apps.settings import FIRST_PARTY_TYPES, PUBLIC_TYPES
from keystile.tokens import digest_matches

GRANT_TYPES = frozenset({"authorization_code", "refresh_token"})
SECRET_METHODS = frozenset({"client_secret_basic", "client_secret_post"})
# The OpenID Connect scopes every client may ask for; custom scopes come from the project's RBAC policy.
STANDARD_SCOPES = ("openid", "profile", "email", "phone", "offline_access")
# Granted only to first-party clients that allow it: their access tokens exchange for a session.
FULL_ACCESS = "full_access"


@dataclass(frozen=True)
class IdpClient(ClientMixin):  # type: ignore[misc]
    """What the provider reads of a Connected App client (built by `keystile.idp.directory`)."""

    client_id: str
    client_type: str
    client_name: str
    client_description: str
    logo_url: str | None
    redirect_urls: tuple[str, ...]
    post_logout_redirect_urls: tuple[str, ...]
    secret_digests: tuple[str, ...]
    access_token_expiry_minutes: int
    bypass_consent_for_offline_access: bool
    allowed_scopes: frozenset[str]

    @property
    def is_public(self) -> bool:
        return self.client_type in PUBLIC_TYPES

    @property
    def is_first_party(self) -> bool:
        return self.client_type in FIRST_PARTY_TYPES

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        # OAuth 2.1: the redirect URI is always named in the request; no default.
        return None

    def get_allowed_scope(self, scope: str | None) -> str:
        if not scope:
            return ""
        return " ".join(name for name in dict.fromkeys(scope.split()) if name in self.allowed_scopes)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_urls

    def check_client_secret(self, client_secret: str) -> bool:
        return not self.is_public and digest_matches(client_secret, *self.secret_digests)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "none" if self.is_public else method in SECRET_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in GRANT_TYPES

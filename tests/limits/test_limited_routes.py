"""The limits are declared on the routes: the app's routers limit exactly the routes that were
limited when the limits were a list of paths inside the auth dependency."""

from __future__ import annotations

from fastapi.routing import APIRoute

from keystile.api import limits
from keystile.app import API_ROUTERS

SENDS = {
    "/v1/magic_links/email/login_or_create",
    "/v1/magic_links/email/send",
    "/v1/magic_links/email/invite",
    "/v1/passwords/email/reset/start",
    "/v1/otps/email/login_or_create",
    "/v1/otps/email/send",
    "/v1/otps/sms/login_or_create",
    "/v1/otps/sms/send",
    "/v1/otps/whatsapp/login_or_create",
    "/v1/otps/whatsapp/send",
    "/v1/b2b/magic_links/email/login_or_signup",
    "/v1/b2b/magic_links/email/invite",
    "/v1/b2b/magic_links/email/discovery/send",
    "/v1/b2b/otps/sms/send",
    "/v1/b2b/otps/email/login_or_signup",
    "/v1/b2b/otps/email/discovery/send",
    "/v1/b2b/passwords/email/reset/start",
    "/v1/b2b/passwords/discovery/email/reset/start",
    # The frontend SDK's (issue #24), limited as the `/v1` routes they run.
    "/sdk/v1/magic_links/email/login_or_create",
    "/sdk/v1/otps/email/login_or_create",
    "/sdk/v1/otps/sms/login_or_create",
    "/sdk/v1/b2b/magic_links/email/discovery/send",
    "/sdk/v1/passwords/email/reset/start",
    "/sdk/v1/b2b/magic_links/email/login_or_signup",
}
ATTEMPTS = {
    "/v1/magic_links/authenticate",
    "/v1/passwords/authenticate",
    "/v1/otps/authenticate",
    "/v1/totps/authenticate",
    "/v1/webauthn/register",
    "/v1/webauthn/authenticate",
    "/v1/oauth/authenticate",
    "/v1/crypto_wallets/authenticate",
    "/v1/b2b/oauth/authenticate",
    "/v1/b2b/oauth/discovery/authenticate",
    "/v1/b2b/magic_links/authenticate",
    "/v1/b2b/magic_links/discovery/authenticate",
    "/v1/b2b/totp/authenticate",
    "/v1/b2b/recovery_codes/recover",
    "/v1/b2b/otps/sms/authenticate",
    "/v1/b2b/otps/email/authenticate",
    "/v1/b2b/otps/email/discovery/authenticate",
    "/v1/b2b/passwords/authenticate",
    "/v1/b2b/sso/authenticate",
    "/v1/sessions/attest",
    "/v1/b2b/sessions/attest",
    "/v1/sessions/migrate",
    "/v1/b2b/sessions/migrate",
    "/v1/sessions/exchange_access_token",
    "/v1/b2b/sessions/exchange_access_token",
    "/v1/impersonation/authenticate",
    "/v1/b2b/impersonation/authenticate",
    "/v1/b2b/passwords/discovery/authenticate",
    "/sdk/v1/magic_links/authenticate",
    "/sdk/v1/otps/authenticate",
    "/sdk/v1/passwords/authenticate",
    "/sdk/v1/b2b/magic_links/discovery/authenticate",
    # Tells whether an address has an account: counted per IP like a credential tried.
    "/sdk/v1/users/search",
    "/sdk/v1/b2b/magic_links/authenticate",
    "/sdk/v1/biometrics/register",
    "/sdk/v1/biometrics/authenticate",
}
SESSION_CHECKS = {
    "/v1/sessions/authenticate",
    "/v1/b2b/sessions/authenticate",
    "/sdk/v1/sessions/authenticate",
    "/sdk/v1/users/me",
    "/sdk/v1/b2b/sessions/authenticate",
}


def _limited_by(dependency: object) -> set[str]:
    return {
        route.path
        for router in API_ROUTERS
        for route in router.routes
        if isinstance(route, APIRoute) and any(d.dependency is dependency for d in route.dependencies)
    }


def test_send_routes_are_limited() -> None:
    assert _limited_by(limits.sends) == SENDS


def test_credential_checks_are_limited() -> None:
    assert _limited_by(limits.attempts) == ATTEMPTS


def test_session_checks_are_limited() -> None:
    assert _limited_by(limits.session_checks) == SESSION_CHECKS

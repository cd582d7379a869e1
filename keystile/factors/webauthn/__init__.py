"""WebAuthn and passkeys (via py_webauthn): registration and authentication ceremonies on the project's
allowed relying-party domains, single-use expiring challenges, signature counters that refuse clones."""

from keystile.factors.webauthn.models import WebAuthnChallenge, WebAuthnRegistration
from keystile.factors.webauthn.profile import WEBAUTHN_REGISTRATIONS
from keystile.identity.detach import Detachable, register_detachable
from keystile.identity.profile import register_user_data

register_user_data(owned=(WebAuthnRegistration, WebAuthnChallenge), parts=(WEBAUTHN_REGISTRATIONS,))
register_detachable(
    Detachable(
        "webauthn_registration",
        WebAuthnRegistration,
        "webauthn_registration_id",
        "webauthn_registration_not_found",
    )
)

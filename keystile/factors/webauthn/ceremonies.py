"""WebAuthn ceremonies through py_webauthn: creation and request options as Stytch returns them (a JSON
string, base64url or standard base64), credentials parsed and verified, library errors made Stytch's."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    options_to_json_dict,
    parse_client_data_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.parse_authentication_credential_json import parse_authentication_credential_json
from webauthn.helpers.parse_registration_credential_json import parse_registration_credential_json
from webauthn.helpers.structs import (
    AuthenticationCredential,
    AuthenticatorAttachment,
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialCreationOptions,
    PublicKeyCredentialDescriptor,
    PublicKeyCredentialRequestOptions,
    RegistrationCredential,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from keystile.errors import ErrorType, KeystileError

# How long a browser (and the challenge) waits for the person at the authenticator.
TIMEOUT_MS: Final = 300_000
AUTHENTICATOR_TYPES: Final = {
    "platform": AuthenticatorAttachment.PLATFORM,
    "cross-platform": AuthenticatorAttachment.CROSS_PLATFORM,
}
# What py_webauthn raises for malformed or unverifiable input (its own errors, and decoding errors).
LIBRARY_ERRORS: Final = (WebAuthnException, ValueError, TypeError, KeyError)
T = TypeVar("T")


@dataclass(frozen=True)
class RelyingParty:
    """Who asks for the credential: the RP id (the request's `domain`) and the origins allowed for it."""

    rp_id: str
    origins: list[str]


@dataclass(frozen=True)
class NewUser:
    """The `user` of the creation options: the user handle stored in a passkey, and its names."""

    handle: bytes
    name: str
    display_name: str


@dataclass(frozen=True)
class Options:
    """A ceremony's options as the API returns them, and the challenge they carry."""

    challenge: bytes
    json: str


def new_challenge() -> bytes:
    return secrets.token_bytes(32)


def challenge_digest(challenge: bytes) -> str:
    """The stored form of a challenge (random, so no salt is needed)."""
    return hashlib.sha256(challenge).hexdigest()


def credential_digest(credential_id: bytes) -> str:
    return hashlib.sha256(credential_id).hexdigest()


def encode(data: bytes) -> str:
    return bytes_to_base64url(data)


def check_authenticator_type(authenticator_type: str | None) -> str:
    if authenticator_type in (None, ""):
        return ""
    if authenticator_type not in AUTHENTICATOR_TYPES:
        raise KeystileError("invalid_authenticator_type")
    return authenticator_type


def _to_json(
    options: PublicKeyCredentialCreationOptions | PublicKeyCredentialRequestOptions, base64url: bool
) -> str:
    """The options as a JSON string, bytes in base64url (for `navigator.credentials` after decoding) or
    in standard base64, as Stytch's `use_base64_url_encoding` chooses."""
    encoder: Callable[[bytes], str] = (
        bytes_to_base64url if base64url else (lambda data: base64.b64encode(data).decode("ascii"))
    )
    return json.dumps(options_to_json_dict(options, bytes_encoder=encoder), separators=(",", ":"))


def _descriptors(credential_ids: Sequence[str]) -> list[PublicKeyCredentialDescriptor]:
    return [PublicKeyCredentialDescriptor(id=_decoded(cid)) for cid in credential_ids]


def _decoded(credential_id: str) -> bytes:
    return base64url_to_bytes(credential_id)


def creation_options(
    rp: RelyingParty,
    rp_name: str,
    user: NewUser,
    *,
    authenticator_type: str,
    passkey: bool,
    existing: Sequence[str],
    base64url: bool,
) -> Options:
    """Options for `navigator.credentials.create`: a passkey (`passkey`) is a discoverable credential,
    user verification preferred; otherwise a second factor the RP need not find by itself."""
    challenge = new_challenge()
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name=rp_name,
        user_id=user.handle,
        user_name=user.name,
        user_display_name=user.display_name,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            authenticator_attachment=AUTHENTICATOR_TYPES.get(authenticator_type),
            resident_key=ResidentKeyRequirement.REQUIRED if passkey else ResidentKeyRequirement.DISCOURAGED,
            user_verification=(
                UserVerificationRequirement.PREFERRED if passkey else UserVerificationRequirement.DISCOURAGED
            ),
        ),
        exclude_credentials=_descriptors(existing),
    )
    return Options(challenge, _to_json(options, base64url))


def request_options(rp: RelyingParty, *, allowed: Sequence[str], passkey: bool, base64url: bool) -> Options:
    """Options for `navigator.credentials.get`: the user's credentials on the RP id, or none (any
    discoverable credential: a passkey login that names no user)."""
    challenge = new_challenge()
    options = generate_authentication_options(
        rp_id=rp.rp_id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        allow_credentials=_descriptors(allowed),
        user_verification=(
            UserVerificationRequirement.PREFERRED if passkey else UserVerificationRequirement.DISCOURAGED
        ),
    )
    return Options(challenge, _to_json(options, base64url))


def _parsed(parse: Callable[[str], T], text: str) -> T:
    try:
        return parse(text)
    except LIBRARY_ERRORS as error:
        raise KeystileError("invalid_public_key_credential") from error


def registration_credential(text: str) -> tuple[RegistrationCredential, bytes]:
    """The `navigator.credentials.create()` response (JSON) and the challenge its client data names."""
    credential = _parsed(parse_registration_credential_json, text)
    return credential, _client_challenge(credential.response.client_data_json)


def authentication_credential(text: str) -> tuple[AuthenticationCredential, bytes]:
    """The `navigator.credentials.get()` response (JSON) and the challenge its client data names."""
    credential = _parsed(parse_authentication_credential_json, text)
    return credential, _client_challenge(credential.response.client_data_json)


def _client_challenge(client_data_json: bytes) -> bytes:
    try:
        return parse_client_data_json(client_data_json).challenge
    except LIBRARY_ERRORS as error:
        raise KeystileError("invalid_public_key_credential") from error


@dataclass(frozen=True)
class VerifiedCredential:
    credential_id: bytes
    public_key: bytes
    sign_count: int


def verify_registration(
    credential: RegistrationCredential, challenge: bytes, rp: RelyingParty, refusal: ErrorType
) -> VerifiedCredential:
    """The new credential, once its client data (type, challenge, origin), RP id hash, user presence
    and attestation check out; `refusal` otherwise."""
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origins,
        )
    except LIBRARY_ERRORS as error:
        raise KeystileError(refusal) from error
    return VerifiedCredential(verified.credential_id, verified.credential_public_key, verified.sign_count)


def verify_assertion(
    credential: AuthenticationCredential,
    challenge: bytes,
    rp: RelyingParty,
    *,
    public_key: str,
    sign_count: int,
) -> int:
    """The authenticator's new signature counter, once the assertion's client data, RP id hash, user
    presence, signature and counter (above `sign_count` unless both are 0: a clone is refused) check out."""
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origins,
            credential_public_key=_decoded(public_key),
            credential_current_sign_count=sign_count,
        )
    except LIBRARY_ERRORS as error:
        raise KeystileError("unable_to_auth_webauthn_registration") from error
    return verified.new_sign_count

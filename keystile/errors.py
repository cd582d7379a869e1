"""The error catalogue: every Stytch `error_type` keystile raises, with its HTTP status, message and URL.

Domain code raises `KeystileError("user_not_found")`, whose type `mypy` checks against `ErrorType`; the
API layer renders it as Stytch's error JSON.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

ErrorType = Literal[
    "bad_request",
    "invalid_json",
    "invalid_argument",
    "invalid_email",
    "invalid_phone_number",
    "invalid_user_id",
    "invalid_email_id",
    "invalid_phone_id",
    "invalid_external_id",
    "invalid_metadata",
    "invalid_search_query",
    "invalid_cursor",
    "invalid_limit",
    "invalid_name",
    "invalid_project_id",
    "invalid_session_duration_minutes",
    "no_session_arguments",
    "too_many_session_arguments",
    "no_session_revoke_arguments",
    "too_many_session_revoke_arguments",
    "reserved_claims_in_custom_claims",
    "stytch_claims_in_custom_claims",
    "custom_claims_too_large",
    "unable_to_parse_session_jwt",
    "jwt_invalid_audience",
    "jwt_invalid_issuer",
    "jwt_invalid_claims",
    "user_id_mismatch",
    "request_too_large",
    "request_timeout",
    "invalid_magic_link_url",
    "invalid_expiration",
    "invalid_code_challenge",
    "pkce_mismatch",
    "magic_link_not_found",
    "unable_to_auth_magic_link",
    "invalid_client_id",
    "invalid_client_secret",
    "invalid_client_name",
    "invalid_client_description",
    "invalid_scopes",
    "invalid_client_status",
    "invalid_claims_template",
    "client_secret_rotation_not_started",
    "m2m_client_not_found",
    "duplicate_client_id",
    "invalid_request",
    "invalid_client",
    "unsupported_grant_type",
    "invalid_scope",
    "weak_password",
    "breached_password",
    "session_too_old_to_reset_password",
    "invalid_hash_type",
    "invalid_hash",
    "invalid_bcrypt_hash",
    "invalid_md_5_hash",
    "invalid_sha_1_hash",
    "invalid_prepend_salt",
    "invalid_append_salt",
    "invalid_argon_2_salt",
    "invalid_argon_2_memory",
    "invalid_argon_2_iteration_amount",
    "invalid_argon_2_threads",
    "invalid_argon_2_key_length",
    "argon_2_key_length_mismatch",
    "invalid_base64_scrypt_hash",
    "invalid_base64_scrypt_salt",
    "invalid_scrypt_n_parameter",
    "invalid_scrypt_parameters",
    "scrypt_key_length_mismatch",
    "invalid_pbkdf_2_hash",
    "invalid_pbkdf_2_salt",
    "invalid_pbkdf_2_iteration_amount",
    "pbkdf_2_key_length_mismatch",
    "invalid_phpass_hash_format",
    "reset_password",
    "unable_to_auth_password_reset_token",
    "password_already_exists",
    "unauthorized_credentials",
    "no_secret_provided",
    "project_not_found",
    "not_found",
    "user_not_found",
    "email_not_found",
    "phone_number_not_found",
    "session_not_found",
    "method_not_allowed",
    "duplicate_email",
    "duplicate_phone_number",
    "duplicate_external_id",
    "signing_key_conflict",
    "wrong_project_vertical",
    "invalid_organization_name",
    "invalid_organization_slug",
    "invalid_email_domain",
    "invalid_email_for_jit_provisioning",
    "invalid_email_for_invites",
    "tenancy_mismatch",
    "session_authorization_error",
    "email_verification_required",
    "organization_not_found",
    "member_not_found",
    "intermediate_session_not_found",
    "organization_slug_already_used",
    "duplicate_member_email",
    "invalid_method_id",
    "invalid_code",
    "invalid_expiration_otp",
    "invalid_phone_number_country_code",
    "invalid_ip_address",
    "sms_not_configured",
    "invalid_totp_code",
    "invalid_recovery_code",
    "otp_code_not_found",
    "unable_to_auth_otp_code",
    "user_lock_limit_reached",
    "unable_to_authenticate_totp",
    "totp_code_already_authenticated",
    "unable_to_authenticate_recovery_code",
    "totp_not_found",
    "active_totp_exists",
    "too_many_requests",
    "internal_server_error",
    "service_unavailable",
]


@dataclass(frozen=True)
class StytchError:
    """One entry of the catalogue: what Stytch answers for an error type."""

    status_code: int
    message: str
    error_url: str


def _entries(table: dict[ErrorType, tuple[int, str]]) -> dict[ErrorType, StytchError]:
    return {
        error_type: StytchError(status, message, f"https://stytch.com/docs/api/errors/{status}#{error_type}")
        for error_type, (status, message) in table.items()
    }


# Each error type's HTTP status and default message, as Stytch answers them.
_STATUS_AND_MESSAGE: Final[dict[ErrorType, tuple[int, str]]] = {
    # 400
    "bad_request": (400, "The request could not be understood."),
    "invalid_json": (400, "The request body is not valid JSON."),
    "invalid_argument": (400, "One or more request arguments are invalid."),
    "invalid_email": (400, "Email format is invalid."),
    "invalid_phone_number": (400, "Phone number format is invalid."),
    "invalid_user_id": (400, "user_id format is invalid."),
    "invalid_email_id": (400, "email_id format is invalid."),
    "invalid_phone_id": (400, "phone_id format is invalid."),
    "invalid_external_id": (
        400,
        "external_id may contain only letters, digits, '.', '_', '-' and '|', up to 128 characters.",
    ),
    "invalid_metadata": (400, "Metadata must be a JSON object of bounded size."),
    "invalid_search_query": (400, "The search query is invalid."),
    "invalid_cursor": (400, "The search cursor is invalid."),
    "invalid_limit": (400, "limit must be between 1 and 1000."),
    "invalid_name": (400, "Name fields must be strings of at most 256 characters."),
    "invalid_project_id": (400, "project_id format is invalid."),
    "invalid_session_duration_minutes": (
        400,
        "session_duration_minutes must be between 5 and 527040 minutes (366 days).",
    ),
    "no_session_arguments": (400, "Include a session_token or a session_jwt."),
    "too_many_session_arguments": (400, "Include only one of session_token and session_jwt."),
    "no_session_revoke_arguments": (400, "Include a session_id, a session_token or a session_jwt."),
    "too_many_session_revoke_arguments": (
        400,
        "Include only one of session_id, session_token and session_jwt.",
    ),
    "reserved_claims_in_custom_claims": (
        400,
        "Custom claims may not use iss, sub, aud, exp, nbf, iat, jti or scope.",
    ),
    "stytch_claims_in_custom_claims": (400, "Custom claims may not start with https://stytch.com/."),
    "custom_claims_too_large": (400, "Custom claims may not exceed 4 kilobytes."),
    "unable_to_parse_session_jwt": (400, "The session JWT could not be parsed or verified."),
    "jwt_invalid_audience": (400, "The JWT's audience is not this project."),
    "jwt_invalid_issuer": (400, "The JWT's issuer is not this project."),
    "jwt_invalid_claims": (400, "The JWT's claims are invalid."),
    "user_id_mismatch": (400, "The session belongs to a different user."),
    "request_too_large": (413, "The request body is too large."),
    "request_timeout": (408, "The request body did not arrive in time."),
    "invalid_magic_link_url": (400, "The redirect URL is not allowed for this project."),
    "invalid_expiration": (400, "Expiration must be between 5 and 10080 minutes."),
    "invalid_code_challenge": (400, "code_challenge must be a base64url SHA-256 digest (PKCE S256)."),
    "pkce_mismatch": (400, "The code_verifier does not match the code_challenge of this link."),
    "magic_link_not_found": (404, "Magic link could not be found."),
    "unable_to_auth_magic_link": (
        401,
        "Magic link could not be authenticated because it was already used or has expired.",
    ),
    # M2M clients
    "invalid_client_id": (
        400,
        "client_id may contain only letters, digits, '_' and '-', up to 96 characters.",
    ),
    "invalid_client_secret": (
        400,
        "client_secret must be 20 to 256 visible ASCII characters and hard to guess "
        "(10^20 guesses by zxcvbn's estimate, about 66 bits).",
    ),
    "invalid_client_name": (
        400,
        "client_name must be at most 256 characters without control characters.",
    ),
    "invalid_client_description": (
        400,
        "client_description must be at most 1024 characters without control characters.",
    ),
    "invalid_scopes": (
        400,
        "scopes must be a list of at most 100 scopes, each 1 to 128 visible ASCII characters "
        "other than a double quote or a backslash.",
    ),
    "invalid_client_status": (400, "status must be 'active' or 'inactive'."),
    "invalid_claims_template": (400, "The M2M custom claims template is invalid."),
    "client_secret_rotation_not_started": (
        400,
        "The client has no secret rotation in progress: call rotate_start first.",
    ),
    "m2m_client_not_found": (404, "M2M client could not be found."),
    "duplicate_client_id": (409, "An M2M client with this client_id already exists in this project."),
    # OAuth 2.0 token endpoint (RFC 6749 section 5.2)
    "invalid_request": (400, "The token request is missing a parameter or is malformed."),
    "invalid_client": (401, "Client authentication failed."),
    "unsupported_grant_type": (400, "Only the client_credentials grant type is supported."),
    "invalid_scope": (400, "The requested scope is not among the client's scopes."),
    # Passwords and imported password hashes
    "weak_password": (400, "The password does not meet the project's strength requirements."),
    "breached_password": (400, "This password has appeared in a data breach: choose a different one."),
    "session_too_old_to_reset_password": (
        400,
        "The session must have authenticated a factor in the last 5 minutes to reset the password.",
    ),
    "invalid_hash_type": (400, "hash_type is not one of the supported password hash types."),
    "invalid_hash": (400, "The password hash is malformed for its hash_type."),
    "invalid_bcrypt_hash": (
        400,
        "The bcrypt hash is malformed: expected $2a$, $2b$ or $2y$ with cost 4 to 15.",
    ),
    "invalid_md_5_hash": (400, "The MD-5 hash is malformed: expected 32 hexadecimal characters."),
    "invalid_sha_1_hash": (400, "The SHA-1 hash is malformed: expected 40 hexadecimal characters."),
    "invalid_prepend_salt": (400, "prepend_salt must be a short string."),
    "invalid_append_salt": (400, "append_salt must be a short string."),
    "invalid_argon_2_salt": (400, "The argon2 salt must be a string of 8 to 1024 bytes."),
    "invalid_argon_2_memory": (400, "The argon2 memory is out of range."),
    "invalid_argon_2_iteration_amount": (400, "The argon2 iteration_amount is out of range."),
    "invalid_argon_2_threads": (400, "The argon2 threads value is out of range."),
    "invalid_argon_2_key_length": (400, "The argon2 key_length is out of range."),
    "argon_2_key_length_mismatch": (
        400,
        "The key_length value doesn't match the length of the provided hash.",
    ),
    "invalid_base64_scrypt_hash": (400, "The scrypt hash must be base64."),
    "invalid_base64_scrypt_salt": (400, "The scrypt salt must be base64."),
    "invalid_scrypt_n_parameter": (400, "n_parameter must be a power of two from 2 to 262144."),
    "invalid_scrypt_parameters": (400, "The scrypt parameters are invalid."),
    "scrypt_key_length_mismatch": (
        400,
        "The key_length value doesn't match the length of the provided hash.",
    ),
    "invalid_pbkdf_2_hash": (400, "The PBKDF2 hash or its configuration is invalid."),
    "invalid_pbkdf_2_salt": (400, "The PBKDF2 salt must be base64."),
    "invalid_pbkdf_2_iteration_amount": (400, "The PBKDF2 iteration_amount is out of range."),
    "pbkdf_2_key_length_mismatch": (
        400,
        "The key_length value doesn't match the length of the provided hash.",
    ),
    "invalid_phpass_hash_format": (
        400,
        "The phpass hash is malformed: expected $P$ or $H$ and 31 characters.",
    ),
    "reset_password": (
        401,
        "The password must be reset before it can be used: start a password reset by email.",
    ),
    "unable_to_auth_password_reset_token": (
        401,
        "The password reset token could not be authenticated: it does not exist, was used, or has expired.",
    ),
    "password_already_exists": (409, "This user already has a password; reset it instead of migrating."),
    # 401 / 403
    "unauthorized_credentials": (401, "Unauthorized credentials."),
    "no_secret_provided": (401, "Request is missing HTTP Basic authentication credentials."),
    "project_not_found": (404, "Project could not be found."),
    # 404
    "not_found": (404, "The requested resource could not be found."),
    "user_not_found": (404, "User could not be found."),
    "email_not_found": (404, "Email could not be found."),
    "phone_number_not_found": (404, "Phone number could not be found."),
    "session_not_found": (404, "Session could not be found."),
    # 405
    "method_not_allowed": (405, "The HTTP method is not allowed for this endpoint."),
    # 409
    "duplicate_email": (409, "A user with this email already exists for this project."),
    "duplicate_phone_number": (
        409,
        "A user with this phone number already exists for this project.",
    ),
    "duplicate_external_id": (409, "A user with this external_id already exists for this project."),
    "signing_key_conflict": (
        409,
        "Another signing-key rotation of this project happened at once; retry.",
    ),
    # B2B: organizations, members, discovery, member sessions
    "wrong_project_vertical": (400, "This endpoint does not serve projects of this vertical."),
    "invalid_organization_name": (
        400,
        "organization_name must be 1 to 128 characters without control characters.",
    ),
    "invalid_organization_slug": (
        400,
        "organization_slug must be 2 to 128 letters, digits, '-', '.', '_' or '~'.",
    ),
    "invalid_email_domain": (
        400,
        "Email domains must be domain names; common providers such as gmail.com are not allowed.",
    ),
    "invalid_email_for_jit_provisioning": (
        403,
        "This email address may not join the organization: its domain is not allowed for JIT provisioning.",
    ),
    "invalid_email_for_invites": (
        403,
        "The organization's invite policy does not allow this email address.",
    ),
    "tenancy_mismatch": (403, "The member session belongs to a different organization."),
    "session_authorization_error": (
        403,
        "The Member is not authorized to perform the requested action on that resource.",
    ),
    "email_verification_required": (
        403,
        "The member's email address is not verified: it must log in with it (e.g. by magic link) first.",
    ),
    "organization_not_found": (404, "Organization could not be found."),
    "member_not_found": (404, "Member could not be found."),
    "intermediate_session_not_found": (
        404,
        "Intermediate session could not be found: it does not exist, was used, or has expired.",
    ),
    "organization_slug_already_used": (
        409,
        "An organization with this slug already exists in this project.",
    ),
    "duplicate_member_email": (409, "A member with this email already exists in this organization."),
    # One-time passcodes, SMS toll-fraud limits, TOTP and recovery codes
    "invalid_method_id": (400, "method_id format is invalid."),
    "invalid_code": (400, "The passcode must be six digits."),
    "invalid_expiration_otp": (400, "expiration_minutes must be between 1 and 10 minutes."),
    "invalid_phone_number_country_code": (
        400,
        "This project does not send text messages to phone numbers of this country.",
    ),
    "invalid_ip_address": (400, "attributes.ip_address is not an IP address."),
    "sms_not_configured": (
        400,
        "This server has no SMS provider: set KEYSTILE_SMS_URL to send SMS and WhatsApp passcodes.",
    ),
    "invalid_totp_code": (400, "totp_code must be six digits."),
    "invalid_recovery_code": (400, "The recovery code format is invalid."),
    "otp_code_not_found": (404, "The passcode is incorrect, or no passcode was sent to this method."),
    "unable_to_auth_otp_code": (
        401,
        "The passcode could not be authenticated because it was already used, expired or tried too "
        "many times. Send another passcode to this user.",
    ),
    "user_lock_limit_reached": (
        401,
        "The user has been locked out due to too many failed authentication attempts. Try again later.",
    ),
    "unable_to_authenticate_totp": (401, "The TOTP code is incorrect."),
    "totp_code_already_authenticated": (401, "This TOTP code was already used: wait for the next one."),
    "unable_to_authenticate_recovery_code": (401, "The recovery code is incorrect or was already used."),
    "totp_not_found": (404, "The user has no usable TOTP registration."),
    "active_totp_exists": (409, "The user already has an active TOTP registration."),
    # 429
    "too_many_requests": (429, "Too many requests have been made."),
    # 5xx
    "internal_server_error": (500, "Oops, something went wrong. Please try again."),
    "service_unavailable": (503, "The service is temporarily unavailable. Please retry shortly."),
}

CATALOGUE: Final[Mapping[ErrorType, StytchError]] = _entries(_STATUS_AND_MESSAGE)


class KeystileError(Exception):
    """A failure the API reports to the caller as Stytch's error JSON."""

    def __init__(
        self, error_type: ErrorType, message: str | None = None, *, headers: dict[str, str] | None = None
    ) -> None:
        entry = CATALOGUE[error_type]
        self.error_type: ErrorType = error_type
        self.status_code = entry.status_code
        self.error_message = message or entry.message
        self.error_url = entry.error_url
        # Response headers that go with the error, such as `Retry-After` on a 429 or a 503.
        self.headers = headers or {}
        super().__init__(f"{error_type}: {self.error_message}")


def retry_later(error_type: ErrorType, seconds: float, message: str | None = None) -> KeystileError:
    """A 429 or 503 telling the caller to retry in `seconds` (rounded up, at least 1)."""
    retry_after = str(max(1, math.ceil(seconds)))
    return KeystileError(error_type, message, headers={"Retry-After": retry_after})


class CommittedRefusal(KeystileError):
    """A refusal whose bookkeeping must outlive it (failed-attempt counters, locks): the unit of work
    commits what the request wrote, then reports the error. Raise it only after writing nothing else."""

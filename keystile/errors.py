"""The error catalogue: every `error_type` keystile raises, as one table of its HTTP status, owner and message.

Domain code raises `KeystileError("user_not_found")`, whose type `mypy` checks against `ErrorType`; the
API layer renders it as Stytch's error JSON, and `keystile errors table` prints the README's table.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
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
    "invalid_password_id",
    "invalid_totp_id",
    "invalid_session_id",
    "invalid_organization_id",
    "invalid_member_id",
    "invalid_member_session_id",
    "invalid_member_password_id",
    "invalid_webauthn_registration_id",
    "invalid_oauth_user_registration_id",
    "invalid_crypto_wallet_id",
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
    "invalid_pkce_code_challenge",
    "pkce_mismatch",
    "magic_link_not_found",
    "unable_to_auth_magic_link",
    "m2m_client_invalid_client_id",
    "m2m_client_invalid_client_secret",
    "m2m_client_invalid_client_name",
    "m2m_client_invalid_client_description",
    "invalid_m2m_client_scope",
    "m2m_client_invalid_status",
    "invalid_claims_template",
    "m2m_client_not_rotating_secret",
    "m2m_client_not_found",
    "duplicate_m2m_client_id",
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
    "route_not_found",
    "secret_not_found",
    "user_not_found",
    "email_not_found",
    "phone_number_not_found",
    "session_not_found",
    "password_not_found",
    "method_not_allowed",
    "duplicate_email",
    "duplicate_phone_number",
    "exchange_requires_one_factor",
    "duplicate_user_external_id",
    "duplicate_member_external_id",
    "organization_external_id_already_used",
    "signing_key_conflict",
    "invalid_consumer_endpoint",
    "invalid_b2b_endpoint",
    "invalid_organization_name",
    "invalid_organization_slug",
    "invalid_email_domain",
    "invalid_email_for_jit_provisioning",
    "invalid_email_for_invites",
    "session_authorization_tenancy_error",
    "session_authorization_error",
    "consumer_session_authorization_error",
    "invalid_rbac_policy",
    "invalid_rbac_role_id",
    "invalid_authorization_check",
    "email_verification_required",
    "organization_not_found",
    "member_not_found",
    "intermediate_session_not_found",
    "organization_slug_already_used",
    "duplicate_member_email",
    "member_phone_number_not_found",
    "member_password_not_found",
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
    "action_available_only_for_active_members",
    "action_available_only_once_primary_authentication_is_met",
    "mfa_method_not_allowed",
    "mfa_factor_required",
    "invalid_webauthn_registration_domain",
    "invalid_authenticator_type",
    "invalid_public_key_credential",
    "unable_to_register_webauthn_registration",
    "unable_to_auth_webauthn_registration",
    "duplicate_webauthn_registration",
    "webauthn_registration_not_found",
    "no_active_webauthn_registrations",
    "empty_webauthn_registration_name",
    "invalid_wallet_type",
    "invalid_ethereum_address",
    "invalid_solana_address",
    "crypto_wallet_type_incompatible_with_siwe",
    "invalid_siwe_domain",
    "invalid_siwe_uri",
    "invalid_siwe_chain_id",
    "invalid_siwe_statement",
    "invalid_siwe_resource",
    "invalid_siwe_message_request_id",
    "siwe_message_expired",
    "siwe_message_not_valid_yet",
    "unable_to_authenticate_crypto_wallet",
    "invalid_wallet_address_user",
    "crypto_wallet_not_found",
    "invalid_oauth_provider",
    "oauth_config_not_found",
    "oauth_state_mismatch",
    "oauth_provider_error",
    "invalid_id_token",
    "invalid_oauth_attach_token",
    "oauth_registration_already_linked",
    "oauth_token_not_found",
    "oauth_user_registration_not_found",
    "trusted_auth_token_profile_not_found",
    "invalid_trusted_auth_token_profile_id",
    "invalid_trusted_auth_token",
    "session_migration_not_configured",
    "unable_to_migrate_session",
    "unable_to_auth_impersonation_token",
    "too_many_requests",
    "internal_server_error",
    "service_unavailable",
]


class Owner(StrEnum):
    """Who names an error: Stytch's API reference, RFC 6749 (the OAuth token endpoint), or keystile alone."""

    STYTCH = "stytch"
    RFC6749 = "rfc6749"
    KEYSTILE = "keystile"


STYTCH, RFC6749, KEYSTILE = Owner.STYTCH, Owner.RFC6749, Owner.KEYSTILE


@dataclass(frozen=True)
class ErrorEntry:
    """One row of the catalogue: an error type's HTTP status, who names it, and its default message
    (Stytch's word for word where Stytch is the owner)."""

    error_type: ErrorType
    status_code: int
    owner: Owner
    message: str

    @property
    def error_url(self) -> str:
        return f"https://stytch.com/docs/api/errors/{self.status_code}#{self.error_type}"


E = ErrorEntry

# One line per error type, in the order of `ErrorType`.
# fmt: off
TABLE: Final[tuple[ErrorEntry, ...]] = (
    # 400
    E("bad_request", 400, STYTCH, "The submitted request is invalid."),
    E("invalid_json", 400, KEYSTILE, "The request body is not valid JSON."),
    E("invalid_argument", 400, STYTCH, "One or more request arguments are invalid."),
    E("invalid_email", 400, STYTCH, "Email format is invalid."),
    E("invalid_phone_number", 400, STYTCH, "Phone number format is invalid."),
    E("invalid_user_id", 400, STYTCH, "user_id format is invalid."),
    E("invalid_email_id", 400, STYTCH, "email_id format is invalid."),
    E("invalid_phone_id", 400, KEYSTILE, "phone_id format is invalid."),
    E("invalid_password_id", 400, KEYSTILE, "password_id format is invalid."),
    E("invalid_totp_id", 400, KEYSTILE, "totp_id format is invalid."),
    E("invalid_session_id", 400, STYTCH, "session_id format is invalid."),
    E("invalid_organization_id", 400, STYTCH, "organization_id format is invalid."),
    E("invalid_member_id", 400, STYTCH, "member_id format is invalid."),
    E("invalid_member_session_id", 400, KEYSTILE, "member_session_id format is invalid."),
    E("invalid_member_password_id", 400, KEYSTILE, "member_password_id format is invalid."),
    E("invalid_webauthn_registration_id", 400, KEYSTILE, "webauthn_registration_id format is invalid."),
    E("invalid_oauth_user_registration_id", 400, KEYSTILE, "oauth_user_registration_id format is invalid."),
    E("invalid_crypto_wallet_id", 400, STYTCH, "crypto_wallet_id format is invalid."),
    E("invalid_external_id", 400, KEYSTILE, "external_id may contain only letters, digits, '.', '_', '-' and '|', up to 128 characters."),
    E("invalid_metadata", 400, KEYSTILE, "Metadata must be a JSON object of bounded size."),
    E("invalid_search_query", 400, KEYSTILE, "The search query is invalid."),
    E("invalid_cursor", 400, KEYSTILE, "The search cursor is invalid."),
    E("invalid_limit", 400, KEYSTILE, "limit must be between 1 and 1000."),
    E("invalid_name", 400, KEYSTILE, "Name fields must be strings of at most 256 characters."),
    E("invalid_project_id", 400, STYTCH, "project_id format is invalid."),
    E("invalid_session_duration_minutes", 400, STYTCH, "session_duration_minutes must be between 5 and 527040 minutes (366 days)."),
    E("no_session_arguments", 400, STYTCH, "Include a session_token or a session_jwt."),
    E("too_many_session_arguments", 400, STYTCH, "Include only one of session_token and session_jwt."),
    E("no_session_revoke_arguments", 400, STYTCH, "Include a session_id, a session_token or a session_jwt."),
    E("too_many_session_revoke_arguments", 400, STYTCH, "Include only one of session_id, session_token and session_jwt."),
    E("reserved_claims_in_custom_claims", 400, STYTCH, "Custom claims may not use iss, sub, aud, exp, nbf, iat, jti or scope."),
    E("stytch_claims_in_custom_claims", 400, STYTCH, "Custom claims may not start with https://stytch.com/."),
    E("custom_claims_too_large", 400, STYTCH, "Custom claims may not exceed 4 kilobytes."),
    E("unable_to_parse_session_jwt", 400, STYTCH, "The session JWT could not be parsed or verified."),
    E("jwt_invalid_audience", 400, STYTCH, "The JWT's audience is not this project."),
    E("jwt_invalid_issuer", 400, STYTCH, "The JWT's issuer is not this project."),
    E("jwt_invalid_claims", 400, STYTCH, "The JWT's claims are invalid."),
    E("user_id_mismatch", 400, STYTCH, "The session belongs to a different user."),
    E("request_too_large", 413, KEYSTILE, "The request body is too large."),
    E("request_timeout", 408, KEYSTILE, "The request body did not arrive in time."),
    E("invalid_magic_link_url", 400, STYTCH, "The redirect URL is not allowed for this project."),
    E("invalid_expiration", 400, STYTCH, "Expiration must be between 5 and 10080 minutes."),
    E("invalid_pkce_code_challenge", 400, STYTCH, "code_challenge must be a base64url SHA-256 digest (PKCE S256)."),
    E("pkce_mismatch", 400, STYTCH, "The code_verifier does not match the code_challenge of this link."),
    E("magic_link_not_found", 404, STYTCH, "Magic link could not be found."),
    E("unable_to_auth_magic_link", 401, STYTCH, "Magic link could not be authenticated because it was already used or has expired."),
    # M2M clients
    E("m2m_client_invalid_client_id", 400, STYTCH, "client_id may contain only letters, digits, '_' and '-', up to 96 characters."),
    E("m2m_client_invalid_client_secret", 400, STYTCH, "client_secret must be 20 to 256 visible ASCII characters and hard to guess (10^20 guesses by zxcvbn's estimate, about 66 bits)."),
    E("m2m_client_invalid_client_name", 400, STYTCH, "client_name must be at most 256 characters without control characters."),
    E("m2m_client_invalid_client_description", 400, STYTCH, "client_description must be at most 1024 characters without control characters."),
    E("invalid_m2m_client_scope", 400, STYTCH, "scopes must be a list of at most 100 scopes, each 1 to 128 visible ASCII characters other than a double quote or a backslash."),
    E("m2m_client_invalid_status", 400, STYTCH, "status must be 'active' or 'inactive'."),
    E("invalid_claims_template", 400, KEYSTILE, "The M2M custom claims template is invalid."),
    E("m2m_client_not_rotating_secret", 400, STYTCH, "The client has no secret rotation in progress: call rotate_start first."),
    E("m2m_client_not_found", 404, STYTCH, "M2M client could not be found."),
    E("duplicate_m2m_client_id", 409, STYTCH, "An M2M client with this client_id already exists in this project."),
    # OAuth 2.0 token endpoint (RFC 6749 section 5.2)
    E("invalid_request", 400, RFC6749, "The token request is missing a parameter or is malformed."),
    E("invalid_client", 401, RFC6749, "Client authentication failed."),
    E("unsupported_grant_type", 400, RFC6749, "Only the client_credentials grant type is supported."),
    E("invalid_scope", 400, RFC6749, "The requested scope is not among the client's scopes."),
    # Passwords and imported password hashes
    E("weak_password", 400, STYTCH, "The password does not meet the project's strength requirements."),
    E("breached_password", 400, STYTCH, "This password has appeared in a data breach: choose a different one."),
    E("session_too_old_to_reset_password", 400, STYTCH, "The session must have authenticated a factor in the last 5 minutes to reset the password."),
    E("invalid_hash_type", 400, STYTCH, "hash_type is not one of the supported password hash types."),
    E("invalid_hash", 400, STYTCH, "The password hash is malformed for its hash_type."),
    E("invalid_bcrypt_hash", 400, STYTCH, "The bcrypt hash is malformed: expected $2a$, $2b$ or $2y$ with cost 4 to 15."),
    E("invalid_md_5_hash", 400, STYTCH, "The MD-5 hash is malformed: expected 32 hexadecimal characters."),
    E("invalid_sha_1_hash", 400, STYTCH, "The SHA-1 hash is malformed: expected 40 hexadecimal characters."),
    E("invalid_prepend_salt", 400, STYTCH, "prepend_salt must be a short string."),
    E("invalid_append_salt", 400, STYTCH, "append_salt must be a short string."),
    E("invalid_argon_2_salt", 400, STYTCH, "The argon2 salt must be a string of 8 to 1024 bytes."),
    E("invalid_argon_2_memory", 400, STYTCH, "The argon2 memory is out of range."),
    E("invalid_argon_2_iteration_amount", 400, STYTCH, "The argon2 iteration_amount is out of range."),
    E("invalid_argon_2_threads", 400, STYTCH, "The argon2 threads value is out of range."),
    E("invalid_argon_2_key_length", 400, STYTCH, "The argon2 key_length is out of range."),
    E("argon_2_key_length_mismatch", 400, STYTCH, "The key_length value doesn't match the length of the provided hash."),
    E("invalid_base64_scrypt_hash", 400, STYTCH, "The scrypt hash must be base64."),
    E("invalid_base64_scrypt_salt", 400, STYTCH, "The scrypt salt must be base64."),
    E("invalid_scrypt_n_parameter", 400, STYTCH, "n_parameter must be a power of two from 2 to 262144."),
    E("invalid_scrypt_parameters", 400, STYTCH, "The scrypt parameters are invalid."),
    E("scrypt_key_length_mismatch", 400, STYTCH, "The key_length value doesn't match the length of the provided hash."),
    E("invalid_pbkdf_2_hash", 400, STYTCH, "The PBKDF2 hash or its configuration is invalid."),
    E("invalid_pbkdf_2_salt", 400, STYTCH, "The PBKDF2 salt must be base64."),
    E("invalid_pbkdf_2_iteration_amount", 400, STYTCH, "The PBKDF2 iteration_amount is out of range."),
    E("pbkdf_2_key_length_mismatch", 400, STYTCH, "The key_length value doesn't match the length of the provided hash."),
    E("invalid_phpass_hash_format", 400, STYTCH, "The phpass hash is malformed: expected $P$ or $H$ and 31 characters."),
    E("reset_password", 401, STYTCH, "The password must be reset before it can be used: start a password reset by email."),
    E("unable_to_auth_password_reset_token", 401, STYTCH, "The password reset token could not be authenticated: it does not exist, was used, or has expired."),
    E("password_already_exists", 409, STYTCH, "This user already has a password; reset it instead of migrating."),
    # 401 / 403
    E("unauthorized_credentials", 401, STYTCH, "Unauthorized credentials."),
    E("no_secret_provided", 401, KEYSTILE, "Request is missing HTTP Basic authentication credentials."),
    E("project_not_found", 404, STYTCH, "Project could not be found."),
    # 404
    E("route_not_found", 404, STYTCH, "The requested resource could not be found."),
    E("secret_not_found", 404, STYTCH, "Secret could not be found."),
    E("user_not_found", 404, STYTCH, "User could not be found."),
    E("email_not_found", 404, STYTCH, "Email could not be found."),
    E("phone_number_not_found", 404, STYTCH, "Phone number could not be found."),
    E("session_not_found", 404, STYTCH, "Session could not be found."),
    E("password_not_found", 404, STYTCH, "Password could not be found."),
    # 405
    E("method_not_allowed", 405, STYTCH, "The HTTP method is not allowed for this endpoint."),
    # 409
    E("duplicate_email", 409, STYTCH, "A user with this email already exists for this project."),
    E("duplicate_phone_number", 409, STYTCH, "A user with this phone number already exists for this project."),
    E("exchange_requires_one_factor", 400, KEYSTILE, "The user must have exactly one email address or phone number to exchange it for another."),
    E("duplicate_user_external_id", 409, STYTCH, "A user with this external_id already exists for this project."),
    E("duplicate_member_external_id", 409, STYTCH, "A member with this external_id already exists in this organization."),
    E("organization_external_id_already_used", 409, STYTCH, "An organization with this external_id already exists in this project."),
    E("signing_key_conflict", 409, KEYSTILE, "Another signing-key rotation of this project happened at once; retry."),
    # B2B: organizations, members, discovery, member sessions
    E("invalid_consumer_endpoint", 400, STYTCH, "This is a consumer endpoint and this is a B2B project: use the B2B API (the SDK's B2BClient)."),
    E("invalid_b2b_endpoint", 400, STYTCH, "This is a B2B endpoint and this is a consumer project: use the consumer API (the SDK's Client)."),
    E("invalid_organization_name", 400, STYTCH, "organization_name must be 1 to 128 characters without control characters."),
    E("invalid_organization_slug", 400, STYTCH, "organization_slug must be 2 to 128 letters, digits, '-', '.', '_' or '~'."),
    E("invalid_email_domain", 400, STYTCH, "Email domains must be domain names; common providers such as gmail.com are not allowed."),
    E("invalid_email_for_jit_provisioning", 403, STYTCH, "This email address may not join the organization: its domain is not allowed for JIT provisioning."),
    E("invalid_email_for_invites", 403, STYTCH, "The organization's invite policy does not allow this email address."),
    E("session_authorization_tenancy_error", 403, STYTCH, "OrganizationID in AuthorizationCheck request does not match session's Organization ID"),
    E("session_authorization_error", 403, STYTCH, "The Member is not authorized to perform the requested action on that resource."),
    E("consumer_session_authorization_error", 403, STYTCH, "The User is not authorized to perform the requested action on that resource."),
    E("invalid_rbac_policy", 400, KEYSTILE, "The RBAC policy is invalid."),
    E("invalid_rbac_role_id", 400, STYTCH, "Every role must be defined in the project's RBAC policy or the organization's custom roles."),
    E("invalid_authorization_check", 400, KEYSTILE, "authorization_check names a resource or an action that the RBAC policy does not define."),
    E("email_verification_required", 403, STYTCH, "The member's email address is not verified: it must log in with it (e.g. by magic link) first."),
    E("organization_not_found", 404, STYTCH, "Organization could not be found."),
    E("member_not_found", 404, STYTCH, "Member could not be found."),
    E("intermediate_session_not_found", 404, STYTCH, "Intermediate session could not be found: it does not exist, was used, or has expired."),
    E("organization_slug_already_used", 409, STYTCH, "An organization with this slug already exists in this project."),
    E("duplicate_member_email", 409, STYTCH, "A member with this email already exists in this organization."),
    E("member_phone_number_not_found", 404, STYTCH, "Member phone number could not be found."),
    E("member_password_not_found", 404, STYTCH, "Member password could not be found."),
    # One-time passcodes, SMS toll-fraud limits, TOTP and recovery codes
    E("invalid_method_id", 400, STYTCH, "method_id format is invalid."),
    E("invalid_code", 400, STYTCH, "The passcode must be six digits."),
    E("invalid_expiration_otp", 400, STYTCH, "expiration_minutes must be between 1 and 10 minutes."),
    E("invalid_phone_number_country_code", 400, STYTCH, "This project does not send text messages to phone numbers of this country."),
    E("invalid_ip_address", 400, STYTCH, "attributes.ip_address is not an IP address."),
    E("sms_not_configured", 400, KEYSTILE, "This server has no SMS provider: set KEYSTILE_SMS_URL to send SMS and WhatsApp passcodes."),
    E("invalid_totp_code", 400, STYTCH, "totp_code must be six digits."),
    E("invalid_recovery_code", 400, STYTCH, "The recovery code format is invalid."),
    E("otp_code_not_found", 404, STYTCH, "The passcode is incorrect, or no passcode was sent to this method."),
    E("unable_to_auth_otp_code", 401, STYTCH, "The passcode could not be authenticated because it was already used, expired or tried too many times. Send another passcode to this user."),
    E("user_lock_limit_reached", 401, KEYSTILE, "The user has been locked out due to too many failed authentication attempts. Try again later."),
    E("unable_to_authenticate_totp", 401, STYTCH, "The TOTP code is incorrect."),
    E("totp_code_already_authenticated", 401, STYTCH, "This TOTP code was already used: wait for the next one."),
    E("unable_to_authenticate_recovery_code", 401, STYTCH, "The recovery code is incorrect or was already used."),
    E("totp_not_found", 404, STYTCH, "The user has no usable TOTP registration."),
    E("active_totp_exists", 400, STYTCH, "Cannot create a new TOTP for the specified user since the user already has an active TOTP. Users may only have one active TOTP at a time."),
    E("action_available_only_for_active_members", 400, STYTCH, "You may not attach an MFA factor to a member that is not active."),
    E("action_available_only_once_primary_authentication_is_met", 400, STYTCH, "You must complete the primary authentication requirements for an organization before completing an MFA flow."),
    E("mfa_method_not_allowed", 403, KEYSTILE, "The organization does not allow this MFA method (see its mfa_methods and allowed_mfa_methods)."),
    E("mfa_factor_required", 403, KEYSTILE, "The member has an MFA factor: pass an intermediate session token or session on which it was authenticated to add another."),
    # WebAuthn and passkeys
    E("invalid_webauthn_registration_domain", 400, STYTCH, "The domain is not one of the project's WebAuthn domains (keystile projects domains add)."),
    E("invalid_authenticator_type", 400, STYTCH, "authenticator_type must be platform or cross-platform."),
    E("invalid_public_key_credential", 400, STYTCH, "Invalid public key credential. Please confirm you're passing a correctly formatted public key credential."),
    E("unable_to_register_webauthn_registration", 401, STYTCH, "WebAuthn registration could not be registered: its challenge is unknown, used or expired, or the credential does not verify."),
    E("unable_to_auth_webauthn_registration", 401, STYTCH, "WebAuthn registration could not be authenticated."),
    E("duplicate_webauthn_registration", 409, STYTCH, "This WebAuthn credential is already registered."),
    E("webauthn_registration_not_found", 404, STYTCH, "WebAuthn registration could not be found."),
    E("no_active_webauthn_registrations", 404, STYTCH, "The user has no WebAuthn registrations on this domain."),
    E("empty_webauthn_registration_name", 400, STYTCH, "The WebAuthn registration's name must not be empty."),
    # Crypto wallets
    E("invalid_wallet_type", 400, STYTCH, "crypto_wallet_type must be ethereum or solana."),
    E("invalid_ethereum_address", 400, STYTCH, "Invalid Ethereum address."),
    E("invalid_solana_address", 400, STYTCH, "Invalid Solana address."),
    E("crypto_wallet_type_incompatible_with_siwe", 400, STYTCH, "Sign In With Ethereum is only available for ethereum wallets."),
    E("invalid_siwe_domain", 400, STYTCH, "siwe_params.domain must be an RFC 3986 authority."),
    E("invalid_siwe_uri", 400, STYTCH, "siwe_params.uri must be an RFC 3986 URI."),
    E("invalid_siwe_chain_id", 400, STYTCH, "siwe_params.chain_id must be an integer between 1 and 9223372036854775771."),
    E("invalid_siwe_statement", 400, STYTCH, "siwe_params.statement may not contain newlines."),
    E("invalid_siwe_resource", 400, STYTCH, "Every siwe_params resource must be an RFC 3986 URI."),
    E("invalid_siwe_message_request_id", 400, STYTCH, "siwe_params.message_request_id must be an RFC 3986 pchar string."),
    E("siwe_message_expired", 401, STYTCH, "The Sign In With Ethereum message has expired."),
    E("siwe_message_not_valid_yet", 401, STYTCH, "The Sign In With Ethereum message is not valid yet."),
    E("unable_to_authenticate_crypto_wallet", 401, STYTCH, "The crypto wallet could not be authenticated: the signature does not match a pending challenge."),
    E("invalid_wallet_address_user", 400, STYTCH, "This crypto wallet belongs to another user."),
    E("crypto_wallet_not_found", 404, STYTCH, "Crypto wallet could not be found."),
    E("invalid_oauth_provider", 400, KEYSTILE, "The OAuth provider is not one keystile knows."),
    E("oauth_config_not_found", 404, STYTCH, "The OAuth provider is not configured for this project."),
    E("oauth_state_mismatch", 400, STYTCH, "The state in the cookie doesn't match with the state in the query parameter. Please reach out to the application developer for support."),
    E("oauth_provider_error", 400, KEYSTILE, "The OAuth provider refused or failed the request."),
    E("invalid_id_token", 401, KEYSTILE, "The provider's ID token failed verification (signature, issuer, audience, expiry or nonce)."),
    E("invalid_oauth_attach_token", 400, KEYSTILE, "The oauth_attach_token is unknown, used, expired, or for another provider."),
    E("oauth_registration_already_linked", 400, KEYSTILE, "This provider account already belongs to another user."),
    E("oauth_token_not_found", 404, STYTCH, "OAuth token could not be found."),
    E("oauth_user_registration_not_found", 404, STYTCH, "OAuth user registration could not be found."),
    E("trusted_auth_token_profile_not_found", 404, KEYSTILE, "The trusted auth token profile could not be found."),
    E("invalid_trusted_auth_token_profile_id", 400, KEYSTILE, "profile_id format is invalid."),
    E("invalid_trusted_auth_token", 401, KEYSTILE, "The trusted auth token is invalid."),
    E("session_migration_not_configured", 400, KEYSTILE, "Session migration is not set up for this project: set its userinfo URL with `keystile projects session-migration set`."),
    E("unable_to_migrate_session", 401, KEYSTILE, "The session could not be migrated."),
    E("unable_to_auth_impersonation_token", 401, KEYSTILE, "The impersonation token is unknown, used or expired."),
    # 429
    E("too_many_requests", 429, STYTCH, "Too many requests have been made."),
    # 5xx
    E("internal_server_error", 500, STYTCH, "Oops, something seems to have gone wrong, please reach out to support@stytch.com to let us know what went wrong."),
    E("service_unavailable", 503, KEYSTILE, "The service is temporarily unavailable. Please retry shortly."),
)
# fmt: on

CATALOGUE: Final[Mapping[ErrorType, ErrorEntry]] = {entry.error_type: entry for entry in TABLE}


def markdown_table() -> str:
    """The catalogue as the README's markdown table."""
    lines = ["| error_type | status | owner | error_message |", "|---|---|---|---|"]
    for entry in TABLE:
        message = entry.message.replace("|", "\\|")
        lines.append(f"| `{entry.error_type}` | {entry.status_code} | {entry.owner} | {message} |")
    return "\n".join(lines) + "\n"


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

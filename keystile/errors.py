"""The error catalogue: every Stytch `error_type` keystile raises, with its HTTP status and message.

Domain code raises `KeystileError("user_not_found")`; the API layer renders it as Stytch's error JSON.
"""

from __future__ import annotations

from typing import Final

CATALOGUE: Final[dict[str, tuple[int, str]]] = {
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
        "Custom claims may not use iss, sub, aud, exp, nbf, iat or jti.",
    ),
    "stytch_claims_in_custom_claims": (400, "Custom claims may not start with https://stytch.com/."),
    "custom_claims_too_large": (400, "Custom claims may not exceed 4 kilobytes."),
    "unable_to_parse_session_jwt": (400, "The session JWT could not be parsed or verified."),
    "jwt_invalid_audience": (400, "The JWT's audience is not this project."),
    "jwt_invalid_issuer": (400, "The JWT's issuer is not this project."),
    "jwt_invalid_claims": (400, "The JWT's claims are invalid."),
    "user_id_mismatch": (400, "The session belongs to a different user."),
    "request_too_large": (413, "The request body is too large."),
    "invalid_magic_link_url": (400, "The redirect URL is not allowed for this project."),
    "invalid_expiration": (400, "Expiration must be between 5 and 10080 minutes."),
    "invalid_code_challenge": (400, "code_challenge must be a base64url SHA-256 digest (PKCE S256)."),
    "pkce_mismatch": (400, "The code_verifier does not match the code_challenge of this link."),
    "magic_link_not_found": (404, "Magic link could not be found."),
    "unable_to_auth_magic_link": (
        401,
        "Magic link could not be authenticated because it was already used or has expired.",
    ),
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
    "signing_key_conflict": (409, "Another signing-key rotation of this project happened at once; retry."),
    # 429
    "too_many_requests": (429, "Too many requests have been made."),
    # 5xx
    "internal_server_error": (500, "Oops, something went wrong. Please try again."),
    "service_unavailable": (503, "The service is temporarily unavailable. Please retry shortly."),
}


class KeystileError(Exception):
    """A failure the API reports to the caller as Stytch's error JSON."""

    def __init__(self, error_type: str, message: str | None = None) -> None:
        status_code, default_message = CATALOGUE[error_type]
        self.error_type = error_type
        self.status_code = status_code
        self.error_message = message or default_message
        super().__init__(f"{error_type}: {self.error_message}")

    @property
    def error_url(self) -> str:
        return f"https://stytch.com/docs/api/errors/{self.status_code}#{self.error_type}"

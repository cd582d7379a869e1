"""Normalising and validating email addresses, phone numbers, external ids and names."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers
from email_validator import EmailNotValidError, validate_email

from keystile.errors import KeystileError
from keystile.text import has_control_characters

# E.164 allows 15 digits; the rest is room for the spaces, dashes and brackets people type.
MAX_PHONE_INPUT = 32
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9._\-|]{1,128}$")
NAME_FIELDS = ("first_name", "middle_name", "last_name")
USER_ID_PREFIXES = ("user-test-", "user-live-")


def normalize_email(raw: object) -> str:
    """One canonical form per address: syntax-checked, IDN-normalised, lower-cased.

    Lower-casing the local part matches Stytch, which treats addresses case-insensitively.
    """
    if not isinstance(raw, str) or len(raw) > 320 or has_control_characters(raw):
        raise KeystileError("invalid_email")
    try:
        checked = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise KeystileError("invalid_email") from error
    return checked.normalized.lower()


def normalize_phone(raw: object) -> str:
    """The E.164 form (`+12025550123`) of a phone number given in international form (`+`, country
    code, number; spaces, dashes and brackets allowed) that is valid for its country."""
    if not isinstance(raw, str) or len(raw) > MAX_PHONE_INPUT or has_control_characters(raw):
        raise KeystileError("invalid_phone_number")
    try:
        parsed = phonenumbers.parse(raw, None)
    except phonenumbers.NumberParseException as error:
        raise KeystileError("invalid_phone_number") from error
    if not phonenumbers.is_valid_number(parsed):
        raise KeystileError("invalid_phone_number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def check_external_id(raw: str) -> str:
    """An external id may stand wherever a user_id goes, so one shaped like a user_id is refused: it
    would name two users at once."""
    if not EXTERNAL_ID.fullmatch(raw):
        raise KeystileError("invalid_external_id")
    if raw.lower().startswith(USER_ID_PREFIXES):
        raise KeystileError("invalid_external_id", "external_id may not start with user-test- or user-live-.")
    return raw


def check_name(name: dict[str, Any]) -> dict[str, str | None]:
    """Only the three name fields, each a short string without control characters, or null."""
    unknown = set(name) - set(NAME_FIELDS)
    if unknown:
        raise KeystileError("invalid_name", f"Unknown name fields: {', '.join(sorted(unknown))}.")
    checked: dict[str, str | None] = {}
    for field in NAME_FIELDS:
        value = name.get(field)
        if value is not None and (
            not isinstance(value, str) or len(value) > 256 or has_control_characters(value)
        ):
            raise KeystileError("invalid_name")
        checked[field] = value
    return checked

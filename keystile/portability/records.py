"""The bulk-migration record: one user per JSON Lines line or CSV row, read and validated into a
`UserRecord`, and written back out in the same shape. Pure functions.

Fields: email, email_verified, phone_number, phone_verified, name {first_name, middle_name, last_name}
(flat `first_name`… columns in CSV), external_id, trusted_metadata, untrusted_metadata, roles, status,
created_at (RFC 3339), password_hash, password_hash_type, password_hash_config (Stytch's hash types and
config objects, as `passwords.migrate` takes them). In CSV, objects and lists are JSON text.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from keystile.credentials.imported import StoredHash, validate_import
from keystile.errors import KeystileError
from keystile.identity.contact import (
    NAME_FIELDS,
    check_external_id,
    check_name,
    normalize_email,
    normalize_phone,
)
from keystile.metadata import check_metadata

CSV_COLUMNS: Final = (
    "email",
    "email_verified",
    "phone_number",
    "phone_verified",
    *NAME_FIELDS,
    "external_id",
    "trusted_metadata",
    "untrusted_metadata",
    "roles",
    "status",
    "created_at",
    "password_hash",
    "password_hash_type",
    "password_hash_config",
)
JSON_COLUMNS: Final = ("trusted_metadata", "untrusted_metadata", "roles", "password_hash_config")
BOOLEAN_COLUMNS: Final = ("email_verified", "phone_verified")
STATUSES: Final = ("active", "pending")
MAX_ROLES = 100


@dataclass(frozen=True)
class UserRecord:
    """One validated user to import."""

    email: str | None
    email_verified: bool
    phone_number: str | None
    phone_verified: bool
    name: dict[str, str | None]
    external_id: str | None
    trusted_metadata: dict[str, Any]
    untrusted_metadata: dict[str, Any]
    roles: list[str]
    status: str
    created_at: datetime
    password: StoredHash | None


@dataclass(frozen=True)
class SourceLine:
    """A record as read: where it was, its text (for the rejects file) and its fields, if parseable."""

    line: int
    text: str
    fields: dict[str, Any] | None


def _json_lines(lines: Iterable[str], first_line: int) -> Iterator[SourceLine]:
    for number, text in enumerate(lines, start=first_line):
        if not text.strip():
            continue
        try:
            fields = json.loads(text)
        except ValueError:
            fields = None
        yield SourceLine(number, text.rstrip("\n"), fields if isinstance(fields, dict) else None)


def _csv_value(column: str, value: str) -> Any:
    if value == "":
        return None
    if column in JSON_COLUMNS:
        return json.loads(value)
    if column in BOOLEAN_COLUMNS:
        lowered = value.strip().lower()
        if lowered not in ("true", "false", "1", "0"):
            raise ValueError(f"{column} is true or false")
        return lowered in ("true", "1")
    return value


class _Recorder:
    """Hands lines to the CSV reader and keeps those it took, so a rejected row is quoted verbatim."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.taken: list[str] = []

    def __iter__(self) -> _Recorder:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.taken.append(line)
        return line

    def release(self) -> str:
        text, self.taken = "".join(self.taken).rstrip("\r\n"), []
        return text


def _csv_rows(lines: Iterable[str]) -> Iterator[SourceLine]:
    recorder = _Recorder(lines)
    reader = csv.DictReader(recorder)
    if reader.fieldnames is None:
        return
    recorder.release()
    for row in reader:
        text = recorder.release()
        try:
            fields = {column: _csv_value(column, value) for column, value in row.items() if column and value}
            name = {field: fields.pop(field) for field in NAME_FIELDS if field in fields}
            if name:
                fields["name"] = name
        except ValueError:
            yield SourceLine(reader.line_num, text, None)
            continue
        yield SourceLine(reader.line_num, text, fields)


def read_source(lines: Iterable[str], *, csv_format: bool) -> Iterator[SourceLine]:
    """The records of a JSON Lines or CSV (with a header row) stream of text lines."""
    return _csv_rows(lines) if csv_format else _json_lines(lines, 1)


def _bool(fields: dict[str, Any], name: str) -> bool:
    value = fields.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise KeystileError("invalid_argument", f"{name} must be true or false.")
    return value


def _optional_object(fields: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = fields.get(name)
    if value is not None and not isinstance(value, dict):
        raise KeystileError(
            "invalid_metadata" if "metadata" in name else "invalid_argument", f"{name}: object"
        )
    return value


def _created_at(value: Any, default: datetime) -> datetime:
    if value is None:
        return default
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as error:
        raise KeystileError("invalid_argument", "created_at must be an RFC 3339 time.") from error
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _roles(value: Any) -> list[str]:
    if value is None:
        return []
    if (
        not isinstance(value, list)
        or len(value) > MAX_ROLES
        or not all(isinstance(role, str) and 0 < len(role) <= 256 for role in value)
    ):
        raise KeystileError("invalid_argument", f"roles is a list of at most {MAX_ROLES} short strings.")
    return value


def validate(fields: dict[str, Any], *, now: datetime) -> UserRecord:
    """A record checked as `users.create` and `passwords.migrate` check their input."""
    email = normalize_email(fields["email"]) if fields.get("email") is not None else None
    phone = normalize_phone(fields["phone_number"]) if fields.get("phone_number") is not None else None
    if email is None and phone is None:
        raise KeystileError("invalid_argument", "A user needs an email or a phone_number.")
    external_id = fields.get("external_id")
    if external_id is not None and not isinstance(external_id, str):
        raise KeystileError("invalid_external_id")
    status = fields.get("status") or "active"
    if status not in STATUSES:
        raise KeystileError("invalid_argument", "status is active or pending.")
    password = None
    if fields.get("password_hash") is not None or fields.get("password_hash_type") is not None:
        password = validate_import(
            fields.get("password_hash_type"),
            fields.get("password_hash"),
            _optional_object(fields, "password_hash_config"),
        )
    return UserRecord(
        email=email,
        email_verified=_bool(fields, "email_verified"),
        phone_number=phone,
        phone_verified=_bool(fields, "phone_verified"),
        name=check_name(_optional_object(fields, "name") or {}),
        external_id=check_external_id(external_id) if external_id is not None else None,
        trusted_metadata=check_metadata(_optional_object(fields, "trusted_metadata")),
        untrusted_metadata=check_metadata(_optional_object(fields, "untrusted_metadata")),
        roles=_roles(fields.get("roles")),
        status=status,
        created_at=_created_at(fields.get("created_at"), now),
        password=password,
    )


def as_fields(record: UserRecord, *, include_password: bool) -> dict[str, Any]:
    """The record in the JSON Lines shape (what `validate` reads back to the same record)."""
    fields: dict[str, Any] = {
        "email": record.email,
        "email_verified": record.email_verified,
        "phone_number": record.phone_number,
        "phone_verified": record.phone_verified,
        "name": record.name,
        "external_id": record.external_id,
        "trusted_metadata": record.trusted_metadata,
        "untrusted_metadata": record.untrusted_metadata,
        "roles": record.roles,
        "status": record.status,
        "created_at": record.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }
    if include_password and record.password is not None:
        fields["password_hash"] = record.password.hash
        fields["password_hash_type"] = record.password.hash_type
        fields["password_hash_config"] = record.password.config
    return fields


def as_json_line(fields: dict[str, Any]) -> str:
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":")) + "\n"


def as_csv_row(fields: dict[str, Any]) -> str:
    """One CSV line in `CSV_COLUMNS` order (write `csv_header()` first)."""
    flat = dict(fields)
    for field, value in (flat.pop("name", None) or {}).items():
        flat[field] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        [_csv_cell(column, flat.get(column)) for column in CSV_COLUMNS]
    )
    return out.getvalue()


def _csv_cell(column: str, value: Any) -> str:
    if value is None:
        return ""
    if column in JSON_COLUMNS:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def csv_header() -> str:
    return ",".join(CSV_COLUMNS) + "\n"

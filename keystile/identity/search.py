"""Translating the Users search query (`operator` + `operands`) into SQL conditions, and cursors."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select

from keystile.errors import KeystileError
from keystile.identity.contact import normalize_email, normalize_phone
from keystile.identity.models import User, UserEmail, UserPhone
from keystile.ids import is_well_formed_id
from keystile.search_operands import boolean, contains_pattern, string, strings

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


def _utc(text: str) -> datetime:
    """An ISO 8601 / RFC 3339 time as an aware UTC datetime (naive means UTC); ValueError if it is
    not one, or if it is one that cannot be expressed in UTC (such as year 1 at +14:00)."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("time out of range") from error


def _instant(value: Any, *, field: str) -> datetime:
    try:
        return _utc(string(value, field=field))
    except ValueError as error:
        raise KeystileError("invalid_search_query", f"{field} takes an RFC 3339 time.") from error


def _email_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(
        select(UserEmail.email_id).where(
            UserEmail.project_id == User.project_id, UserEmail.user_id == User.user_id, *conditions
        )
    )


def _phone_exists(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    return exists(
        select(UserPhone.phone_id).where(
            UserPhone.project_id == User.project_id, UserPhone.user_id == User.user_id, *conditions
        )
    )


def _full_name_fuzzy(value: Any) -> ColumnElement[bool]:
    pattern = contains_pattern(string(value, field="full_name_fuzzy"))
    return or_(
        *(
            func.lower(column).like(pattern, escape="\\")
            for column in (User.first_name, User.middle_name, User.last_name)
        )
    )


def _created_between(value: Any) -> ColumnElement[bool]:
    if not isinstance(value, dict):
        raise KeystileError("invalid_search_query", "created_at_between takes an object.")
    return and_(
        User.created_at > _instant(value.get("greater_than"), field="greater_than"),
        User.created_at < _instant(value.get("less_than"), field="less_than"),
    )


def _status(value: Any) -> ColumnElement[bool]:
    status = string(value, field="status")
    if status not in ("active", "pending"):
        raise KeystileError("invalid_search_query", "status is 'active' or 'pending'.")
    return User.status == status


FILTERS: dict[str, Callable[[Any], ColumnElement[bool]]] = {
    "user_id": lambda v: User.user_id.in_(strings(v, field="user_id")),
    "status": _status,
    "email_address": lambda v: _email_exists(
        UserEmail.email.in_([normalize_email(e) for e in strings(v, field="email_address")])
    ),
    "email_address_fuzzy": lambda v: _email_exists(
        UserEmail.email.like(contains_pattern(string(v, field="email_address_fuzzy")), escape="\\")
    ),
    "email_verified": lambda v: _email_exists(UserEmail.verified.is_(boolean(v, field="email_verified"))),
    "phone_number": lambda v: _phone_exists(
        UserPhone.phone_number.in_([normalize_phone(p) for p in strings(v, field="phone_number")])
    ),
    "phone_number_fuzzy": lambda v: _phone_exists(
        UserPhone.phone_number.like(contains_pattern(string(v, field="phone_number_fuzzy")), escape="\\")
    ),
    "phone_verified": lambda v: _phone_exists(UserPhone.verified.is_(boolean(v, field="phone_verified"))),
    "full_name_fuzzy": _full_name_fuzzy,
    "created_at_greater_than": lambda v: User.created_at > _instant(v, field="created_at_greater_than"),
    "created_at_less_than": lambda v: User.created_at < _instant(v, field="created_at_less_than"),
    "created_at_between": _created_between,
}


def query_conditions(query: dict[str, Any] | None) -> list[ColumnElement[bool]]:
    """The SQL conditions for a search query; an empty or absent query matches every user."""
    if not query:
        return []
    operator = query.get("operator", "AND")
    operands = query.get("operands", [])
    if operator not in ("AND", "OR") or not isinstance(operands, list) or len(operands) > 50:
        raise KeystileError("invalid_search_query", "operator is AND or OR with a list of operands.")
    conditions = []
    for operand in operands:
        name = operand.get("filter_name") if isinstance(operand, dict) else None
        if not isinstance(name, str) or name not in FILTERS:
            raise KeystileError(
                "invalid_search_query",
                f"Unknown filter; supported: {', '.join(sorted(FILTERS))}.",
            )
        conditions.append(FILTERS[name](operand.get("filter_value")))
    if not conditions:
        return []
    if operator == "OR":
        return [or_(false(), *conditions)]
    return conditions


def encode_cursor(user: User) -> str:
    raw = json.dumps([user.created_at.isoformat(), user.user_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[datetime, str] | None:
    """The position `encode_cursor` wrote; anything else (a forged or damaged cursor) is refused."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_at, user_id = json.loads(base64.urlsafe_b64decode(padded))
        if not isinstance(created_at, str) or not isinstance(user_id, str) or not is_well_formed_id(user_id):
            raise ValueError("not a cursor")
        return _utc(created_at), user_id
    except (ValueError, TypeError, binascii.Error) as error:
        raise KeystileError("invalid_cursor") from error


def check_limit(limit: int | None) -> int:
    if limit is None:
        return DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise KeystileError("invalid_limit")
    return limit

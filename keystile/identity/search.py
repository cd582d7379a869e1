"""The Users search filters: each reads its operand into an SQL condition (see `search_operands`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select

from keystile.errors import KeystileError
from keystile.identity.contact import normalize_email, normalize_phone
from keystile.identity.models import User, UserEmail, UserPhone
from keystile.search_operands import Filters, boolean, contains_pattern, parse_time, string, strings


def _instant(value: Any, *, field: str) -> datetime:
    try:
        return parse_time(string(value, field=field))
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


FILTERS: Filters = {
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

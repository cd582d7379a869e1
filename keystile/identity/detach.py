"""Factors a user's factor-delete routes detach (`DELETE /v1/users/<kind>/{id}`): each factor registers
its table, id column and not-found error on import (`register_detachable`), so identity names none."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from keystile.db.base import Base
from keystile.errors import ErrorType
from keystile.identity.models import UserEmail, UserPhone


@dataclass(frozen=True)
class Detachable:
    """Rows of `model` (holding `project_id` and `user_id`) found by `id_column`; detaching one deletes
    it and the rows of each `dependants` model whose `id_column` holds its id. An unknown id is
    `not_found`."""

    kind: str
    model: type[Base]
    id_column: str
    not_found: ErrorType
    dependants: Sequence[type[Base]] = ()


EMAIL = Detachable("email", UserEmail, "email_id", "email_not_found")
PHONE = Detachable("phone_number", UserPhone, "phone_id", "phone_number_not_found")
_REGISTERED: dict[str, Detachable] = {EMAIL.kind: EMAIL, PHONE.kind: PHONE}


def register_detachable(factor: Detachable) -> None:
    """For a factor package, on import: its registrations can be detached from their user."""
    _REGISTERED[factor.kind] = factor


def detachable(kind: str) -> Detachable:
    """The registered factor of this kind (KeyError when no package registered it)."""
    return _REGISTERED[kind]

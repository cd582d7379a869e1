"""The users the import benchmarks load: numbered, pre-hashed (bcrypt), written as JSON Lines in the
format `keystile users import` reads; user n's password is `password_of(n)`."""

from __future__ import annotations

import json
from pathlib import Path

import bcrypt

# A small pool of hashes: hashing a million passwords is not the point.
POOL_SIZE = 16


def password_of(number: int) -> str:
    return f"bench password {number % POOL_SIZE}"


def email_of(number: int) -> str:
    return f"bench.user{number}@example.com"


def external_id_of(number: int) -> str:
    return f"legacy-{number}"


def write_users(path: Path, count: int, *, first: int = 0) -> None:
    """Users `first` to `first + count - 1`, with bcrypt hashes of cost 4."""
    pool = [bcrypt.hashpw(password_of(n).encode(), bcrypt.gensalt(4)).decode() for n in range(POOL_SIZE)]
    with path.open("w", encoding="utf-8") as out:
        for n in range(first, first + count):
            record = {
                "email": email_of(n),
                "email_verified": n % 2 == 0,
                "name": {"first_name": "Bench", "last_name": f"User{n}"},
                "external_id": external_id_of(n),
                "trusted_metadata": {"legacy_id": n},
                "created_at": "2022-01-01T00:00:00Z",
                "password_hash": pool[n % POOL_SIZE],
                "password_hash_type": "bcrypt",
            }
            out.write(json.dumps(record) + "\n")

"""keystile's own password hashes (argon2id, parameters from Settings) and the one `verify` that checks
a password against any stored hash, native or imported."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import Final, TypeVar
from weakref import WeakValueDictionary

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

from keystile.config import Settings
from keystile.credentials.imported import VERIFIERS, StoredHash, within_bounds

T = TypeVar("T")

NATIVE_HASH_TYPE: Final = "argon_2id"
# argon2 is memory-hard and releases the GIL: one hashing thread per core keeps every core busy, while
# more at once would only evict each other's memory from the caches. Requests queue for a thread.
HASHING: Final = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="password-hash")
# An imported hash may be costly to check (within `imported`'s bounds): one project's such checks keep
# at most half the hashing threads, so that every other project's logins still find one free.
IMPORTED_CHECKS_PER_PROJECT: Final = max(1, (os.cpu_count() or 1) // 2)
_imported_checks: WeakValueDictionary[str, asyncio.Semaphore] = WeakValueDictionary()
ARGON2_TYPES: Final = ("argon_2i", "argon_2id")
# Verification reads the variant and parameters from the encoded hash itself.
ANY_ARGON2: Final = PasswordHasher()


@dataclass(frozen=True)
class Argon2Parameters:
    """argon2id cost: memory in KiB, passes, lanes."""

    memory_kib: int
    time_cost: int
    parallelism: int

    @classmethod
    def from_settings(cls, settings: Settings) -> Argon2Parameters:
        return cls(
            memory_kib=settings.password_argon2_memory_kib,
            time_cost=settings.password_argon2_time_cost,
            parallelism=settings.password_argon2_parallelism,
        )


@lru_cache(maxsize=8)
def hasher(parameters: Argon2Parameters) -> PasswordHasher:
    """An argon2id hasher with these parameters (16-byte salts, 32-byte hashes)."""
    return PasswordHasher(
        time_cost=parameters.time_cost,
        memory_cost=parameters.memory_kib,
        parallelism=parameters.parallelism,
        hash_len=32,
        salt_len=16,
        type=Type.ID,
    )


@lru_cache(maxsize=8)
def decoy_hash(parameters: Argon2Parameters) -> StoredHash:
    """A hash of no one's password, made as keystile makes hashes: checking a password against it
    takes as long as against a real one (an unknown address answers no faster)."""
    return hash_password(secrets.token_urlsafe(32), parameters)


def hash_password(password: str, parameters: Argon2Parameters) -> StoredHash:
    """A fresh argon2id PHC string for `password` (CPU- and memory-bound: run it off the event loop)."""
    return StoredHash(NATIVE_HASH_TYPE, hasher(parameters).hash(password))


def verify_password(stored: StoredHash, password: str) -> bool:
    """Whether `password` matches `stored`, whatever its type; a damaged stored hash matches nothing."""
    try:
        if stored.hash_type in ARGON2_TYPES:
            return ANY_ARGON2.verify(stored.hash, password)
        return within_bounds(stored) and VERIFIERS[stored.hash_type](password.encode("utf-8"), stored)
    except (VerificationError, InvalidHashError, KeyError, ValueError, TypeError):
        return False


def needs_rehash(stored: StoredHash, parameters: Argon2Parameters) -> bool:
    """True for every imported type, and for argon2id hashes made with other parameters."""
    if stored.hash_type != NATIVE_HASH_TYPE:
        return True
    try:
        return hasher(parameters).check_needs_rehash(stored.hash)
    except InvalidHashError:
        return True


async def off_the_loop(work: Callable[..., T], *args: object) -> T:
    """Run a hash or a verification on the hashing threads, leaving the event loop free meanwhile."""
    return await asyncio.get_running_loop().run_in_executor(HASHING, work, *args)


async def check_password(
    project_id: str, stored: StoredHash, password: str, parameters: Argon2Parameters
) -> bool:
    """`verify_password` on the hashing threads; a hash other than keystile's current argon2id waits
    for one of its project's `IMPORTED_CHECKS_PER_PROJECT` turns."""
    if not needs_rehash(stored, parameters):
        return await off_the_loop(verify_password, stored, password)
    turns = _imported_checks.get(project_id)
    if turns is None:
        turns = _imported_checks[project_id] = asyncio.Semaphore(IMPORTED_CHECKS_PER_PROJECT)
    async with turns:
        return await off_the_loop(verify_password, stored, password)

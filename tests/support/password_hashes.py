"""Imported password hashes of every type the SDKs' migrate endpoints offer, made with real libraries."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import bcrypt
from argon2 import PasswordHasher, Type
from argon2.low_level import hash_secret_raw


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def imported_hashes(password: str) -> list[dict[str, Any]]:
    """One `passwords.migrate` argument set per hash type the SDK offers."""
    salt = b"pepper-and-salt!"
    raw = password.encode()
    scrypt = hashlib.scrypt(raw, salt=salt, n=1024, r=8, p=1, dklen=32)
    argon_raw = hash_secret_raw(
        raw, salt, time_cost=1, memory_cost=1024, parallelism=1, hash_len=32, type=Type.ID
    )
    return [
        {"hash_type": "bcrypt", "hash": bcrypt.hashpw(raw, bcrypt.gensalt(4)).decode()},
        {
            "hash_type": "scrypt",
            "hash": f"$scrypt$ln=10,r=8,p=1${b64(salt).rstrip('=')}${b64(scrypt).rstrip('=')}",
        },
        {
            "hash_type": "scrypt",
            "hash": b64(scrypt),
            "scrypt_config": {
                "salt": b64(salt),
                "n_parameter": 1024,
                "r_parameter": 8,
                "p_parameter": 1,
                "key_length": 32,
            },
        },
        {
            "hash_type": "argon_2i",
            "hash": PasswordHasher(time_cost=1, memory_cost=1024, type=Type.I).hash(password),
        },
        {
            "hash_type": "argon_2id",
            "hash": argon_raw.hex(),
            "argon_2_config": {
                "salt": salt.decode(),
                "iteration_amount": 1,
                "memory": 1024,
                "threads": 1,
                "key_length": 32,
            },
        },
        {
            "hash_type": "md_5",
            "hash": hashlib.md5(b"pre" + raw + b"post").hexdigest(),
            "md_5_config": {"prepend_salt": "pre", "append_salt": "post"},
        },
        {
            "hash_type": "sha_1",
            "hash": hashlib.sha1(raw + b"!").hexdigest(),
            "sha_1_config": {"prepend_salt": "", "append_salt": "!"},
        },
        {"hash_type": "sha_512", "hash": hashlib.sha512(raw).hexdigest()},
        {
            "hash_type": "pbkdf_2",
            "hash": b64(hashlib.pbkdf2_hmac("sha256", raw, salt, 1000, 32)),
            "pbkdf_2_config": {
                "salt": b64(salt),
                "iteration_amount": 1000,
                "key_length": 32,
                "algorithm": "sha256",
            },
        },
    ]

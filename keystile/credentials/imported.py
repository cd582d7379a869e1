"""Password hashes brought over with `passwords.migrate` or `keystile users import`: each hash type the
SDK offers is validated into one stored form (hash plus config), and verified against a login attempt.

Pure functions; a login's first success replaces whatever is stored here with keystile's argon2id.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

import bcrypt
from argon2 import extract_parameters
from argon2.exceptions import InvalidHashError

from keystile.errors import ErrorType, KeystileError

# Bounds that keep one login's verification within a few seconds of one core and 256 MiB at most:
# the costs real systems use fit (bcrypt 10-14, phpass 2^8-2^13, scrypt 16-128 MiB, PBKDF2 up to 1M,
# argon2 up to 256 MiB), while a hash made to stall the shared hashing threads is refused.
MAX_BCRYPT_COST = 15
MAX_PHPASS_LOG2_ROUNDS = 16
MAX_SCRYPT_N = 262_144
MAX_SCRYPT_R = 32
MAX_SCRYPT_P = 16
# scrypt's work and memory grow with 128 * N * r * p bytes (p blocks of 128 * N * r, one after another).
MAX_SCRYPT_BYTES = 128 * 1024 * 1024
MAX_PBKDF2_ITERATIONS = 2_000_000
MAX_ARGON2_MEMORY_KIB = 262_144
MAX_ARGON2_ITERATIONS = 10
MAX_ARGON2_THREADS = 16
MAX_KEY_LENGTH = 1024
MAX_SALT_LENGTH = 1024
# bcrypt reads at most 72 bytes of a password; the systems that made these hashes ignored the rest.
BCRYPT_MAX_BYTES = 72

BCRYPT = re.compile(r"^\$2[abxy]?\$(\d{2})\$[./A-Za-z0-9]{53}$")
PHPASS = re.compile(r"^\$[PH]\$[./0-9A-Za-z]{31}$")
PHPASS_ALPHABET = "./0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
SCRYPT_PHC = re.compile(r"^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([^$]+)\$([^$]+)$")
HEX_DIGEST_LENGTHS: Final = {"md_5": 32, "sha_1": 40, "sha_512": 128}
HEX_DIGEST_ERRORS: Final[dict[str, ErrorType]] = {
    "md_5": "invalid_md_5_hash",
    "sha_1": "invalid_sha_1_hash",
    "sha_512": "invalid_hash",
}
HASHLIB_NAMES: Final = {"md_5": "md5", "sha_1": "sha1", "sha_512": "sha512"}
PBKDF2_ALGORITHMS: Final = ("sha256", "sha512")


@dataclass(frozen=True)
class StoredHash:
    """How a password is kept: Stytch's hash_type name, the hash, and its parameters if separate."""

    hash_type: str
    hash: str
    config: dict[str, Any] | None = None


def _b64decode(text: str) -> bytes:
    """Standard, URL-safe or passlib's adapted base64, with or without padding."""
    cleaned = text.strip().replace(".", "+").replace("-", "+").replace("_", "/")
    return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4), validate=True)


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _bounded(value: object, name: str, low: int, high: int, error: ErrorType) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise KeystileError(error, f"{name} must be a whole number from {low} to {high}.")
    return value


def _int(config: dict[str, Any], name: str, low: int, high: int, error: ErrorType) -> int:
    return _bounded(config.get(name), name, low, high, error)


def _argon2_costs(memory: object, iterations: object, threads: object) -> tuple[int, int, int]:
    """argon2's memory (KiB), passes and lanes, each within bounds, in the hex form's names."""
    return (
        _bounded(memory, "memory", 8, MAX_ARGON2_MEMORY_KIB, "invalid_argon_2_memory"),
        _bounded(
            iterations, "iteration_amount", 1, MAX_ARGON2_ITERATIONS, "invalid_argon_2_iteration_amount"
        ),
        _bounded(threads, "threads", 1, MAX_ARGON2_THREADS, "invalid_argon_2_threads"),
    )


def _salt_text(config: dict[str, Any], name: str, error: ErrorType) -> str:
    value = config.get(name, "")
    if not isinstance(value, str) or len(value) > MAX_SALT_LENGTH:
        raise KeystileError(error, f"{name} must be a string of at most {MAX_SALT_LENGTH} characters.")
    return value


def _decoded(text: str, error: ErrorType, what: str) -> bytes:
    try:
        raw = _b64decode(text)
    except (binascii.Error, ValueError) as problem:
        raise KeystileError(error, f"{what} must be base64.") from problem
    if not raw:
        raise KeystileError(error, f"{what} must not be empty.")
    return raw


# ---- validation: request values -> StoredHash ---------------------------------------------------


def _bcrypt(hash_type: str, text: str, config: dict[str, Any] | None) -> StoredHash:
    match = BCRYPT.match(text)
    if match is None or not 4 <= int(match.group(1)) <= MAX_BCRYPT_COST:
        raise KeystileError("invalid_bcrypt_hash")
    return StoredHash(hash_type, text)


def _hex_digest(hash_type: str, text: str, config: dict[str, Any] | None) -> StoredHash:
    digest = text.strip().lower()
    if len(digest) != HEX_DIGEST_LENGTHS[hash_type] or re.fullmatch(r"[0-9a-f]+", digest) is None:
        raise KeystileError(
            HEX_DIGEST_ERRORS[hash_type],
            f"A {hash_type} hash is {HEX_DIGEST_LENGTHS[hash_type]} hexadecimal characters.",
        )
    config = config or {}
    salts = {
        "prepend_salt": _salt_text(config, "prepend_salt", "invalid_prepend_salt"),
        "append_salt": _salt_text(config, "append_salt", "invalid_append_salt"),
    }
    return StoredHash(hash_type, digest, salts if any(salts.values()) else None)


def _argon2(hash_type: str, text: str, config: dict[str, Any] | None) -> StoredHash:
    """The encoded PHC form as it is; the hex form with `argon_2_config`, re-encoded as PHC."""
    variant = "argon2id" if hash_type == "argon_2id" else "argon2i"
    if config is None:
        try:
            parameters = extract_parameters(text)
        except (InvalidHashError, ValueError) as problem:
            raise KeystileError("invalid_hash", "Expected an encoded argon2 hash ($argon2…$).") from problem
        if not text.startswith(f"${variant}$"):
            raise KeystileError("invalid_hash", f"Expected an encoded {variant} hash.")
        _argon2_costs(parameters.memory_cost, parameters.time_cost, parameters.parallelism)
        return StoredHash(hash_type, text)
    salt = _salt_text(config, "salt", "invalid_argon_2_salt").encode()
    memory, iterations, threads = _argon2_costs(
        config.get("memory"), config.get("iteration_amount"), config.get("threads")
    )
    key_length = _int(config, "key_length", 4, MAX_KEY_LENGTH, "invalid_argon_2_key_length")
    if len(salt) < 8:
        raise KeystileError("invalid_argon_2_salt", "An argon2 salt is at least 8 bytes.")
    try:
        raw = bytes.fromhex(text.strip())
    except ValueError as problem:
        raise KeystileError("invalid_hash", "With argon_2_config, the hash is hexadecimal.") from problem
    if len(raw) != key_length:
        raise KeystileError("argon_2_key_length_mismatch")
    encoded = (
        f"${variant}$v=19$m={memory},t={iterations},p={threads}"
        f"${_b64encode(salt).rstrip('=')}${_b64encode(raw).rstrip('=')}"
    )
    return StoredHash(hash_type, encoded)


def _scrypt(hash_type: str, text: str, config: dict[str, Any] | None) -> StoredHash:
    """A PHC `$scrypt$ln=…,r=…,p=…$salt$hash` string, or a base64 hash with `scrypt_config`."""
    phc = SCRYPT_PHC.match(text.strip())
    if phc is not None and config is None:
        log_n, r, p, salt_text, hash_text = phc.groups()
        raw = _decoded(hash_text, "invalid_base64_scrypt_hash", "The scrypt hash")
        config = {
            "salt": _b64encode(_decoded(salt_text, "invalid_base64_scrypt_salt", "The scrypt salt")),
            "n_parameter": 1 << min(int(log_n), 63),
            "r_parameter": int(r),
            "p_parameter": int(p),
            "key_length": len(raw),
        }
        text = _b64encode(raw)
    if config is None:
        raise KeystileError("invalid_scrypt_parameters", "scrypt_config is required unless the hash is PHC.")
    raw = _decoded(text, "invalid_base64_scrypt_hash", "The scrypt hash")
    salt = _decoded(
        _salt_text(config, "salt", "invalid_base64_scrypt_salt"), "invalid_base64_scrypt_salt", "salt"
    )
    n = _int(config, "n_parameter", 2, MAX_SCRYPT_N, "invalid_scrypt_n_parameter")
    if n & (n - 1):
        raise KeystileError("invalid_scrypt_n_parameter", "n_parameter must be a power of two.")
    r = _int(config, "r_parameter", 1, MAX_SCRYPT_R, "invalid_scrypt_parameters")
    p = _int(config, "p_parameter", 1, MAX_SCRYPT_P, "invalid_scrypt_parameters")
    checked = {
        "salt": _b64encode(salt),
        "n_parameter": n,
        "r_parameter": r,
        "p_parameter": p,
        "key_length": _int(config, "key_length", 1, MAX_KEY_LENGTH, "invalid_scrypt_parameters"),
    }
    if 128 * n * r * p > MAX_SCRYPT_BYTES:
        raise KeystileError(
            "invalid_scrypt_parameters", "128 * n_parameter * r_parameter * p_parameter is at most 128 MiB."
        )
    if checked["key_length"] != len(raw):
        raise KeystileError("scrypt_key_length_mismatch")
    return StoredHash(hash_type, _b64encode(raw), checked)


def _pbkdf2(hash_type: str, text: str, config: dict[str, Any] | None) -> StoredHash:
    if config is None:
        raise KeystileError("invalid_pbkdf_2_hash", "pbkdf_2_config is required for pbkdf_2 hashes.")
    raw = _decoded(text, "invalid_pbkdf_2_hash", "The pbkdf_2 hash")
    salt = _decoded(_salt_text(config, "salt", "invalid_pbkdf_2_salt"), "invalid_pbkdf_2_salt", "salt")
    algorithm = config.get("algorithm") or "sha256"
    if algorithm not in PBKDF2_ALGORITHMS:
        raise KeystileError("invalid_pbkdf_2_hash", "algorithm is sha256 or sha512.")
    checked = {
        "salt": _b64encode(salt),
        "iteration_amount": _int(
            config, "iteration_amount", 1, MAX_PBKDF2_ITERATIONS, "invalid_pbkdf_2_iteration_amount"
        ),
        "key_length": _int(config, "key_length", 1, MAX_KEY_LENGTH, "invalid_pbkdf_2_hash"),
        "algorithm": algorithm,
    }
    if checked["key_length"] != len(raw):
        raise KeystileError("pbkdf_2_key_length_mismatch")
    return StoredHash(hash_type, _b64encode(raw), checked)


def _phpass(hash_type: str, text: str, config: dict[str, Any] | None) -> StoredHash:
    if PHPASS.match(text) is None:
        raise KeystileError("invalid_phpass_hash_format")
    if not 7 <= PHPASS_ALPHABET.index(text[3]) <= MAX_PHPASS_LOG2_ROUNDS:
        raise KeystileError("invalid_phpass_hash_format", "The phpass iteration count is out of range.")
    return StoredHash(hash_type, text)


VALIDATORS: Final[dict[str, Callable[[str, str, dict[str, Any] | None], StoredHash]]] = {
    "bcrypt": _bcrypt,
    "md_5": _hex_digest,
    "sha_1": _hex_digest,
    "sha_512": _hex_digest,
    "argon_2i": _argon2,
    "argon_2id": _argon2,
    "scrypt": _scrypt,
    "pbkdf_2": _pbkdf2,
    "phpass": _phpass,
}


def validate_import(hash_type: object, hash_text: object, config: dict[str, Any] | None) -> StoredHash:
    """The stored form of an imported hash, or the Stytch error that names what is wrong with it."""
    if not isinstance(hash_type, str) or hash_type not in VALIDATORS:
        raise KeystileError("invalid_hash_type", f"hash_type is one of {', '.join(VALIDATORS)}.")
    if not isinstance(hash_text, str) or not 0 < len(hash_text) <= 4096:
        raise KeystileError("invalid_hash", "hash must be a non-empty string.")
    if config is not None and not isinstance(config, dict):
        raise KeystileError("invalid_hash", "The hash config must be an object.")
    return VALIDATORS[hash_type](hash_type, hash_text, config)


def within_bounds(stored: StoredHash) -> bool:
    """Whether an imported hash of a type other than argon2 (which keystile's own hashes share) is
    within today's bounds: one stored before they were is never checked, it must be reset."""
    try:
        VALIDATORS[stored.hash_type](stored.hash_type, stored.hash, stored.config)
    except KeystileError:
        return False
    return True


# ---- verification: does this password produce this stored hash? --------------------------------


def _verify_bcrypt(password: bytes, stored: StoredHash) -> bool:
    return bcrypt.checkpw(password[:BCRYPT_MAX_BYTES], stored.hash.encode("ascii"))


def _verify_hex_digest(password: bytes, stored: StoredHash) -> bool:
    config = stored.config or {}
    salted = config.get("prepend_salt", "").encode() + password + config.get("append_salt", "").encode()
    computed = hashlib.new(HASHLIB_NAMES[stored.hash_type], salted).hexdigest()
    return hmac.compare_digest(computed, stored.hash)


def _verify_scrypt(password: bytes, stored: StoredHash) -> bool:
    config = stored.config or {}
    n, r, p = config["n_parameter"], config["r_parameter"], config["p_parameter"]
    computed = hashlib.scrypt(
        password,
        salt=base64.b64decode(config["salt"]),
        n=n,
        r=r,
        p=p,
        maxmem=128 * r * (n + p + 2) + 1_048_576,
        dklen=config["key_length"],
    )
    return hmac.compare_digest(computed, base64.b64decode(stored.hash))


def _verify_pbkdf2(password: bytes, stored: StoredHash) -> bool:
    config = stored.config or {}
    computed = hashlib.pbkdf2_hmac(
        config["algorithm"],
        password,
        base64.b64decode(config["salt"]),
        config["iteration_amount"],
        config["key_length"],
    )
    return hmac.compare_digest(computed, base64.b64decode(stored.hash))


def _phpass_encode(raw: bytes) -> str:
    """phpass's own base64 of an MD5 digest (little-endian groups of three bytes)."""
    out: list[str] = []
    position, count = 0, len(raw)
    while position < count:
        value = raw[position]
        position += 1
        out.append(PHPASS_ALPHABET[value & 0x3F])
        if position < count:
            value |= raw[position] << 8
        out.append(PHPASS_ALPHABET[(value >> 6) & 0x3F])
        position += 1
        if position > count:
            break
        if position < count:
            value |= raw[position] << 16
        out.append(PHPASS_ALPHABET[(value >> 12) & 0x3F])
        position += 1
        if position > count:
            break
        out.append(PHPASS_ALPHABET[(value >> 18) & 0x3F])
    return "".join(out)


def _verify_phpass(password: bytes, stored: StoredHash) -> bool:
    count = 1 << PHPASS_ALPHABET.index(stored.hash[3])
    salt = stored.hash[4:12].encode("ascii")
    digest = hashlib.md5(salt + password).digest()  # noqa: S324 - the phpass algorithm, verified once
    for _ in range(count):
        digest = hashlib.md5(digest + password).digest()  # noqa: S324
    return hmac.compare_digest(stored.hash[:12] + _phpass_encode(digest), stored.hash)


VERIFIERS: Final[dict[str, Callable[[bytes, StoredHash], bool]]] = {
    "bcrypt": _verify_bcrypt,
    "md_5": _verify_hex_digest,
    "sha_1": _verify_hex_digest,
    "sha_512": _verify_hex_digest,
    "scrypt": _verify_scrypt,
    "pbkdf_2": _verify_pbkdf2,
    "phpass": _verify_phpass,
}

"""The pure parts of passwords: imported-hash validation and verification, rehash decisions, the LUDS
rules, and the shipped breach corpus (reproducible from zxcvbn's list, and answering without network)."""

from __future__ import annotations

import base64
import hashlib
from importlib import resources

import bcrypt
import pytest

from keystile.credentials.breaches import CORPUS_FILE, build_corpus, is_breached
from keystile.credentials.hashes import Argon2Parameters, hash_password, needs_rehash, verify_password
from keystile.credentials.imported import validate_import
from keystile.credentials.policy import PasswordRules
from keystile.credentials.strength import evaluate
from keystile.errors import KeystileError

OWASP = Argon2Parameters(memory_kib=19_456, time_cost=2, parallelism=1)


def test_the_shipped_corpus_is_what_the_builder_makes() -> None:
    shipped = resources.files("keystile.credentials").joinpath("data", CORPUS_FILE).read_text("ascii")
    assert shipped == build_corpus()
    assert 15_000 < len(shipped.splitlines()) < 25_000
    for password in ("123456", "password", "qwerty", "Password123!", "Dragon2024"):
        assert is_breached(password), password
    assert not is_breached("violet tangerine oboe 71")


def test_bcrypt_variants_and_the_72_byte_limit() -> None:
    long_password = "x" * 80
    made = bcrypt.hashpw(long_password[:72].encode(), bcrypt.gensalt(4)).decode()
    for prefix in ("$2a$", "$2b$", "$2y$"):
        stored = validate_import("bcrypt", prefix + made[4:], None)
        assert verify_password(stored, long_password)
        assert not verify_password(stored, "y" * 80)
    with pytest.raises(KeystileError) as refused:
        validate_import("bcrypt", "$2b$03$" + made[7:], None)
    assert refused.value.error_type == "invalid_bcrypt_hash"


def test_salted_digests_pbkdf2_and_phpass() -> None:
    password = "correct horse"
    md5 = hashlib.md5(b"a" + password.encode() + b"b").hexdigest()
    stored = validate_import("md_5", md5.upper(), {"prepend_salt": "a", "append_salt": "b"})
    assert verify_password(stored, password) and not verify_password(stored, password + "!")
    salt = base64.b64encode(b"0123456789abcdef").decode()
    derived = hashlib.pbkdf2_hmac("sha512", password.encode(), b"0123456789abcdef", 500, 64)
    config = {"salt": salt, "iteration_amount": 500, "key_length": 64, "algorithm": "sha512"}
    assert verify_password(validate_import("pbkdf_2", base64.b64encode(derived).decode(), config), password)
    with pytest.raises(KeystileError) as refused:
        validate_import("pbkdf_2", base64.b64encode(derived).decode(), {**config, "key_length": 32})
    assert refused.value.error_type == "pbkdf_2_key_length_mismatch"
    # The test vector of phpass itself (Openwall).
    assert verify_password(validate_import("phpass", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0", None), "test12345")


def test_only_keystiles_own_argon2id_parameters_skip_the_rehash() -> None:
    native = hash_password("correct horse", OWASP)
    assert native.hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verify_password(native, "correct horse")
    assert not needs_rehash(native, OWASP)
    assert needs_rehash(native, Argon2Parameters(memory_kib=65_536, time_cost=3, parallelism=1))
    assert needs_rehash(validate_import("sha_1", hashlib.sha1(b"x").hexdigest(), None), OWASP)


def test_luds_counts_classes_and_length() -> None:
    rules = PasswordRules(strength_policy="luds", luds_min_length=8, luds_min_complexity=3)
    report = evaluate("abc", rules, [])
    assert report.luds is not None and not report.valid
    assert (report.luds.missing_characters, report.luds.missing_complexity) == (5, 2)
    assert evaluate("abcdEFG1", rules, []).valid
    # Anything outside ASCII letters and digits is a symbol.
    assert evaluate("abcdefgé", PasswordRules(strength_policy="luds", luds_min_complexity=2), []).valid

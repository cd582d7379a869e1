"""Encryption at rest: configured Fernet keys, or one generated once into a private file."""

from __future__ import annotations

import stat
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from keystile.config import Settings
from keystile.encryption import at_rest_cipher


def test_configured_keys_rotate(tmp_path: Path) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = at_rest_cipher(Settings(encryption_key=old)).encrypt(b"pem")
    rotated = at_rest_cipher(Settings(encryption_key=f"{new}, {old}"))
    assert rotated.decrypt(sealed) == b"pem"
    assert Fernet(new.encode()).decrypt(rotated.encrypt(b"pem")) == b"pem"
    assert not (tmp_path / "encryption.key").exists()


def test_a_bad_key_is_refused_without_echoing_it() -> None:
    with pytest.raises(ValueError) as caught:
        at_rest_cipher(Settings(encryption_key="not-a-fernet-key"))
    assert "not-a-fernet-key" not in str(caught.value)
    with pytest.raises(ValueError):
        at_rest_cipher(Settings(encryption_key=" , "))


def test_unset_key_is_generated_once_into_a_private_file(tmp_path: Path) -> None:
    key_file = tmp_path / "data" / "encryption.key"
    settings = Settings(encryption_key=None)
    with ThreadPoolExecutor(max_workers=8) as pool:
        ciphers = list(pool.map(lambda _: at_rest_cipher(settings, key_file), range(8)))
    sealed = ciphers[0].encrypt(b"pem")
    assert all(cipher.decrypt(sealed) == b"pem" for cipher in ciphers)
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert [p.name for p in key_file.parent.iterdir()] == ["encryption.key"]
    assert at_rest_cipher(settings, key_file).decrypt(sealed) == b"pem"

"""M3: imported password hashes cannot be made so costly that checking them stalls password hashing
for everyone: every cost parameter is bounded at `passwords.migrate` and `keystile users import`
(Stytch's 400 error of the parameter), a stored hash beyond the bounds is never computed, and one
project's imported-hash checks leave hashing threads free for the other projects."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import argon2
import bcrypt
import httpx
import pytest
import stytch

from keystile.credentials.hashes import verify_password
from keystile.credentials.imported import StoredHash
from tests.support.limits import assert_stytch_error, call
from tests.support.magic_links import new_address
from tests.support.server import KeystileServer, Project

PASSWORD = "imported passphrase 42"
ARGON2_TAIL = "$c2FsdHNhbHQxMjM0NTY3OA$" + "A" * 43


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _scrypt(n: int, r: int, p: int) -> dict[str, Any]:
    raw = hashlib.scrypt(PASSWORD.encode(), salt=b"saltsalt", n=2, r=1, p=1, dklen=32)
    return {
        "hash_type": "scrypt",
        "hash": _b64(raw),
        "scrypt_config": {
            "salt": _b64(b"saltsalt"),
            "n_parameter": n,
            "r_parameter": r,
            "p_parameter": p,
            "key_length": 32,
        },
    }


def _pbkdf2(iterations: int, password: str = PASSWORD) -> dict[str, Any]:
    raw = hashlib.pbkdf2_hmac("sha256", password.encode(), b"saltsalt", iterations, 32)
    return {
        "hash_type": "pbkdf_2",
        "hash": _b64(raw),
        "pbkdf_2_config": {"salt": _b64(b"saltsalt"), "iteration_amount": iterations, "key_length": 32},
    }


def _argon2_hex(memory: int, iterations: int, threads: int) -> dict[str, Any]:
    config = {"salt": "saltsalt", "memory": memory, "iteration_amount": iterations, "threads": threads}
    return {"hash_type": "argon_2id", "hash": "ab" * 32, "argon_2_config": {**config, "key_length": 32}}


BOMBS = {
    "argon2_phc_passes": (
        {"hash_type": "argon_2id", "hash": "$argon2id$v=19$m=65536,t=4294967295,p=1" + ARGON2_TAIL},
        "invalid_argon_2_iteration_amount",
    ),
    "argon2_phc_lanes": (
        {"hash_type": "argon_2id", "hash": "$argon2id$v=19$m=65536,t=2,p=131072" + ARGON2_TAIL},
        "invalid_argon_2_threads",
    ),
    "argon2_phc_memory": (
        {"hash_type": "argon_2i", "hash": "$argon2i$v=19$m=1048576,t=2,p=1" + ARGON2_TAIL},
        "invalid_argon_2_memory",
    ),
    "argon2_hex_passes": (_argon2_hex(65536, 11, 1), "invalid_argon_2_iteration_amount"),
    "argon2_hex_lanes": (_argon2_hex(65536, 2, 17), "invalid_argon_2_threads"),
    "argon2_hex_memory": (_argon2_hex(262_145, 2, 1), "invalid_argon_2_memory"),
    "phpass_2_30": ({"hash_type": "phpass", "hash": "$P$Sabcdefgh" + "A" * 22}, "invalid_phpass_hash_format"),
    "phpass_2_17": ({"hash_type": "phpass", "hash": "$P$Fabcdefgh" + "A" * 22}, "invalid_phpass_hash_format"),
    "bcrypt_31": ({"hash_type": "bcrypt", "hash": "$2b$31$" + "a" * 53}, "invalid_bcrypt_hash"),
    "bcrypt_16": ({"hash_type": "bcrypt", "hash": "$2b$16$" + "a" * 53}, "invalid_bcrypt_hash"),
    "scrypt_1_gib": (_scrypt(2**18, 32, 16), "invalid_scrypt_parameters"),
    "scrypt_many_blocks": (_scrypt(2**15, 8, 16), "invalid_scrypt_parameters"),
    "pbkdf2_10m": (_pbkdf2(10_000_000), "invalid_pbkdf_2_iteration_amount"),
    "pbkdf2_2m_plus_1": (_pbkdf2(2_000_001), "invalid_pbkdf_2_iteration_amount"),
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_m3_migrate_refuses_a_costly_hash(server: KeystileServer, project: Project, name: str) -> None:
    body, error_type = BOMBS[name]
    response = call(server, project, "/v1/passwords/migrate", {"email": new_address("bomb"), **body})
    assert_stytch_error(response, 400, error_type)


def test_m3_usual_costs_still_migrate_and_log_in(client: stytch.Client) -> None:
    usual: list[dict[str, Any]] = [
        {
            "hash_type": "argon_2id",
            "hash": argon2.PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash(PASSWORD),
        },
        {"hash_type": "bcrypt", "hash": bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(10)).decode()},
        _pbkdf2(600_000),
        {
            "hash_type": "scrypt",
            "hash": _b64(hashlib.scrypt(PASSWORD.encode(), salt=b"saltsalt", n=2**14, r=8, p=1, dklen=32)),
            "scrypt_config": {
                "salt": _b64(b"saltsalt"),
                "n_parameter": 2**14,
                "r_parameter": 8,
                "p_parameter": 1,
                "key_length": 32,
            },
        },
    ]
    for body in usual:
        email = new_address("usual")
        client.passwords.migrate(email=email, **body)
        assert client.passwords.authenticate(email=email, password=PASSWORD).user.password is not None
    # At the bounds themselves: accepted (not logged in to, to spare the CPU).
    for body in (_scrypt(2**17, 8, 1), _pbkdf2(2_000_000), _argon2_hex(262_144, 10, 16)):
        client.passwords.migrate(email=new_address("bound"), **body)
    client.passwords.migrate(email=new_address("bound"), hash_type="phpass", hash="$P$Eabcdefgh" + "A" * 22)


def test_m3_users_import_refuses_a_costly_hash(server: KeystileServer, tmp_path: Path) -> None:
    project = server.create_project()
    records = [
        {
            "email": new_address("fine"),
            "password_hash_type": "pbkdf_2",
            "password_hash": _pbkdf2(1000)["hash"],
            "password_hash_config": _pbkdf2(1000)["pbkdf_2_config"],
        },
        {
            "email": new_address("bomb"),
            "password_hash_type": "phpass",
            "password_hash": "$P$Sabcdefgh" + "A" * 22,
        },
        {
            "email": new_address("bomb"),
            "password_hash_type": "argon_2id",
            "password_hash": "$argon2id$v=19$m=65536,t=4294967295,p=1" + ARGON2_TAIL,
        },
    ]
    source = tmp_path / "users.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    done = server.cli("users", "import", str(source), "--project", project.project_id, "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert (summary["imported"], summary["rejected"]) == (1, 2)
    assert summary["reasons"] == {"invalid_phpass_hash_format": 1, "invalid_argon_2_iteration_amount": 1}


def test_m3_a_stored_hash_beyond_the_bounds_is_never_computed() -> None:
    """A hash imported before the bounds existed answers "no" at once instead of computing."""
    stored = [
        StoredHash("phpass", "$P$Sabcdefgh" + "A" * 22),
        StoredHash("bcrypt", bcrypt.hashpw(b"x", bcrypt.gensalt(4)).decode().replace("$04$", "$31$", 1)),
        StoredHash(
            "pbkdf_2",
            _pbkdf2(10_000_000)["hash"],
            {**_pbkdf2(1)["pbkdf_2_config"], "iteration_amount": 10_000_000, "algorithm": "sha256"},
        ),
    ]
    for hashed in stored:
        started = time.perf_counter()
        assert verify_password(hashed, PASSWORD) is False
        assert time.perf_counter() - started < 0.5, hashed.hash_type


def test_m3_one_projects_imported_hashes_leave_hashing_for_the_others(
    server: KeystileServer, project: Project, client: stytch.Client
) -> None:
    heavy = server.create_project()
    emails = [new_address("heavy") for _ in range(3 * (os.cpu_count() or 1))]
    for email in emails:
        response = call(server, heavy, "/v1/passwords/migrate", {"email": email, **_pbkdf2(1_000_000)})
        assert response.status_code == 200, response.json()
    light = new_address("light")
    client.passwords.create(email=light, password=PASSWORD)

    def heavy_login(email: str) -> None:
        answer = call(server, heavy, "/v1/passwords/authenticate", {"email": email, "password": "wrong 1!"})
        assert answer.status_code == 401

    started = time.perf_counter()
    logins = [threading.Thread(target=heavy_login, args=(email,)) for email in emails]
    for login in logins:
        login.start()
    time.sleep(0.3)  # every heavy check is queued or running
    light_started = time.perf_counter()
    answer = httpx.post(
        f"{server.base_url}v1/passwords/authenticate",
        json={"email": light, "password": PASSWORD},
        auth=(project.project_id, project.secret),
        timeout=60,
    )
    light_took = time.perf_counter() - light_started
    assert answer.status_code == 200, answer.json()
    for login in logins:
        login.join()
    heavy_took = time.perf_counter() - started
    assert light_took < 0.25 * heavy_took, (light_took, heavy_took)

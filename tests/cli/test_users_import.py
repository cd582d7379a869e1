"""`keystile users import|export` through the real CLI against a running server's database: batches,
deduplication with a rejects file, resuming, and export → import round trips in both formats."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import bcrypt
import stytch

from tests.support.server import KeystileServer, Project

PASSWORDS = [f"imported passphrase number {n}" for n in range(3)]
HASHES = [bcrypt.hashpw(p.encode(), bcrypt.gensalt(4)).decode() for p in PASSWORDS]
MALFORMED = [
    "{not json at all",
    "[1, 2, 3]",
    json.dumps({"email": "not-an-email"}),
    json.dumps({"email": "bad-hash@example.com", "password_hash": "abc", "password_hash_type": "bcrypt"}),
    json.dumps({"email": "bad-metadata@example.com", "trusted_metadata": "not an object"}),
]


def user_record(n: int) -> dict[str, Any]:
    record: dict[str, Any] = {
        "email": f"user{n:04d}@example.com",
        "email_verified": n % 2 == 0,
        "name": {"first_name": f"First{n}", "last_name": "Imported"},
        "trusted_metadata": {"legacy_id": n, "tier": ["free", "pro"][n % 2]},
        "untrusted_metadata": {"theme": "dark"} if n % 3 == 0 else {},
        "created_at": f"2021-03-{1 + n % 28:02d}T10:{n % 60:02d}:00.{n:06d}Z",
    }
    if n % 4 == 0:
        record["external_id"] = f"legacy-{n}"
    if n % 5 == 0:
        record["phone_number"] = f"+1202555{n:04d}"
        record["phone_verified"] = True
    if n % 7 == 0:
        record["roles"] = ["migrated"]
    if n % 10 == 0:
        record["status"] = "pending"
    if n % 2 == 1:
        record["password_hash"] = HASHES[n % len(HASHES)]
        record["password_hash_type"] = "bcrypt"
    return record


def import_file(path: Path) -> Path:
    """985 users, 10 repeats of earlier emails (in other letter cases) and 5 malformed lines."""
    lines = [json.dumps(user_record(n)) for n in range(985)]
    for k in range(10):
        repeat = user_record(k * 50)
        repeat["email"] = repeat["email"].upper()
        lines.insert(100 + k * 80, json.dumps(repeat))
    for k, bad in enumerate(MALFORMED):
        lines.insert(50 + k * 190, bad)
    assert len(lines) == 1000
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_import(server: KeystileServer, project: Project, path: Path, *extra: str) -> dict[str, Any]:
    done = server.cli("users", "import", str(path), "--project", project.project_id, "--json", *extra)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert isinstance(summary, dict)
    return summary


def export(server: KeystileServer, project: Project, *extra: str) -> list[dict[str, Any]]:
    done = server.cli("users", "export", "--project", project.project_id, *extra)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines()]


def sorted_records(records: list[dict[str, Any]]) -> list[str]:
    return sorted(json.dumps(r, sort_keys=True) for r in records)


def sdk(server: KeystileServer, project: Project) -> stytch.Client:
    return stytch.Client(
        project.project_id, project.secret, environment=server.base_url, suppress_warnings=True
    )


def test_import_deduplicates_rejects_with_reasons_and_resumes(server: KeystileServer, tmp_path: Path) -> None:
    project = server.create_project()
    source = import_file(tmp_path / "users.jsonl")
    summary = run_import(server, project, source)
    assert summary["read"] == 1000
    assert (summary["imported"], summary["skipped"], summary["rejected"]) == (985, 0, 15)
    assert summary["reasons"] == {
        "duplicate_email": 10,
        "invalid_json": 2,
        "invalid_email": 1,
        "invalid_bcrypt_hash": 1,
        "invalid_metadata": 1,
    }
    rejects = [json.loads(line) for line in Path(summary["rejects_file"]).read_text().splitlines()]
    assert len(rejects) == 15
    assert all(r["reason"] and r["error_type"] and r["line"] and r["input"] for r in rejects)
    refused = [
        n for n, line in enumerate(source.read_text().splitlines(), 1) if line in MALFORMED or "USER" in line
    ]
    assert sorted(r["line"] for r in rejects) == refused

    client = sdk(server, project)
    assert client.users.search(limit=1).results_metadata.total == 985
    # Running it again adds nothing: everything is already in, the same 15 lines are refused again.
    again = run_import(server, project, source)
    assert (again["imported"], again["skipped"], again["rejected"]) == (0, 985, 15)
    assert client.users.search(limit=1).results_metadata.total == 985

    # Imported fields and hashes work through the API.
    found = client.users.get("legacy-8")
    assert found.emails[0].email == "user0008@example.com" and found.emails[0].verified is True
    assert found.phone_numbers == [] and found.trusted_metadata == {"legacy_id": 8, "tier": "free"}
    member = client.passwords.authenticate(email="user0001@example.com", password=PASSWORDS[1])
    assert member.user.password is not None and member.user.status == "active"


def test_an_interrupted_import_resumes(server: KeystileServer, tmp_path: Path) -> None:
    project = server.create_project()
    source = import_file(tmp_path / "users.jsonl")
    head = tmp_path / "head.jsonl"
    head.write_text("".join(source.read_text().splitlines(keepends=True)[:400]))
    first = run_import(server, project, head, "--batch-size", "64")
    rest = run_import(server, project, source, "--batch-size", "64")
    assert first["imported"] + rest["imported"] == 985
    assert rest["skipped"] == first["imported"]


def test_export_then_import_round_trips_every_field(server: KeystileServer, tmp_path: Path) -> None:
    origin = server.create_project()
    assert run_import(server, origin, import_file(tmp_path / "users.jsonl"))["imported"] == 985
    exported = export(server, origin, "--include-password-hashes")
    assert len(exported) == 985
    assert all("password_hash" not in r for r in export(server, origin))
    assert sum("password_hash" in r for r in exported) == 492

    copy = server.create_project()
    dump = tmp_path / "export.jsonl"
    dump.write_text("".join(json.dumps(r) + "\n" for r in exported))
    # Validating in-process (no worker processes) gives the same result.
    assert run_import(server, copy, dump, "--workers", "0")["imported"] == 985
    assert sorted_records(export(server, copy, "--include-password-hashes")) == sorted_records(exported)

    # The same through CSV.
    csv_file = tmp_path / "export.csv"
    done = server.cli(
        "users",
        "export",
        "--project",
        copy.project_id,
        "--include-password-hashes",
        "--format",
        "csv",
        "-o",
        str(csv_file),
    )
    assert done.returncode == 0, done.stderr
    third = server.create_project()
    summary = run_import(server, third, csv_file)
    assert (summary["imported"], summary["rejected"]) == (985, 0)
    assert sorted_records(export(server, third, "--include-password-hashes")) == sorted_records(exported)
    # Hashes came across intact: an imported user logs in on the third project.
    client = sdk(server, third)
    assert client.passwords.authenticate(email="user0003@example.com", password=PASSWORDS[0]).user_id

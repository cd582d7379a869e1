"""A remembered verification spares a JWT's signature check, never its other checks: the key must still
be published, the times still hold, the project still be the JWT's audience, and the text be the same."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from keystile.sessions import jwts, verified_jwts
from keystile.sessions.verified_jwts import VerifiedJwts
from tests.sessions.test_jwts import NOW, PRIVATE, PROJECT, minted, refused

PUBLIC = PRIVATE.public_key()


@pytest.fixture
def signature_checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The tokens whose signature was checked (the spy counts, then checks as it is)."""
    checked: list[str] = []

    def counted(token: str, **kwargs: object) -> object:
        checked.append(token)
        return jwts.signed_claims(token, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(verified_jwts, "signed_claims", counted)
    return checked


def verify(memory: VerifiedJwts, token: str, *, now: datetime = NOW, project_id: str = PROJECT) -> str:
    return memory.verify(token, public_key=PUBLIC, project_id=project_id, now=now).session_id


def test_a_jwt_is_checked_once_then_remembered(signature_checks: list[str]) -> None:
    memory, token = VerifiedJwts(), minted()
    assert [verify(memory, token) for _ in range(3)] == ["session-test-1"] * 3
    assert signature_checks == [token]


def test_remembering_skips_no_check_but_the_signature(signature_checks: list[str]) -> None:
    memory, token = VerifiedJwts(), minted()
    verify(memory, token)
    # The key is no longer published.
    unpublished = lambda: memory.verify(token, public_key=None, project_id=PROJECT, now=NOW)  # noqa: E731
    assert refused(unpublished) == "unable_to_parse_session_jwt"
    # The times: expired, or not valid yet (beyond the 30 s of clock skew).
    assert refused(lambda: verify(memory, token, now=NOW + timedelta(minutes=5))) == "jwt_invalid_claims"
    assert refused(lambda: verify(memory, token, now=NOW - timedelta(seconds=31))) == "jwt_invalid_claims"
    # Another project, for which the JWT was never verified (neither its issuer nor its audience).
    other_project = refused(lambda: verify(memory, token, project_id=PROJECT + "x"))
    assert other_project in ("jwt_invalid_issuer", "jwt_invalid_audience")
    # Another text: a changed signature is checked, and refused.
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert refused(lambda: verify(memory, forged)) == "unable_to_parse_session_jwt"
    # Checked: the first time; without a key (refused at once); for the other project; the forgery.
    assert signature_checks == [token, token, token, forged]


def test_memory_is_bounded(signature_checks: list[str]) -> None:
    memory = VerifiedJwts(max_entries=2)
    tokens = [minted(session_id=f"session-test-{n}") for n in range(3)]
    for token in tokens:
        verify(memory, token)
    verify(memory, tokens[0])  # forgotten when the third was remembered: checked again
    assert signature_checks == [*tokens, tokens[0]]

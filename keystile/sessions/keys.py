"""Per-project RS256 signing keys: created on first use, encrypted at rest, cached briefly, and
rotated so that a key is published before it signs and stays published until its JWTs expire.

How a rotation at time T stays invisible to verifiers (C = the cache TTL, 60 s by default):

- T: the new key is stored with `activates_at = T + 2C` and appears in the JWKS at once. Each
  server's cache is at most C old, and the JWKS response carries `max-age` C, so by `T + 2C` every
  server and every HTTP cache lists the new key.
- T + 2C: the new key starts signing and the old one retires. Every server re-read the keys after T,
  so none still signs with the old key; a verifier that meets the new `kid` already has it, or
  refetches a JWKS that holds it (PyJWKClient refetches on an unknown kid, at most every 30 s, which
  2C = 120 s also outlasts).
- T + 2C + 5 min + C: the old key leaves the JWKS (`expires_at`): every JWT it signed has expired,
  with C to spare for clock differences between servers.

`activates_at` is stamped before the rotation's transaction commits; should the commit come later than
2C after it, servers would meet JWTs of a key they have not read yet. A `kid` missing from a server's
cache therefore makes it read the keys again (at most once a second per project).

A project's first key signs at once: no JWT of that project exists yet, and an empty key set is never
cached, so every server reads the new key from the database the first time it needs one. The cache
only ever holds rows read from the database: a key created inside a request's transaction is used by
that request but cached only once a later request reads it back, committed.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import structlog
from cachetools import TTLCache
from cryptography import x509
from cryptography.fernet import InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from jwt.algorithms import RSAAlgorithm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import KeystileError
from keystile.ids import new_id
from keystile.projects.models import Project
from keystile.sessions.jwts import ALGORITHM, JWT_LIFETIME, SigningMaterial
from keystile.sessions.models import SigningKey
from keystile.sessions.repository import SigningKeyRepository

RSA_KEY_BITS = 2048
CERTIFICATE_LIFETIME = timedelta(days=3650)
# A JWT whose `kid` the cached keys lack (a key another server's rotation made active before this
# server's cache expired) makes the keys be read again, at most this often per project, so that
# JWTs with made-up kids cost no more than one query a second.
UNKNOWN_KID_RELOAD_SECONDS = 1.0
# Projects whose keys are cached at once, the least recently read forgotten first.
MAX_CACHED_PROJECTS = 100_000

log = structlog.get_logger("keystile.sessions")


@dataclass(frozen=True)
class _LoadedKey:
    kid: str
    public_jwk: dict[str, Any]
    public_key: rsa.RSAPublicKey
    private_key_encrypted: str
    activates_at: datetime
    expires_at: datetime | None

    def published(self, now: datetime) -> bool:
        return self.expires_at is None or now < self.expires_at


@dataclass
class _ProjectKeys:
    loaded_at: float  # monotonic time of the read
    keys: tuple[_LoadedKey, ...]
    private_keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)

    def published_key(self, kid: str, now: datetime) -> rsa.RSAPublicKey | None:
        for key in self.keys:
            if key.kid == kid and key.published(now):
                return key.public_key
        return None

    def knows(self, kid: str) -> bool:
        return any(key.kid == kid for key in self.keys)


class KeyRing:
    """The signing keys of every project, read through a short in-process cache."""

    def __init__(
        self,
        cipher: MultiFernet,
        *,
        cache_seconds: float = 60.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.cipher = cipher
        self.cache_seconds = cache_seconds
        self._monotonic = monotonic
        self._projects: TTLCache[str, _ProjectKeys] = TTLCache(
            maxsize=MAX_CACHED_PROJECTS, ttl=cache_seconds, timer=monotonic
        )

    async def signer(self, db: AsyncSession, project_id: str, now: datetime) -> SigningMaterial:
        """The key that signs the project's JWTs now, creating the project's first key if needed."""
        entry = await self._entry(db, project_id)
        if entry is None:
            return await self._create_first_key(db, project_id, now)
        active = [key for key in entry.keys if key.activates_at <= now]
        # Only a first key can still be pending (its creator's clock runs ahead of ours): use it.
        key = active[-1] if active else entry.keys[0]
        private_key = entry.private_keys.get(key.kid)
        if private_key is None:
            private_key = self._decrypt(key.private_key_encrypted)
            entry.private_keys[key.kid] = private_key
        return SigningMaterial(kid=key.kid, private_key=private_key)

    async def public_key(
        self, db: AsyncSession, project_id: str, kid: str, now: datetime
    ) -> rsa.RSAPublicKey | None:
        """The published key `kid` of the project, or None. A `kid` that the cached keys lack makes
        them be read again (`UNKNOWN_KID_RELOAD_SECONDS`): another server may have rotated."""
        entry = await self._entry(db, project_id)
        if entry is None:
            return None
        if not entry.knows(kid) and self._monotonic() - entry.loaded_at >= UNKNOWN_KID_RELOAD_SECONDS:
            entry = self._remember(project_id, await SigningKeyRepository(db, project_id).all())
        return entry.published_key(kid, now) if entry is not None else None

    async def jwks(self, db: AsyncSession, project_id: str, now: datetime) -> list[dict[str, Any]]:
        """The project's published public keys as JWKs (none before its first session)."""
        entry = await self._entry(db, project_id)
        if entry is None and await db.get(Project, project_id) is None:
            raise KeystileError("project_not_found")
        return [dict(key.public_jwk) for key in entry.keys if key.published(now)] if entry else []

    async def rotate(self, db: AsyncSession, project_id: str, now: datetime) -> SigningKey:
        """Add a key that signs from `now + 2C`; the current key retires then and leaves the JWKS once
        the last JWT it signed has expired. Concurrent rotations: one wins, the others fail."""
        if await db.get(Project, project_id) is None:
            raise KeystileError("project_not_found")
        existing = await SigningKeyRepository(db, project_id).all()
        publish_for = timedelta(seconds=2 * self.cache_seconds)
        activates_at = now + publish_for if existing else now
        for key in existing:
            if key.retired_at is None:
                key.retired_at = activates_at
                key.expires_at = activates_at + JWT_LIFETIME + timedelta(seconds=self.cache_seconds)
        generation = existing[-1].generation + 1 if existing else 1
        new_key, _ = await self._new_key(project_id, generation, now=now, activates_at=activates_at)
        db.add(new_key)
        try:
            await db.flush()
        except IntegrityError as error:
            raise KeystileError("signing_key_conflict") from error
        self._projects.pop(project_id, None)
        return new_key

    async def _entry(self, db: AsyncSession, project_id: str) -> _ProjectKeys | None:
        entry = self._projects.get(project_id)
        if entry is not None:
            return entry
        return self._remember(project_id, await SigningKeyRepository(db, project_id).all())

    def _remember(self, project_id: str, rows: Sequence[SigningKey]) -> _ProjectKeys | None:
        if not rows:
            self._projects.pop(project_id, None)
            return None
        entry = _ProjectKeys(
            loaded_at=self._monotonic(),
            keys=tuple(
                _LoadedKey(
                    kid=row.kid,
                    public_jwk=row.public_jwk,
                    public_key=_public_key(row.public_jwk),
                    private_key_encrypted=row.private_key_encrypted,
                    activates_at=row.activates_at,
                    expires_at=row.expires_at,
                )
                for row in rows
            ),
        )
        self._projects[project_id] = entry
        return entry

    async def _create_first_key(self, db: AsyncSession, project_id: str, now: datetime) -> SigningMaterial:
        row, private_key = await self._new_key(project_id, 1, now=now, activates_at=now)
        try:
            async with db.begin_nested():
                db.add(row)
        except IntegrityError:
            # Another server created it first: use theirs, read past our snapshot.
            rows = await SigningKeyRepository(db, project_id).all(locking=True)
            entry = self._remember(project_id, rows)
            if entry is None:
                raise
            return await self.signer(db, project_id, now)
        return SigningMaterial(kid=row.kid, private_key=private_key)

    async def _new_key(
        self, project_id: str, generation: int, *, now: datetime, activates_at: datetime
    ) -> tuple[SigningKey, rsa.RSAPrivateKey]:
        # RSA key generation takes tens of milliseconds: keep it off the event loop.
        private_key, public_jwk = await asyncio.to_thread(_generate_key_material, new_id("jwk"), now)
        pem = private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        row = SigningKey(
            kid=public_jwk["kid"],
            project_id=project_id,
            generation=generation,
            algorithm=ALGORITHM,
            public_jwk=public_jwk,
            private_key_encrypted=self.cipher.encrypt(pem).decode("ascii"),
            created_at=now,
            activates_at=activates_at,
            retired_at=None,
            expires_at=None,
        )
        return row, private_key

    def _decrypt(self, encrypted: str) -> rsa.RSAPrivateKey:
        try:
            pem = self.cipher.decrypt(encrypted.encode("ascii"))
        except InvalidToken:
            log.error(
                "signing_key_undecryptable", hint="KEYSTILE_ENCRYPTION_KEY lacks the key it was stored under"
            )
            raise
        key = serialization.load_pem_private_key(pem, None)
        if not isinstance(key, rsa.RSAPrivateKey):
            raise TypeError("a signing key is not an RSA key")
        return key


def _public_key(jwk: dict[str, Any]) -> rsa.RSAPublicKey:
    key = RSAAlgorithm.from_jwk(jwk)
    if not isinstance(key, rsa.RSAPublicKey):
        raise TypeError("a published JWK is not an RSA public key")
    return key


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _generate_key_material(kid: str, now: datetime) -> tuple[rsa.RSAPrivateKey, dict[str, Any]]:
    """A new RSA key and its public JWK, with a self-signed certificate (`x5c`) as Stytch publishes."""
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_KEY_BITS)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, kid)])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + CERTIFICATE_LIFETIME)
        .sign(private_key, hashes.SHA256())
    )
    der = certificate.public_bytes(serialization.Encoding.DER)
    jwk = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    return private_key, {
        "kty": "RSA",
        "use": "sig",
        "key_ops": ["verify"],
        "alg": ALGORITHM,
        "kid": kid,
        "n": jwk["n"],
        "e": jwk["e"],
        "x5c": [base64.b64encode(der).decode("ascii")],
        "x5tS256": _b64url(hashlib.sha256(der).digest()),
    }

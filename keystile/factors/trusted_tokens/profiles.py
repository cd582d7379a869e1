"""A project's trusted auth token profiles: add (issuer, audience, a JWKS URL or PEM public keys, the
pinned algorithms and the claim mapping), list and remove. Set up by `keystile projects trusted-tokens`."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from cryptography.hazmat.primitives.serialization import load_pem_public_key
from sqlalchemy.ext.asyncio import AsyncSession

from keystile.errors import KeystileError
from keystile.factors.trusted_tokens.models import TrustedTokenProfile
from keystile.factors.trusted_tokens.repository import TrustedTokenRepository
from keystile.ids import new_id
from keystile.projects.redirects import validate_redirect_url
from keystile.projects.service import get_project

# Public-key algorithms only: a profile holds no shared secret, so HS* (and `none`) never verify.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
MAX_PEM_KEYS = 5  # as Stytch's dashboard allows
DEFAULT_CLAIMS = {"email": "email", "token_id": "jti"}
MAPPED_ATTRIBUTES = ("email", "token_id", "organization_id")


@dataclass(frozen=True)
class ProfileOptions:
    """What `keystile projects trusted-tokens add` was given."""

    name: str
    issuer: str
    audience: str
    jwks_url: str | None = None
    pem_keys: tuple[str, ...] = ()
    algorithms: tuple[str, ...] = ("RS256",)
    claims: dict[str, str] = field(default_factory=dict)


def _claim_mapping(claims: dict[str, str]) -> dict[str, str]:
    unknown = set(claims) - set(MAPPED_ATTRIBUTES)
    if unknown:
        raise KeystileError("invalid_argument", f"Unknown attributes: {sorted(unknown)}.")
    if any(not name or len(name) > 256 for name in claims.values()):
        raise KeystileError("invalid_argument", "Claim names must be 1 to 256 characters.")
    return {**DEFAULT_CLAIMS, **claims}


def _pem_keys(keys: tuple[str, ...]) -> str | None:
    if not keys:
        return None
    if len(keys) > MAX_PEM_KEYS:
        raise KeystileError("invalid_argument", f"At most {MAX_PEM_KEYS} PEM public keys.")
    for key in keys:
        try:
            load_pem_public_key(key.encode())
        except ValueError:
            raise KeystileError("invalid_argument", "A PEM key is not a public key.") from None
    return json.dumps(list(keys))


def _check(options: ProfileOptions) -> None:
    if not options.name or not options.issuer or not options.audience:
        raise KeystileError("invalid_argument", "A name, an issuer and an audience are required.")
    if (options.jwks_url is None) == (not options.pem_keys):
        raise KeystileError("invalid_argument", "Give either a JWKS URL or PEM public keys.")
    if not options.algorithms or any(alg not in ALGORITHMS for alg in options.algorithms):
        raise KeystileError("invalid_argument", f"Algorithms must be among {', '.join(ALGORITHMS)}.")


async def add_profile(
    db: AsyncSession, *, project_id: str, options: ProfileOptions, now: datetime
) -> TrustedTokenProfile:
    """Create a profile of the project; its id is what `sessions.attest` names."""
    await get_project(db, project_id)
    _check(options)
    profile = TrustedTokenProfile(
        profile_id=new_id("trusted-token-profile"),
        project_id=project_id,
        name=options.name,
        issuer=options.issuer,
        audience=options.audience,
        jwks_url=None if options.jwks_url is None else validate_redirect_url(options.jwks_url),
        pem_keys=_pem_keys(options.pem_keys),
        algorithms=",".join(options.algorithms),
        claim_mapping=_claim_mapping(options.claims),
        created_at=now,
    )
    db.add(profile)
    await db.flush()
    return profile


async def list_profiles(db: AsyncSession, project_id: str) -> list[TrustedTokenProfile]:
    return await TrustedTokenRepository(db, project_id).profiles()


async def remove_profile(db: AsyncSession, project_id: str, profile_id: str) -> None:
    """Remove a profile: its tokens stop attesting at once."""
    if not await TrustedTokenRepository(db, project_id).remove(profile_id):
        raise KeystileError("trusted_auth_token_profile_not_found")

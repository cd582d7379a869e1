"""A provider's account as keystile sees it (subject, the email the provider vouches for, picture,
locale), and the user it signs in: the one already registered for it, the one an attach token named,
the owner of the verified email, or a new user (Stytch's OAuth email address behaviour)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from keystile.calls import Call
from keystile.errors import KeystileError
from keystile.factors.oauth.models import OAuthRegistration
from keystile.factors.oauth.providers import Provider, value_at
from keystile.factors.oauth.repository import OAuthRepository
from keystile.identity import service as users
from keystile.identity.contact import normalize_email
from keystile.identity.models import User, UserEmail
from keystile.identity.repository import UserRepository
from keystile.identity.service import existing_user
from keystile.ids import new_id


@dataclass(frozen=True)
class ProviderAccount:
    """Who the provider says signed in. `verified_email` only when the provider guarantees it."""

    subject: str
    verified_email: str | None
    picture: str
    locale: str


@dataclass(frozen=True)
class SignedIn:
    user: User
    registration: OAuthRegistration
    user_created: bool
    # The provider proved an email of the user that was not verified before.
    email_first_proof: bool


def _is_true(value: object) -> bool:
    return value is True or value == "true"


def _verified_email(spec: Provider, profile: Mapping[str, Any]) -> str | None:
    claims, listing = spec.claims, spec.emails
    if listing is not None:
        listed = profile.get("emails")
        for item in listed if isinstance(listed, list) else []:
            if _is_true(value_at(item, listing.primary)) and _is_true(value_at(item, listing.verified)):
                email = value_at(item, listing.email)
                return email if isinstance(email, str) else None
        return None
    email = value_at(profile, claims.email)
    verified = claims.email_verified is not None and _is_true(value_at(profile, claims.email_verified))
    return email if verified and isinstance(email, str) else None


def account_of(spec: Provider, profile: Mapping[str, Any]) -> ProviderAccount:
    """The account in the provider's profile (ID token claims or userinfo answer)."""
    subject = value_at(profile, spec.claims.subject)
    if not isinstance(subject, str | int) or isinstance(subject, bool) or str(subject) == "":
        raise KeystileError("oauth_provider_error", "The OAuth provider named no subject for the account.")
    email = _verified_email(spec, profile)
    picture, locale = value_at(profile, spec.claims.picture), value_at(profile, spec.claims.locale)
    return ProviderAccount(
        subject=str(subject),
        verified_email=normalize_email(email) if email is not None else None,
        picture=picture if isinstance(picture, str) else "",
        locale=locale if isinstance(locale, str) else "",
    )


async def _owner(call: Call, account: ProviderAccount, attach_user_id: str | None) -> tuple[User, bool]:
    """The user a first sign-in with this account joins, and whether it was created for it."""
    if attach_user_id is not None:
        return await existing_user(call.db, call.project_id, attach_user_id, for_update=True), False
    if account.verified_email is not None:
        owner = await UserRepository(call.db, call.project_id).email_owner(account.verified_email)
        if owner is not None:
            return await existing_user(call.db, call.project_id, owner.user_id, for_update=True), False
    new_user = users.NewUser(email=account.verified_email)
    return (await users.create_user(call.db, call.project_id, new_user, now=call.now)).user, True


async def _prove_email(call: Call, user: User, email: str) -> tuple[str | None, bool]:
    """Mark the user's `email` verified, adding it when no one holds it: its id, and whether this was
    its first proof. An address another user holds stays theirs (no id)."""
    repo = UserRepository(call.db, call.project_id)
    held = await repo.email_owner(email)
    if held is not None and held.user_id != user.user_id:
        return None, False
    if held is None:
        held = UserEmail(email_id=new_id("email"), email=email)
        await users.add_unverified_contact(call.db, (call.project_id, user.user_id), held, call.now)
    first_proof = not held.verified
    held.verified = True
    return held.email_id, first_proof


async def sign_in(
    call: Call, spec: Provider, account: ProviderAccount, attach_user_id: str | None
) -> SignedIn:
    """Find or make the user of `account` and its registration, refreshing the registration's picture
    and locale; the provider's verified email is added to (or proved on) the user."""
    repo = OAuthRepository(call.db, call.project_id)
    registration = await repo.registration(spec.name, account.subject)
    created = False
    if registration is not None:
        if attach_user_id is not None and attach_user_id != registration.user_id:
            raise KeystileError("oauth_registration_already_linked")
        user = await existing_user(call.db, call.project_id, registration.user_id, for_update=True)
    else:
        user, created = await _owner(call, account, attach_user_id)
        registration = OAuthRegistration(
            registration_id=new_id("oauth-user-registration"),
            project_id=call.project_id,
            user_id=user.user_id,
            provider=spec.name,
            provider_subject=account.subject,
            created_at=call.now,
        )
        call.db.add(registration)
    registration.profile_picture_url = account.picture
    registration.locale = account.locale
    first_proof = False
    if account.verified_email is not None:
        email_id, first_proof = await _prove_email(call, user, account.verified_email)
        registration.email_id = email_id or registration.email_id
    user.status = "active"
    await call.db.flush()
    return SignedIn(user, registration, created, first_proof and not created)

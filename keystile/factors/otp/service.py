"""Use cases for one-time passcodes: send one by email, SMS or WhatsApp (login_or_create, or send to a
known contact or to a new contact of a named user), and authenticate a code into a session."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from keystile.calls import Call
from keystile.delivery.models import EMAIL, SMS
from keystile.delivery.outbox import enqueue_email, enqueue_text
from keystile.delivery.tollfraud import admit_text_message
from keystile.errors import KeystileError
from keystile.factors import passcode_attempts, passcodes, sandbox
from keystile.factors.common import (
    Authenticated,
    authentication_factor,
    caller_session,
    end_other_sessions,
    session_for,
)
from keystile.factors.otp.models import OtpCode
from keystile.factors.otp.repository import OtpRepository
from keystile.identity import service as users
from keystile.identity.contact import normalize_email, normalize_phone
from keystile.identity.models import User, UserEmail, UserPhone
from keystile.identity.repository import UserRepository
from keystile.ids import is_well_formed_id, new_id
from keystile.limits.send_slots import claim_send_slot, slot_key
from keystile.projects import sandbox as sandbox_values
from keystile.sessions.types import SessionRequest

EMAIL_SEND_INTERVAL = timedelta(seconds=1)


@dataclass(frozen=True)
class Contact:
    """Where a code goes: a normalised address or E.164 number on a channel."""

    channel: str  # email, sms or whatsapp
    value: str
    sandbox: bool  # Stytch's sandbox contact, in a test project

    @property
    def is_email(self) -> bool:
        return self.channel == EMAIL


@dataclass(frozen=True)
class SendOptions:
    expiration_minutes: int | None = None
    # The end user's address as the app reports it (`attributes.ip_address`), for the per-IP limit.
    ip_address: str | None = None


@dataclass(frozen=True)
class NamedUser:
    """The user a `send` names to receive a code at a contact it may not have yet."""

    user_id: str | None = None
    session_token: str | None = None
    session_jwt: str | None = None


@dataclass(frozen=True)
class SentCode:
    user_id: str
    method_id: str
    user_created: bool


def _contact(test_project: bool, channel: str, raw: object) -> Contact:
    if channel == EMAIL:
        address = normalize_email(raw)
        return Contact(channel, address, test_project and address == sandbox_values.SANDBOX_EMAIL)
    if test_project and isinstance(raw, str) and raw.strip() == sandbox_values.SANDBOX_PHONE:
        # Not a valid number anywhere, so it never reaches the phone-number checks.
        return Contact(channel, sandbox_values.SANDBOX_PHONE, True)
    return Contact(channel, normalize_phone(raw), False)


def _sandbox_code(contact: Contact) -> SentCode:
    """The canned answer to a send to the sandbox contact: nothing is sent or stored."""
    return SentCode(sandbox_values.SANDBOX_USER_ID, sandbox.method_id(contact.channel), False)


async def _admit(call: Call, contact: Contact, ip_address: str | None) -> None:
    """The send limits: one email per second per address; the toll-fraud rules for texts."""
    db, project_id, now = call.db, call.project_id, call.now
    if contact.is_email:
        key = slot_key("otp_email", contact.value)
        await claim_send_slot(db, project_id=project_id, key=key, interval=EMAIL_SEND_INTERVAL, now=now)
    else:
        await admit_text_message(
            db, project_id=project_id, number=contact.value, ip_address=ip_address, now=now
        )


async def _owner(call: Call, contact: Contact) -> tuple[User, str] | None:
    """The user holding `contact`, and the contact's email_id or phone_id."""
    repo = UserRepository(call.db, call.project_id)
    if contact.is_email:
        email = await repo.email_owner(contact.value)
        found = (email.user_id, email.email_id) if email is not None else None
    else:
        phone = await repo.phone_owner(contact.value)
        found = (phone.user_id, phone.phone_id) if phone is not None else None
    if found is None:
        return None
    user = await repo.get(found[0])
    return (user, found[1]) if user is not None else None


def _taken(contact: Contact) -> KeystileError:
    return KeystileError("duplicate_email" if contact.is_email else "duplicate_phone_number")


def _new_method_id(contact: Contact) -> str:
    return new_id("email" if contact.is_email else "phone-number")


async def _issue(call: Call, contact: Contact, sent: SentCode, *, attach: bool, minutes: int) -> SentCode:
    """Store a new code for the method (replacing any earlier one) and queue its message; returns `sent`."""
    db, project_id, now = call.db, call.project_id, call.now
    user_id, method_id = sent.user_id, sent.method_id
    await OtpRepository(db, project_id).replace_unused(method_id, now)
    issued = passcodes.new_passcode(call.keys.cipher, now, minutes)
    db.add(
        OtpCode(
            code_id=new_id("otp"),
            project_id=project_id,
            user_id=user_id,
            method_id=method_id,
            channel=contact.channel,
            destination=contact.value,
            attach=attach,
            **issued.columns,
        )
    )
    context = issued.context
    if contact.is_email:
        await enqueue_email(
            db, project_id=project_id, to=contact.value, template="otp", context=context, now=now
        )
    else:
        await enqueue_text(
            db,
            project_id=project_id,
            channel=contact.channel,
            to=contact.value,
            template="otp",
            context=context,
            now=now,
        )
    return sent


async def login_or_create(
    call: Call, *, channel: str, contact: object, create_user_as_pending: bool, options: SendOptions
) -> SentCode:
    """Send a code to the user holding `contact`, creating that user first when there is none.

    Both paths validate the same inputs and pass the same limits before anything is stored, so the
    answer says no more about the contact than the documented `user_created` flag."""
    target = _contact(call.test_project, channel, contact)
    minutes = passcodes.expiration_minutes(options.expiration_minutes)
    if target.sandbox:
        return _sandbox_code(target)
    await _admit(call, target, options.ip_address)
    found = await _owner(call, target)
    if found is not None:
        user_id, method_id, created = found[0].user_id, found[1], False
    else:
        new_user = users.NewUser(
            email=target.value if target.is_email else None,
            phone_number=None if target.is_email else target.value,
            create_user_as_pending=create_user_as_pending,
        )
        view = await users.create_user(call.db, call.project_id, new_user, now=call.now)
        method_id = view.emails[0].email_id if target.is_email else view.phones[0].phone_id
        user_id, created = view.user.user_id, True
    sent = SentCode(user_id, method_id, created)
    return await _issue(call, target, sent, attach=False, minutes=minutes)


async def _named_user_id(call: Call, named: NamedUser) -> str | None:
    """The user a send names by id (or external id), by session, or both; None when it names none."""
    db, project_id = call.db, call.project_id
    from_session: str | None = None
    if named.session_token or named.session_jwt:
        session = await caller_session(call, named.session_token, named.session_jwt)
        from_session = session.user.user.user_id
    if not named.user_id:
        return from_session
    user = await UserRepository(db, project_id).get(named.user_id)
    if user is None:
        raise KeystileError("user_not_found")
    if from_session is not None and from_session != user.user_id:
        raise KeystileError("user_id_mismatch")
    return user.user_id


async def send(
    call: Call, *, channel: str, contact: object, named: NamedUser, options: SendOptions
) -> SentCode:
    """Send a code to the user holding `contact`. A send naming a user (by id or session) may go to
    a contact that user lacks: the contact is added, verified, once the code is authenticated."""
    target = _contact(call.test_project, channel, contact)
    minutes = passcodes.expiration_minutes(options.expiration_minutes)
    named_user_id = await _named_user_id(call, named)
    if target.sandbox:
        return _sandbox_code(target)
    attach = False
    await _admit(call, target, options.ip_address)
    found = await _owner(call, target)
    if found is not None:
        if named_user_id not in (None, found[0].user_id):
            raise _taken(target)
        user_id, method_id = found[0].user_id, found[1]
    elif named_user_id is not None:
        user_id, method_id, attach = named_user_id, _new_method_id(target), True
    else:
        raise KeystileError("email_not_found" if target.is_email else "phone_number_not_found")
    sent = SentCode(user_id, method_id, False)
    return await _issue(call, target, sent, attach=attach, minutes=minutes)


async def _consume(call: Call, method_id: str, code: str) -> OtpCode:
    """Redeem the newest code sent to `method_id` (`passcode_attempts.redeem`)."""
    row = await OtpRepository(call.db, call.project_id).newest(method_id)
    if row is None:
        raise KeystileError("otp_code_not_found")
    await passcode_attempts.redeem(call, row, code, subject_id=row.user_id)
    return row


async def _verify_contact(call: Call, row: OtpCode) -> bool:
    """Mark the contact the code went to as verified, adding it to the user first when the code was
    sent to a new contact (unless someone else has taken it since); whether it was unverified."""
    repo = UserRepository(call.db, row.project_id)
    contact = Contact(row.channel, row.destination, False)
    if row.attach:
        if await _owner(call, contact) is not None:
            raise _taken(contact)
        added = (
            UserEmail(email_id=row.method_id, email=contact.value)
            if contact.is_email
            else UserPhone(phone_id=row.method_id, phone_number=contact.value)
        )
        await users.add_unverified_contact(call.db, (row.project_id, row.user_id), added, call.now)
    existing = await (repo.get_email(row.method_id) if contact.is_email else repo.get_phone(row.method_id))
    if existing is None:
        raise KeystileError("unable_to_auth_otp_code", "The contact of this passcode was removed.")
    first_proof = not existing.verified
    existing.verified = True
    return first_proof


def _factor(channel: str, method_id: str, destination: str, now: datetime) -> dict[str, Any]:
    if channel == EMAIL:
        email = {"email_id": method_id, "email_address": destination}
        return authentication_factor("otp", channel, now, email_factor=email)
    phone = {"phone_id": method_id, "phone_number": destination}
    return authentication_factor("otp", channel, now, phone_number_factor=phone)


SANDBOX_METHODS = {sandbox_values.SANDBOX_EMAIL_ID: EMAIL, sandbox_values.SANDBOX_PHONE_ID: SMS}


def _sandbox_passcode(call: Call, method_id: str, code: str, request: SessionRequest) -> Authenticated:
    """The canned answer to a passcode for the sandbox contact: SANDBOX_CODE authenticates the sandbox
    user (and nobody of the project), any other code is wrong."""
    if code != sandbox_values.SANDBOX_CODE:
        raise KeystileError("otp_code_not_found")
    channel = SANDBOX_METHODS[method_id]
    destination = sandbox_values.SANDBOX_EMAIL if channel == EMAIL else sandbox_values.SANDBOX_PHONE
    factor = _factor(channel, method_id, destination, call.now)
    issued = sandbox.sandbox_session(call.project_id, factor, request.duration_minutes, call.now)
    return Authenticated(user=sandbox.sandbox_user(call.project_id), method_id=method_id, issued=issued)


async def authenticate(
    call: Call, *, method_id: str, code: str, session_request: SessionRequest
) -> Authenticated:
    """Redeem a passcode: verify its contact, activate a pending user, start or extend a session. The
    contact's first proof ends every other session of the user (no pre-hijacked account)."""
    if not is_well_formed_id(method_id):
        raise KeystileError("invalid_method_id")
    if call.test_project and method_id in SANDBOX_METHODS:
        return _sandbox_passcode(call, method_id, passcodes.check_code(code), session_request)
    db, project_id, now = call.db, call.project_id, call.now
    row = await _consume(call, method_id, passcodes.check_code(code))
    repo = UserRepository(db, project_id)
    user = await repo.get_for_update(row.user_id)
    if user is None:
        raise KeystileError("unable_to_auth_otp_code", "The user of this passcode no longer exists.")
    first_proof = await _verify_contact(call, row)
    user.status = "active"
    await db.flush()
    factor = _factor(row.channel, row.method_id, row.destination, now)
    view, issued = await session_for(call, user, factor, session_request)
    if first_proof:
        await end_other_sessions(db, project_id, user.user_id, issued, now)
    return Authenticated(user=view, method_id=row.method_id, issued=issued)

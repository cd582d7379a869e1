"""Issuing a passcode to a member or an address: stored as a keyed digest (replacing the unused ones of
its kind), queued as a text through the toll-fraud rules or as an email through the per-address send
limit. Also what a primary authentication calls to text a member its second factor."""

from __future__ import annotations

from datetime import timedelta

from keystile.b2b.otps.models import MemberOtpCode
from keystile.b2b.otps.repository import MemberOtpRepository
from keystile.b2b.views import MemberView
from keystile.calls import Call
from keystile.delivery.models import SMS
from keystile.delivery.outbox import enqueue_email, enqueue_text
from keystile.delivery.tollfraud import admit_text_message
from keystile.factors import passcodes
from keystile.ids import new_id
from keystile.limits.send_slots import claim_send_slot, slot_key

SMS_KIND, EMAIL_KIND, DISCOVERY_KIND = "sms", "email", "discovery"
EMAIL_SEND_INTERVAL = timedelta(seconds=1)


async def issue(call: Call, kind: str, destination: str, minutes: int, member: MemberView | None) -> None:
    """Store a new code (replacing the unused ones of its kind to the same member or address) and queue
    its message."""
    db, project_id, now = call.db, call.project_id, call.now
    member_id = member.member.member_id if member is not None else None
    to = {"member_id": member_id} if member_id is not None else {"destination": destination}
    await MemberOtpRepository(db, project_id).replace_unused(kind, now, **to)
    issued = passcodes.new_passcode(call.keys.cipher, now, minutes)
    db.add(
        MemberOtpCode(
            code_id=new_id("member-otp"),
            project_id=project_id,
            kind=kind,
            organization_id=member.member.organization_id if member is not None else None,
            member_id=member_id,
            destination=destination,
            **issued.columns,
        )
    )
    context = issued.context
    if kind == SMS_KIND:
        await enqueue_text(
            db, project_id=project_id, channel=SMS, to=destination, template="otp", context=context, now=now
        )
        return
    key = slot_key("b2b_otp_email", destination)
    await claim_send_slot(db, project_id=project_id, key=key, interval=EMAIL_SEND_INTERVAL, now=now)
    await enqueue_email(db, project_id=project_id, to=destination, template="otp", context=context, now=now)


async def text_code(call: Call, member: MemberView, number: str) -> None:
    """Text the member a code at `number`, once the toll-fraud rules admit the message."""
    await admit_text_message(
        call.db, project_id=call.project_id, number=number, ip_address=None, now=call.now
    )
    await issue(call, SMS_KIND, number, passcodes.DEFAULT_EXPIRATION_MINUTES, member)

"""Members' passwords: authenticate into an organization or by discovery, strength check, migrate an
imported hash, and resets by email, existing password and session; per member or per email address
across organizations (Stytch's cross-org passwords). Registers the member factor `password`."""

from keystile.b2b.member_factors import MemberFactor, register_member_factor
from keystile.b2b.passwords.repository import delete_password, owner_of_password

register_member_factor("password", MemberFactor(owner=owner_of_password, delete=delete_password))

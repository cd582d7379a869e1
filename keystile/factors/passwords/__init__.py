"""Passwords: argon2id storage, imported-hash migration with rehash on login, strength and breach
policy, resets by email, by existing password and by session, and lockout after repeated failures."""

from keystile.factors.passwords.models import PasswordResetToken, UserPassword
from keystile.factors.passwords.profile import PASSWORD
from keystile.identity.detach import Detachable, register_detachable
from keystile.identity.profile import register_user_data

register_user_data(owned=(UserPassword, PasswordResetToken), parts=(PASSWORD,))
register_detachable(Detachable("password", UserPassword, "password_id", "password_not_found"))

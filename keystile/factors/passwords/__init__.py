"""Passwords: argon2id storage, imported-hash migration with rehash on login, strength and breach
policy, resets by email, by existing password and by session, and lockout after repeated failures."""

from keystile.factors.passwords.models import PasswordResetToken, UserPassword
from keystile.factors.passwords.profile import PASSWORD
from keystile.identity.profile import register_user_data

register_user_data(owned=(UserPassword, PasswordResetToken), parts=(PASSWORD,))

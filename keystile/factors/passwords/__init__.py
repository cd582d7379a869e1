"""Consumer passwords: users' password rows, imported-hash migration with rehash on login, and resets by
email, by existing password and by session, on keystile.credentials (hashing, strength, breaches, lockout)."""

from keystile.factors.passwords.models import PasswordResetToken, UserPassword
from keystile.factors.passwords.profile import PASSWORD
from keystile.identity.detach import Detachable, register_detachable
from keystile.identity.profile import register_user_data

register_user_data(owned=(UserPassword, PasswordResetToken), parts=(PASSWORD,))
register_detachable(Detachable("password", UserPassword, "password_id", "password_not_found"))

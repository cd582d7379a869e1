"""One-time passcodes by email, SMS and WhatsApp: six digits, stored keyed-hashed, short-lived, single
use, a few tries each, counted towards the user lock."""

from keystile.factors.otp.models import OtpCode
from keystile.identity.profile import register_user_data

register_user_data(owned=(OtpCode,))

"""One-time passcodes by email, SMS and WhatsApp: six digits, stored keyed-hashed, short-lived, single
use, a few tries each, counted towards the user lock."""

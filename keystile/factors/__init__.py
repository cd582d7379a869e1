"""Authentication factors, one package each: magic links (and, later, OTP, passwords, TOTP…)."""

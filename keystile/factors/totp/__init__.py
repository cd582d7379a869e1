"""TOTP authenticator apps (RFC 6238, via pyotp) with recovery codes: secrets encrypted at rest, a
code accepted within one step either side and only once, recovery codes stored keyed-hashed and
single use."""

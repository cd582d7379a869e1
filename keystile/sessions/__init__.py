"""Consumer sessions: opaque tokens, session JWTs, the JWKS and signing-key rotation."""

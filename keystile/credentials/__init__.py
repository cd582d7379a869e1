"""Password credentials as consumer and B2B passwords share them: argon2id and imported hashes, the
project's strength and breach policy, and checking a guess under the lockout."""

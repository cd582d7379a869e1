"""Passwords: argon2id storage, imported-hash migration with rehash on login, strength and breach
policy, resets by email, by existing password and by session, and lockout after repeated failures."""

"""Limits on how often something may happen: send slots and hourly caps counted in the caller's
transaction, and per-IP and per-project request limits counted in Redis or the database."""

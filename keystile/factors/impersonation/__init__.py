"""Impersonation: single-use tokens an operator mints with the CLI to sign in as a user or member,
recorded with who impersonated whom and why."""

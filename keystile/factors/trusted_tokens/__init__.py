"""Trusted auth tokens: per-project profiles of JWT issuers whose tokens attest a user or member."""

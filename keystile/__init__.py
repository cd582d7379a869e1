"""keystile: a self-hosted authentication server that speaks the Stytch API."""

__version__ = "0.1.0"

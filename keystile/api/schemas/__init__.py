"""Pydantic request and response bodies, shaped exactly as the official Stytch SDKs send and expect."""

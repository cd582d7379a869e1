"""Checks on free text that every domain shares."""

from __future__ import annotations


def has_control_characters(text: str) -> bool:
    """C0 controls (NUL among them, which PostgreSQL cannot store in text) and DEL."""
    return any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in text)

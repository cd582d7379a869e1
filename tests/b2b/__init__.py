"""Tests of the B2B domain (pure rules)."""

"""Offline breached-password detection against a corpus shipped with keystile: the 64-bit prefixes of
the SHA-1 digests of the most common passwords found in public breaches (the same digests the
HaveIBeenPwned range files are keyed by). No network is used at run time.

The corpus is built from zxcvbn's `passwords` frequency list (gathered from leaked password dumps) and
the capitalised, digit- and symbol-suffixed variants of its head that credential-stuffing lists try
first. Regenerate it with `python -m keystile.credentials.breaches`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from importlib import resources
from typing import Final

from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

CORPUS_FILE: Final = "breached_sha1_64.txt"
PREFIX_HEX_DIGITS: Final = 16
# The head of zxcvbn's list taken as is, and the part of it whose variants are added too.
COMMON_PASSWORDS: Final = 10_000
VARIED_PASSWORDS: Final = 500
VARIANT_SUFFIXES: Final = ("", "1", "12", "123", "1234", "!", "1!", "123!", "2023", "2024")


def breach_prefix(password: str) -> str:
    """The corpus key of a password: the first 16 hex digits of its upper-case SHA-1."""
    digest = hashlib.sha1(password.encode("utf-8"), usedforsecurity=False).hexdigest()
    return digest[:PREFIX_HEX_DIGITS].upper()


@lru_cache(maxsize=1)
def _corpus() -> frozenset[str]:
    text = resources.files("keystile.credentials").joinpath("data", CORPUS_FILE).read_text("ascii")
    return frozenset(text.split())


def is_breached(password: str) -> bool:
    """Whether `password` is in the shipped corpus (64-bit prefixes: a false match is negligible)."""
    return breach_prefix(password) in _corpus()


def corpus_passwords(ranked: Iterable[str]) -> set[str]:
    """The passwords the corpus holds, from a most-common-first list."""
    ranked = list(ranked)
    chosen = set(ranked[:COMMON_PASSWORDS])
    for word in ranked[:VARIED_PASSWORDS]:
        for base in {word, word.capitalize()}:
            chosen.update(base + suffix for suffix in VARIANT_SUFFIXES)
    return chosen


def build_corpus() -> str:
    """The corpus file's text: sorted prefixes, one per line."""
    prefixes = sorted({breach_prefix(p) for p in corpus_passwords(FREQUENCY_LISTS["passwords"])})
    return "\n".join(prefixes) + "\n"


if __name__ == "__main__":
    target = resources.files("keystile.credentials").joinpath("data", CORPUS_FILE)
    with resources.as_file(target) as path:
        path.write_text(build_corpus(), encoding="ascii")

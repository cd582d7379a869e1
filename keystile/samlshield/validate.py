"""`validate`: a base64 SAMLResponse checked end to end, or the first refusal found."""

from __future__ import annotations

from keystile.samlshield.document import decode, parse
from keystile.samlshield.signatures import check_signatures
from keystile.samlshield.structure import consumed

VALID = "SAML response is valid"


def validate(encoded: str) -> str:
    """`VALID` for a Response whose structure shows none of the known attacks; else the refusal
    (`xml_validation_error` naming the reason, or `saml_assertion_not_signed`)."""
    check_signatures(consumed(parse(decode(encoded))))
    return VALID

"""X.509 certificates and private keys given for a connection: checked with `cryptography`, and shown
as the SDK's `X509Certificate`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization

from keystile.clock import rfc3339
from keystile.errors import KeystileError
from keystile.ids import new_id

PEM_MAX = 16_384


def certificate_entry(pem: str, now: datetime) -> dict[str, Any]:
    """A verification certificate as a connection stores it, or `invalid_x509_certificate`."""
    try:
        if len(pem) > PEM_MAX:
            raise ValueError("too long")
        certificate = x509.load_pem_x509_certificate(pem.strip().encode("ascii"))
    except ValueError as error:
        raise KeystileError("invalid_x509_certificate") from error
    issuer = certificate.issuer.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
    return {
        "certificate_id": new_id("saml-verification-key"),
        "certificate": certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        "issuer": str(issuer[0].value) if issuer else certificate.issuer.rfc4514_string(),
        "created_at": rfc3339(now),
        "expires_at": rfc3339(certificate.not_valid_after_utc),
        "updated_at": rfc3339(now),
    }


def check_private_key(pem: str) -> bytes:
    """A PEM RSA private key (to decrypt assertions with), or `invalid_argument`."""
    try:
        if len(pem) > PEM_MAX:
            raise ValueError("too long")
        serialization.load_pem_private_key(pem.strip().encode("ascii"), password=None)
    except (ValueError, TypeError) as error:
        raise KeystileError(
            "invalid_argument", "saml_encryption_private_key must be a PEM private key."
        ) from error
    return pem.strip().encode("ascii")

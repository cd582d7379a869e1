"""X.509 certificates and private keys given for a connection: checked with `cryptography`, and shown
as the SDK's `X509Certificate`; keystile's own key and self-signed certificate for signing requests."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from keystile.clock import rfc3339
from keystile.errors import KeystileError
from keystile.ids import new_id

PEM_MAX = 16_384
PKCS1_HEADER = "-----BEGIN RSA PRIVATE KEY-----"
SIGNING_KEY_BITS = 2048
SIGNING_CERTIFICATE_LIFETIME = timedelta(days=3650)


def certificate_entry(pem: str, now: datetime, *, kind: str = "saml-verification-key") -> dict[str, Any]:
    """A certificate as a connection stores it (a verification certificate unless `kind` says), or
    `invalid_x509_certificate`."""
    try:
        if len(pem) > PEM_MAX:
            raise ValueError("too long")
        certificate = x509.load_pem_x509_certificate(pem.strip().encode("ascii"))
    except ValueError as error:
        raise KeystileError("invalid_x509_certificate") from error
    issuer = certificate.issuer.get_attributes_for_oid(x509.oid.NameOID.COMMON_NAME)
    return {
        "certificate_id": new_id(kind),
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


def check_signing_private_key(pem: str) -> bytes:
    """A PKCS#1 RSA private key of at least 2048 bits, the one form Stytch takes for signing requests."""
    text = pem.strip()
    if not text.startswith(PKCS1_HEADER):
        raise KeystileError("saml_signing_private_key_format_not_supported")
    try:
        if len(text) > PEM_MAX:
            raise ValueError("too long")
        key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
    except (ValueError, TypeError) as error:
        raise KeystileError("saml_signing_private_key_invalid") from error
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size < SIGNING_KEY_BITS:
        raise KeystileError("saml_signing_private_key_invalid")
    return text.encode("ascii")


def new_signing_private_key() -> bytes:
    """A fresh PKCS#1 RSA key for a connection's AuthnRequests."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=SIGNING_KEY_BITS)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )


def signing_certificate(private_key_pem: bytes, connection_id: str, now: datetime) -> str:
    """The self-signed certificate of a signing key, the one an admin uploads to the IdP."""
    key = serialization.load_pem_private_key(private_key_pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    name = x509.Name([x509.NameAttribute(x509.oid.NameOID.COMMON_NAME, f"keystile {connection_id}"[:64])])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + SIGNING_CERTIFICATE_LIFETIME)
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

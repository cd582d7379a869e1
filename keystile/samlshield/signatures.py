"""Where a Response's signatures are and what they cover: each a direct child of the Response or of
its Assertion, with one Reference to that element's own ID, transforms a signature of SAML needs only,
and SHA-2 algorithms; at least one of them signs what is consumed."""

from __future__ import annotations

from lxml import etree
from saml2 import xmldsig

from keystile.errors import KeystileError
from keystile.samlshield.document import invalid
from keystile.samlshield.structure import Consumed

SIGNATURE = etree.QName(xmldsig.NAMESPACE, "Signature").text
_DS = {"ds": xmldsig.NAMESPACE}
# Exclusive and inclusive canonicalization, without comments, and the enveloped-signature transform:
# no XSLT, no XPath (each runs the sender's program inside the verifier).
CANONICALIZATIONS = frozenset({"http://www.w3.org/2001/10/xml-exc-c14n#", xmldsig.TRANSFORM_C14N})
TRANSFORMS = CANONICALIZATIONS | {xmldsig.TRANSFORM_ENVELOPED}
MAX_TRANSFORMS = 2
# The SHA-2 family only: no SHA-1, no MD5, no HMAC (whose key would be the caller's to guess).
SIGNATURE_METHODS = frozenset(
    {
        xmldsig.SIG_RSA_SHA256,
        xmldsig.SIG_RSA_SHA384,
        xmldsig.SIG_RSA_SHA512,
        xmldsig.SIG_ECDSA_SHA256,
        xmldsig.SIG_ECDSA_SHA384,
        xmldsig.SIG_ECDSA_SHA512,
    }
)
DIGEST_METHODS = frozenset({xmldsig.DIGEST_SHA256, xmldsig.DIGEST_SHA384, xmldsig.DIGEST_SHA512})


def check_signatures(found: Consumed) -> None:
    """Refuse a signature placed or shaped so that it could cover something other than what is read,
    and a Response whose consumed parts no signature covers."""
    signed = [found.response] if found.encrypted else [found.response, found.assertion]
    owners = [_owner(signature, signed) for signature in found.response.iter("{*}Signature")]
    if len(set(owners)) != len(owners):
        raise invalid("an element carries more than one Signature")
    if found.encrypted and 0 not in owners:
        raise invalid("Response must be signed when containing encrypted assertions")
    if not owners:
        raise KeystileError("saml_assertion_not_signed")


def _owner(signature: etree._Element, signed: list[etree._Element]) -> int:
    """The index in `signed` of the element this Signature signs, once it is well placed and shaped."""
    parent = signature.getparent()
    for index, element in enumerate(signed):
        if signature.tag == SIGNATURE and parent is element:
            _check_signature(signature, element)
            return index
    raise invalid("a Signature is not a direct child of the Response or its Assertion")


def _check_signature(signature: etree._Element, signed: etree._Element) -> None:
    references = signature.findall("ds:SignedInfo/ds:Reference", _DS)
    if len(signature.findall("ds:SignedInfo", _DS)) != 1 or len(references) != 1:
        raise invalid("a Signature must have exactly one SignedInfo with exactly one Reference")
    reference = references[0]
    if reference.get("URI") != "#" + (signed.get("ID") or ""):
        raise invalid(
            f"a Signature's Reference does not point at the ID of its {etree.QName(signed).localname}"
        )
    _check_algorithms(signature, reference)


def _check_algorithms(signature: etree._Element, reference: etree._Element) -> None:
    transforms = [t.get("Algorithm") for t in reference.findall("ds:Transforms/ds:Transform", _DS)]
    if len(transforms) > MAX_TRANSFORMS:
        raise invalid(f"a Reference has {len(transforms)} transforms, at most {MAX_TRANSFORMS} allowed")
    for transform in transforms:
        if transform not in TRANSFORMS:
            raise invalid(f"the transform {transform} is not allowed")
    canonicalization = signature.find("ds:SignedInfo/ds:CanonicalizationMethod", _DS)
    if canonicalization is None or canonicalization.get("Algorithm") not in CANONICALIZATIONS:
        raise invalid("the Signature's CanonicalizationMethod is missing or not allowed")
    method = signature.find("ds:SignedInfo/ds:SignatureMethod", _DS)
    if method is None or method.get("Algorithm") not in SIGNATURE_METHODS:
        raise invalid("the SignatureMethod is missing or not allowed (SHA-1 and HMAC are refused)")
    digest = reference.find("ds:DigestMethod", _DS)
    if digest is None or digest.get("Algorithm") not in DIGEST_METHODS:
        raise invalid("the DigestMethod is missing or not allowed (SHA-1 is refused)")

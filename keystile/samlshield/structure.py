"""The elements a reader consumes, found as a strict reader and a liberal one would find them: one
Response, at the root; one Assertion (or EncryptedAssertion), its direct child; no ID given twice."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from lxml import etree
from saml2 import saml, samlp

from keystile.samlshield.document import invalid

RESPONSE = etree.QName(samlp.NAMESPACE, "Response").text
ASSERTION = etree.QName(saml.NAMESPACE, "Assertion").text
ENCRYPTED_ASSERTION = etree.QName(saml.NAMESPACE, "EncryptedAssertion").text
# The attributes XML Signature references resolve: SAML's ID, and XML DSig's Id.
ID_ATTRIBUTES = ("ID", "Id", "id")


@dataclass(frozen=True)
class Consumed:
    """The Response and the one assertion a SAML library would read from it."""

    response: etree._Element
    assertion: etree._Element

    @property
    def encrypted(self) -> bool:
        return self.assertion.tag == ENCRYPTED_ASSERTION


def consumed(root: etree._Element) -> Consumed:
    """The Response and its assertion, once no other element anywhere could be read in their place."""
    if len(_named(root, "Response")) != 1:
        raise invalid("document must contain exactly one SAML Response element")
    if root.tag != RESPONSE:
        raise invalid("the SAML Response element is not the document's root")
    assertions = [child for child in root if child.tag in (ASSERTION, ENCRYPTED_ASSERTION)]
    found = len(_named(root, "Assertion")) + len(_named(root, "EncryptedAssertion"))
    if found != 1:
        raise invalid(f"found {found} Assertion/EncryptedAssertion elements, only one allowed")
    if len(assertions) != 1:
        raise invalid("the Assertion is not a direct child of the Response")
    _require_unique_ids(root)
    response, assertion = root, assertions[0]
    for element in (response, assertion) if assertion.tag == ASSERTION else (response,):
        if not element.get("ID"):
            raise invalid(f"{etree.QName(element).localname} element missing required ID attribute")
    return Consumed(response, assertion)


def _named(root: etree._Element, local_name: str) -> list[etree._Element]:
    """Every element of that local name, in any namespace: a wrapped copy may use another prefix or
    namespace to escape a reader that looks only for SAML's."""
    return [element for element in root.iter("{*}" + local_name)]


def _require_unique_ids(root: etree._Element) -> None:
    """An ID given twice lets a signature cover one element while the reader takes the other."""
    ids = Counter(
        value
        for element in root.iter()
        for name, value in element.attrib.items()
        if name in ("ID", "Id", "id")
    )
    repeated = sorted(value for value, count in ids.items() if count > 1)
    if repeated:
        raise invalid(f"the ID {repeated[0]} is given to more than one element")

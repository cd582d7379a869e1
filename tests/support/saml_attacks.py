"""The known attacks on a SAML Response, each made by editing a Response the loopback IdP signed: the
signature stays as the IdP made it, the structure around it is the attacker's."""

from __future__ import annotations

import copy

from lxml import etree
from saml2 import saml, samlp, xmldsig

NS = {"samlp": samlp.NAMESPACE, "saml": saml.NAMESPACE, "ds": xmldsig.NAMESPACE}


def _edited(xml: str, edit: object) -> str:
    root = etree.fromstring(xml.encode())
    edit(root)  # type: ignore[operator]
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()


def _forged_assertion(root: etree._Element, email: str) -> etree._Element:
    """A copy of the signed assertion naming `email`, without the signature and with its own ID."""
    forged = copy.deepcopy(root.find("saml:Assertion", NS))
    forged.set("ID", "id-forged")
    forged.remove(forged.find("ds:Signature", NS))
    forged.find("saml:Subject/saml:NameID", NS).text = email
    return forged


def second_assertion(xml: str, email: str) -> str:
    """A forged, unsigned assertion beside the signed one (a reader may take either)."""
    return _edited(xml, lambda root: root.append(_forged_assertion(root, email)))


def wrapped(xml: str, email: str) -> str:
    """XSW: the forged assertion where the signed one was; the signed one hidden in an Extensions
    element, where the signature's reference still finds it."""

    def edit(root: etree._Element) -> None:
        signed = root.find("saml:Assertion", NS)
        forged = _forged_assertion(root, email)
        extensions = etree.SubElement(root, f"{{{samlp.NAMESPACE}}}Extensions")
        root.replace(signed, forged)
        extensions.append(signed)

    return _edited(xml, edit)


def reference_elsewhere(xml: str) -> str:
    """The assertion's signature referring to an ID other than the assertion's."""
    return _edited(xml, lambda root: root.find(".//ds:Reference", NS).set("URI", "#id-elsewhere"))


def signature_moved_to_response(xml: str) -> str:
    """The assertion's signature moved up to the Response, which it does not sign."""

    def edit(root: etree._Element) -> None:
        signature = root.find("saml:Assertion/ds:Signature", NS)
        root.insert(1, signature)

    return _edited(xml, edit)


def transform(xml: str, algorithm: str) -> str:
    """The signature's first transform replaced by `algorithm` (an XSLT stylesheet, say)."""
    return _edited(xml, lambda root: root.find(".//ds:Transform", NS).set("Algorithm", algorithm))


def comment_in(xml: str, path: str, text: str) -> str:
    """`<!--x-->` and `text` appended to the text of the element at `path` (comment injection:
    `victim@example.com<!--x-->.evil.com`)."""

    def edit(root: etree._Element) -> None:
        element = root.find(path, NS)
        comment = etree.Comment("x")
        comment.tail = text
        element.append(comment)

    return _edited(xml, edit)


def with_doctype(xml: str, internal_subset: str) -> str:
    """The Response behind a DOCTYPE declaring `internal_subset`."""
    body = xml.split("?>", 1)[1] if xml.startswith("<?xml") else xml
    return f'<?xml version="1.0"?><!DOCTYPE Response [{internal_subset}]>{body}'

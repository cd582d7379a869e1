"""Pure organization rules: names and slugs from an email address, domains, JIT and invite policies,
the factors an organization demands, and members' roles with their sources."""

from __future__ import annotations

import pytest

from keystile.b2b import policy
from keystile.errors import KeystileError


@pytest.mark.parametrize(
    ("email", "name", "slug"),
    [
        ("ada@acme.co", "acme.co", "acme.co"),
        ("ada@Research.Acme.io", "Research.Acme.io", "research.acme.io"),
        ("ada.lovelace@gmail.com", "ada.lovelace", "ada.lovelace"),
        ("grace+work@mit.edu", "grace+work", "grace-work"),
        ("a@gmail.com", "a", "a"),
        ("+++@gmail.com", "+++", "organization"),
    ],
)
def test_an_organization_is_named_after_the_domain_or_the_person(email: str, name: str, slug: str) -> None:
    assert policy.derived_name_and_slug(email) == (name, slug)


def test_slugs() -> None:
    assert policy.slugify("Acme, Inc. — Europe") == "acme-inc.-europe"
    assert len(policy.slugify("x" * 500)) == policy.SLUG_MAX
    assert policy.check_slug("ok~slug_1.2") == "ok~slug_1.2"
    for bad in ("a", "a b", "a/b", "é" * 3, "x" * 129):
        with pytest.raises(KeystileError) as caught:
            policy.check_slug(bad)
        assert caught.value.error_type == "invalid_organization_slug"


def test_domains_are_normalised_and_common_providers_refused() -> None:
    assert policy.check_domains(["Example.COM", "example.com", "bücher.de"]) == [
        "example.com",
        "xn--bcher-kva.de",
    ]
    for bad in (["gmail.com"], ["a@b.com"], ["localhost"], ["-bad.com"], ["x" * 300 + ".com"]):
        with pytest.raises(KeystileError) as caught:
            policy.check_domains(bad)
        assert caught.value.error_type == "invalid_email_domain"


def test_who_may_join_and_who_may_be_invited() -> None:
    allowed = ["acme.co"]
    assert policy.may_join_by_email_domain("RESTRICTED", allowed, "ada@acme.co")
    assert not policy.may_join_by_email_domain("RESTRICTED", allowed, "ada@sub.acme.co")
    assert not policy.may_join_by_email_domain("NOT_ALLOWED", allowed, "ada@acme.co")
    assert policy.may_be_invited("ALL_ALLOWED", [], "eve@evil.test")
    assert policy.may_be_invited("RESTRICTED", allowed, "ada@acme.co")
    assert not policy.may_be_invited("RESTRICTED", allowed, "eve@evil.test")
    assert not policy.may_be_invited("NOT_ALLOWED", allowed, "ada@acme.co")


def test_what_an_organization_demands() -> None:
    assert policy.primary_auth_allowed("ALL_ALLOWED", [], is_breakglass=False, method="magic_link")
    assert policy.primary_auth_allowed("RESTRICTED", ["magic_link"], is_breakglass=False, method="magic_link")
    assert not policy.primary_auth_allowed("RESTRICTED", ["sso"], is_breakglass=False, method="magic_link")
    assert policy.primary_auth_allowed("RESTRICTED", ["sso"], is_breakglass=True, method="magic_link")
    assert policy.mfa_required("REQUIRED_FOR_ALL", mfa_enrolled=False)
    assert policy.mfa_required("OPTIONAL", mfa_enrolled=True)
    assert not policy.mfa_required("OPTIONAL", mfa_enrolled=False)


def test_member_roles_and_their_sources() -> None:
    assignments = [{"domain": "acme.co", "role_id": "staff"}, {"domain": "other.co", "role_id": "guest"}]
    roles = policy.member_roles(["stytch_admin", "staff", "stytch_member"], "ada@acme.co", assignments)
    assert policy.role_ids(roles) == ["stytch_member", "stytch_admin", "staff"]
    assert [source["type"] for source in roles[2]["sources"]] == ["direct_assignment", "email_assignment"]
    assert roles[2]["sources"][1]["details"] == {"email_domain": "acme.co"}
    assert policy.role_ids(policy.member_roles([], "eve@evil.test", assignments)) == ["stytch_member"]


def test_settings_take_only_stytch_values() -> None:
    assert policy.check_setting("email_invites", "RESTRICTED") == "RESTRICTED"
    with pytest.raises(KeystileError):
        policy.check_setting("email_jit_provisioning", "ALL_ALLOWED")
    assert policy.check_choices(["sso", "sso", "password"], policy.AUTH_METHODS, field="f") == [
        "sso",
        "password",
    ]
    with pytest.raises(KeystileError):
        policy.check_choices(["fingerprint"], policy.AUTH_METHODS, field="f")


def test_the_primary_methods_of_factors_and_allowed_second_factors() -> None:
    factors = [
        {"type": "magic_link", "delivery_method": "email"},
        {"type": "otp", "delivery_method": "email"},
        {"type": "otp", "delivery_method": "sms"},
        {"type": "totp", "delivery_method": "authenticator_app"},
    ]
    assert policy.primary_methods(factors) == ["magic_link", "email_otp"]
    assert policy.primary_auth_allowed("RESTRICTED", ["email_otp"], is_breakglass=False, method="email_otp")
    assert policy.mfa_method_allowed("ALL_ALLOWED", [], is_breakglass=False, method="sms_otp")
    assert not policy.mfa_method_allowed("RESTRICTED", ["totp"], is_breakglass=False, method="sms_otp")
    assert policy.mfa_method_allowed("RESTRICTED", ["totp"], is_breakglass=True, method="sms_otp")

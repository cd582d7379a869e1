"""Typed id parameters for every route: a malformed id (path, query or body) is Stytch's 400
`invalid_<thing>_id` before any handler runs; the OpenAPI schema marks each one (`x-stytch-id`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Final

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError, core_schema

from keystile.errors import CATALOGUE, ErrorType
from keystile.identity.contact import EXTERNAL_ID
from keystile.ids import ID_PATTERN, typed_id_pattern

# The form of references that may stand in for an id (an external id, an organization's slug).
STAND_IN: Final = re.compile(r"[A-Za-z0-9._~|-]{1,128}")
UNKNOWN_UUID: Final = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class TypedId:
    """An id of one of `kinds` (or, given `stand_in`, a reference of that form not shaped like such an
    id), refused with `invalid`; an unknown one is answered with `not_found` by the use case."""

    kinds: tuple[str, ...]
    invalid: ErrorType
    not_found: ErrorType
    stand_in: re.Pattern[str] | None = None
    form: re.Pattern[str] | None = None

    def check(self, value: str) -> str:
        if (self.form or typed_id_pattern(*self.kinds)).fullmatch(value):
            return value
        prefixes = tuple(f"{kind}-{environment}-" for kind in self.kinds for environment in ("test", "live"))
        if (
            self.stand_in is not None
            and self.stand_in.fullmatch(value)
            and not value.lower().startswith(prefixes)
        ):
            return value
        raise PydanticCustomError(self.invalid, CATALOGUE[self.invalid].message)

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(
        self, schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        described = handler(schema)
        described["x-stytch-id"] = {"invalid": self.invalid, "not_found": self.not_found}
        described["examples"] = [f"{self.kinds[0]}-test-{UNKNOWN_UUID}"]
        return described


# A user_id, or an external_id standing in for one (Stytch takes either wherever a user is named).
UserId = Annotated[str, TypedId(("user",), "invalid_user_id", "user_not_found", stand_in=EXTERNAL_ID)]
EmailId = Annotated[str, TypedId(("email",), "invalid_email_id", "email_not_found")]
PhoneId = Annotated[str, TypedId(("phone-number",), "invalid_phone_id", "phone_number_not_found")]
PasswordId = Annotated[str, TypedId(("password",), "invalid_password_id", "password_not_found")]
TotpId = Annotated[str, TypedId(("totp",), "invalid_totp_id", "totp_not_found")]
SessionId = Annotated[str, TypedId(("session",), "invalid_session_id", "session_not_found")]
# An email's or phone number's id, which a passcode is authenticated against.
MethodId = Annotated[str, TypedId(("email", "phone-number"), "invalid_method_id", "otp_code_not_found")]
ProjectId = Annotated[str, TypedId(("project",), "invalid_project_id", "project_not_found")]
# An organization or a member: its id, or its slug or external id.
OrganizationId = Annotated[
    str, TypedId(("organization",), "invalid_organization_id", "organization_not_found", stand_in=STAND_IN)
]
MemberId = Annotated[str, TypedId(("member",), "invalid_member_id", "member_not_found", stand_in=STAND_IN)]
# A member's email address (current or retired).
MemberEmailId = Annotated[str, TypedId(("member-email",), "invalid_email_id", "email_not_found")]
MemberSessionId = Annotated[
    str, TypedId(("member-session",), "invalid_member_session_id", "session_not_found")
]
MemberPasswordId = Annotated[
    str, TypedId(("member-password", "password"), "invalid_member_password_id", "member_password_not_found")
]
WebAuthnRegistrationId = Annotated[
    str,
    TypedId(
        ("webauthn-registration",), "invalid_webauthn_registration_id", "webauthn_registration_not_found"
    ),
]
OAuthUserRegistrationId = Annotated[
    str,
    TypedId(
        ("oauth-user-registration",),
        "invalid_oauth_user_registration_id",
        "oauth_user_registration_not_found",
    ),
]
CryptoWalletId = Annotated[
    str, TypedId(("crypto-wallet",), "invalid_crypto_wallet_id", "crypto_wallet_not_found")
]
BiometricRegistrationId = Annotated[
    str,
    TypedId(
        ("biometric-registration",), "invalid_biometric_registration_id", "biometric_registration_not_found"
    ),
]
TrustedTokenProfileId = Annotated[
    str,
    TypedId(
        ("trusted-token-profile",),
        "invalid_trusted_auth_token_profile_id",
        "trusted_auth_token_profile_not_found",
    ),
]
SSOConnectionId = Annotated[
    str,
    TypedId(
        ("saml-connection", "oidc-connection", "external-connection"),
        "invalid_connection_id",
        "sso_connection_not_found",
    ),
]
SCIMConnectionId = Annotated[
    str, TypedId(("scim-connection",), "invalid_connection_id", "scim_connection_not_found")
]
SCIMGroupId = Annotated[str, TypedId(("scim-group",), "invalid_argument", "scim_group_not_found")]
SAMLCertificateId = Annotated[
    str, TypedId(("saml-verification-key",), "invalid_argument", "sso_verification_key_not_found")
]
SAMLPrivateKeyId = Annotated[
    str, TypedId(("saml-encryption-key",), "invalid_argument", "sso_verification_key_not_found")
]
# M2M clients may be imported with the ids they had elsewhere: any id keystile could have issued.
M2MClientId = Annotated[
    str, TypedId(("m2m-client",), "m2m_client_invalid_client_id", "m2m_client_not_found", form=ID_PATTERN)
]
ConnectedAppId = Annotated[
    str, TypedId(("connected-app",), "invalid_connected_app_id", "connected_app_not_found")
]

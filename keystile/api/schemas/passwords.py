"""Request and response bodies of the consumer Passwords API, field for field as the SDK models them."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from keystile.api.schemas.common import RequestBody, StytchResponse
from keystile.api.schemas.sessions import TOKEN_MAX, SessionFields, SessionOut
from keystile.api.schemas.users import Metadata, NameIn, Roles, UserOut
from keystile.credentials.checks import StrengthCheck
from keystile.credentials.strength import LudsRequirements
from keystile.factors.passwords.service import AccountKind

# Any UTF-8 is allowed in a password; the bound keeps hashing and strength estimation cheap.
PASSWORD_MAX = 256
EMAIL_MAX = 320
URL_MAX = 2048


class CreateRequest(RequestBody):
    email: str = Field(max_length=EMAIL_MAX)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    session_duration_minutes: int | None = None
    session_custom_claims: dict[str, Any] | None = None
    trusted_metadata: Metadata | None = None
    untrusted_metadata: Metadata | None = None
    name: NameIn | None = None
    telemetry_id: str | None = Field(default=None, max_length=256)


class AuthenticateRequest(SessionFields):
    email: str = Field(max_length=EMAIL_MAX)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class StrengthCheckRequest(RequestBody):
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    email: str | None = Field(default=None, max_length=EMAIL_MAX)


class ImportedHashFields(RequestBody):
    """An imported password hash with the config of its type, as both migrate endpoints take it."""

    hash: str = Field(min_length=1, max_length=4096)
    hash_type: str = Field(max_length=32)
    md_5_config: dict[str, Any] | None = None
    argon_2_config: dict[str, Any] | None = None
    sha_1_config: dict[str, Any] | None = None
    sha_512_config: dict[str, Any] | None = None
    scrypt_config: dict[str, Any] | None = None
    pbkdf_2_config: dict[str, Any] | None = None

    def hash_config(self) -> dict[str, Any] | None:
        """The config object that goes with `hash_type` (`md_5` -> `md_5_config`, …)."""
        configs: dict[str, dict[str, Any] | None] = {
            "md_5": self.md_5_config,
            "argon_2i": self.argon_2_config,
            "argon_2id": self.argon_2_config,
            "sha_1": self.sha_1_config,
            "sha_512": self.sha_512_config,
            "scrypt": self.scrypt_config,
            "pbkdf_2": self.pbkdf_2_config,
        }
        return configs.get(self.hash_type)


class MigrateRequest(ImportedHashFields):
    email: str = Field(max_length=EMAIL_MAX)
    trusted_metadata: Metadata | None = None
    untrusted_metadata: Metadata | None = None
    set_email_verified: bool = False
    name: NameIn | None = None
    phone_number: str | None = Field(default=None, max_length=32)
    set_phone_number_verified: bool = False
    external_id: str | None = Field(default=None, max_length=128)
    roles: Roles | None = Field(default=None, max_length=100)


class ResetStartRequest(RequestBody):
    email: str = Field(max_length=EMAIL_MAX)
    reset_password_redirect_url: str | None = Field(default=None, max_length=URL_MAX)
    reset_password_expiration_minutes: int | None = None
    code_challenge: str | None = Field(default=None, max_length=128)
    attributes: dict[str, Any] | None = None
    login_redirect_url: str | None = Field(default=None, max_length=URL_MAX)
    locale: str | None = Field(default=None, max_length=16)
    reset_password_template_id: str | None = Field(default=None, max_length=128)


class EmailResetRequest(SessionFields):
    token: str = Field(min_length=1, max_length=TOKEN_MAX)
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    code_verifier: str | None = Field(default=None, max_length=256)
    attributes: dict[str, Any] | None = None
    options: dict[str, Any] | None = None


class ExistingPasswordResetRequest(SessionFields):
    email: str = Field(max_length=EMAIL_MAX)
    existing_password: str = Field(min_length=1, max_length=PASSWORD_MAX)
    new_password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class SessionResetRequest(SessionFields):
    password: str = Field(min_length=1, max_length=PASSWORD_MAX)


class SessionResponse(StytchResponse):
    """authenticate and the three resets answer alike."""

    user_id: str
    session_token: str
    session_jwt: str
    user: UserOut
    session: SessionOut | None = None


class CreateResponse(SessionResponse):
    email_id: str


class MigrateResponse(StytchResponse):
    user_id: str
    email_id: str
    user_created: bool
    user: UserOut


class ResetStartResponse(StytchResponse):
    user_id: str
    email_id: str


# The strength check's LUDS result is answered field for field.
LudsRequirementsOut = LudsRequirements


class FeedbackOut(BaseModel):
    warning: str
    suggestions: list[str]
    luds_requirements: LudsRequirementsOut | None = None


class StrengthVerdict(StytchResponse):
    """What both strength_check responses say before their feedback."""

    valid_password: bool
    score: int
    breached_password: bool
    strength_policy: str
    breach_detection_on_create: bool


class StrengthCheckResponse(StrengthVerdict):
    feedback: FeedbackOut


def strength_verdict(checked: StrengthCheck) -> dict[str, Any]:
    """The `StrengthVerdict` fields of a strength check."""
    return {
        "valid_password": checked.valid,
        "score": checked.report.score,
        "breached_password": checked.breached,
        "strength_policy": checked.rules.strength_policy,
        "breach_detection_on_create": checked.rules.breach_detection_on_create,
    }


class UserSearchRequest(RequestBody):
    """`/sdk/v1/users/search` as vanilla-js's `SearchDataManager` sends it (with its DFP and captcha
    fields, which keystile does not use)."""

    email: str = Field(max_length=EMAIL_MAX)


class UserSearchResponse(StytchResponse):
    # vanilla-js reads the answer's `userType` (camelCase, unlike the rest of the API).
    user_type: AccountKind = Field(serialization_alias="userType")

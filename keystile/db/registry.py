"""Imports every domain's tables so that `Base.metadata` is complete (for Alembic)."""

from keystile.b2b import models as b2b_models
from keystile.b2b.otps import models as b2b_otp_models
from keystile.b2b.passwords import models as member_password_models
from keystile.b2b.scim import models as scim_models
from keystile.b2b.sso import models as sso_models
from keystile.b2b.totps import models as b2b_totp_models
from keystile.connected_apps import models as connected_app_models
from keystile.credentials import models as credential_models
from keystile.db.base import Base
from keystile.delivery import models as delivery_models
from keystile.factors.biometrics import models as biometric_models
from keystile.factors.crypto_wallets import models as crypto_wallet_models
from keystile.factors.impersonation import models as impersonation_models
from keystile.factors.magic_links import models as magic_link_models
from keystile.factors.oauth import models as oauth_models
from keystile.factors.otp import models as otp_models
from keystile.factors.passwords import models as password_models
from keystile.factors.session_migration import models as session_migration_models
from keystile.factors.totp import models as totp_models
from keystile.factors.trusted_tokens import models as trusted_token_models
from keystile.factors.webauthn import models as webauthn_models
from keystile.fraud.fingerprinting import models as dfp_models
from keystile.identity import models as identity_models
from keystile.idp import models as idp_models
from keystile.limits import models as limit_models
from keystile.m2m import models as m2m_models
from keystile.projects import models as project_models
from keystile.rbac import models as rbac_models
from keystile.sessions import models as session_models

__all__ = [
    "Base",
    "b2b_models",
    "b2b_otp_models",
    "b2b_totp_models",
    "biometric_models",
    "connected_app_models",
    "credential_models",
    "crypto_wallet_models",
    "delivery_models",
    "dfp_models",
    "identity_models",
    "idp_models",
    "impersonation_models",
    "limit_models",
    "m2m_models",
    "magic_link_models",
    "member_password_models",
    "oauth_models",
    "otp_models",
    "password_models",
    "project_models",
    "rbac_models",
    "scim_models",
    "session_migration_models",
    "session_models",
    "sso_models",
    "totp_models",
    "trusted_token_models",
    "webauthn_models",
]

"""TOTP authenticator apps (RFC 6238, via pyotp) with recovery codes: secrets encrypted at rest, a
code accepted within one step either side and only once, recovery codes stored keyed-hashed and
single use."""

from keystile.factors.totp.models import Totp, TotpRecoveryCode
from keystile.factors.totp.profile import TOTPS
from keystile.identity.detach import Detachable, register_detachable
from keystile.identity.profile import register_user_data

register_user_data(owned=(Totp, TotpRecoveryCode), parts=(TOTPS,))
register_detachable(Detachable("totp", Totp, "totp_id", "totp_not_found", dependants=(TotpRecoveryCode,)))

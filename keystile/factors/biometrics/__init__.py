"""Mobile biometrics: a device's Ed25519 key pair, kept behind the device's biometric prompt, registered
to a signed-in user and later used to sign in by signing single-use challenges (verified with PyNaCl)."""

from keystile.factors.biometrics.models import BiometricChallenge, BiometricRegistration
from keystile.factors.biometrics.profile import BIOMETRIC_REGISTRATIONS
from keystile.identity.detach import Detachable, register_detachable
from keystile.identity.profile import register_user_data

register_user_data(owned=(BiometricRegistration, BiometricChallenge), parts=(BIOMETRIC_REGISTRATIONS,))
register_detachable(
    Detachable(
        "biometric_registration",
        BiometricRegistration,
        "biometric_registration_id",
        "biometric_registration_not_found",
        dependants=(BiometricChallenge,),
    )
)

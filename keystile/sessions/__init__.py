"""Consumer sessions: opaque tokens, session JWTs, the JWKS and signing-key rotation."""

from keystile.identity.profile import register_user_data
from keystile.sessions.models import Session

register_user_data(owned=(Session,))

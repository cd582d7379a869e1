"""OAuth social login: each project's clients at the providers Stytch offers (`configuration`), the
provider table as data (`providers`), the browser flow (`flow`), accounts at providers linked to users
(`accounts`), and `oauth.authenticate`/`oauth.attach` (`service`)."""

from keystile.factors.oauth.models import OAuthAttachToken, OAuthRegistration, OAuthToken
from keystile.factors.oauth.profile import PROVIDERS
from keystile.identity.detach import Detachable, register_detachable
from keystile.identity.profile import register_user_data

register_user_data(owned=(OAuthRegistration, OAuthToken, OAuthAttachToken), parts=(PROVIDERS,))
register_detachable(
    Detachable("oauth", OAuthRegistration, "registration_id", "oauth_user_registration_not_found")
)

"""The OAuth providers Stytch offers, as data: each one's real endpoints (or its OIDC issuer, whose
discovery document names them), default scopes, and where its profile keeps the subject, email,
picture and locale."""

# ruff: noqa: S106 (`token_url=` names an endpoint, not a password)

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from keystile.errors import KeystileError


@dataclass(frozen=True)
class Claims:
    """Dotted paths into the provider's profile (the ID token's claims, or the userinfo answer)."""

    subject: str = "sub"
    email: str | None = "email"
    # The flag that says the provider verified the email; None: it never says so, and Stytch then
    # neither adds the email nor links by it.
    email_verified: str | None = "email_verified"
    picture: str | None = "picture"
    locale: str | None = "locale"


@dataclass(frozen=True)
class EmailList:
    """A provider that lists a user's addresses apart (`{userinfo_url}/emails`), each with flags."""

    items: str | None  # the path of the list in the answer; None: the answer is the list
    email: str
    primary: str
    verified: str


@dataclass(frozen=True)
class Provider:
    """One provider: OIDC (`issuer`, whose ID tokens are verified) or plain OAuth 2.0 with a userinfo
    endpoint. `verticals` says whether consumer projects, B2B ones or both offer it."""

    name: str
    scopes: tuple[str, ...]
    issuer: str | None = None
    authorize_url: str | None = None
    token_url: str | None = None
    userinfo_url: str | None = None
    claims: Claims = Claims()
    emails: EmailList | None = None
    verticals: tuple[str, ...] = ("consumer",)
    # How the token endpoint takes the client's credentials (RFC 7591's names): HTTP Basic, or in the
    # form body where the provider documents only that (GitHub).
    client_auth: str = "client_secret_basic"
    # B2B projects' default scopes where Stytch asks for others than consumer projects' (GitHub's
    # `read:org`, for the account's organizations).
    b2b_scopes: tuple[str, ...] | None = None
    # A list beside the userinfo endpoint (`{userinfo_url}/{organizations}`) of the organizations the
    # account belongs to, each with its `id`: the account's tenants in B2B flows (GitHub's `/user/orgs`).
    organizations: str | None = None

    @property
    def oidc(self) -> bool:
        return self.issuer is not None

    def default_scopes(self, vertical: str) -> tuple[str, ...]:
        """The scopes a project of `vertical` asks for unless it configured its own."""
        return self.b2b_scopes if vertical == "b2b" and self.b2b_scopes is not None else self.scopes


OIDC_SCOPES: Final = ("openid", "email", "profile")
BOTH: Final = ("consumer", "b2b")
NO_EMAIL: Final = Claims(email=None, email_verified=None)

PROVIDERS: Final[dict[str, Provider]] = {
    p.name: p
    for p in (
        Provider(
            "amazon",
            ("profile",),
            authorize_url="https://www.amazon.com/ap/oa",
            token_url="https://api.amazon.com/auth/o2/token",
            userinfo_url="https://api.amazon.com/user/profile",
            claims=Claims(subject="user_id", email_verified=None, picture=None, locale=None),
        ),
        # Apple's client secret is a JWT the app signs with its key; give it as --client-secret.
        Provider("apple", ("openid", "email", "name"), issuer="https://appleid.apple.com"),
        Provider(
            "bitbucket",
            ("account", "email"),
            authorize_url="https://bitbucket.org/site/oauth2/authorize",
            token_url="https://bitbucket.org/site/oauth2/access_token",
            userinfo_url="https://api.bitbucket.org/2.0/user",
            claims=Claims(subject="uuid", email=None, email_verified=None, picture="links.avatar.href"),
            emails=EmailList("values", "email", "is_primary", "is_confirmed"),
        ),
        Provider(
            "coinbase",
            ("wallet:user:read", "wallet:user:email"),
            authorize_url="https://login.coinbase.com/oauth2/auth",
            token_url="https://login.coinbase.com/oauth2/token",
            userinfo_url="https://api.coinbase.com/v2/user",
            claims=Claims(
                subject="data.id", email="data.email", email_verified=None, picture="data.avatar_url"
            ),
        ),
        Provider(
            "discord",
            ("identify", "email"),
            authorize_url="https://discord.com/oauth2/authorize",
            token_url="https://discord.com/api/oauth2/token",
            userinfo_url="https://discord.com/api/users/@me",
            claims=Claims(subject="id", email_verified="verified", picture="avatar"),
        ),
        Provider(
            "facebook",
            ("email", "public_profile"),
            authorize_url="https://www.facebook.com/v19.0/dialog/oauth",
            token_url="https://graph.facebook.com/v19.0/oauth/access_token",
            userinfo_url="https://graph.facebook.com/me?fields=id,email,picture",
            claims=Claims(subject="id", email_verified=None, picture="picture.data.url", locale=None),
        ),
        Provider(
            "figma",
            ("current_user:read",),
            authorize_url="https://www.figma.com/oauth",
            token_url="https://api.figma.com/v1/oauth/token",
            userinfo_url="https://api.figma.com/v1/me",
            claims=Claims(subject="id", email_verified=None, picture="img_url", locale=None),
        ),
        Provider(
            "github",
            ("read:user", "user:email"),
            authorize_url="https://github.com/login/oauth/authorize",
            token_url="https://github.com/login/oauth/access_token",
            userinfo_url="https://api.github.com/user",
            claims=Claims(subject="id", email=None, email_verified=None, picture="avatar_url", locale=None),
            emails=EmailList(None, "email", "primary", "verified"),
            verticals=BOTH,
            client_auth="client_secret_post",
            # Stytch's B2B GitHub integration asks for `user` and `read:org`.
            b2b_scopes=("user", "read:org"),
            organizations="orgs",
        ),
        Provider("gitlab", OIDC_SCOPES, issuer="https://gitlab.com"),
        Provider("google", OIDC_SCOPES, issuer="https://accounts.google.com", verticals=BOTH),
        Provider(
            "hubspot",
            ("oauth",),
            authorize_url="https://app.hubspot.com/oauth/authorize",
            token_url="https://api.hubapi.com/oauth/v1/token",
            userinfo_url="https://api.hubapi.com/oauth/v1/access-tokens/{access_token}",
            claims=Claims(subject="user_id", email="user", email_verified=None, picture=None, locale=None),
            verticals=("b2b",),
        ),
        Provider("linkedin", OIDC_SCOPES, issuer="https://www.linkedin.com/oauth"),
        # Microsoft's common endpoint signs with each tenant's issuer (`{tenantid}` from the token).
        Provider(
            "microsoft",
            OIDC_SCOPES,
            issuer="https://login.microsoftonline.com/common/v2.0",
            verticals=BOTH,
        ),
        Provider("salesforce", OIDC_SCOPES, issuer="https://login.salesforce.com"),
        Provider("slack", OIDC_SCOPES, issuer="https://slack.com", verticals=BOTH),
        Provider(
            "snapchat",
            ("https://auth.snapchat.com/oauth2/api/user.external_id",),
            authorize_url="https://accounts.snapchat.com/accounts/oauth2/auth",
            token_url="https://accounts.snapchat.com/accounts/oauth2/token",
            userinfo_url="https://kit.snapchat.com/v1/me",
            claims=Claims(subject="data.me.externalId", email=None, email_verified=None, picture=None),
        ),
        Provider(
            "tiktok",
            ("user.info.basic",),
            authorize_url="https://www.tiktok.com/v2/auth/authorize/",
            token_url="https://open.tiktokapis.com/v2/oauth/token/",
            userinfo_url="https://open.tiktokapis.com/v2/user/info/?fields=open_id,avatar_url",
            claims=Claims(
                subject="data.user.open_id",
                email=None,
                email_verified=None,
                picture="data.user.avatar_url",
                locale=None,
            ),
        ),
        Provider("twitch", ("openid", "user:read:email"), issuer="https://id.twitch.tv/oauth2"),
        Provider(
            "twitter",
            ("users.read", "tweet.read", "offline.access"),
            authorize_url="https://twitter.com/i/oauth2/authorize",
            token_url="https://api.twitter.com/2/oauth2/token",
            userinfo_url="https://api.twitter.com/2/users/me?user.fields=profile_image_url",
            claims=Claims(
                subject="data.id", email=None, email_verified=None, picture="data.profile_image_url"
            ),
        ),
        Provider("yahoo", OIDC_SCOPES, issuer="https://api.login.yahoo.com"),
    )
}
# Twitter is X now; Stytch's SDKs call it `twitter`.
ALIASES: Final = {"x": "twitter"}


def provider(name: str) -> Provider:
    """The provider called `name` (case-insensitive), or a 400 naming the ones there are."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in PROVIDERS:
        raise KeystileError(
            "invalid_oauth_provider", f"Unknown OAuth provider {name!r}; known: {', '.join(PROVIDERS)}."
        )
    return PROVIDERS[key]


def value_at(document: object, path: str | None) -> object:
    """The value at a dotted `path` of a JSON document, or None; a key holding the whole path comes
    first (a claim named by a URL, such as Slack's `https://slack.com/team_id`)."""
    if path is None:
        return None
    if isinstance(document, dict) and path in document:
        return document[path]
    for key in path.split("."):
        if not isinstance(document, dict):
            return None
        document = document.get(key)
    return document

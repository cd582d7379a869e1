"""Settings: the one typed configuration object, read from `KEYSTILE_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path(".keystile")


class Settings(BaseSettings):
    """Everything keystile reads from its environment; nothing else reads `os.environ`."""

    model_config = SettingsConfigDict(env_prefix="KEYSTILE_", extra="ignore")

    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'keystile.db'}"
    # Connections each server process keeps open to PostgreSQL or MySQL (a quarter more at a peak).
    database_pool_size: int = Field(default=32, ge=1, le=1000)
    # The longest one request's transaction may take, from taking a connection to its COMMIT (SQLite
    # also waits at most this long for a lock). Past it the request is a 503 with Retry-After and the
    # transaction is rolled back, so a database that answers slowly cannot hold requests indefinitely.
    database_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    # The SMTP server every email goes out by. Unset: email goes to the dev inbox when that is on,
    # and otherwise waits in the outbox for a worker that has SMTP (a warning says so at start).
    smtp_url: str | None = None
    # The From header of every email.
    smtp_from: str = "keystile <no-reply@localhost>"
    # A Twilio-compatible Messages API for SMS and WhatsApp: `https://ACCOUNT_SID:AUTH_TOKEN@HOST`.
    # Unset: texts go to the dev inbox when that is on, and are refused (`sms_not_configured`)
    # otherwise; set it on the servers too when `keystile worker` sends apart.
    sms_url: str | None = None
    # Development only: messages without a transport are delivered to `/dev/inbox` (each email's
    # link is also logged). `keystile serve` refuses a non-loopback bind with it, the inbox answers
    # only loopback requests to a loopback Host, and each project sees its own messages only.
    dev_inbox: bool = False
    # The sending phone number (E.164); WhatsApp messages go from `whatsapp:` and this number.
    sms_from: str = "+15005550006"
    # Run the outbox worker inside each server process; turn off when `keystile worker` runs apart.
    outbox_worker: bool = True
    # How long the outbox worker waits before looking again when the outbox is empty.
    outbox_poll_seconds: float = 0.5
    public_url: str = "http://127.0.0.1:8000"
    log_format: Literal["console", "json"] = "console"
    log_level: str = "INFO"
    max_body_bytes: int = 1_048_576
    # A request's headers, and then its body, must each arrive within this many seconds, so that a
    # client trickling them cannot hold a connection: late headers close it, a late body is a 408.
    request_read_timeout_seconds: float = Field(default=10.0, gt=0, le=600)
    # Addresses (or networks, comma-separated) of the reverse proxies whose X-Forwarded-For and
    # X-Forwarded-Proto are believed, as the caller's IP for rate limits; empty, none are: every caller
    # is the address it connects from.
    trusted_proxies: str = ""
    # Cache of verified (project_id, secret digest) pairs; deleting a secret takes effect
    # on every server within this many seconds.
    credential_cache_seconds: float = 5.0
    # The DNS server (`HOST` or `HOST:PORT`) that email risk asks for a domain's MX and A records; empty:
    # the system's resolvers. Each check gives up after `dns_timeout_seconds` (no record, then).
    dns_resolver: str = ""
    dns_timeout_seconds: float = Field(default=2.0, gt=0, le=30)
    # Fernet key(s) that encrypt JWT signing keys, TOTP secrets and passcode keys at rest;
    # comma-separate several to rotate it (the first encrypts, all decrypt). Unset: a random key is
    # generated once into
    # `.keystile/encryption.key` (mode 0600, beside the default SQLite database) and a warning is
    # logged; set it, the same on every server, in production.
    encryption_key: SecretStr | None = None
    # How long a server caches a project's signing keys and JWKS (also the JWKS `max-age`); a rotated
    # key is published for twice this long before it signs.
    signing_key_cache_seconds: float = 60.0
    # sessions.authenticate hands out the session JWT it minted for the same claims less than this long
    # ago instead of signing a new one (RS256 signing dominates its cost); 0 signs every time.
    session_jwt_reuse_seconds: float = Field(default=5.0, ge=0, le=60)
    # Lifetime of M2M access tokens (`expires_in`): Stytch's one hour by default, 5 minutes to 24 hours.
    m2m_token_minutes: int = Field(default=60, ge=5, le=1440)
    # argon2id cost of stored passwords: OWASP's minimum by default (19 MiB, 2 passes, 1 lane). A hash
    # made with other parameters, or imported with `passwords.migrate`, is rehashed at the next login.
    password_argon2_memory_kib: int = Field(default=19_456, ge=8_192, le=4_194_304)
    password_argon2_time_cost: int = Field(default=2, ge=1, le=100)
    password_argon2_parallelism: int = Field(default=1, ge=1, le=64)
    # Rate limits shared by every server: counted in Redis (`redis://127.0.0.1:6379/0`) when set, in
    # the database otherwise. Counts are per fixed window of this many seconds; 0 turns a limit off.
    redis_url: str | None = None
    rate_limit_window_seconds: int = Field(default=60, ge=1, le=86_400)
    # Emails and texts sent (sends, login_or_create, invites, password resets) per calling IP and per
    # project; when Redis is unreachable these refuse with 503 rather than send unlimited.
    rate_limit_sends_per_ip: int = Field(default=1_000, ge=0)
    rate_limit_sends_per_project: int = Field(default=1_000, ge=0)
    # Emails (of every kind) a project sends to one address per hour, on top of one per second per
    # address and kind: an app's form cannot be used to flood a mailbox.
    rate_limit_emails_per_address_per_hour: int = Field(default=20, ge=0)
    # Credential checks (magic link, OTP, password, TOTP authenticate) per calling IP.
    rate_limit_attempts_per_ip: int = Field(default=6_000, ge=0)
    # sessions.authenticate per calling IP: off by default, sparing the hot path a round trip.
    rate_limit_session_checks_per_ip: int = Field(default=0, ge=0)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()

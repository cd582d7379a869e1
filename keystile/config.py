"""Settings: the one typed configuration object, read from `KEYSTILE_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path(".keystile")


class Settings(BaseSettings):
    """Everything keystile reads from its environment; nothing else reads `os.environ`."""

    model_config = SettingsConfigDict(env_prefix="KEYSTILE_", extra="ignore")

    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'keystile.db'}"
    smtp_url: str | None = None
    # The From header of every email; unset SMTP_URL means mail goes to the dev inbox instead.
    smtp_from: str = "keystile <no-reply@localhost>"
    # Run the outbox worker inside each server process; turn off when `keystile worker` runs apart.
    outbox_worker: bool = True
    # How long the outbox worker waits before looking again when the outbox is empty.
    outbox_poll_seconds: float = 0.5
    public_url: str = "http://127.0.0.1:8000"
    log_format: Literal["console", "json"] = "console"
    log_level: str = "INFO"
    max_body_bytes: int = 1_048_576
    # Cache of verified (project_id, secret digest) pairs; deleting a secret takes effect
    # on every server within this many seconds.
    credential_cache_seconds: float = 5.0
    # Fernet key(s) that encrypt JWT signing keys at rest; comma-separate several to rotate it (the
    # first encrypts, all decrypt). Unset: a random key is generated once into
    # `.keystile/encryption.key` (mode 0600, beside the default SQLite database) and a warning is
    # logged; set it, the same on every server, in production.
    encryption_key: SecretStr | None = None
    # How long a server caches a project's signing keys and JWKS (also the JWKS `max-age`); a rotated
    # key is published for twice this long before it signs.
    signing_key_cache_seconds: float = 60.0


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()

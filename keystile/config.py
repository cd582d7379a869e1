"""Settings: the one typed configuration object, read from `KEYSTILE_*` environment variables."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATA_DIR = Path(".keystile")


class Settings(BaseSettings):
    """Everything keystile reads from its environment; nothing else reads `os.environ`."""

    model_config = SettingsConfigDict(env_prefix="KEYSTILE_", extra="ignore")

    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'keystile.db'}"
    smtp_url: str | None = None
    public_url: str = "http://127.0.0.1:8000"
    log_format: Literal["console", "json"] = "console"
    log_level: str = "INFO"
    max_body_bytes: int = 1_048_576
    # Cache of verified (project_id, secret digest) pairs; deleting a secret takes effect
    # on every server within this many seconds.
    credential_cache_seconds: float = 5.0


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()

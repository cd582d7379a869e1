"""Structured logging to stderr (console or JSON lines), configured once per process."""

from __future__ import annotations

import logging
import sys

import structlog

from keystile.config import Settings

# Libraries whose DEBUG and INFO records carry SQL, SMTP or HTTP parameters (tokens in outbox bodies,
# digests, addresses): they log warnings and errors only, whatever `log_level` says.
LIBRARIES_LOGGING_PARAMETERS = (
    "aiosqlite",
    "asyncpg",
    "aiomysql",
    "aiosmtplib",
    "sqlalchemy",
    "httpx",
    "httpcore",
)


def configure_logging(settings: Settings) -> None:
    level = logging.getLevelNamesMapping().get(settings.log_level.upper(), logging.INFO)
    logging.basicConfig(stream=sys.stderr, level=level, format="%(message)s", force=True)
    for chatty in LIBRARIES_LOGGING_PARAMETERS:
        logging.getLogger(chatty).setLevel(max(level, logging.WARNING))
    renderer: structlog.typing.Processor = (
        structlog.processors.JSONRenderer()
        if settings.log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(level),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )

"""Imports every domain's tables so that `Base.metadata` is complete (for Alembic)."""

from keystile.db.base import Base
from keystile.delivery import models as delivery_models
from keystile.factors.magic_links import models as magic_link_models
from keystile.identity import models as identity_models
from keystile.projects import models as project_models
from keystile.sessions import models as session_models
from keystile.throttle import models as throttle_models

__all__ = [
    "Base",
    "delivery_models",
    "identity_models",
    "magic_link_models",
    "project_models",
    "session_models",
    "throttle_models",
]

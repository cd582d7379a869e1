"""Imports every domain's tables so that `Base.metadata` is complete (for Alembic)."""

from keystile.db.base import Base
from keystile.identity import models as identity_models
from keystile.projects import models as project_models

__all__ = ["Base", "identity_models", "project_models"]

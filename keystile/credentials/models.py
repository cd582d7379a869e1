"""The password policy of each project, which consumer and B2B passwords share."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from keystile.db.base import Base, UTCDateTime, id_column_type


class PasswordPolicy(Base):
    """A project's password rules; a project without a row uses Stytch's defaults."""

    __tablename__ = "password_policies"

    project_id: Mapped[str] = mapped_column(id_column_type(), primary_key=True)
    # "zxcvbn" (score >= 3) or "luds" (length plus lower/upper/digit/symbol classes)
    strength_policy: Mapped[str] = mapped_column(String(16))
    luds_min_length: Mapped[int] = mapped_column(Integer)
    luds_min_complexity: Mapped[int] = mapped_column(Integer)
    breach_detection_on_create: Mapped[bool] = mapped_column(Boolean)
    breach_detection_on_authenticate: Mapped[bool] = mapped_column(Boolean)
    # B2B: one password per email address across the project's organizations (Stytch's cross-org
    # passwords) rather than one per member.
    cross_org_passwords: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

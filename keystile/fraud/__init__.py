"""Fraud signals computed by keystile itself: an email address's risk (`/v1/email/risk`)."""

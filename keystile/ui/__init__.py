"""Pages keystile serves as HTML: the dev inbox (and, later, hosted login pages)."""

"""Pages keystile serves as HTML: the dev inbox and the hosted login page."""

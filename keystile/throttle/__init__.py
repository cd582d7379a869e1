"""Send throttles that hold across every keystile process sharing one database."""

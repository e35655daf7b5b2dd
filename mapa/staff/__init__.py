"""The city's side: staff accounts and roles, log-in, and the staff workspace."""

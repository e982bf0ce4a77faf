"""How messages reach micollab-svc's handlers."""

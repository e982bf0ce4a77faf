"""How messages and HTTP requests reach notify-svc's handlers."""

"""How customer-svc is reached: its subscriptions (messaging) and its HTTP API."""

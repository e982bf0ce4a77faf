"""Outbound connections of notify-svc."""

"""Thin HTTP routes of platform management (bearer auth is applied by servicekit's create_app)."""

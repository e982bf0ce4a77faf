"""HTTP stand-ins for Mitel products, used only in development and tests."""

from mmp_simulators.app import create_app

__all__ = ["create_app"]

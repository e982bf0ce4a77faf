"""Thin HTTP routes (bearer auth is applied by servicekit's create_app); refusals become 404/409/422/502."""

from platform_svc.api.blueprints import blueprints_router
from platform_svc.api.groups import router
from platform_svc.api.key_templates import key_templates_router
from platform_svc.api.platform_manager import platform_manager_router

__all__ = ["blueprints_router", "key_templates_router", "platform_manager_router", "router"]

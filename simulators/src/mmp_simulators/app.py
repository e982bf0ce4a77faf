"""The one entry point for building any simulator by product name."""

from typing import Any

from fastapi import FastAPI

from mmp_simulators.mbg import create_mbg_app
from mmp_simulators.micollab import create_micollab_app
from mmp_simulators.mivb import create_mivb_app
from mmp_simulators.platform_manager import create_platform_manager_app

PRODUCT_KEYS = ("pm", "mivb", "micollab", "mbg")


def create_app(product: str, version: str, **options: Any) -> FastAPI:
    """Builds a fresh simulator; `product` is a key from PRODUCT_KEYS or the full product name.

    Options: Platform Manager takes `username` and `password`, MiCollab takes `rest_api_scripts`.
    """
    match product.strip().lower():
        case "pm" | "platform manager" | "platform-manager":
            return create_platform_manager_app(version, **options)
        case "mivb" | "mivoice business":
            return create_mivb_app(version, **options)
        case "micollab":
            return create_micollab_app(version, **options)
        case "mbg" | "mivoice border gateway":
            return create_mbg_app(version, **options)
        case _:
            raise ValueError(f"unknown product {product!r}; expected one of {', '.join(PRODUCT_KEYS)}")

"""The SP's catalogue of bundles, and the platform groups customers can be created on (R1)."""

from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from customer_svc.adapters.store import Catalogue
from customer_svc.domain.refusal import Refused
from customer_svc.entrypoints.api.views import BundleBody
from customer_svc.handlers.catalogue import CatalogueHandlers
from mmp_servicekit.tenancy import sp_admin_only

SP_ONLY = [Depends(sp_admin_only)]


def router(handlers: CatalogueHandlers, catalogue: Catalogue) -> APIRouter:
    api = APIRouter(prefix="/api/v1")

    @api.get("/catalogue/platform-groups", dependencies=SP_ONLY)
    async def platform_groups() -> list[dict[str, str]]:
        """The platform groups customers can be created on, as customer-svc has heard of them (R1)."""
        return [{"platform_group_id": k, "name": v} for k, v in (await catalogue.platform_groups()).items()]

    @api.get("/bundles")
    async def list_bundles() -> list[dict[str, Any]]:
        return [
            BundleBody.of(b).model_dump() | {"bundle_id": b.bundle_id} for b in (await catalogue.bundles()).values()
        ]

    @api.put("/bundles/{bundle_id}", dependencies=SP_ONLY)
    async def put_bundle(bundle_id: str, body: BundleBody) -> dict[str, Any]:
        """R8; a change never alters what customers were sold."""
        try:
            await handlers.put_bundle(body.bundle(bundle_id))
        except Refused as refusal:
            raise HTTPException(422, [v.model_dump() for v in refusal.violations]) from None
        return body.model_dump() | {"bundle_id": bundle_id}

    return api

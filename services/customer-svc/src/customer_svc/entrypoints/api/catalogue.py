"""The SP's catalogue of bundles, and the platform groups customers can be created on (R1)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path

from customer_svc.adapters.store import Catalogue
from customer_svc.domain.catalogue import Bundle
from customer_svc.domain.refusal import Refused
from customer_svc.entrypoints.api.bodies import SHORT, BundleBody
from customer_svc.entrypoints.api.views import BundleView, KnownPlatformGroup
from customer_svc.handlers.catalogue import CatalogueHandlers
from mmp_servicekit.http_errors import ApiRefusal, error_responses
from mmp_servicekit.tenancy import sp_admin_only

SP_ONLY = [Depends(sp_admin_only)]
BundleId = Annotated[str, Path(min_length=1, max_length=SHORT)]


def router(handlers: CatalogueHandlers, catalogue: Catalogue) -> APIRouter:
    api = APIRouter(prefix="/api/v1", tags=["catalogue"])

    @api.get("/catalogue/platform-groups", dependencies=SP_ONLY, responses=error_responses(403))
    async def platform_groups() -> list[KnownPlatformGroup]:
        """The platform groups customers can be created on, as customer-svc has heard of them (R1)."""
        known = await catalogue.platform_groups()
        return [KnownPlatformGroup(platform_group_id=k, name=v) for k, v in known.items()]

    @api.get("/bundles")
    async def list_bundles() -> list[BundleView]:
        return [BundleView.of(b) for b in (await catalogue.bundles()).values()]

    @api.put("/bundles/{bundle_id}", dependencies=SP_ONLY, responses=error_responses(403, 422))
    async def put_bundle(bundle_id: BundleId, body: BundleBody) -> BundleView:
        """R8; a change never alters what customers were sold."""
        bundle = Bundle(
            bundle_id=bundle_id,
            name=body.name,
            service_type=body.service_type,
            phone_types=tuple(body.phone_types),
            phones_per_user=body.phones_per_user,
            licence_tier=body.licence_tier,
        )
        try:
            await handlers.put_bundle(bundle)
        except Refused as refusal:
            raise ApiRefusal(422, refusal.violations) from None
        return BundleView.of(bundle)

    return api

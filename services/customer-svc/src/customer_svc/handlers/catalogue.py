"""The SP's catalogue of bundles (R8) and the platform groups customer-svc has heard of (R1)."""

from customer_svc.adapters.store import Catalogue
from customer_svc.domain.catalogue import Bundle, accepted
from mmp_contracts import CloudEvent
from mmp_contracts import events as ev


class CatalogueHandlers:
    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue

    async def platform_group_created(self, event: ev.PlatformGroupCreated, envelope: CloudEvent) -> None:
        await self.catalogue.remember_platform_group(event.platform_group_id, event.name)

    async def platform_group_deleted(self, event: ev.PlatformGroupDeleted, envelope: CloudEvent) -> None:
        await self.catalogue.forget_platform_group(event.platform_group_id)

    async def put_bundle(self, bundle: Bundle) -> None:
        """A change of the catalogue never alters what customers were already sold."""
        await self.catalogue.put_bundle(accepted(bundle))

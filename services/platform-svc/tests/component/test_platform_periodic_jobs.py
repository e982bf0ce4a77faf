"""The periodic jobs as the running service has them: started by `runtime.on_start`, stopped by `on_stop`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from mmp_contracts.events import PlatformGroupChanged, PlatformManagerStatusChanged
from mmp_servicekit.testing import wait_until
from platform_svc.bootstrap import PlatformSettings

if TYPE_CHECKING:
    from conftest import Harness  # the fixture's type; pytest loads conftest itself

pytestmark = pytest.mark.component


@pytest.fixture
def platform_settings(tmp_path: Path) -> PlatformSettings:
    fast: dict[str, Any] = {"pm_check_seconds": 0.05, "group_refresh_seconds": 0.05}
    store_url = f"sqlite://{tmp_path}/platform.db"
    return PlatformSettings(admin_token="test-admin-token", relay_sweep_seconds=0.05, store_url=store_url, **fast)


async def test_stale_pm_credentials_are_noticed_without_being_asked(harness: Harness) -> None:
    await harness.pm_ready()
    await harness.start_jobs()

    await harness.pm.control.put("/_sim/credentials", json={"username": "pm-admin", "password": "changed"})

    rejected = await wait_until(
        lambda: [e for e in harness.capture.of(PlatformManagerStatusChanged) if e.status == "CREDENTIALS_REJECTED"],
        what="the periodic check noticing the rejection",
    )
    assert rejected[0].reason == f"the Platform Manager at {harness.pm.url} refused the stored credentials"
    assert (await harness.api.get("/api/v1/platform-manager")).json()["status"] == "CREDENTIALS_REJECTED"


async def test_a_version_upgrade_is_picked_up_without_being_asked(from_blueprint: Harness) -> None:
    harness = from_blueprint
    await harness.start_jobs()

    await harness.micollab.control.put("/_sim/version", json={"version": "9.9.0.0"})

    changed = await harness.capture.wait_for(PlatformGroupChanged)
    assert changed.micollab_version == "9.9.0.0"
    assert (await harness.api.get("/api/v1/platform-groups/pg-1")).json()["micollab"]["version"] == "9.9.0.0"

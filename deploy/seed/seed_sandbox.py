"""Seeds a sandbox stack over the services' HTTP APIs: a Platform Manager, a blueprint, the platform group
pg-ottawa-1 and the SP's eight bundles. The same calls as `mmp_devstack.sandbox.prepare` (a test in
tests/deploy checks that both make the same writes), without the devstack: standard library only, so it runs in
the tools image. Safe to run again: what exists already is left as it is.

Settings (environment):
  MMP_ADMIN_TOKEN (required)                 the SP-admin token of the services
  MMP_SEED_CUSTOMER_URL, MMP_SEED_PLATFORM_URL  the services (defaults: the compose service names)
  MMP_SEED_PM_URL, MMP_SEED_MIVB_URL, MMP_SEED_MICOLLAB_URL, MMP_SEED_MBG_URL  the platforms (the simulators)
  MMP_SEED_PM_USERNAME, MMP_SEED_PM_PASSWORD  the Platform Manager's credentials (the simulator's defaults)
  MMP_SEED_WAIT_SECONDS                      how long customer-svc may take to learn of the group (default 60)
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request
from typing import Any

BUNDLES: dict[str, dict[str, Any]] = {
    "basic-ipt": {"name": "Basic IPT", "service_type": "Basic IPT", "phone_types": ["6910"], "phones_per_user": 1},
    "standard-ipt": {"name": "Standard IPT", "service_type": "Standard IPT", "phone_types": ["6920", "6930"]},
    "entry-ucc": {"name": "Entry UCC", "service_type": "Entry UCC", "phone_types": ["6930"]},
    "standard-ucc": {"name": "Standard UCC", "service_type": "Standard UCC", "phone_types": ["6930", "6940"]},
    "premium-ucc": {
        "name": "Premium UCC",
        "service_type": "Premium UCC",
        "phone_types": ["6940", "6970"],
        "phones_per_user": 2,
        "licence_tier": "premium",
    },
    "contact-center-agent": {
        "name": "Contact Center Agent",
        "service_type": "Contact Center Agent",
        "phone_types": ["6930"],
    },
    "single-line-device": {"name": "Single Line Device", "service_type": "Single Line Device", "phone_types": ["5304"]},
    "mobile": {"name": "Mobile", "service_type": "Mobile", "phone_types": [], "phones_per_user": 0},
}

PLATFORM_GROUP_ID = "pg-ottawa-1"
BLUEPRINT_ID = "bp-mivb-standard"

DEFAULTS = {
    "MMP_SEED_CUSTOMER_URL": "http://customer-svc:8001",
    "MMP_SEED_PLATFORM_URL": "http://platform-svc:8002",
    "MMP_SEED_PM_URL": "http://simulators:9101",
    "MMP_SEED_MIVB_URL": "http://simulators:9102",
    "MMP_SEED_MICOLLAB_URL": "http://simulators:9103",
    "MMP_SEED_MBG_URL": "http://simulators:9104",
    "MMP_SEED_PM_USERNAME": "pm-admin",
    "MMP_SEED_PM_PASSWORD": "pm-secret",
    "MMP_SEED_WAIT_SECONDS": "60",
}


class SeedFailed(RuntimeError):
    pass


class Api:
    def __init__(self, token: str) -> None:
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def call(self, method: str, url: str, body: Any = None) -> tuple[int, Any]:
        data = None if body is None else json.dumps(body).encode()
        headers = self.headers | ({"Content-Type": "application/json"} if data is not None else {})
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        return status, json.loads(text) if text else None

    def write(self, method: str, url: str, body: Any) -> None:
        status, answer = self.call(method, url, body)
        if status >= 400:
            raise SeedFailed(f"{method} {url} -> {status}: {answer}")
        print(f"{method} {url} -> {status}", flush=True)

    def exists(self, url: str) -> bool:
        status, answer = self.call("GET", url)
        if status not in (200, 404):
            raise SeedFailed(f"GET {url} -> {status}: {answer}")
        return status == 200


def seed(env: dict[str, str]) -> None:
    settings = DEFAULTS | {key: value for key, value in env.items() if key in DEFAULTS}
    token = env.get("MMP_ADMIN_TOKEN")
    if not token:
        raise SeedFailed("MMP_ADMIN_TOKEN is not set")
    api = Api(token)
    platform, customer = settings["MMP_SEED_PLATFORM_URL"], settings["MMP_SEED_CUSTOMER_URL"]

    api.write("PUT", f"{platform}/api/v1/platform-manager/feature", {"enabled": True})
    pm = {
        "url": settings["MMP_SEED_PM_URL"],
        "username": settings["MMP_SEED_PM_USERNAME"],
        "password": settings["MMP_SEED_PM_PASSWORD"],
    }
    api.write("PUT", f"{platform}/api/v1/platform-manager", pm)
    if not api.exists(f"{platform}/api/v1/blueprints/{BLUEPRINT_ID}"):
        api.write("POST", f"{platform}/api/v1/blueprints", {"blueprint_id": BLUEPRINT_ID})
    if not api.exists(f"{platform}/api/v1/platform-groups/{PLATFORM_GROUP_ID}"):
        group = {
            "id": PLATFORM_GROUP_ID,
            "name": "Ottawa 1",
            "blueprint_id": BLUEPRINT_ID,
            "mivb_url": settings["MMP_SEED_MIVB_URL"],
            "micollab_url": settings["MMP_SEED_MICOLLAB_URL"],
            "sites": [{"id": "ottawa-main", "name": "Ottawa main", "mbg_url": settings["MMP_SEED_MBG_URL"]}],
        }
        api.write("POST", f"{platform}/api/v1/platform-groups", group)
    for bundle_id, bundle in BUNDLES.items():
        api.write("PUT", f"{customer}/api/v1/bundles/{bundle_id}", bundle)
    wait_until_customer_svc_knows_the_group(api, customer, float(settings["MMP_SEED_WAIT_SECONDS"]))


def wait_until_customer_svc_knows_the_group(api: Api, customer: str, seconds: float) -> None:
    """customer-svc learns of groups from platform.events (R1); the sandbox is ready once it has."""
    url = f"{customer}/api/v1/catalogue/platform-groups"
    deadline = time.monotonic() + seconds
    while True:
        status, groups = api.call("GET", url)
        if status == 200 and any(g.get("platform_group_id") == PLATFORM_GROUP_ID for g in groups):
            print(f"customer-svc knows {PLATFORM_GROUP_ID}: the sandbox is ready", flush=True)
            return
        if time.monotonic() > deadline:
            raise SeedFailed(f"customer-svc did not learn of {PLATFORM_GROUP_ID} within {seconds:.0f} s ({status})")
        time.sleep(0.5)


def main() -> int:
    try:
        seed(dict(os.environ))
    except (SeedFailed, urllib.error.URLError, OSError) as error:
        print(f"seeding failed: {error}", file=sys.stderr, flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

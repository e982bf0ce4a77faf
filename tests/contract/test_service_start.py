"""Each service, started as a process outside the devstack, refuses to start without its secrets or its store,
and says which, never showing a value."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.contract

SERVICES = {
    "customer_svc": ("MMP_ADMIN_TOKEN", "MMP_TOKEN_SECRET"),
    "platform_svc": ("MMP_ADMIN_TOKEN", "MMP_TOKEN_SECRET", "MMP_SECRETS_KEY"),
    "micollab_svc": ("MMP_ADMIN_TOKEN", "MMP_TOKEN_SECRET"),
    "notify_svc": ("MMP_ADMIN_TOKEN", "MMP_TOKEN_SECRET"),
}


def start(module: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {name: value for name, value in os.environ.items() if not name.startswith("MMP_")}
    return subprocess.run(
        [sys.executable, "-m", module], env={**clean, **env}, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("module", sorted(SERVICES))
def test_without_its_secrets_a_service_stops_and_names_them(module: str) -> None:
    stopped = start(module, {"MMP_STORE_URL": "sqlite:///tmp/never-opened.db"})
    assert stopped.returncode != 0
    for name in SERVICES[module]:
        assert name in stopped.stderr, stopped.stderr


@pytest.mark.parametrize("module", sorted(SERVICES))
def test_without_a_store_a_service_stops_and_says_so(module: str) -> None:
    secrets = {
        "MMP_ADMIN_TOKEN": "a-long-enough-admin-token",
        "MMP_TOKEN_SECRET": "a-long-enough-token-secret",
        "MMP_SECRETS_KEY": "dGVzdHMtc2VjcmV0cy1rZXktMDAwMDAwMDAwMDAwMDA=",
    }
    stopped = start(module, secrets)
    assert stopped.returncode != 0
    assert "MMP_STORE_URL is not set" in stopped.stderr, stopped.stderr
    assert "a-long-enough" not in stopped.stderr

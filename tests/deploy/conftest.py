"""Fixtures of the deployment checks: the compose file and the rendered kustomizations.

Every check here reads files only; none needs Docker or a cluster. Those that need more than PyPI (the real
kustomize from the Go module proxy, the CRD schemas from npm) are in test_real_tools.py and run only with
MMP_DEPLOY_REAL_TOOLS=1.
"""

import os
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import kustomize_lite
from deploy_support import KUSTOMIZATIONS, REPO

collect_ignore = [] if os.environ.get("MMP_DEPLOY_REAL_TOOLS") == "1" else ["test_real_tools.py"]
"""The real-parts tier (README) sets it; `make test` needs only PyPI, so it does not collect them."""


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[dict[str, Any]]]:
    """What `kustomize build` makes of base and of each overlay (rendered by kustomize_lite)."""
    return {name: kustomize_lite.build(path) for name, path in KUSTOMIZATIONS.items()}

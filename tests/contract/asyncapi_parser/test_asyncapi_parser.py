"""Every committed AsyncAPI document passes the AsyncAPI parser (npm `@asyncapi/parser`), with no warning."""

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.contract

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
INSTALLED = ROOT / ".mmp" / "asyncapi-parser"


def installed() -> Path:
    """The locked parser, installed once under .mmp/."""
    if not (INSTALLED / "node_modules" / "@asyncapi" / "parser").exists():
        INSTALLED.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json", "validate.mjs"):
            shutil.copy(HERE / name, INSTALLED / name)
        subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=INSTALLED, check=True, timeout=300)
    shutil.copy(HERE / "validate.mjs", INSTALLED / "validate.mjs")
    return INSTALLED


def test_every_service_document_is_valid_asyncapi_3() -> None:
    documents = sorted((ROOT / "docs" / "asyncapi").glob("*.json"))
    assert len(documents) == 4
    checked = subprocess.run(
        ["node", str(installed() / "validate.mjs"), *map(str, documents)], capture_output=True, text=True, timeout=120
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "warning" not in checked.stdout, checked.stdout
    assert checked.stdout.count(": valid,") == 4

"""`mmp asyncapi`: every service's AsyncAPI document, generated from the contracts and its own dispatch table,
written to `docs/asyncapi/` as JSON and as a page to read. A test holds the committed files to the code."""

import json
import secrets
import tempfile
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet

from customer_svc.bootstrap import CustomerSettings
from customer_svc.bootstrap import build as build_customer
from micollab_svc.bootstrap import MiCollabSettings
from micollab_svc.bootstrap import build as build_micollab
from mmp_servicekit import asyncapi
from mmp_servicekit.http import asyncapi_document
from notify_svc.bootstrap import NotifySettings
from notify_svc.bootstrap import build as build_notify
from platform_svc.bootstrap import PlatformSettings
from platform_svc.bootstrap import build as build_platform

DOCS = Path("docs") / "asyncapi"


def documents() -> dict[str, dict[str, Any]]:
    """Built the way each service builds itself (nothing is started or connected)."""
    with tempfile.TemporaryDirectory() as folder:
        # settings of a service never started: its store is never opened, its secrets never used
        unused: dict[str, Any] = {
            "store_url": f"sqlite://{Path(folder) / 'unused.db'}",
            "admin_token": secrets.token_urlsafe(24),
            "token_secret": secrets.token_urlsafe(24),
        }
        runtimes = [
            build_customer(CustomerSettings(**unused)).runtime,
            build_platform(PlatformSettings(**unused, secrets_key=Fernet.generate_key().decode())).runtime,
            build_micollab(MiCollabSettings(**unused)).runtime,
            build_notify(NotifySettings(**unused)).runtime,
        ]
        return {runtime.name: asyncapi_document(runtime) for runtime in runtimes}


def rendered() -> dict[str, str]:
    files = {}
    for service, document in documents().items():
        files[f"{service}.json"] = json.dumps(document, indent=2, sort_keys=True) + "\n"
        files[f"{service}.md"] = asyncapi.markdown(document) + "\n"
    return files


def write(folder: Path = DOCS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in rendered().items():
        (folder / name).write_text(text)
        written.append(folder / name)
    return written

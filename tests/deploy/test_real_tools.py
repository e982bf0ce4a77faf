"""The deployment files through the real tools: kustomize, Docker Compose's loader, the CRDs' schemas.

These need more than PyPI, so they run only with MMP_DEPLOY_REAL_TOOLS=1 (the real-parts tier, which has Go and
Node.js); without it they are skipped, and with it a missing tool is a failure, not a skip.
- kustomize v5.8.2: `go run sigs.k8s.io/kustomize/kustomize/v5@v5.8.2` (the Go module proxy; Go caches the build).
  Its output must equal kustomize_lite's, which the other tests check.
- Docker Compose's loader, compose-go (the Go module proxy): composecheck/ loads docker-compose.yml as
  `docker compose config` does: interpolation, merge keys, the schema, the model's consistency checks.
- The images' recipe, without Docker: each target's `uv sync` from the Dockerfile, run in a copy of the build
  context (.dockerignore applied), must install its package and ours it needs, nothing dev-only (PyPI, uv).
- The KEDA and Strimzi resources against their CRDs' schemas: the npm packages @kubernetes-models/keda and
  @kubernetes-models/strimzi-kafka-operator (pinned in crd/package-lock.json), installed with `npm ci` into
  .mmp/deploy-tools/crd on first use, run by crd/validate.mjs.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import kustomize_lite
import pytest
import yaml
from deploy_support import (
    COMPOSE_GO_VERSION,
    COMPOSE_SCHEMA,
    DEPLOY,
    DOCKERFILE,
    HERE,
    KUSTOMIZATIONS,
    REPO,
    SERVICES,
    build_context,
    load_module,
)

KUSTOMIZE = "sigs.k8s.io/kustomize/kustomize/v5@v5.8.2"
CRD_TOOL_DIR = REPO / ".mmp" / "deploy-tools" / "crd"
CUSTOM_API_GROUPS = ("keda.sh/", "kafka.strimzi.io/")


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"MMP_DEPLOY_REAL_TOOLS=1 but {name} is not on PATH")
    return path


def run(argv: list[str], cwd: Path = REPO, stdin: str | None = None, timeout: float = 600) -> tuple[int, str, str]:
    started = time.monotonic()
    result = subprocess.run(argv, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=timeout, check=False)
    print(f"{' '.join(argv[:4])}...: {time.monotonic() - started:.1f} s")
    return result.returncode, result.stdout, result.stderr


# ---- kustomize ----


@pytest.mark.parametrize("name", sorted(KUSTOMIZATIONS))
def test_kustomize_renders_what_kustomize_lite_renders(name: str) -> None:
    code, out, err = run([tool("go"), "run", KUSTOMIZE, "build", str(KUSTOMIZATIONS[name])])
    assert code == 0, err
    real = {kustomize_lite.resource_id(r): r for r in yaml.safe_load_all(out) if r}
    lite = {kustomize_lite.resource_id(r): r for r in kustomize_lite.build(KUSTOMIZATIONS[name])}
    assert sorted(lite) == sorted(real)
    for rid, resource in real.items():
        assert lite[rid] == resource, rid


# ---- Docker Compose's loader ----


def env_file(tmp_path: Path) -> Path:
    """compose.env.example with a made-up value for every required variable."""
    lines = []
    for line in (DEPLOY / "compose.env.example").read_text().splitlines():
        match = re.fullmatch(r"(\w+)=", line)
        if match:
            lines.append(f"{match[1]}=test-value-{match[1].lower()}")
    path = tmp_path / "compose.env"
    path.write_text("\n".join(lines) + "\n")
    return path


def load_compose(compose_file: Path, env: Path) -> tuple[int, str, str]:
    return run([tool("go"), "run", ".", str(compose_file), str(env)], cwd=HERE / "composecheck")


def test_compose_loads_as_docker_compose_loads_it(tmp_path: Path) -> None:
    code, out, err = load_compose(REPO / "docker-compose.yml", env_file(tmp_path))
    assert code == 0, err
    project: dict[str, Any] = json.loads(out)
    services = project["services"]
    assert services["platform-svc"]["environment"]["MMP_SECRETS_KEY"] == "test-value-mmp_secrets_key"
    assert services["topics"]["command"][-3] == "12"
    for name, service in services.items():
        assert "latest" not in service["image"], name
        assert service.get("healthcheck"), name
    assert set(project["volumes"]) == {"kafka-data", "mongo-data", "mongo-config", "prometheus-data", "grafana-data"}


def test_the_compose_loader_refuses_what_compose_refuses(tmp_path: Path) -> None:
    text = (REPO / "docker-compose.yml").read_text()
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(
        text.replace("      mailpit: {condition: service_healthy}", "      smtp: {condition: service_healthy}")
    )
    code, _out, err = load_compose(broken, env_file(tmp_path))
    assert code != 0
    assert "smtp" in err
    code, _out, err = load_compose(REPO / "docker-compose.yml", tmp_path / "empty.env")
    assert code != 0, "the secrets are required"


def test_the_vendored_schema_is_compose_gos() -> None:
    code, out, err = run(
        [tool("go"), "mod", "download", "-json", f"github.com/compose-spec/compose-go/v2@{COMPOSE_GO_VERSION}"],
        cwd=HERE / "composecheck",
    )
    assert code == 0, err
    module = Path(json.loads(out)["Dir"])
    assert (module / "schema" / "compose-spec.json").read_bytes() == COMPOSE_SCHEMA.read_bytes()


# ---- the custom resources against their CRDs ----


@pytest.fixture(scope="module")
def crd_validator() -> Path:
    """The validator and its npm packages, installed once per lockfile into .mmp/deploy-tools/crd."""
    source = HERE / "crd"
    stamp = hashlib.sha256(b"".join((source / f).read_bytes() for f in ("package-lock.json", "validate.mjs")))
    CRD_TOOL_DIR.mkdir(parents=True, exist_ok=True)
    installed = CRD_TOOL_DIR / ".installed"
    if not installed.exists() or installed.read_text() != stamp.hexdigest():
        for name in ("package.json", "package-lock.json", "validate.mjs"):
            shutil.copy(source / name, CRD_TOOL_DIR / name)
        code, _out, err = run([tool("npm"), "ci", "--no-audit", "--no-fund"], cwd=CRD_TOOL_DIR)
        assert code == 0, err
        installed.write_text(stamp.hexdigest())
    return CRD_TOOL_DIR / "validate.mjs"


def validate_custom(validator: Path, resources: list[dict[str, Any]]) -> tuple[int, str]:
    code, out, err = run([tool("node"), str(validator)], cwd=validator.parent, stdin=json.dumps(resources))
    return code, out + err


@pytest.mark.parametrize("name", sorted(KUSTOMIZATIONS))
def test_custom_resources_match_their_crds(crd_validator: Path, name: str) -> None:
    custom = [r for r in kustomize_lite.build(KUSTOMIZATIONS[name]) if r["apiVersion"].startswith(CUSTOM_API_GROUPS)]
    assert custom
    code, report = validate_custom(crd_validator, custom)
    assert code == 0, report
    assert report.count("valid ") == len(custom)


def test_the_crd_validator_rejects_a_broken_resource(crd_validator: Path) -> None:
    topic = next(r for r in kustomize_lite.build(KUSTOMIZATIONS["base"]) if r["kind"] == "KafkaTopic")
    topic["spec"]["partitions"] = "twelve"
    code, report = validate_custom(crd_validator, [topic])
    assert code == 1
    assert "partitions must be integer" in report


# ---- the images' recipe, without Docker ----

dockerfiles = load_module("mmp_deploy_test_dockerfiles", HERE / "test_dockerfiles.py")
OURS = {"mmp_contracts", "mmp_servicekit", "mmp_simulators", "mmp_devstack", *(m for m, _v, _p in SERVICES.values())}
EXPECTED = {
    **{name: {module, "mmp_contracts", "mmp_servicekit"} for name, (module, _v, _p) in SERVICES.items()},
    "simulators": {"mmp_simulators"},
    "tools": {"mmp_contracts", "mmp_servicekit"},
}
RUNS = {
    **{name: ["-c", f"import {module}.bootstrap"] for name, (module, _v, _p) in SERVICES.items()},
    "simulators": ["-m", "mmp_simulators", "--help"],
    "tools": ["-m", "mmp_servicekit.topics", "--help"],
}


@pytest.fixture(scope="module")
def context(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("context")
    for file in build_context():
        (root / file).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / file, root / file)
    return root


@pytest.mark.parametrize("target", sorted(EXPECTED))
def test_the_image_recipe_installs_only_its_package(context: Path, tmp_path: Path, target: str) -> None:
    stages = dockerfiles.parse(DOCKERFILE.read_text())
    (build,) = [s for s in dockerfiles.copied_from(stages[target]) if s in stages]
    (sync,) = [args for args in stages[build].all("RUN") if "uv sync" in args]
    argv = sync[sync.index("uv sync") :].split()
    builder_env = dict(re.findall(r"(UV_\w+)=(\S+)", " ".join(stages["builder"].all("ENV"))))
    environment = tmp_path / "venv"
    uv = REPO / ".mmp" / "uv" / "bin" / "uv"
    env = {**os.environ, **builder_env, "UV_PROJECT_ENVIRONMENT": str(environment)}
    started = time.monotonic()
    result = subprocess.run(
        [str(uv) if uv.exists() else tool("uv"), *argv[1:]],
        cwd=context,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    print(f"{target}: uv sync {time.monotonic() - started:.1f} s")
    assert result.returncode == 0, result.stderr
    (site,) = environment.glob("lib/python*/site-packages")
    installed = {p.name for p in site.iterdir() if p.is_dir() and not p.name.endswith((".dist-info", "__pycache__"))}
    assert installed & OURS == EXPECTED[target]
    assert not [name for name in installed if name.startswith(("calfkit", "aiosmtpd"))], installed
    python = environment / "bin" / "python"
    result = subprocess.run(
        [str(python), *RUNS[target]], cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr

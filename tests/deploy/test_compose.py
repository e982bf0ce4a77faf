"""docker-compose.yml: valid against the Compose Specification's JSON Schema, and our own rules.

Runs in `make test`: PyYAML and jsonschema from PyPI, the schema vendored beside this file (compose-spec.SOURCE.md).
"""

import copy
import hashlib
import json
import re
from typing import Any

import jsonschema
import pytest
import yaml
from deploy_support import (
    COMPOSE_SCHEMA,
    COMPOSE_SCHEMA_SHA256,
    DEPLOY,
    DOCKERFILE,
    REPO,
    SECRET_SETTINGS,
    SERVICES,
    TOPIC_PARTITIONS,
)

Compose = dict[str, Any]
VARIABLE = re.compile(r"\$\{(?P<name>\w+)(?:(?P<kind>:-|:\?|-|\?)(?P<arg>[^}]*))?\}")
DATA_VOLUMES = {
    "kafka": "/var/lib/kafka/data",
    "mongo": "/data/db",
    "prometheus": "/prometheus",
    "grafana": "/var/lib/grafana",
}
GO_DURATION = r"(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+"
INFRASTRUCTURE = {"kafka", "mongo", "mailpit", "simulators", "prometheus", "grafana"}
JOBS = {"mongo-init", "topics", "seed"}


def validator() -> jsonschema.protocols.Validator:
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_errors(document: Compose) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator().iter_errors(document)
    ]


def with_defaults(text: str) -> str:
    """The value with every ${VAR:-default} at its default and every required ${VAR:?...} as <VAR>."""

    def one(match: re.Match[str]) -> str:
        if match["kind"] in (":-", "-"):
            return match["arg"]
        return f"<{match['name']}>"

    return VARIABLE.sub(one, text)


def is_job(service: dict[str, Any]) -> bool:
    return service.get("restart") == "no"


def healthcheck_enabled(service: dict[str, Any]) -> bool:
    check = service.get("healthcheck", {})
    return bool(check.get("test")) and not check.get("disable", False)


def named_volume_mounts(service: dict[str, Any]) -> dict[str, str]:
    """target -> volume name, for the service's mounts of named volumes (short syntax)."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if not source.startswith((".", "/")):
            mounts[target] = source
    return mounts


def bind_mounts(service: dict[str, Any]) -> dict[str, str]:
    """target -> source (relative to the repository), for the service's bind mounts."""
    mounts = {}
    for volume in service.get("volumes", []):
        source, target = volume.split(":")[:2]
        if source.startswith((".", "/")):
            mounts[target] = source
    return mounts


# ---- the Compose Specification ----


def test_the_vendored_schema_is_the_one_recorded() -> None:
    assert hashlib.sha256(COMPOSE_SCHEMA.read_bytes()).hexdigest() == COMPOSE_SCHEMA_SHA256


def test_valid_against_the_compose_specification(compose: Compose) -> None:
    assert schema_errors(compose) == []


@pytest.mark.parametrize(
    ("where", "key", "value"),
    [
        ("kafka", "restart_policy", "always"),
        ("kafka", "healthcheck", {"test": ["CMD", "true"], "intervall": "10s"}),
        ("mongo", "depends_on", {"kafka": {"condition": "service_ready"}}),
        ("customer-svc", "environment", {"MMP_HOST": {"nested": "mapping"}}),
    ],
)
def test_the_schema_rejects_a_broken_file(compose: Compose, where: str, key: str, value: Any) -> None:
    """The validator really validates: each of these breaks the specification."""
    broken = copy.deepcopy(compose)
    broken["services"][where][key] = value
    assert schema_errors(broken)


# ---- our rules ----


def test_every_service_is_accounted_for(compose: Compose) -> None:
    assert set(compose["services"]) == set(SERVICES) | INFRASTRUCTURE | JOBS


@pytest.mark.parametrize("name", sorted(set(SERVICES) | INFRASTRUCTURE | JOBS))
def test_every_service_declares_its_health_check(compose: Compose, name: str) -> None:
    service = compose["services"][name]
    assert "healthcheck" in service, f"{name} has no healthcheck"
    if name in JOBS:
        assert service["healthcheck"] == {"disable": True}, "a one-shot job is never healthy: disable it explicitly"
    else:
        assert healthcheck_enabled(service), f"{name}: a long-running service needs a healthcheck test"
        check = service["healthcheck"]
        assert check["test"][0] in ("CMD", "CMD-SHELL")
        assert {"interval", "timeout", "retries"} <= set(check)
        for field in ("interval", "timeout", "start_period"):
            # The schema leaves durations as strings; Compose parses them as Go durations (compose-go).
            assert re.fullmatch(GO_DURATION, check.get(field, "1s")), f"{name}: {field} {check.get(field)}"


@pytest.mark.parametrize("name", sorted(set(SERVICES) | INFRASTRUCTURE | JOBS))
def test_restart_policies(compose: Compose, name: str) -> None:
    restart = compose["services"][name].get("restart")
    assert restart == ("no" if name in JOBS else "unless-stopped")


def test_depends_on_waits_for_health_or_completion(compose: Compose) -> None:
    services = compose["services"]
    for name, service in services.items():
        depends_on = service.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: depends_on needs the long form, with conditions"
        for target, how in depends_on.items():
            assert target in services, f"{name} depends on the unknown {target}"
            condition = how.get("condition")
            if target in JOBS:
                assert condition == "service_completed_successfully", f"{name} -> {target}"
            else:
                assert condition == "service_healthy", f"{name} -> {target}"
                assert healthcheck_enabled(services[target]), f"{name} waits for {target}, which has no healthcheck"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_each_service_waits_for_its_broker_topics_and_database(compose: Compose, name: str) -> None:
    depends_on = compose["services"][name]["depends_on"]
    assert {"kafka", "topics", "mongo", "mongo-init"} <= set(depends_on)
    if name == "notify-svc":
        assert "mailpit" in depends_on


def test_jobs_run_in_order(compose: Compose) -> None:
    services = compose["services"]
    assert set(services["mongo-init"]["depends_on"]) == {"mongo"}
    assert set(services["topics"]["depends_on"]) == {"kafka"}
    assert set(services["seed"]["depends_on"]) >= {"simulators", *SERVICES}


def test_images_are_pinned(compose: Compose) -> None:
    for name, service in compose["services"].items():
        image = with_defaults(service["image"])
        repository, _, tag = image.rpartition(":")
        assert repository, f"{name}: {service['image']} names no tag"
        assert "/" not in tag, f"{name}: {service['image']} names no tag"
        assert tag != "latest", f"{name}: {service['image']} is not pinned"
        assert re.search(r"\d", tag), f"{name}: {service['image']} is not pinned to a version"


def test_built_images_come_from_the_dockerfile(compose: Compose) -> None:
    targets = set(re.findall(r"^FROM \S+ AS (\S+)$", DOCKERFILE.read_text(), re.MULTILINE))
    built = {name: service for name, service in compose["services"].items() if "build" in service}
    assert set(built) == {*SERVICES, "simulators", "topics", "seed"}
    for name, service in built.items():
        build = service["build"]
        assert build["context"] == "."
        assert (REPO / build["dockerfile"]).resolve() == DOCKERFILE
        assert build["target"] in targets, f"{name}: no stage {build['target']} in {DOCKERFILE}"
        assert with_defaults(service["image"]).startswith(f"mmp/{build['target']}:")


def test_data_lives_in_named_volumes(compose: Compose) -> None:
    declared = set(compose.get("volumes", {}))
    used = set()
    for name, service in compose["services"].items():
        used |= set(named_volume_mounts(service).values())
        for target, source in bind_mounts(service).items():
            assert (REPO / source).exists(), f"{name} mounts the missing {source} at {target}"
            assert volume_is_read_only(service, target), f"{name} mounts {source} writable"
    assert used == declared, "a named volume is used but not declared, or declared but unused"
    for name, path in DATA_VOLUMES.items():
        assert path in named_volume_mounts(compose["services"][name]), f"{name} keeps {path} outside a volume"


def volume_is_read_only(service: dict[str, Any], target: str) -> bool:
    return any(v.split(":")[1] == target and v.endswith(":ro") for v in service.get("volumes", []))


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_settings(compose: Compose, name: str) -> None:
    module, port_variable, port = SERVICES[name]
    service = compose["services"][name]
    env = service["environment"]
    assert service["command"] == ["python", "-m", module]
    assert env["MMP_HOST"] == "0.0.0.0"
    assert env["MMP_KAFKA_BOOTSTRAP"] == "kafka:9092"
    assert env["MMP_STORE_URL"].startswith("mongodb://mongo:27017/")
    assert "replicaSet=rs0" in env["MMP_STORE_URL"]
    assert env[port_variable] == str(port)
    assert service["ports"] == [f"127.0.0.1:{port}:{port}"]
    assert service["healthcheck"]["test"][-2:] == ["/ready", f"{port_variable}:{port}"]
    if name == "platform-svc":
        assert "MMP_SECRETS_KEY" in env
    if name == "notify-svc":
        assert env["MMP_SMTP_URL"] == "smtp://mailpit:1025"


def test_secrets_have_no_default(compose: Compose) -> None:
    """A secret comes from the operator's .env: `${NAME:?message}`, never a value or a default in the file."""
    for name, service in compose["services"].items():
        for key, value in service.get("environment", {}).items():
            if key in SECRET_SETTINGS - {"MMP_STORE_URL"} or "PASSWORD" in key:
                assert re.fullmatch(r"\$\{\w+:\?[^}]+\}", str(value)), f"{name}: {key} must be required"


def test_the_env_example_names_every_required_variable(compose: Compose) -> None:
    text = (REPO / "docker-compose.yml").read_text()
    required = {m["name"] for m in VARIABLE.finditer(text) if m["kind"] in (":?", "?")}
    optional = {m["name"] for m in VARIABLE.finditer(text) if m["kind"] in (":-", "-")}
    example = (DEPLOY / "compose.env.example").read_text()
    listed = set(re.findall(r"^(\w+)=", example, re.MULTILINE))
    mentioned = set(re.findall(r"^# (\w+)=", example, re.MULTILINE))
    assert listed == required
    assert optional <= mentioned


def test_the_topics_job(compose: Compose) -> None:
    job = compose["services"]["topics"]
    command = [with_defaults(part) for part in job["command"]]
    assert command[:3] == ["python", "-m", "mmp_servicekit.topics"]
    assert command[command.index("--partitions") + 1] == str(TOPIC_PARTITIONS)
    assert job["environment"]["MMP_KAFKA_BOOTSTRAP"] == "kafka:9092"


def test_the_seed_job(compose: Compose) -> None:
    job = compose["services"]["seed"]
    assert job["command"] == ["python", "/usr/local/lib/mmp/seed_sandbox.py"]
    env = job["environment"]
    assert env["MMP_SEED_CUSTOMER_URL"] == "http://customer-svc:8001"
    assert env["MMP_SEED_PLATFORM_URL"] == "http://platform-svc:8002"
    sims = {"PM": 9101, "MIVB": 9102, "MICOLLAB": 9103, "MBG": 9104}
    for key, port in sims.items():
        assert env[f"MMP_SEED_{key}_URL"] == f"http://simulators:{port}"


def test_the_replica_set_job(compose: Compose) -> None:
    job = compose["services"]["mongo-init"]
    script = job["command"][-1]
    assert bind_mounts(job)[script] == "./deploy/mongo/init-replica-set.js"
    assert 'host: "mongo:27017"' in (DEPLOY / "mongo" / "init-replica-set.js").read_text()
    assert compose["services"]["mongo"]["command"][:2] == ["--replSet", "rs0"]


# ---- Prometheus and Grafana ----


def test_prometheus_scrapes_every_service(compose: Compose) -> None:
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    targets = {
        target
        for job in config["scrape_configs"]
        for static in job["static_configs"]
        for target in static["targets"]
        if job.get("metrics_path", "/metrics") == "/metrics"
    }
    assert {f"{name}:{port}" for name, (_m, _v, port) in SERVICES.items()} <= targets
    prometheus = compose["services"]["prometheus"]
    assert bind_mounts(prometheus)["/etc/prometheus/prometheus.yml"] == "./deploy/prometheus.yml"


def test_prometheus_loads_the_alert_rules(compose: Compose) -> None:
    config = yaml.safe_load((DEPLOY / "prometheus.yml").read_text())
    assert config["rule_files"] == ["prometheus/alerts.yml"]
    rules = yaml.safe_load((DEPLOY / "prometheus" / "alerts.yml").read_text())
    assert isinstance(rules["groups"], list)
    # Relative to the config file: /etc/prometheus/prometheus/alerts.yml in the container.
    assert bind_mounts(compose["services"]["prometheus"])["/etc/prometheus/prometheus"] == "./deploy/prometheus"


def test_grafana_is_provisioned(compose: Compose) -> None:
    grafana = bind_mounts(compose["services"]["grafana"])
    assert grafana["/etc/grafana/provisioning"] == "./deploy/grafana/provisioning"
    provisioning = DEPLOY / "grafana" / "provisioning"
    datasources = yaml.safe_load((provisioning / "datasources" / "prometheus.yml").read_text())["datasources"]
    assert [(d["type"], d["url"], d.get("isDefault")) for d in datasources] == [
        ("prometheus", "http://prometheus:9090", True)
    ]
    providers = yaml.safe_load((provisioning / "dashboards" / "mmp.yml").read_text())["providers"]
    dashboards_path = providers[0]["options"]["path"]
    assert grafana[dashboards_path] == "./deploy/grafana/dashboards"
    for dashboard in (DEPLOY / "grafana" / "dashboards").glob("*.json"):
        json.loads(dashboard.read_text())

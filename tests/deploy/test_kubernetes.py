"""deploy/k8s: base and each overlay, rendered (kustomize_lite), valid for Kubernetes, and our rules.

Runs in `make test`: kubernetes-validate (PyPI, with its own copy of the Kubernetes schemas) checks every built-in
kind in strict mode; the custom resources (KEDA, Strimzi) are checked by the rules here, and against their
CRDs' schemas in test_real_tools.py.
"""

import copy
import re
from collections import Counter
from typing import Any

import kubernetes_validate
import pytest
import yaml
from deploy_support import K8S, KUSTOMIZATIONS, SECRET_SETTINGS, SERVICES, TOPIC_PARTITIONS

from mmp_servicekit.topics import wanted

Resource = dict[str, Any]
Rendered = dict[str, list[Resource]]
KUBERNETES_VERSIONS = ("1.30.0", "1.37.0")
CUSTOM_KINDS = {
    ("keda.sh/v1alpha1", "ScaledObject"),
    ("keda.sh/v1alpha1", "TriggerAuthentication"),
    ("kafka.strimzi.io/v1beta2", "KafkaTopic"),
}
OVERLAYS = ("dev", "production")
NAMESPACES = {"dev": "mmp-dev", "production": "mmp"}


def of_kind(resources: list[Resource], kind: str) -> dict[str, Resource]:
    return {r["metadata"]["name"]: r for r in resources if r["kind"] == kind}


def container(deployment: Resource) -> Resource:
    (only,) = deployment["spec"]["template"]["spec"]["containers"]
    return only


def env_of(deployment: Resource) -> dict[str, Any]:
    return {entry["name"]: entry for entry in container(deployment).get("env", [])}


def secret_violations(resources: list[Resource]) -> list[str]:
    """Where a secret could be read from a ConfigMap, or a ConfigMap could override one; empty when none can.

    Secrets are explicit `env` entries with secretKeyRef (which win over anything envFrom brings); no ConfigMap
    names a secret setting; no envFrom brings a whole Secret (whose order against a ConfigMap would decide);
    no secret setting is a literal value; no Secret is in the repository.
    """
    found = []
    for name, config_map in of_kind(resources, "ConfigMap").items():
        for key in sorted(set(config_map.get("data", {})) & SECRET_SETTINGS):
            found.append(f"ConfigMap {name} holds the secret {key}")
    for name in of_kind(resources, "Secret"):
        found.append(f"Secret {name} is in the manifests: secrets are made in the cluster, not committed")
    for name, deployment in of_kind(resources, "Deployment").items():
        for source in container(deployment).get("envFrom", []):
            if "secretRef" in source:
                found.append(f"{name}: envFrom a whole Secret ({source['secretRef']['name']})")
        for key, entry in env_of(deployment).items():
            if key in SECRET_SETTINGS and "secretKeyRef" not in entry.get("valueFrom", {}):
                found.append(f"{name}: {key} is not read from a Secret")
    return found


# ---- rendering and schema ----


def test_every_kustomization_renders(rendered: Rendered) -> None:
    for name, resources in rendered.items():
        ids = [(r["kind"], r["metadata"].get("namespace"), r["metadata"]["name"]) for r in resources]
        assert len(ids) == len(set(ids)), f"{name}: {Counter(ids).most_common(1)}"


def test_no_leftover_manifests_beside_the_kustomizations() -> None:
    """Every YAML file under deploy/k8s belongs to a kustomization (a stray one would never be applied)."""
    listed = set()
    for directory in KUSTOMIZATIONS.values():
        kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
        listed.add(directory / "kustomization.yaml")
        listed |= {(directory / entry).resolve() for entry in kustomization.get("resources", [])}
    assert {p.resolve() for p in K8S.rglob("*.yaml")} <= listed


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("overlay", sorted(KUSTOMIZATIONS))
def test_valid_for_kubernetes(rendered: Rendered, overlay: str, version: str) -> None:
    errors = []
    for resource in rendered[overlay]:
        if (resource["apiVersion"], resource["kind"]) in CUSTOM_KINDS:
            continue
        try:
            kubernetes_validate.validate(resource, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            errors.append(f"{resource['kind']}/{resource['metadata']['name']}: {error.message}")
    assert errors == []


def test_only_known_custom_resources(rendered: Rendered) -> None:
    for resources in rendered.values():
        for resource in resources:
            if "." in resource["apiVersion"].split("/")[0] and not resource["apiVersion"].endswith(".k8s.io/v1"):
                assert (resource["apiVersion"], resource["kind"]) in CUSTOM_KINDS


def test_kubernetes_validate_rejects_a_broken_deployment(rendered: Rendered) -> None:
    deployment = copy.deepcopy(of_kind(rendered["base"], "Deployment")["customer-svc"])
    container(deployment)["readinesProbe"] = container(deployment).pop("readinessProbe")
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSIONS[-1], strict=True)


# ---- the services ----


@pytest.mark.parametrize("overlay", sorted(KUSTOMIZATIONS))
def test_one_of_each_per_service(rendered: Rendered, overlay: str) -> None:
    resources = rendered[overlay]
    for kind in ("Deployment", "Service", "PodDisruptionBudget", "ScaledObject"):
        assert set(of_kind(resources, kind)) == set(SERVICES), kind


@pytest.mark.parametrize("overlay", sorted(KUSTOMIZATIONS))
@pytest.mark.parametrize("name", sorted(SERVICES))
def test_deployment(rendered: Rendered, overlay: str, name: str) -> None:
    module, port_variable, port = SERVICES[name]
    deployment = of_kind(rendered[overlay], "Deployment")[name]
    spec = deployment["spec"]
    pod = spec["template"]["spec"]
    main = container(deployment)
    assert "replicas" not in spec, "the ScaledObject owns the replica count"
    assert spec["selector"]["matchLabels"].items() <= spec["template"]["metadata"]["labels"].items()
    assert main["command"] == ["python", "-m", module]
    assert main["ports"] == [{"name": "http", "containerPort": port}]
    assert env_of(deployment)[port_variable]["value"] == str(port)
    assert pod["automountServiceAccountToken"] is False
    assert pod["enableServiceLinks"] is False, "service links would inject variables into the MMP_ namespace"
    annotations = spec["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == "/metrics"


@pytest.mark.parametrize("overlay", sorted(KUSTOMIZATIONS))
@pytest.mark.parametrize("name", sorted(SERVICES))
def test_security_context(rendered: Rendered, overlay: str, name: str) -> None:
    deployment = of_kind(rendered[overlay], "Deployment")[name]
    pod = deployment["spec"]["template"]["spec"]
    for where, context in (("pod", pod["securityContext"]), ("container", container(deployment)["securityContext"])):
        assert context["runAsNonRoot"] is True, where
        assert isinstance(context["runAsUser"], int), where
        assert context["runAsUser"] > 0, where
        assert isinstance(context["runAsGroup"], int), where
        assert context["runAsGroup"] > 0, where
        assert context["seccompProfile"] == {"type": "RuntimeDefault"}, where
    context = container(deployment)["securityContext"]
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context.get("privileged", False) is False
    mounts = {m["mountPath"]: m["name"] for m in container(deployment)["volumeMounts"]}
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]], "a read-only root needs a writable /tmp"


@pytest.mark.parametrize("overlay", sorted(KUSTOMIZATIONS))
@pytest.mark.parametrize("name", sorted(SERVICES))
def test_probes_and_resources(rendered: Rendered, overlay: str, name: str) -> None:
    main = container(of_kind(rendered[overlay], "Deployment")[name])
    assert main["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert main["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}
    assert main["startupProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    resources = main["resources"]
    assert {"cpu", "memory"} <= set(resources["requests"])
    assert {"cpu", "memory"} <= set(resources["limits"])


@pytest.mark.parametrize("overlay", sorted(KUSTOMIZATIONS))
def test_images_are_pinned(rendered: Rendered, overlay: str) -> None:
    for name, deployment in of_kind(rendered[overlay], "Deployment").items():
        image = container(deployment)["image"]
        match = re.fullmatch(r"(?P<name>[^@]+?)(?::(?P<tag>[\w.-]+))?(?:@(?P<digest>sha256:[0-9a-f]{64}))?", image)
        assert match, image
        assert match["tag"] or match["digest"], f"{name}: {image} is not pinned"
        assert match["tag"] != "latest", f"{name}: {image} is not pinned"
        assert match["name"].endswith(f"mmp/{name}"), f"{name} runs {image}"


@pytest.mark.parametrize("overlay", sorted(KUSTOMIZATIONS))
@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_and_disruption_budget_select_the_pods(rendered: Rendered, overlay: str, name: str) -> None:
    resources = rendered[overlay]
    labels = of_kind(resources, "Deployment")[name]["spec"]["template"]["metadata"]["labels"]
    service = of_kind(resources, "Service")[name]
    assert service["spec"]["selector"].items() <= labels.items()
    assert service["spec"]["ports"] == [{"name": "http", "port": SERVICES[name][2], "targetPort": "http"}]
    budget = of_kind(resources, "PodDisruptionBudget")[name]
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert budget["spec"].get("maxUnavailable") == 1 or budget["spec"].get("minAvailable") is not None


@pytest.mark.parametrize("overlay", sorted(KUSTOMIZATIONS))
@pytest.mark.parametrize("name", sorted(SERVICES))
def test_scaled_on_the_lag_of_its_consumer_group(rendered: Rendered, overlay: str, name: str) -> None:
    resources = rendered[overlay]
    scaled = of_kind(resources, "ScaledObject")[name]["spec"]
    assert scaled["scaleTargetRef"] == {"name": name}
    assert 1 <= scaled["minReplicaCount"] <= scaled["maxReplicaCount"] <= TOPIC_PARTITIONS
    (trigger,) = scaled["triggers"]
    assert trigger["type"] == "kafka"
    metadata = trigger["metadata"]
    assert metadata["consumerGroup"] == name
    assert int(metadata["lagThreshold"]) > 0
    config = of_kind(resources, "ConfigMap")["mmp-config"]["data"]
    assert metadata["bootstrapServers"] == config["MMP_KAFKA_BOOTSTRAP"], "KEDA reads the services' brokers"
    if config["MMP_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL":
        assert metadata["sasl"] == {"SCRAM-SHA-512": "scram_sha512"}[config["MMP_KAFKA_SASL_MECHANISM"]]
        assert metadata["tls"] == "enable"
        assert trigger["authenticationRef"]["name"] in of_kind(resources, "TriggerAuthentication")
    else:
        assert "authenticationRef" not in trigger


# ---- settings and secrets ----


@pytest.mark.parametrize("overlay", sorted(KUSTOMIZATIONS))
def test_no_config_map_can_override_a_secret(rendered: Rendered, overlay: str) -> None:
    assert secret_violations(rendered[overlay]) == []


def test_the_secret_rule_catches_the_old_manifest() -> None:
    """The defect this layout fixes: envFrom [secretRef, configMapRef], the ConfigMap holding MMP_MONGO_URL."""
    old = yaml.safe_load_all(
        """
kind: Deployment
metadata: {name: customer-svc}
spec: {template: {spec: {containers: [{name: c, envFrom: [{secretRef: {name: s}}, {configMapRef: {name: c}}]}]}}}
---
kind: ConfigMap
metadata: {name: mmp-config}
data: {MMP_STORE_URL: "mongodb://user:pass@mongo/", MMP_ADMIN_TOKEN: x}
---
kind: Deployment
metadata: {name: notify-svc}
spec: {template: {spec: {containers: [{name: c, env: [{name: MMP_TOKEN_SECRET, value: plain}]}]}}}
"""
    )
    assert len(secret_violations(list(old))) == 4


@pytest.mark.parametrize("overlay", sorted(KUSTOMIZATIONS))
@pytest.mark.parametrize("name", sorted(SERVICES))
def test_every_service_reads_its_secrets(rendered: Rendered, overlay: str, name: str) -> None:
    resources = rendered[overlay]
    env = env_of(of_kind(resources, "Deployment")[name])
    config = of_kind(resources, "ConfigMap")["mmp-config"]["data"]
    needed = {"MMP_STORE_URL", "MMP_ADMIN_TOKEN", "MMP_TOKEN_SECRET"}
    if name == "platform-svc":
        needed.add("MMP_SECRETS_KEY")
    if config["MMP_KAFKA_SECURITY_PROTOCOL"].startswith("SASL"):
        needed.add("MMP_KAFKA_SASL_PASSWORD")
    for key in needed:
        assert env[key]["valueFrom"]["secretKeyRef"] == {"name": "mmp-secrets", "key": key}
    assert [
        source["configMapRef"]["name"] for source in container(of_kind(resources, "Deployment")[name])["envFrom"]
    ] == ["mmp-config"]


def test_the_config_map_holds_the_settings(rendered: Rendered) -> None:
    for overlay in KUSTOMIZATIONS:
        config = of_kind(rendered[overlay], "ConfigMap")["mmp-config"]["data"]
        assert config["MMP_HOST"] == "0.0.0.0"
        assert config["MMP_KAFKA_SECURITY_PROTOCOL"] in ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
        assert all(isinstance(value, str) for value in config.values()), "ConfigMap values are strings"


# ---- topics ----


@pytest.mark.parametrize("overlay", sorted(KUSTOMIZATIONS))
def test_topics_are_the_ones_the_services_make(rendered: Rendered, overlay: str) -> None:
    """The KafkaTopics are what `python -m mmp_servicekit.topics --partitions 12` makes: same names, same counts."""
    topics = of_kind(rendered[overlay], "KafkaTopic")
    assert {t["spec"]["topicName"]: t["spec"]["partitions"] for t in topics.values()} == wanted(TOPIC_PARTITIONS)
    for name, topic in topics.items():
        assert topic["metadata"]["labels"]["strimzi.io/cluster"] == "mmp"
        assert topic["spec"]["topicName"] == name
        assert 1 <= topic["spec"]["config"]["min.insync.replicas"] <= topic["spec"]["replicas"]


# ---- the overlays ----


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlays_place_everything_in_their_namespace(rendered: Rendered, overlay: str) -> None:
    assert {r["metadata"].get("namespace") for r in rendered[overlay]} == {NAMESPACES[overlay]}


def test_production(rendered: Rendered) -> None:
    resources = rendered["production"]
    config = of_kind(resources, "ConfigMap")["mmp-config"]["data"]
    assert config["MMP_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert config["MMP_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    for name, deployment in of_kind(resources, "Deployment").items():
        mounts = {m["mountPath"]: m for m in container(deployment)["volumeMounts"]}
        ca_directory = config["MMP_KAFKA_CA_FILE"].rpartition("/")[0]
        assert mounts[ca_directory]["readOnly"] is True, f"{name} has no CA at {config['MMP_KAFKA_CA_FILE']}"
        assert container(deployment)["image"].startswith("registry.example.com/")
    for name, scaled in of_kind(resources, "ScaledObject").items():
        assert scaled["spec"]["minReplicaCount"] >= 2, f"{name}: one replica is no availability"
    for topic in of_kind(resources, "KafkaTopic").values():
        assert topic["spec"]["replicas"] >= 3
        assert topic["spec"]["config"]["min.insync.replicas"] >= 2
    (auth,) = of_kind(resources, "TriggerAuthentication").values()
    parameters = {ref["parameter"] for ref in auth["spec"]["secretTargetRef"]} | {
        ref["parameter"] for ref in auth["spec"]["env"]
    }
    assert parameters == {"username", "password", "ca"}


def test_dev(rendered: Rendered) -> None:
    resources = rendered["dev"]
    for scaled in of_kind(resources, "ScaledObject").values():
        assert scaled["spec"]["minReplicaCount"] == 1
    for topic in of_kind(resources, "KafkaTopic").values():
        assert topic["spec"]["replicas"] == 1

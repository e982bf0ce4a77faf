"""`kustomize build` for the subset deploy/k8s uses, in Python, so `make test` renders the overlays without Go.

Supported: `resources` (files of YAML documents, and directories holding a kustomization), `namespace`, `images`
(newName, newTag, digest) and `patches` holding JSON 6902 operations (inline `patch:` or `path:`), selected by a
`target` of kind, name, group, version (each a regular expression matched whole, as kustomize does). Any other
field of a kustomization is an error, not a silent no-op: a feature this renderer lacks fails the tests until it
is added here. test_real_tools.py compares the output with the real kustomize's.
"""

import copy
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

Resource = dict[str, Any]

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
SUPPORTED_FIELDS = {"apiVersion", "kind", "namespace", "resources", "images", "patches"}
CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
}
POD_TEMPLATE_PATHS = {
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "Pod": ("spec",),
}


class KustomizeError(ValueError):
    pass


def build(directory: Path) -> list[Resource]:
    """The resources the kustomization in `directory` produces, in the order they are listed."""
    kustomization = _read_kustomization(directory)
    unsupported = set(kustomization) - SUPPORTED_FIELDS
    if unsupported:
        raise KustomizeError(f"{directory}: kustomize_lite does not support {sorted(unsupported)}")
    resources: list[Resource] = []
    for entry in kustomization.get("resources", []):
        path = (directory / entry).resolve()
        resources.extend(build(path) if path.is_dir() else load_documents(path))
    _check_unique(resources, directory)
    for patch in kustomization.get("patches", []):
        _apply_patch(resources, patch, directory)
    if "namespace" in kustomization:
        for resource in resources:
            if resource["kind"] not in CLUSTER_SCOPED:
                resource["metadata"]["namespace"] = kustomization["namespace"]
    for image in kustomization.get("images", []):
        _set_image(resources, image)
    return resources


def load_documents(path: Path) -> list[Resource]:
    return [copy.deepcopy(doc) for doc in yaml.safe_load_all(path.read_text()) if doc is not None]


def resource_id(resource: Resource) -> tuple[str, str, str, str]:
    metadata = resource.get("metadata", {})
    return (resource["apiVersion"], resource["kind"], metadata.get("namespace", ""), metadata["name"])


def _read_kustomization(directory: Path) -> dict[str, Any]:
    for name in KUSTOMIZATION_FILES:
        if (directory / name).is_file():
            found = yaml.safe_load((directory / name).read_text())
            if not isinstance(found, dict):
                raise KustomizeError(f"{directory / name} is not a mapping")
            return found
    raise KustomizeError(f"{directory} has no kustomization.yaml")


def _check_unique(resources: Iterable[Resource], directory: Path) -> None:
    seen: set[tuple[str, str, str, str]] = set()
    for resource in resources:
        rid = resource_id(resource)
        if rid in seen:
            raise KustomizeError(f"{directory}: {rid} is listed twice")
        seen.add(rid)


def _matches(resource: Resource, target: dict[str, str]) -> bool:
    group, _, version = resource["apiVersion"].rpartition("/")
    actual = {"kind": resource["kind"], "name": resource["metadata"]["name"], "group": group, "version": version}
    for field, pattern in target.items():
        if field not in actual:
            raise KustomizeError(f"kustomize_lite does not support a patch target by {field!r}")
        if not re.fullmatch(pattern, actual[field]):
            return False
    return True


def _apply_patch(resources: list[Resource], patch: dict[str, Any], directory: Path) -> None:
    if set(patch) - {"target", "patch", "path"} or ("patch" in patch) == ("path" in patch):
        raise KustomizeError(f"{directory}: a patch needs `target` and one of `patch`, `path`: {patch}")
    text = patch["patch"] if "patch" in patch else (directory / patch["path"]).read_text()
    operations = yaml.safe_load(text)
    if not isinstance(operations, list):
        raise KustomizeError(f"{directory}: only JSON 6902 patches (a list of operations) are supported")
    targets = [r for r in resources if _matches(r, patch.get("target", {}))]
    if not targets:
        raise KustomizeError(f"{directory}: the patch target {patch.get('target')} matches no resource")
    for resource in targets:
        for operation in operations:
            _apply_operation(resource, operation)


def _pointer(path: str) -> list[str]:
    if not path.startswith("/"):
        raise KustomizeError(f"{path!r} is not a JSON pointer")
    return [part.replace("~1", "/").replace("~0", "~") for part in path[1:].split("/")]


def _apply_operation(resource: Resource, operation: dict[str, Any]) -> None:
    op, parts = operation["op"], _pointer(operation["path"])
    parent: Any = resource
    for part in parts[:-1]:
        parent = parent[int(part)] if isinstance(parent, list) else parent.get(part)
        if parent is None:
            raise KustomizeError(f"{resource_id(resource)}: {operation['path']} does not exist")
    last = parts[-1]
    value = copy.deepcopy(operation.get("value"))
    if isinstance(parent, list):
        if op == "add":
            parent.insert(len(parent) if last == "-" else int(last), value)
        elif op == "replace":
            parent[int(last)] = value
        elif op == "remove":
            del parent[int(last)]
        else:
            raise KustomizeError(f"unsupported operation {op}")
        return
    if op in ("replace", "remove") and last not in parent:
        raise KustomizeError(f"{resource_id(resource)}: cannot {op} the missing {operation['path']}")
    if op in ("add", "replace"):
        parent[last] = value
    elif op == "remove":
        del parent[last]
    else:
        raise KustomizeError(f"unsupported operation {op}")


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """name, tag, digest: a registry's port (host:5000/x) is part of the name."""
    name, _, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = None
    if colon > slash:
        name, tag = name[:colon], name[colon + 1 :]
    return name, tag, digest or None


def _set_image(resources: list[Resource], image: dict[str, str]) -> None:
    for resource in resources:
        path = POD_TEMPLATE_PATHS.get(resource["kind"])
        if path is None:
            continue
        spec: Any = resource
        for part in path:
            spec = spec.get(part, {})
        for container in [*spec.get("containers", []), *spec.get("initContainers", [])]:
            name, tag, digest = split_image(container["image"])
            if name != image["name"]:
                continue
            name = image.get("newName", name)
            if "digest" in image:
                container["image"] = f"{name}@{image['digest']}"
            elif "newTag" in image:
                container["image"] = f"{name}:{image['newTag']}"
            else:
                container["image"] = name + (f":{tag}" if tag else "") + (f"@{digest}" if digest else "")

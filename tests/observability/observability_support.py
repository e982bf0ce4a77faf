"""What the observability checks share: the dashboards' and alert rules' PromQL, the metric names and label
matchers in an expression, and a scrape's metric families (tests/e2e/test_e2e_metrics.py imports it too)."""

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from prometheus_client.parser import text_string_to_metric_families

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
DASHBOARDS = DEPLOY / "grafana" / "dashboards"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
ALERT_TESTS = DEPLOY / "prometheus" / "alerts.test.yml"
PROMETHEUS_CONFIG = DEPLOY / "prometheus.yml"
METRICS_DOC = REPO / "docs" / "metrics.md"

EXTERNAL = {
    "up": "made by Prometheus for every scrape target",
    "kafka_consumergroup_lag": "Kafka exporter (danielqsj/kafka_exporter), scraped in production beside the services",
}
"""Metrics the rules and panels may use that no service of ours serves: the one explicit list."""
TARGET_LABELS = {"job", "instance", "service"}
"""Added by Prometheus (and deploy/prometheus.yml) to every series scraped."""
HISTOGRAM_SUFFIXES = ("_bucket", "_sum", "_count")

KEYWORDS = {"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring", "group_left", "group_right"}
KEYWORDS |= {"inf", "nan", "start", "end"}
STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
GROUPING = re.compile(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")
NAME = re.compile(r"(?<![\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)")
SELECTOR = re.compile(r"(?<![\w.:$])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^}]*)\}")
MATCHER = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)")


@dataclass(frozen=True)
class Expression:
    where: str
    """The panel or rule it comes from, for failure messages."""
    promql: str


def dashboards() -> dict[str, dict[str, Any]]:
    return {path.name: json.loads(path.read_text()) for path in sorted(DASHBOARDS.glob("*.json"))}


def panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])  # a collapsed row keeps its panels inside


def dashboard_expressions() -> list[Expression]:
    return [
        Expression(f"{name}: panel {panel.get('title')!r} target {target.get('refId')}", target["expr"])
        for name, dashboard in dashboards().items()
        for panel in panels(dashboard)
        for target in panel.get("targets", [])
    ]


def rules() -> list[dict[str, Any]]:
    loaded = yaml.safe_load(ALERTS.read_text())
    return [rule for group in loaded["groups"] for rule in group["rules"]]


def rule_expressions() -> list[Expression]:
    return [Expression(f"rule {rule.get('alert') or rule.get('record')}", str(rule["expr"])) for rule in rules()]


def _without_strings(promql: str) -> str:
    return STRING.sub('""', promql)


def metric_names(promql: str) -> set[str]:
    """Every metric a PromQL expression reads: the names left once strings, label matchers, ranges, grouping
    clauses, Grafana's variables, function names and keywords are taken out."""
    text = _without_strings(promql)
    text = re.sub(r"\$\{?\w+\}?", " ", text)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = GROUPING.sub(" ", text)
    names = set()
    for match in NAME.finditer(text):
        name = match.group(1)
        following = text[match.end() :].lstrip()
        if following.startswith("(") or name.lower() in KEYWORDS:
            continue  # a function or aggregation, or a keyword
        names.add(name)
    return names


def label_matchers(promql: str) -> dict[str, set[str]]:
    """The labels each metric is selected on (`name{label="..."}`), by metric name."""
    found: dict[str, set[str]] = {}
    text = re.sub(r"\$\{?\w+\}?", "x", _without_strings(promql))
    for match in SELECTOR.finditer(text):
        labels = {m.group(1) for m in MATCHER.finditer(match.group(2))}
        found.setdefault(match.group(1), set()).update(labels)
    return found


@dataclass
class Scrape:
    """What the services' /metrics answered: sample names with the labels seen on them, and family types."""

    samples: dict[str, set[str]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)

    def add(self, exposition: str) -> None:
        for family in text_string_to_metric_families(exposition):
            self.types[family.name] = family.type
            for sample in family.samples:
                self.samples.setdefault(sample.name, set()).update(sample.labels)

    def missing(self, name: str) -> bool:
        return name not in self.samples

    def labels_of(self, name: str) -> set[str]:
        return self.samples.get(name, set())


def documented_metrics() -> set[str]:
    """The metrics docs/metrics.md describes: the first column of its tables, as `name`."""
    return set(re.findall(r"^\|\s*`([a-z_:]+)`", METRICS_DOC.read_text(), flags=re.MULTILINE))


def base_name(name: str) -> str:
    """A histogram's name for one of its series (`_bucket`, `_sum`, `_count`)."""
    for suffix in HISTOGRAM_SUFFIXES:
        if name.endswith(suffix):
            return name.removesuffix(suffix)
    return name


def unknown_metrics(expressions: Iterable[Expression], scrape: Scrape) -> list[str]:
    """`where: name` for every metric an expression reads that the scrape has no sample of (external ones aside)."""
    problems = []
    for expression in expressions:
        for name in sorted(metric_names(expression.promql)):
            if name not in EXTERNAL and scrape.missing(name):
                problems.append(f"{expression.where}: {name}")
    return problems


def unknown_labels(expressions: Iterable[Expression], scrape: Scrape) -> list[str]:
    """`where: name{label}` for every label an expression selects on that the metric's samples never carry."""
    problems = []
    for expression in expressions:
        for name, labels in sorted(label_matchers(expression.promql).items()):
            if name in EXTERNAL or scrape.missing(name):
                continue
            for label in sorted(labels - TARGET_LABELS - {"__name__"} - scrape.labels_of(name)):
                problems.append(f"{expression.where}: {name}{{{label}}}")
    return problems

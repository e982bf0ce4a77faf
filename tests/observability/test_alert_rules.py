"""The alert rules: each with a severity, words for the person paged, a runbook section in docs/metrics.md that
exists, a unit test that makes it fire; every metric they read documented."""

import re

import pytest
import yaml
from observability_support import (
    ALERT_TESTS,
    EXTERNAL,
    METRICS_DOC,
    base_name,
    documented_metrics,
    metric_names,
    rule_expressions,
    rules,
)

pytestmark = pytest.mark.unit


def alerts() -> list[dict]:
    return [rule for rule in rules() if "alert" in rule]


def anchors() -> set[str]:
    """GitHub's anchors of the document's headings."""
    headings = re.findall(r"^#+\s+(.+)$", METRICS_DOC.read_text(), flags=re.MULTILINE)
    return {re.sub(r"[^a-z0-9 _-]", "", heading.strip().lower()).replace(" ", "-") for heading in headings}


def test_each_alert_has_a_unique_name_a_severity_and_words_for_whoever_is_paged() -> None:
    names = [rule["alert"] for rule in alerts()]
    assert names
    assert len(names) == len(set(names))
    for rule in alerts():
        assert rule["labels"]["severity"] in {"critical", "warning"}, rule["alert"]
        assert rule["annotations"]["summary"], rule["alert"]
        assert rule["annotations"]["description"], rule["alert"]


def test_each_alert_points_at_its_runbook_section_in_docs_metrics_md() -> None:
    sections = anchors()
    for rule in alerts():
        url = rule["annotations"]["runbook_url"]
        path, _, anchor = url.partition("#")
        assert path == "docs/metrics.md", rule["alert"]
        assert anchor in sections, f"{rule['alert']}: no heading for #{anchor} in docs/metrics.md"


def test_each_alert_has_a_unit_test_where_it_fires() -> None:
    tests = yaml.safe_load(ALERT_TESTS.read_text())["tests"]
    fired = {case["alertname"] for test in tests for case in test.get("alert_rule_test", []) if case.get("exp_alerts")}
    assert {rule["alert"] for rule in alerts()} <= fired


def test_every_metric_an_alert_reads_is_documented() -> None:
    documented = documented_metrics()
    undocumented = [
        f"{expression.where}: {name}"
        for expression in rule_expressions()
        for name in sorted(metric_names(expression.promql))
        if name not in EXTERNAL and name not in documented and base_name(name) not in documented
    ]
    assert not undocumented

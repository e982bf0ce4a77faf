"""The provisioned Grafana dashboards: well-formed, on the provisioned data source, laid out without overlaps,
covering what operators watch, every query reading metrics that docs/metrics.md documents."""

from typing import Any

import pytest
import yaml
from observability_support import (
    DEPLOY,
    EXTERNAL,
    base_name,
    dashboard_expressions,
    dashboards,
    documented_metrics,
    metric_names,
    panels,
)

pytestmark = pytest.mark.unit

DATASOURCES = DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
WATCHED = {
    "saga throughput and duration": "mmp_saga_duration_seconds_count",
    "customers by status": "mmp_customers",
    "HTTP rate and errors": "mmp_http_requests_total",
    "HTTP latency": "mmp_http_request_seconds_bucket",
    "platform call latency and errors": "mmp_platform_call_seconds_bucket",
    "outbox backlog": "mmp_outbox_pending_documents",
    "outbox age": "mmp_outbox_oldest_event_age_seconds",
    "dead letters": "mmp_dead_letters_total",
    "Platform Manager credentials": "mmp_platform_manager_status",
    "consumer lag": "mmp_consumer_lag_messages",
}


def provisioned_datasource() -> dict[str, Any]:
    [datasource] = yaml.safe_load(DATASOURCES.read_text())["datasources"]
    return dict(datasource)


def test_there_is_a_dashboard_and_each_has_its_own_uid() -> None:
    found = dashboards()
    assert found, "no dashboard in deploy/grafana/dashboards"
    uids = [d["uid"] for d in found.values()]
    assert len(uids) == len(set(uids))
    for dashboard in found.values():
        assert dashboard["title"]
        assert dashboard["schemaVersion"] >= 39


def test_every_panel_queries_the_provisioned_prometheus() -> None:
    datasource = provisioned_datasource()
    for dashboard in dashboards().values():
        for panel in panels(dashboard):
            if panel["type"] == "row":
                continue
            assert panel["datasource"] == {"type": "prometheus", "uid": datasource["uid"]}, panel["title"]
            assert panel["targets"], f"{panel['title']} has no query"
            refs = [target["refId"] for target in panel["targets"]]
            assert len(refs) == len(set(refs)), panel["title"]
            for target in panel["targets"]:
                assert target.get("datasource", panel["datasource"]) == panel["datasource"]
                assert target["expr"].strip()


def test_panels_have_unique_ids_and_fit_the_grid_without_overlapping() -> None:
    for name, dashboard in dashboards().items():
        laid = list(panels(dashboard))
        ids = [panel["id"] for panel in laid]
        assert len(ids) == len(set(ids)), name
        cells: dict[tuple[int, int], str] = {}
        for panel in laid:
            grid = panel["gridPos"]
            assert grid["x"] >= 0, panel["title"]
            assert grid["x"] + grid["w"] <= 24, panel["title"]
            for x in range(grid["x"], grid["x"] + grid["w"]):
                for y in range(grid["y"], grid["y"] + grid["h"]):
                    assert (x, y) not in cells, f"{panel['title']} overlaps {cells[(x, y)]}"
                    cells[(x, y)] = panel["title"]


def test_the_dashboards_cover_what_operators_watch() -> None:
    read = {name for expression in dashboard_expressions() for name in metric_names(expression.promql)}
    missing = {topic: metric for topic, metric in WATCHED.items() if metric not in read}
    assert not missing


def test_every_panel_has_a_description() -> None:
    for dashboard in dashboards().values():
        for panel in panels(dashboard):
            if panel["type"] != "row":
                assert panel.get("description"), panel["title"]


def test_every_metric_a_panel_reads_is_documented() -> None:
    documented = documented_metrics()
    undocumented = [
        f"{expression.where}: {name}"
        for expression in dashboard_expressions()
        for name in sorted(metric_names(expression.promql))
        if name not in EXTERNAL and name not in documented and base_name(name) not in documented
    ]
    assert not undocumented

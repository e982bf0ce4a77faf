"""The reading of metric names and label matchers out of PromQL, on which the scrape check relies."""

import pytest
from observability_support import label_matchers, metric_names

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("promql", "names"),
    [
        ("up", {"up"}),
        ('max(mmp_customers{status="ACTIVE"})', {"mmp_customers"}),
        (
            'histogram_quantile(0.95, sum by (le, kind) (rate(mmp_saga_duration_seconds_bucket{outcome!="refused"}'
            "[$__rate_interval])))",
            {"mmp_saga_duration_seconds_bucket"},
        ),
        (
            'sum(max by (status) (mmp_customers{status=~"A|B"})) > 0 and on () '
            "(sum(increase(mmp_saga_duration_seconds_count[15m])) or on () vector(0)) == 0",
            {"mmp_customers", "mmp_saga_duration_seconds_count"},
        ),
        ("time() - mmp_gauges_refreshed_timestamp_seconds > 120", {"mmp_gauges_refreshed_timestamp_seconds"}),
        ("sum(rate(a_total[5m] offset 1h)) by (job) / ignoring(x) group_left(y) b", {"a_total", "b"}),
        ('count_values("version", build_info) * 1e3', {"build_info"}),
        ('label_replace(m{a="sum(x)"}, "dst", "$1", "src", "(.*)")', {"m"}),
    ],
)
def test_metric_names_are_read_out_of_an_expression(promql: str, names: set[str]) -> None:
    assert metric_names(promql) == names


def test_label_matchers_are_read_per_metric() -> None:
    promql = 'sum(rate(x_total{status=~"5..", route!="/metrics"}[$__rate_interval])) / sum(rate(x_total{job="a"}[5m]))'
    assert label_matchers(promql) == {"x_total": {"status", "route", "job"}}
    assert label_matchers('max(y{a="{not a brace}"}) + z') == {"y": {"a"}}

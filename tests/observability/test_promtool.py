"""promtool (Debian's `prometheus` package) on the rules, their unit tests, the config and every dashboard query.
Collected only with MMP_OBSERVABILITY_TOOLS=1 (conftest.py)."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from observability_support import ALERT_TESTS, ALERTS, PROMETHEUS_CONFIG, dashboard_expressions

pytestmark = pytest.mark.unit


def promtool(*args: str) -> str:
    binary = shutil.which("promtool")
    assert binary, "promtool is not on PATH: apt-get install -y prometheus"
    done = subprocess.run([binary, *args], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"promtool {' '.join(args)}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_the_alert_rules_are_valid() -> None:
    assert "SUCCESS" in promtool("check", "rules", str(ALERTS))


def test_the_prometheus_config_and_the_rules_it_loads_are_valid() -> None:
    assert "SUCCESS" in promtool("check", "config", str(PROMETHEUS_CONFIG))


def test_the_alerts_fire_as_their_unit_tests_say() -> None:
    assert "SUCCESS" in promtool("test", "rules", str(ALERT_TESTS))


def test_every_dashboard_query_is_valid_promql(tmp_path: Path) -> None:
    """Each query, with Grafana's variables as Grafana fills them, as a recording rule that promtool parses."""
    expressions = dashboard_expressions()
    recorded = [
        {"record": f"mmp_dashboard:query_{number}", "expr": re.sub(r"\$__(rate_)?interval", "1m", e.promql)}
        for number, e in enumerate(expressions)
    ]
    rules = tmp_path / "dashboard-queries.yml"
    rules.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": recorded}]}))
    assert f"SUCCESS: {len(recorded)} rules found" in promtool("check", "rules", str(rules))

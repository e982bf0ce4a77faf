"""The observability checks: the dashboards, the alert rules, the metrics behind them.

`make test` needs only Python, so the checks that run promtool (Debian's `prometheus` package) are collected only
with MMP_OBSERVABILITY_TOOLS=1; every other check here runs everywhere. That a real scrape of the running system
serves every metric the dashboards and rules read is tests/e2e/test_e2e_metrics.py (it shares the e2e stack).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

collect_ignore = [] if os.environ.get("MMP_OBSERVABILITY_TOOLS") == "1" else ["test_promtool.py"]
"""CI installs promtool (`apt-get install -y prometheus`) and sets it; without it they are not collected."""

"""Renders the Grafana dashboards' panels to a PNG from a real Prometheus, without Grafana (docs/metrics.md).

Grafana cannot be installed from the registries this project uses, so this draws every panel of
deploy/grafana/dashboards/*.json itself: the same PromQL, queried from Prometheus' HTTP API over a time window,
laid out on the dashboard's own grid as SVG, then photographed by headless Chromium. Standard library only.

    .venv/bin/mmp up &                                    # the sandbox, on ports 8001-8004
    python deploy/grafana/render_snapshot.py              # Prometheus of its own + traffic, then docs/dashboard.png

By default it starts Debian's `prometheus` (scraping the four services every 5 s, with deploy/prometheus/alerts.yml
loaded) in a temporary directory, drives traffic through the running sandbox for `--traffic-minutes` with
`mmp demo --attach` and `mmp bench --attach` (the token comes from MMP_ADMIN_TOKEN or the stack's stack.env), then
renders the window. `--prometheus URL` renders from a Prometheus that already holds the data (compose's, say) and
starts nothing. Needs: `apt-get install -y prometheus chromium`.
"""

import argparse
import contextlib
import html
import json
import math
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DASHBOARDS = REPO / "deploy" / "grafana" / "dashboards"
ALERTS = REPO / "deploy" / "prometheus" / "alerts.yml"
SERVICES = {"customer-svc": 8001, "platform-svc": 8002, "micollab-svc": 8003, "notify-svc": 8004}
PORT_VARIABLES = {
    "customer-svc": "MMP_CUSTOMER_PORT",
    "platform-svc": "MMP_PLATFORM_PORT",
    "micollab-svc": "MMP_MICOLLAB_PORT",
    "notify-svc": "MMP_NOTIFY_PORT",
}
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
    "--force-device-scale-factor=1",
]

# Grafana's dark theme and its classic palette, so the picture reads like the dashboard it stands for
CANVAS, PANEL, BORDER, TEXT, MUTED, GRID = "#111217", "#181b1f", "#2c3235", "#ccccdc", "#8e8e9e", "#24272c"
PALETTE = ["#7EB26D", "#EAB839", "#6ED0E0", "#EF843C", "#E24D42", "#1F78C1", "#BA43A9", "#705DA0", "#508642"]
PALETTE += ["#CCA300", "#447EBC", "#C15C17", "#890F02", "#0A437C", "#6D1F62", "#584477", "#B7DBAB", "#F4D598"]
NAMED = {
    "green": "#73BF69",
    "red": "#F2495C",
    "orange": "#FF9830",
    "yellow": "#FADE2A",
    "blue": "#5794F2",
    "purple": "#B877D9",
    "text": "#CCCCDC",
    "transparent": "transparent",
}
CELL, MARGIN = 30, 8  # Grafana's grid: a row unit is 30 px, 8 px between panels; 24 columns


@dataclass
class Series:
    name: str
    points: list[tuple[float, float]]
    color: str = ""


@dataclass
class Window:
    start: float
    end: float
    step: float
    rate_interval: str
    instant: float = field(init=False)

    def __post_init__(self) -> None:
        self.instant = self.end


# ---- Prometheus ----------------------------------------------------------------------------------------------


def api(prometheus: str, path: str, **params: str) -> Any:
    url = f"{prometheus.rstrip('/')}{path}?{urllib.parse.urlencode(params)}"
    with urllib.request.urlopen(url, timeout=30) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise RuntimeError(f"{url}: {body}")
    return body["data"]


def legend(template: str, labels: dict[str, str]) -> str:
    if not template:
        return "{" + ", ".join(f'{k}="{v}"' for k, v in sorted(labels.items())) + "}"
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: labels.get(m.group(1), ""), template).strip()


def query_range(prometheus: str, target: dict[str, Any], window: Window) -> list[Series]:
    expr = target["expr"].replace("$__rate_interval", window.rate_interval)
    data = api(
        prometheus,
        "/api/v1/query_range",
        query=expr,
        start=f"{window.start:.3f}",
        end=f"{window.end:.3f}",
        step=f"{window.step:.3f}",
    )
    found = []
    for result in data["result"]:
        points = [(float(t), float(v)) for t, v in result["values"] if not math.isnan(float(v))]
        found.append(Series(legend(target.get("legendFormat", ""), result["metric"]), points))
    return sorted(found, key=lambda s: s.name)


# ---- values and colours --------------------------------------------------------------------------------------


def fmt(value: float, unit: str, decimals: int | None = None) -> str:
    if math.isnan(value) or math.isinf(value):
        return "-"
    if decimals is not None:
        value = round(value, decimals)
    if unit == "percentunit":
        return f"{value * 100:.0f}%" if abs(value) >= 0.1 else f"{value * 100:.1f}%"
    if unit == "s":
        if value == 0:
            return "0 s"
        if value < 1:
            return f"{value * 1000:.0f} ms"
        if value < 90:
            return f"{value:.1f} s"
        if value < 5400:
            return f"{value / 60:.1f} min"
        return f"{value / 3600:.1f} h"
    suffix = {"reqps": "/s"}.get(unit, "")
    if abs(value) >= 1000:
        return f"{value / 1000:.1f}k{suffix}"
    if value == int(value):
        return f"{int(value)}{suffix}"
    return f"{value:.2f}{suffix}" if abs(value) < 10 else f"{value:.1f}{suffix}"


def color(name: str) -> str:
    return NAMED.get(name, name)


def threshold_color(thresholds: dict[str, Any] | None, value: float) -> str:
    chosen = "green"
    for step in (thresholds or {}).get("steps", []):
        if step["value"] is None or value >= step["value"]:
            chosen = step["color"]
    return color(chosen)


def override_colors(panel: dict[str, Any]) -> dict[str, str]:
    found = {}
    for override in panel.get("fieldConfig", {}).get("overrides", []):
        if override["matcher"]["id"] != "byName":
            continue
        for prop in override["properties"]:
            if prop["id"] == "color":
                found[override["matcher"]["options"]] = color(prop["value"].get("fixedColor", "text"))
    return found


# ---- panels as SVG -------------------------------------------------------------------------------------------


def timeseries_svg(panel: dict[str, Any], series: list[Series], width: int, height: int, window: Window) -> str:
    defaults = panel.get("fieldConfig", {}).get("defaults", {})
    unit = defaults.get("unit", "short")
    stacked = defaults.get("custom", {}).get("stacking", {}).get("mode") == "normal"
    shown = [s for s in series if s.points]
    legend_rows = min(len(shown), 4)
    left, right, top, bottom = 58, 10, 6, 24 + 16 * legend_rows
    plot_w, plot_h = width - left - right, height - top - bottom
    if plot_h < 20:
        return ""
    values = [v for s in shown for _, v in s.points]
    ymax = max(values, default=1.0)
    if stacked:
        sums: dict[float, float] = {}
        for s in shown:
            for t, v in s.points:
                sums[t] = sums.get(t, 0.0) + v
        ymax = max(sums.values(), default=1.0)
    steps = [s["value"] for s in defaults.get("thresholds", {}).get("steps", []) if s["value"] is not None]
    if steps and defaults.get("custom", {}).get("thresholdsStyle", {}).get("mode") == "line":
        ymax = max(ymax, min(steps) * 1.1) if ymax > min(steps) * 0.5 else ymax
    ymax = nice_ceiling(ymax if ymax > 0 else 1.0)

    def x(t: float) -> float:
        return left + (t - window.start) / (window.end - window.start) * plot_w

    def y(v: float) -> float:
        return top + plot_h - (v / ymax) * plot_h

    parts = [f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">']
    for i in range(5):
        value = ymax * i / 4
        gy = y(value)
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{gy:.1f}" y2="{gy:.1f}" stroke="{GRID}"/>')
        parts.append(
            f'<text x="{left - 6}" y="{gy + 4:.1f}" fill="{MUTED}" font-size="11" text-anchor="end">'
            f"{html.escape(fmt(value, unit))}</text>"
        )
    parts.append(time_axis(x, window, top + plot_h + 14))
    if steps and defaults.get("custom", {}).get("thresholdsStyle", {}).get("mode") == "line":
        for step in defaults["thresholds"]["steps"]:
            if step["value"] is not None and step["value"] <= ymax:
                ty = y(step["value"])
                parts.append(
                    f'<line x1="{left}" x2="{left + plot_w}" y1="{ty:.1f}" y2="{ty:.1f}" '
                    f'stroke="{color(step["color"])}" stroke-dasharray="6 4"/>'
                )
    base: dict[float, float] = {}
    for s in shown:
        pts = []
        for t, v in s.points:
            lower = base.get(t, 0.0) if stacked else 0.0
            pts.append((t, lower + v, lower))
            if stacked:
                base[t] = lower + v
        for run in runs(pts, window.step):
            line = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v, _ in run)
            floor = " ".join(f"{x(t):.1f},{y(b):.1f}" for t, _, b in reversed(run))
            opacity = 0.25 if stacked else 0.08
            parts.append(f'<polygon points="{line} {floor}" fill="{s.color}" fill-opacity="{opacity}" stroke="none"/>')
            parts.append(f'<polyline points="{line}" fill="none" stroke="{s.color}" stroke-width="1.5"/>')
    # the legend names the series that moved; those at 0 all along are drawn but not listed
    listed = [s for s in shown if any(v for _, v in s.points)] or shown
    parts.append(legend_svg(listed, left, top + plot_h + 32, width - left - right, legend_rows))
    parts.append("</svg>")
    return "".join(parts)


def time_axis(x: Any, window: Window, y: float) -> str:
    parts = []
    for i in range(6):
        t = window.start + (window.end - window.start) * i / 5
        anchor = "start" if i == 0 else "end" if i == 5 else "middle"
        parts.append(
            f'<text x="{x(t):.1f}" y="{y:.1f}" fill="{MUTED}" font-size="11" text-anchor="{anchor}">'
            f"{time.strftime('%H:%M', time.localtime(t))}</text>"
        )
    return "".join(parts)


def legend_svg(series: list[Series], x0: int, y0: int, width: int, rows: int) -> str:
    """As many entries as fit on `rows` lines, then '+N more'."""
    parts, x, row, placed = [], x0, 0, 0
    for s in series:
        text = s.name if len(s.name) <= 48 else s.name[:46] + "…"
        needed = 16 + 6.3 * len(text) + 14
        if x + needed > x0 + width:
            row, x = row + 1, x0
        if row >= rows:
            break
        cy = y0 + row * 16
        parts.append(f'<rect x="{x}" y="{cy - 3}" width="12" height="3" fill="{s.color}"/>')
        parts.append(f'<text x="{x + 16}" y="{cy + 2}" fill="{TEXT}" font-size="11">{html.escape(text)}</text>')
        x += int(needed)
        placed += 1
    if placed < len(series):
        cy = y0 + (rows - 1) * 16
        parts.append(
            f'<text x="{x0 + width}" y="{cy + 2}" fill="{MUTED}" font-size="11" text-anchor="end">'
            f"+{len(series) - placed} more</text>"
        )
    return "".join(parts)


def runs(points: list[tuple[float, float, float]], step: float) -> Iterator[list[tuple[float, float, float]]]:
    """Consecutive points; a gap of more than two steps (no sample) breaks the line, as Grafana does."""
    run: list[tuple[float, float, float]] = []
    for point in points:
        if run and point[0] - run[-1][0] > 2.5 * step:
            yield run
            run = []
        run.append(point)
    if run:
        yield run


def nice_ceiling(value: float) -> float:
    exponent = math.floor(math.log10(value))
    for factor in (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10):
        if factor * 10**exponent >= value:
            return float(factor * 10**exponent)
    return float(10 ** (exponent + 1))


def state_timeline_svg(panel: dict[str, Any], series: list[Series], width: int, height: int, window: Window) -> str:
    left, top, bottom = 150, 4, 20
    rows = max(len(series), 1)
    row_h = (height - top - bottom) / rows
    parts = [f'<svg width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">']

    def x(t: float) -> float:
        return left + (t - window.start) / (window.end - window.start) * (width - left - 10)

    for i, s in enumerate(series):
        ry = top + i * row_h
        parts.append(
            f'<text x="{left - 8}" y="{ry + row_h / 2 + 4:.1f}" fill="{TEXT}" font-size="11" text-anchor="end">'
            f"{html.escape(s.name)}</text>"
        )
        parts.append(
            f'<rect x="{left}" y="{ry + 2:.1f}" width="{width - left - 10}" height="{row_h - 4:.1f}" fill="{GRID}"/>'
        )
        for run in runs([(t, v, 0.0) for t, v in s.points if v >= 1], window.step):
            x1, x2 = x(run[0][0]), x(run[-1][0] + window.step)
            parts.append(
                f'<rect x="{x1:.1f}" y="{ry + 2:.1f}" width="{max(x2 - x1, 2):.1f}" height="{row_h - 4:.1f}" '
                f'fill="{s.color}" fill-opacity="0.85"/>'
            )
    parts.append(time_axis(x, window, height - 5))
    parts.append("</svg>")
    return "".join(parts)


def stat_html(panel: dict[str, Any], series: list[Series]) -> tuple[str, str]:
    """The last value (or the series' name, textMode "name") and the background it takes."""
    defaults = panel.get("fieldConfig", {}).get("defaults", {})
    unit = defaults.get("unit", "short")
    names = override_colors(panel)
    current = [s for s in series if s.points]
    if not current:
        return "No data", PANEL
    if panel.get("options", {}).get("textMode") == "name":
        s = current[0]
        return html.escape(s.name), names.get(s.name, threshold_color(defaults.get("thresholds"), s.points[-1][1]))
    value = sum(s.points[-1][1] for s in current)
    text = fmt(value, unit, defaults.get("decimals"))
    return html.escape(text), threshold_color(defaults.get("thresholds"), value)


# ---- the page ------------------------------------------------------------------------------------------------


def render_page(dashboard: dict[str, Any], prometheus: str, window: Window, width: int) -> tuple[str, int]:
    column = (width - 2 * MARGIN - 23 * MARGIN) / 24
    header = 56
    bodies, bottom = [], 0
    for panel in dashboard["panels"]:
        grid = panel["gridPos"]
        px = MARGIN + grid["x"] * (column + MARGIN)
        py = header + grid["y"] * (CELL + MARGIN)
        pw = grid["w"] * column + (grid["w"] - 1) * MARGIN
        ph = grid["h"] * CELL + (grid["h"] - 1) * MARGIN
        bottom = max(bottom, int(py + ph))
        title = html.escape(panel.get("title", ""))
        if panel["type"] == "row":
            bodies.append(f'<div class="row" style="left:{px:.0f}px;top:{py:.0f}px;width:{pw:.0f}px">{title}</div>')
            continue
        series = [s for target in panel.get("targets", []) for s in query_range(prometheus, target, window)]
        names = override_colors(panel)
        for i, s in enumerate(series):
            s.color = names.get(s.name, PALETTE[i % len(PALETTE)])
        inner_w, inner_h = int(pw) - 16, int(ph) - 36
        if panel["type"] == "stat":
            text, background = stat_html(panel, series)
            style = f"background:{background};" if background not in ("transparent", PANEL) else ""
            size = 30 if len(text) < 12 else 20
            content = f'<div class="stat" style="height:{inner_h}px;font-size:{size}px">{text}</div>'
            bodies.append(panel_div(px, py, pw, ph, title, content, style))
        elif panel["type"] == "state-timeline":
            content = state_timeline_svg(panel, series, inner_w, inner_h, window)
            bodies.append(panel_div(px, py, pw, ph, title, content))
        else:
            if not any(s.points for s in series):
                content = f'<div class="nodata" style="height:{inner_h}px">No data</div>'
            else:
                content = timeseries_svg(panel, series, inner_w, inner_h, window)
            bodies.append(panel_div(px, py, pw, ph, title, content))
    span = (
        time.strftime("%Y-%m-%d %H:%M", time.localtime(window.start))
        + " to "
        + time.strftime("%H:%M", time.localtime(window.end))
    )
    height = bottom + MARGIN
    page = f"""<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin:0; background:{CANVAS}; color:{TEXT}; font-family: Inter, "Helvetica Neue", Arial, sans-serif;
  width:{width}px; height:{height}px; position:relative; overflow:hidden; }}
.header {{ position:absolute; left:{MARGIN}px; top:10px; right:{MARGIN}px; height:36px; display:flex;
  align-items:center; justify-content:space-between; }}
.header h1 {{ font-size:18px; font-weight:500; margin:0; }}
.header span {{ font-size:12px; color:{MUTED}; }}
.panel {{ position:absolute; background:{PANEL}; border:1px solid {BORDER}; border-radius:2px; box-sizing:border-box;
  overflow:hidden; }}
.panel .title {{ font-size:13px; font-weight:500; padding:6px 8px 4px 8px; height:20px; white-space:nowrap;
  overflow:hidden; text-overflow:ellipsis; }}
.panel .body {{ padding:4px 8px; }}
.row {{ position:absolute; height:{CELL}px; line-height:{CELL}px; font-size:15px; font-weight:500; }}
.stat {{ display:flex; align-items:center; justify-content:center; font-weight:500; color:#fff; }}
.nodata {{ display:flex; align-items:center; justify-content:center; color:{MUTED}; font-size:13px; }}
</style></head><body>
<div class="header"><h1>{html.escape(dashboard["title"])}</h1>
<span>{span} · Prometheus {html.escape(prometheus)} · drawn from the dashboard's own queries by
deploy/grafana/render_snapshot.py</span></div>
{"".join(bodies)}
</body></html>"""
    return page, height


def panel_div(x: float, y: float, w: float, h: float, title: str, content: str, style: str = "") -> str:
    return (
        f'<div class="panel" style="left:{x:.0f}px;top:{y:.0f}px;width:{w:.0f}px;height:{h:.0f}px;{style}">'
        f'<div class="title">{title}</div><div class="body">{content}</div></div>'
    )


def screenshot(chromium: str, page: Path, out: Path, width: int, height: int) -> None:
    with tempfile.TemporaryDirectory(prefix="mmp-chromium-") as profile:
        subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={out}",
                page.as_uri(),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=120,
        )


# ---- a Prometheus of its own, and traffic --------------------------------------------------------------------


@contextlib.contextmanager
def local_prometheus(binary: str, port: int, targets: dict[str, str], keep: Path | None) -> Iterator[str]:
    workdir = Path(tempfile.mkdtemp(prefix="mmp-prometheus-"))
    jobs = "".join(
        f"""  - job_name: {name}
    static_configs:
      - targets: ["{target}"]
        labels: {{service: {name}}}
"""
        for name, target in targets.items()
    )
    config = workdir / "prometheus.yml"
    config.write_text(
        f"""global:
  scrape_interval: 5s
  evaluation_interval: 5s
rule_files:
  - {ALERTS}
scrape_configs:
{jobs}"""
    )
    log = (workdir / "prometheus.log").open("w")
    process = subprocess.Popen(
        [
            binary,
            f"--config.file={config}",
            f"--storage.tsdb.path={workdir / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/-/ready", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"prometheus did not start; see {workdir / 'prometheus.log'}") from None
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()
        if keep is None:
            shutil.rmtree(workdir, ignore_errors=True)


def admin_token() -> str:
    token = os.environ.get("MMP_ADMIN_TOKEN")
    session = Path(os.environ.get("MMP_WORKDIR", REPO / ".mmp")) / "stack.env"
    if not token and session.exists():
        for line in session.read_text().splitlines():
            name, _, value = line.partition("=")
            if name == "MMP_ADMIN_TOKEN":
                token = value
    if not token:
        raise SystemExit("no MMP_ADMIN_TOKEN and no stack.env: start the sandbox with `mmp up` first")
    return token


def drive_traffic(minutes: float, customers: int, targets: dict[str, str]) -> None:
    """The demo (a healthy customer, a rolled-back one, an edit, DID ranges, a delete, demo mode) and benches,
    one after another, until the time is up; and a few refused requests, so the error panels have something."""
    mmp = str(REPO / ".venv" / "bin" / "mmp")
    env = {**os.environ, "MMP_ADMIN_TOKEN": admin_token()}
    for name, target in targets.items():
        env[PORT_VARIABLES[name]] = target.rsplit(":", 1)[1]
    deadline = time.monotonic() + minutes * 60
    scenarios = [[mmp, "demo", "--attach"], [mmp, "bench", "--attach", "--customers", str(customers)]]
    round_ = 0
    while time.monotonic() < deadline:
        command = scenarios[round_ % len(scenarios)]
        print(f"traffic: {' '.join(command[1:])}", flush=True)
        subprocess.run(command, env=env, check=False, stdout=subprocess.DEVNULL, timeout=900)
        refused_requests(f"http://{targets['customer-svc']}", env["MMP_ADMIN_TOKEN"])
        round_ += 1
        time.sleep(5)


def refused_requests(customer_svc: str, token: str) -> None:
    calls = [
        ("POST", "/api/v1/customers", b'{"details": {}}', token),  # 422: fields missing
        ("GET", "/api/v1/customers/no-such-customer", None, token),  # 404
        ("GET", "/api/v1/customers", None, "not-a-token"),  # 401
    ]
    for method, path, body, bearer in calls:
        request = urllib.request.Request(
            customer_svc + path,
            data=body,
            method=method,
            headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"},
        )
        with contextlib.suppress(OSError):
            urllib.request.urlopen(request, timeout=10).close()


def service_targets(host: str) -> dict[str, str]:
    return {name: f"{host}:{os.environ.get(PORT_VARIABLES[name], port)}" for name, port in SERVICES.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prometheus", help="render from this Prometheus (starts nothing, drives no traffic)")
    parser.add_argument("--prometheus-bin", default=shutil.which("prometheus") or "prometheus")
    parser.add_argument("--prometheus-port", type=int, default=19090)
    parser.add_argument("--host", default="127.0.0.1", help="where the sandbox's services listen")
    parser.add_argument("--traffic-minutes", type=float, default=8.0)
    parser.add_argument("--bench-customers", type=int, default=40)
    parser.add_argument("--minutes", type=float, help="the window drawn (default: the traffic's, plus one)")
    parser.add_argument("--rate-interval", default="1m", help="what $__rate_interval stands for")
    parser.add_argument("--dashboard", type=Path, default=DASHBOARDS / "mmp-overview.json")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "dashboard.png")
    parser.add_argument("--html", type=Path, help="also keep the page drawn")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    parser.add_argument("--width", type=int, default=1600)
    args = parser.parse_args()
    dashboard = json.loads(args.dashboard.read_text())
    targets = service_targets(args.host)

    with contextlib.ExitStack() as scope:
        prometheus = args.prometheus
        if prometheus is None:
            prometheus = scope.enter_context(local_prometheus(args.prometheus_bin, args.prometheus_port, targets, None))
            print(f"prometheus at {prometheus}, scraping {', '.join(targets.values())}", flush=True)
            drive_traffic(args.traffic_minutes, args.bench_customers, targets)
            time.sleep(20)  # the last scrapes and rule evaluations
        minutes = args.minutes or (args.traffic_minutes + 1 if args.prometheus is None else 60)
        end = time.time()
        start = end - minutes * 60
        window = Window(start, end, max(5.0, (end - start) / 240), args.rate_interval)
        page, height = render_page(dashboard, prometheus, window, args.width)
        with tempfile.TemporaryDirectory(prefix="mmp-snapshot-") as workdir:
            path = Path(workdir) / "dashboard.html"
            path.write_text(page)
            if args.html:
                shutil.copy(path, args.html)
            args.out.parent.mkdir(parents=True, exist_ok=True)
            screenshot(args.chromium, path, args.out, args.width, height)
    print(f"wrote {args.out} ({args.width}x{height})")


if __name__ == "__main__":
    main()
